//! The offer's code, its tries and its lifetime: a 6-digit code drawn
//! uniformly from the OS's CSPRNG, a counter that locks the offer after
//! [`MAX_WRONG_CODES`] failed pairings, and an expiry after [`OFFER_LIFETIME`].

use super::{NearbyError, Refusal, Result};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Digits in a code.
pub const CODE_DIGITS: usize = 6;
/// Failed pairings after which an offer is locked for good.
pub const MAX_WRONG_CODES: u32 = 5;
/// How long an offer can be taken.
pub const OFFER_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// The number of distinct codes.
const CODES: u32 = 1_000_000;

/// A pairing code: exactly [`CODE_DIGITS`] ASCII digits.
#[derive(Clone, PartialEq, Eq)]
pub struct Code(String);

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Code(******)")
    }
}

impl Code {
    /// A fresh code, uniform over 000000–999999 (rejection sampling, so no
    /// code is likelier than another).
    pub fn generate() -> Result<Code> {
        // The largest multiple of CODES that fits in a u32: values at or
        // above it would make the low codes likelier, so they are drawn again.
        let limit = u32::MAX - (u32::MAX % CODES);
        loop {
            let mut b = [0u8; 4];
            getrandom::fill(&mut b)
                .map_err(|e| NearbyError::Tls(format!("tilfældige tal: {e}")))?;
            let v = u32::from_le_bytes(b);
            if v < limit {
                return Ok(Code(format!("{:06}", v % CODES)));
            }
        }
    }

    /// A code as typed: digits, with any spaces or dashes between them.
    pub fn parse(typed: &str) -> Result<Code> {
        let digits: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if digits.len() == CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Code(digits))
        } else {
            Err(NearbyError::BadCode)
        }
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As shown on the offerer's screen: «123 456».
    pub fn display(&self) -> String {
        format!("{} {}", &self.0[..3], &self.0[3..])
    }
}

/// The tries and lifetime of one offer, shared by its connections.
#[derive(Debug)]
pub struct Guard {
    created: Instant,
    lifetime: Duration,
    max_wrong: u32,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Pairings that failed (wrong code, tampering, or abandoned midway).
    wrong: u32,
    /// Pairings under way: each holds a try until it is confirmed.
    pending: u32,
    /// Pairings that succeeded.
    confirmed: u32,
}

/// What a guard has seen so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuardCounts {
    /// Failed pairings.
    pub wrong: u32,
    /// Confirmed pairings.
    pub confirmed: u32,
    /// Whether the offer is locked.
    pub locked: bool,
}

impl Guard {
    /// A guard with the standard lifetime and number of tries.
    pub fn new() -> Guard {
        Guard::with_limits(OFFER_LIFETIME, MAX_WRONG_CODES)
    }

    /// A guard with its own limits (tests).
    pub fn with_limits(lifetime: Duration, max_wrong: u32) -> Guard {
        Guard {
            created: Instant::now(),
            lifetime,
            max_wrong,
            state: Mutex::new(State::default()),
        }
    }

    fn lock_state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether the offer is past its lifetime.
    pub fn expired(&self) -> bool {
        self.created.elapsed() >= self.lifetime
    }

    /// When the offer expires, from now.
    pub fn remaining(&self) -> Duration {
        self.lifetime.saturating_sub(self.created.elapsed())
    }

    /// The counts so far.
    pub fn counts(&self) -> GuardCounts {
        let s = self.lock_state();
        GuardCounts {
            wrong: s.wrong,
            confirmed: s.confirmed,
            locked: s.wrong >= self.max_wrong,
        }
    }

    /// Tries left before the offer locks.
    pub fn tries_left(&self) -> u32 {
        self.max_wrong.saturating_sub(self.lock_state().wrong)
    }

