//! What a server holds for sharing nearby: at most one running offer, and
//! the member's take under way (or the last one) with its progress and a
//! cancel flag. The take runs on a thread of its own; the handlers only
//! read its state.

use super::view::{NearbyOfferView, NearbyTakePhase, NearbyTakeState};
use moedemappe_core::api::{NearbyOffering, Progress, Tick, MAX_WRONG_CODES, OFFER_LIFETIME};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime};

/// A running offer, with when it started (for its expiry).
pub(crate) struct Running {
    pub(crate) offering: NearbyOffering,
    started: Instant,
    started_at: SystemTime,
    /// The address to type, worked out once.
    address: String,
}

impl Running {
    pub(crate) fn new(offering: NearbyOffering) -> Running {
        let addr = offering.addr();
        let address = match moedemappe_core::api::local_ipv4() {
            Some(ip) if addr.ip().is_unspecified() => format!("{ip}:{}", addr.port()),
            _ => addr.to_string(),
        };
        Running {
            offering,
            started: Instant::now(),
            started_at: SystemTime::now(),
            address,
        }
    }

    /// Whether it can still be taken.
    pub(crate) fn live(&self) -> bool {
        !self.offering.expired() && !self.offering.counts().locked && !self.offering.withdrawn()
    }

    /// What the member's screen shows.
    pub(crate) fn view(&self) -> NearbyOfferView {
        let o = &self.offering;
        let info = o.info();
        let counts = o.counts();
        let expired = o.expired();
        let left = OFFER_LIFETIME.saturating_sub(self.started.elapsed());
        let expires_at: chrono::DateTime<chrono::Utc> = (self.started_at + OFFER_LIFETIME).into();
        NearbyOfferView {
            id: info.id.clone(),
            kind: info.kind.into(),
            title: info.title.clone(),
            from: info.from.clone(),
            code: o.code().as_str().to_string(),
            code_display: o.code().display(),
            address: self.address.clone(),
            announced: o.announced(),
            expires_at: expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            seconds_left: if expired { 0 } else { left.as_secs() },
            confirmed: counts.confirmed,
            wrong: counts.wrong,
            tries_left: MAX_WRONG_CODES.saturating_sub(counts.wrong),
            locked: counts.locked,
            expired,
            withdrawn: o.withdrawn(),
        }
    }
}

/// The server's nearby state (cheap to clone: shared).
#[derive(Clone, Default)]
pub(crate) struct Nearby {
    offer: Arc<Mutex<Option<Running>>>,
    take: Arc<Mutex<NearbyTakeState>>,
    cancel: Arc<Mutex<Arc<AtomicBool>>>,
}

impl Default for NearbyTakeState {
    fn default() -> Self {
        NearbyTakeState::idle()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Nearby {
    /// The running offer (none, or one that may have expired or locked).
    pub(crate) fn offer(&self) -> MutexGuard<'_, Option<Running>> {
        lock(&self.offer)
    }

    /// The take's state now.
    pub(crate) fn take_state(&self) -> NearbyTakeState {
        lock(&self.take).clone()
    }

    /// Starts a take unless one is running: its cancel flag and progress.
    pub(crate) fn begin_take(&self) -> Option<(Arc<AtomicBool>, TakeProgress)> {
        let mut state = lock(&self.take);
        if state.running {
            return None;
        }
        *state = NearbyTakeState {
            phase: NearbyTakePhase::Finding,
            running: true,
            ..NearbyTakeState::idle()
        };
        let flag = Arc::new(AtomicBool::new(false));
        *lock(&self.cancel) = flag.clone();
        Some((
            flag,
            TakeProgress {
                state: self.take.clone(),
            },
        ))
    }

    /// Asks the running take to stop.
    pub(crate) fn cancel_take(&self) {
        lock(&self.cancel).store(true, Ordering::Relaxed);
    }
}

/// The progress of one take, written into the server's state.
pub(crate) struct TakeProgress {
    state: Arc<Mutex<NearbyTakeState>>,
}

impl TakeProgress {
    /// Moves the take to `phase`.
    pub(crate) fn phase(&self, phase: NearbyTakePhase) {
        lock(&self.state).phase = phase;
    }

    /// Ends the take as `f` sets it.
    pub(crate) fn finish(&self, f: impl FnOnce(&mut NearbyTakeState)) {
        let mut state = lock(&self.state);
        f(&mut state);
        state.running = false;
    }
}

impl Progress for TakeProgress {
    fn begin(&self, _task: &str, total: u64) {
        let mut s = lock(&self.state);
        s.phase = NearbyTakePhase::Receiving;
        s.total = total;
    }
    fn update(&self, tick: Tick) {
        lock(&self.state).bytes = tick.bytes;
    }
    fn end(&self) {
        lock(&self.state).phase = NearbyTakePhase::Importing;
    }
}
