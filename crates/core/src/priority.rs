//! Background work yields the CPU to the member: the thread of a background
//! sync lowers its own scheduling priority, and what it starts (tantivy's
//! indexing and merge threads, the PDF worker processes) inherits it, so
//! searches on a 2-core laptop keep their speed while a sync indexes.

/// How much lower than normal (the `nice` value).
#[cfg(target_os = "linux")]
const BACKGROUND_NICE: i32 = 10;

/// Lowers the calling thread's priority for good (an unprivileged process
/// cannot raise it again): call it only on a thread that does background
/// work and then ends. On Linux the nice value is the thread's own; elsewhere
/// nothing is changed.
pub(crate) fn background_thread() {
    #[cfg(target_os = "linux")]
    {
        // On Linux `setpriority(PRIO_PROCESS, 0, …)` is the calling thread's.
        // Failing only leaves the priority as it was.
        let _ = rustix::process::setpriority_process(None, BACKGROUND_NICE);
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn only_the_calling_thread_is_lowered() {
        let before = rustix::process::getpriority_process(None).unwrap();
        let inside = std::thread::spawn(|| {
            super::background_thread();
            let me = rustix::process::getpriority_process(None).unwrap();
            // A thread it starts inherits the lower priority.
            let child = std::thread::spawn(|| rustix::process::getpriority_process(None).unwrap())
                .join()
                .unwrap();
            (me, child)
        })
        .join()
        .unwrap();
        let lowered = (before + 10).min(19);
        assert_eq!(inside, (lowered, lowered));
        assert_eq!(rustix::process::getpriority_process(None).unwrap(), before);
    }
}
