//! Locking the vault when the computer sleeps (issue 17), for the long-running
//! programs (`serve`, the window): on Linux, logind's `PrepareForSleep` on the
//! system bus, with a delay inhibitor so the lock is done before the machine
//! sleeps; everywhere, a wall clock that ran ahead of the monotonic clock
//! (the machine slept) locks it on waking, in case no one said so before.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// How often the clocks are compared.
const TICK: Duration = Duration::from_secs(3);
/// How far the wall clock may run ahead of the monotonic clock between two
/// ticks (a clock set by NTP, a busy machine) before it counts as sleep.
const SLEPT: Duration = Duration::from_secs(60);
/// A lock logind asked for this recently (monotonic time, which stands still
/// during sleep) covers the sleep the clocks then see.
const TOLD_COVERS: Duration = Duration::from_secs(30);

/// Why the vault is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cause {
    /// The system said the computer is going to sleep.
    GoingToSleep,
    /// The clocks show the computer slept (no one said so before).
    Slept,
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Cause::GoingToSleep => "computeren går i dvale",
            Cause::Slept => "computeren har været i dvale",
        })
    }
}

/// Watches for sleep while it lives; dropping it stops the watch (its
/// threads end within a few seconds).
pub struct SleepWatch {
    stop: Arc<AtomicBool>,
}

impl Drop for SleepWatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// What the watching threads share.
struct Watcher {
    lock: Box<dyn Fn(Cause) + Send + Sync>,
    /// When logind last asked for a lock; held while locking, so one lock
    /// runs at a time.
    told: Mutex<Option<Instant>>,
    stop: Arc<AtomicBool>,
}

