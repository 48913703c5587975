//! The pool of worker processes: a deadline per file, and recovery from workers that
//! crash or hang.
//!
//! Each pool thread owns one child process and pulls jobs from a shared queue. A reader
//! thread per child turns its stdout into a channel of lines, so a reply can be awaited
//! with a deadline. Results go over a channel to the calling thread, which alone calls
//! `on_done`.

use super::worker::{CountReply, Mode, Request};
use super::Extraction;
use crate::{Error, Result};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;
use wait_timeout::ChildExt;

/// How long a worker may take to exit after its stdin closed (or it closed stdout)
/// before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// How to start a worker process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerCommand {
    /// The executable.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<OsString>,
}

impl WorkerCommand {
    /// The running executable with the argument `extract-worker` (the `moedemappe` CLI
    /// dispatches that to [`super::worker_main`]).
    pub fn current_exe() -> Result<Self> {
        let program = std::env::current_exe().map_err(|e| Error::io("moedemappe", e))?;
        Ok(WorkerCommand {
            program,
            args: vec![OsString::from(crate::api::WORKER_ARG)],
        })
    }
}

/// Settings of [`extract_all`].
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// How long one file may take before its worker is killed.
    pub deadline: Duration,
    /// How many worker processes run at once (at least one is used).
    pub workers: usize,
    /// How to start a worker.
    pub command: WorkerCommand,
}

impl ExtractOptions {
    /// A 60 s deadline and one worker per available core, with the given command.
    pub fn new(command: WorkerCommand) -> Self {
        ExtractOptions {
            deadline: Duration::from_secs(60),
            workers: thread::available_parallelism().map_or(1, |n| n.get()),
            command,
        }
    }

    /// [`ExtractOptions::new`] with [`WorkerCommand::current_exe`].
    pub fn for_current_exe() -> Result<Self> {
        Ok(Self::new(WorkerCommand::current_exe()?))
    }
}

/// Extracts the text of every job's file in worker processes and hands each result to
/// `on_done` as soon as it is ready (in completion order, always on the calling thread).
///
/// A file that makes its worker crash or overrun the deadline gets an unreadable
/// [`Extraction`] whose page count comes from a fresh worker's lopdf 0.47 count. Returns
/// an error only when a worker process cannot be started at all; results delivered
/// before that stand.
pub fn extract_all<K: Send>(
    jobs: Vec<(K, PathBuf)>,
    opts: &ExtractOptions,
    mut on_done: impl FnMut(K, Extraction) + Send,
) -> Result<()> {
    if jobs.is_empty() {
        return Ok(());
    }
    let (mut keys, paths): (Vec<Option<K>>, Vec<PathBuf>) =
        jobs.into_iter().map(|(k, p)| (Some(k), p)).unzip();
    let worker_count = opts.workers.clamp(1, paths.len());

    // Start every worker before any job, so a setup error costs nothing.
    let mut workers = Vec::with_capacity(worker_count);
    for _ in 0..worker_count {
        workers.push(Worker::spawn(&opts.command)?);
    }

    let queue = Mutex::new(paths.into_iter().enumerate().collect::<VecDeque<_>>());
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<Message>();
    let mut fatal = None;
    thread::scope(|scope| {
        for worker in workers {
            let tx = tx.clone();
            let (queue, stop) = (&queue, &stop);
            scope.spawn(move || pool_thread(worker, queue, stop, opts, tx));
        }
        drop(tx);
        for message in rx {
            match message {
                Message::Done(index, extraction) => {
                    if let Some(key) = keys[index].take() {
                        on_done(key, extraction);
                    }
                }
                Message::Fatal(error) => {
                    stop.store(true, Ordering::SeqCst);
                    fatal.get_or_insert(error);
                }
            }
        }
    });
    fatal.map_or(Ok(()), Err)
}

/// What a pool thread tells the calling thread.
enum Message {
    /// The job with this index is done.
    Done(usize, Extraction),
    /// A worker could not be restarted; the pool stops.
    Fatal(Error),
}