    /// Takes a try before a pairing starts. The try counts as wrong unless
    /// [`Attempt::confirmed`] is called, so an abandoned pairing costs the
    /// same as a wrong code, and tries under way count against the limit
    /// (no parallel guessing past it).
    pub fn admit(&self) -> std::result::Result<Attempt<'_>, Refusal> {
        if self.expired() {
            return Err(Refusal::Expired);
        }
        let mut s = self.lock_state();
        if s.wrong >= self.max_wrong {
            return Err(Refusal::Locked);
        }
        if s.wrong + s.pending >= self.max_wrong {
            return Err(Refusal::Busy);
        }
        s.pending += 1;
        Ok(Attempt {
            guard: self,
            done: false,
        })
    }
}

impl Default for Guard {
    fn default() -> Self {
        Guard::new()
    }
}

/// One pairing's try, counted as wrong when dropped unconfirmed.
#[derive(Debug)]
pub struct Attempt<'a> {
    guard: &'a Guard,
    done: bool,
}

impl Attempt<'_> {
    /// Both sides confirmed: the try is given back.
    pub fn confirmed(mut self) {
        let mut s = self.guard.lock_state();
        s.pending -= 1;
        s.confirmed += 1;
        self.done = true;
    }

    /// Fails the try now and says how many are left.
    pub fn failed(mut self) -> u32 {
        let mut s = self.guard.lock_state();
        s.pending -= 1;
        s.wrong += 1;
        self.done = true;
        self.guard.max_wrong.saturating_sub(s.wrong)
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.done {
            let mut s = self.guard.lock_state();
            s.pending -= 1;
            s.wrong += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_spread_over_the_range() {
        let mut first_digit = [0u32; 10];
        let mut seen = std::collections::HashSet::new();
        for _ in 0..5000 {
            let c = Code::generate().unwrap();
            assert_eq!(c.as_str().len(), CODE_DIGITS);
            assert!(c.as_str().bytes().all(|b| b.is_ascii_digit()));
            first_digit[(c.as_str().as_bytes()[0] - b'0') as usize] += 1;
            seen.insert(c.as_str().to_string());
        }
        // 5000 draws from a million: about 12.5 collisions are expected
        // (n²/2N, Poisson), so more than 40 would say the draw is not uniform
        // (at 20 this failed about one run in thirty); and every leading
        // digit turns up about 500 times (a bias toward low codes would not).
        assert!(seen.len() > 4960, "{} distinct", seen.len());
        for (d, n) in first_digit.iter().enumerate() {
            assert!((350..650).contains(n), "leading digit {d}: {n}");
        }
    }

    #[test]
    fn codes_are_parsed_as_typed_and_never_printed() {
        assert_eq!(Code::parse("123 456").unwrap().as_str(), "123456");
        assert_eq!(Code::parse(" 012-345 ").unwrap().as_str(), "012345");
        assert_eq!(Code::parse("012345").unwrap().display(), "012 345");
        for bad in ["12345", "1234567", "12345a", "", "١٢٣٤٥٦"] {
            assert!(
                matches!(Code::parse(bad), Err(NearbyError::BadCode)),
                "{bad}"
            );
        }
        assert!(!format!("{:?}", Code::parse("123456").unwrap()).contains("123"));
    }

    #[test]
    fn wrong_tries_lock_and_pending_tries_count() {
        let g = Guard::with_limits(Duration::from_secs(60), 3);
        g.admit().unwrap().confirmed();
        assert_eq!(g.tries_left(), 3);
        assert_eq!(g.admit().unwrap().failed(), 2);
        drop(g.admit().unwrap()); // abandoned: counts as wrong
        assert_eq!(g.tries_left(), 1);
        let last = g.admit().unwrap();
        // The last try is under way: no one else may start one.
        assert_eq!(g.admit().unwrap_err(), Refusal::Busy);
        assert_eq!(last.failed(), 0);
        assert_eq!(g.admit().unwrap_err(), Refusal::Locked);
        assert_eq!(
            g.counts(),
            GuardCounts {
                wrong: 3,
                confirmed: 1,
                locked: true
            }
        );
    }

    #[test]
    fn an_expired_offer_admits_no_one() {
        let g = Guard::with_limits(Duration::from_millis(30), 5);
        assert!(g.admit().is_ok());
        std::thread::sleep(Duration::from_millis(40));
        assert!(g.expired());
        assert_eq!(g.admit().unwrap_err(), Refusal::Expired);
    }
}
