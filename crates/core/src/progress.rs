//! Progress that long operations report (files, pages, failures), so a terminal
//! can draw a bar and a window a progress indicator. The core never prints.

/// Counters of a running task.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tick {
    /// Files (or other units) done.
    pub done: u64,
    /// Pages read so far.
    pub pages: u64,
    /// Files that failed so far.
    pub failures: u64,
    /// Bytes downloaded so far.
    pub bytes: u64,
}

/// Receives progress. All methods have empty defaults.
pub trait Progress: Sync {
    /// A task starts; `total` units are expected (0 when unknown).
    fn begin(&self, _task: &str, _total: u64) {}
    /// The counters of the running task.
    fn update(&self, _tick: Tick) {}
    /// The running task is finished.
    fn end(&self) {}
}

/// Progress that goes nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}