/// One pool thread: takes jobs until the queue is empty or the pool stops.
fn pool_thread(
    mut worker: Worker,
    queue: &Mutex<VecDeque<(usize, PathBuf)>>,
    stop: &AtomicBool,
    opts: &ExtractOptions,
    tx: mpsc::Sender<Message>,
) {
    while !stop.load(Ordering::SeqCst) {
        let job = queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front();
        let Some((index, path)) = job else { break };
        let message = match run_job(&mut worker, &path, opts) {
            Ok(extraction) => Message::Done(index, extraction),
            Err(error) => Message::Fatal(error),
        };
        let fatal = matches!(message, Message::Fatal(_));
        if tx.send(message).is_err() || fatal {
            break;
        }
    }
    // Dropping the worker closes its stdin and reaps it.
}

/// Extracts one file with `worker`, replacing the worker if it crashed or hung.
fn run_job(worker: &mut Worker, path: &Path, opts: &ExtractOptions) -> Result<Extraction> {
    let Some(request) = request_line(path, Mode::Text) else {
        return Ok(Extraction::unreadable(
            None,
            "filnavnet indeholder tegn, som PDF-læseren ikke kan få",
        ));
    };
    let problem = match worker.ask(&request, opts.deadline) {
        Outcome::Reply(line) => match serde_json::from_str::<Extraction>(&line) {
            Ok(extraction) => return Ok(extraction),
            Err(_) => {
                worker.kill();
                "PDF-læseren svarede noget uforståeligt".to_string()
            }
        },
        Outcome::TimedOut => format!(
            "tidsgrænsen på {} s blev overskredet",
            danish_seconds(opts.deadline)
        ),
        Outcome::Died(how) => format!("PDF-læseren gik ned ({how})"),
    };
    *worker = Worker::spawn(&opts.command)?;
    let page_count = fallback_count(worker, path, opts)?;
    Ok(Extraction::unreadable(page_count, problem))
}

/// Asks `worker` for lopdf 0.47's page count; replaces the worker if that fails too.
fn fallback_count(worker: &mut Worker, path: &Path, opts: &ExtractOptions) -> Result<Option<u32>> {
    let Some(request) = request_line(path, Mode::Count) else {
        return Ok(None);
    };
    if let Outcome::Reply(line) = worker.ask(&request, opts.deadline) {
        if let Ok(reply) = serde_json::from_str::<CountReply>(&line) {
            return Ok(reply.page_count);
        }
    }
    *worker = Worker::spawn(&opts.command)?;
    Ok(None)
}

/// The JSON request line for `path`, or `None` if the path is not valid UTF-8.
fn request_line(path: &Path, mode: Mode) -> Option<String> {
    let request = Request {
        path: path.to_path_buf(),
        mode,
        page: None,
    };
    let mut line = serde_json::to_string(&request).ok()?;
    line.push('\n');
    Some(line)
}

/// A duration in seconds the Danish way: "60", "0,3", "1,25".
pub(crate) fn danish_seconds(d: Duration) -> String {
    let millis = d.as_millis();
    let (whole, frac) = (millis / 1000, millis % 1000);
    if frac == 0 {
        whole.to_string()
    } else {
        let frac = format!("{frac:03}");
        format!("{whole},{}", frac.trim_end_matches('0'))
    }
}

/// How a request to a worker ended.
pub(crate) enum Outcome {
    /// The worker answered with this line.
    Reply(String),
    /// The deadline passed; the worker has been killed and reaped.
    TimedOut,
    /// The worker died; how, in Danish words. It has been reaped.
    Died(String),
}

/// One worker process and the reader thread of its stdout.
pub(crate) struct Worker {
    /// The process (reaped once `exited` is set).
    child: Child,
    /// Its stdin; `None` once closed.
    stdin: Option<ChildStdin>,
    /// Lines the reader thread read from its stdout; disconnects at EOF.
    lines: Receiver<String>,
    /// The reader thread.
    reader: Option<JoinHandle<()>>,
    /// The exit status once the process has been reaped.
    exited: Option<ExitStatus>,
}

impl Worker {
    /// Starts a worker process.
    fn spawn(command: &WorkerCommand) -> Result<Self> {
        Self::spawn_with_env(command, &[])
    }