impl Watcher {
    fn lock(&self, cause: Cause) {
        let mut told = self.told.lock().unwrap_or_else(|p| p.into_inner());
        if cause == Cause::Slept && told.is_some_and(|t| t.elapsed() < TOLD_COVERS) {
            return;
        }
        (self.lock)(cause);
        if cause == Cause::GoingToSleep {
            *told = Some(Instant::now());
        }
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

/// Starts watching: `lock` runs (on a watching thread) when the computer
/// goes to sleep or has slept; `log` gets a plain line about the watch
/// itself (no system bus, say).
pub(crate) fn watch(
    lock: impl Fn(Cause) + Send + Sync + 'static,
    log: impl Fn(&str) + Send + Sync + 'static,
) -> SleepWatch {
    let stop = Arc::new(AtomicBool::new(false));
    let watcher = Arc::new(Watcher {
        lock: Box::new(lock),
        told: Mutex::new(None),
        stop: stop.clone(),
    });
    let log: Log = Arc::new(log);
    #[cfg(target_os = "linux")]
    {
        let (watcher, log) = (watcher.clone(), log.clone());
        spawn("sleep-logind", move || logind::watch(&watcher, &*log));
    }
    #[cfg(not(target_os = "linux"))]
    let _ = &log;
    spawn("sleep-clock", move || watch_clock(&watcher));
    SleepWatch { stop }
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) {
    // Without a thread the vault is still locked by hand and by the app's
    // idle time; nothing else depends on these.
    let _ = std::thread::Builder::new().name(name.into()).spawn(f);
}

/// Compares the clocks every [`TICK`]: std's monotonic clock stands still
/// while the computer sleeps on Linux (`CLOCK_MONOTONIC`) and macOS, the
/// wall clock does not. (Windows' counts sleep: there this never fires.)
fn watch_clock(watcher: &Watcher) {
    let (mut mono, mut wall) = (Instant::now(), SystemTime::now());
    while !watcher.stopped() {
        std::thread::sleep(TICK);
        let (mono_now, wall_now) = (Instant::now(), SystemTime::now());
        if slept(mono_now - mono, wall, wall_now) {
            watcher.lock(Cause::Slept);
        }
        (mono, wall) = (mono_now, wall_now);
    }
}

/// Whether the wall clock went from `wall_before` to `wall_now` more than
/// [`SLEPT`] beyond the `mono` that passed meanwhile. A clock set back is
/// no sleep.
fn slept(mono: Duration, wall_before: SystemTime, wall_now: SystemTime) -> bool {
    wall_now
        .duration_since(wall_before)
        .is_ok_and(|wall| wall.saturating_sub(mono) > SLEPT)
}

/// logind on the system bus (systemd-logind, elogind).
#[cfg(target_os = "linux")]
mod logind {
    use std::cell::RefCell;
    use std::rc::Rc;
    use std::time::Duration;

    use dbus::arg::OwnedFd;
    use dbus::blocking::LocalConnection;
    use dbus::message::MatchRule;

    use super::{Cause, Watcher};

    const SERVICE: &str = "org.freedesktop.login1";
    const PATH: &str = "/org/freedesktop/login1";
    const MANAGER: &str = "org.freedesktop.login1.Manager";

    /// Listens for `PrepareForSleep(start)` until the watch stops or the bus
    /// goes away. While awake it holds a delay inhibitor (logind waits for
    /// it, up to its `InhibitDelayMaxSec`, 5 s by default, before sleeping),
    /// lets it go once the vault is locked, and takes a new one on waking.
    /// Any sender may say so: a false signal can only lock the vault.
    pub(super) fn watch(watcher: &Watcher, log: &dyn Fn(&str)) {
        let conn = match LocalConnection::new_system() {
            Ok(c) => c,
            Err(e) => {
                log(&format!(
                    "Boksen låses først, når computeren vågner efter dvale: systemets D-Bus svarer ikke ({})",
                    e.message().unwrap_or("ukendt fejl")
                ));
                return;
            }
        };
        let said: Rc<RefCell<Vec<bool>>> = Rc::default();
        let queue = said.clone();
        let rule = MatchRule::new_signal(MANAGER, "PrepareForSleep").with_path(PATH);
        let listening = conn.add_match(rule, move |(start,): (bool,), _, _| {
            queue.borrow_mut().push(start);
            true
        });
        if let Err(e) = listening {
            log(&format!(
                "Boksen låses først, når computeren vågner efter dvale: D-Bus ({})",
                e.message().unwrap_or("ukendt fejl")
            ));
            return;
        }
        let mut told_why = false;
        let mut inhibitor = inhibit(&conn, &mut told_why, log);
        while !watcher.stopped() {
            if conn.process(Duration::from_millis(500)).is_err() {
                log("Forbindelsen til systemets D-Bus er tabt; boksen låses først, når computeren vågner efter dvale");
                return;
            }
            let starts: Vec<bool> = said.borrow_mut().drain(..).collect();
            for start in starts {
                if start {
                    watcher.lock(Cause::GoingToSleep);
                    // Closed: logind may let the computer sleep now.
                    inhibitor = None;
                } else if inhibitor.is_none() {
                    inhibitor = inhibit(&conn, &mut told_why, log);
                }
            }
        }
    }

    /// A delay inhibitor for sleep, or `None` (without logind, or refused):
    /// then the vault is still locked when the signal comes, only perhaps
    /// not before the computer sleeps. Says why once.
    fn inhibit(conn: &LocalConnection, told: &mut bool, log: &dyn Fn(&str)) -> Option<OwnedFd> {
        let logind = conn.with_proxy(SERVICE, PATH, Duration::from_secs(5));
        let args = (
            "sleep",
            "Mødemappe",
            "Låser boksen med det lukkede materiale",
            "delay",
        );
        match logind.method_call::<(OwnedFd,), _, _, _>(MANAGER, "Inhibit", args) {
            Ok((fd,)) => Some(fd),
            Err(e) => {
                if !std::mem::replace(told, true) {
                    log(&format!(
                        "Computeren venter ikke på, at boksen låses, før den går i dvale ({})",
                        e.message().unwrap_or("ukendt fejl")
                    ));
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wall_clock_running_a_minute_ahead_of_the_monotonic_one_is_sleep() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let s = Duration::from_secs;
        // Awake: both clocks moved alike, or NTP nudged the wall clock.
        assert!(!slept(s(3), t, t + s(3)));
        assert!(!slept(s(3), t, t + s(50)));
        // The clock set back is no sleep.
        assert!(!slept(s(3), t, t - s(3600)));
        // Asleep for ten minutes between two ticks.
        assert!(slept(s(3), t, t + s(603)));
        assert!(slept(Duration::ZERO, t, t + s(61)));
    }

    #[test]
    fn a_sleep_logind_announced_is_locked_once_and_a_later_one_again() {
        let (tx, rx) = std::sync::mpsc::channel();
        let watcher = Watcher {
            lock: Box::new(move |cause| tx.send(cause).unwrap()),
            told: Mutex::new(None),
            stop: Arc::default(),
        };
        watcher.lock(Cause::GoingToSleep);
        watcher.lock(Cause::Slept);
        assert_eq!(rx.try_iter().collect::<Vec<_>>(), [Cause::GoingToSleep]);
        *watcher.told.lock().unwrap() = Instant::now().checked_sub(TOLD_COVERS);
        watcher.lock(Cause::Slept);
        assert_eq!(rx.try_iter().collect::<Vec<_>>(), [Cause::Slept]);
    }
}