    /// Starts a worker process with extra environment variables.
    pub(crate) fn spawn_with_env(command: &WorkerCommand, env: &[(&str, String)]) -> Result<Self> {
        let mut cmd = Command::new(&command.program);
        cmd.args(&command.args)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        // A worker gets its own process group, so Ctrl-C on the terminal stops
        // the importer (which then closes the workers' stdin) rather than
        // killing a worker mid-file and recording a good PDF as unreadable.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn().map_err(|e| Error::io(&command.program, e))?;
        let (stdin, stdout) = match (child.stdin.take(), child.stdout.take()) {
            (Some(stdin), Some(stdout)) => (stdin, stdout),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::Invalid(
                    "PDF-læserens ind- og uddata kunne ikke forbindes".to_string(),
                ));
            }
        };
        let (tx, lines) = mpsc::channel();
        let reader = thread::spawn(move || {
            let mut stdout = BufReader::new(stdout);
            loop {
                let mut line = String::new();
                match stdout.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if tx.send(line).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Ok(Worker {
            child,
            stdin: Some(stdin),
            lines,
            reader: Some(reader),
            exited: None,
        })
    }

    /// Sends one request line and waits up to `deadline` for the reply.
    pub(crate) fn ask(&mut self, request: &str, deadline: Duration) -> Outcome {
        let sent = match self.stdin.as_mut() {
            Some(stdin) => stdin
                .write_all(request.as_bytes())
                .and_then(|()| stdin.flush())
                .is_ok(),
            None => false,
        };
        if !sent {
            return Outcome::Died(self.death());
        }
        match self.lines.recv_timeout(deadline) {
            Ok(line) => Outcome::Reply(line),
            Err(RecvTimeoutError::Timeout) => {
                self.kill();
                Outcome::TimedOut
            }
            Err(RecvTimeoutError::Disconnected) => Outcome::Died(self.death()),
        }
    }

    /// Reaps a worker that closed its stdout and says how it ended.
    fn death(&mut self) -> String {
        self.stdin = None;
        if self.exited.is_none() {
            self.exited = match self.child.wait_timeout(EXIT_GRACE) {
                Ok(Some(status)) => Some(status),
                _ => {
                    self.kill();
                    return "den holdt op med at svare".to_string();
                }
            };
        }
        self.exited.map_or_else(String::new, describe_exit)
    }

    /// Kills and reaps the process (no-op if already reaped), and whatever it
    /// started in its process group (the OCR programs).
    pub(crate) fn kill(&mut self) {
        self.stdin = None;
        if self.exited.is_none() {
            #[cfg(unix)]
            if let Some(group) = i32::try_from(self.child.id())
                .ok()
                .and_then(rustix::process::Pid::from_raw)
            {
                let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
            }
            let _ = self.child.kill();
            self.exited = self.child.wait().ok();
            if self.exited.is_none() {
                // wait() failed: the process is gone or was never ours to reap.
                self.exited = self.child.try_wait().ok().flatten();
            }
        }
        self.join_reader();
    }

    /// Waits for the reader thread, which ends at EOF of the (now dead) child's stdout.
    fn join_reader(&mut self) {
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

impl Drop for Worker {
    /// Closes stdin so the worker exits, waits a moment, then kills it: no zombies.
    fn drop(&mut self) {
        self.stdin = None;
        if self.exited.is_none() {
            match self.child.wait_timeout(EXIT_GRACE) {
                Ok(Some(status)) => self.exited = Some(status),
                _ => self.kill(),
            }
        }
        self.join_reader();
    }
}

/// "signal 6, SIGABRT" or "afslutningskode 101".
fn describe_exit(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            let name = match signal {
                4 => " SIGILL",
                6 => " SIGABRT",
                7 => " SIGBUS",
                8 => " SIGFPE",
                9 => " SIGKILL",
                11 => " SIGSEGV",
                15 => " SIGTERM",
                _ => "",
            };
            return format!("signal {signal}{name}");
        }
    }
    match status.code() {
        Some(code) => format!("afslutningskode {code}"),
        None => "ukendt årsag".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::danish_seconds;
    use std::time::Duration;

    #[test]
    fn seconds_are_written_the_danish_way() {
        assert_eq!(danish_seconds(Duration::from_secs(60)), "60");
        assert_eq!(danish_seconds(Duration::from_millis(300)), "0,3");
        assert_eq!(danish_seconds(Duration::from_millis(1250)), "1,25");
    }
}
