//! OCR worker processes: one page per request, a deadline per page, and a
//! worker that crashes, hangs or runs out of memory replaced, costing only
//! the page it was reading. The workers are the extraction's
//! (`extract::Worker`), started with a memory cap ([`super::worker::MEMORY_ENV`]).

use super::worker::MEMORY_ENV;
use super::OcrPage;
use crate::extract::{danish_seconds, Mode, Outcome, Request, Worker, WorkerCommand};
use crate::model::AttachmentId;
use crate::Result;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::Duration;

/// How OCR runs.
#[derive(Debug, Clone)]
pub struct OcrOptions {
    /// How long one page may take before its worker is killed.
    pub deadline: Duration,
    /// Worker processes at once (at least one).
    pub workers: usize,
    /// How to start a worker.
    pub command: WorkerCommand,
    /// The address-space cap of a worker and the programs it starts, in MiB.
    pub memory_mb: u64,
}

impl OcrOptions {
    /// Two workers (a laptop's two cores, at low priority), 120 s per page,
    /// 3 GiB of address space each.
    pub fn new(command: WorkerCommand) -> Self {
        OcrOptions {
            deadline: Duration::from_secs(120),
            workers: 2,
            command,
            memory_mb: 3072,
        }
    }
}

/// One page to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrJob {
    /// The attachment.
    pub attachment: AttachmentId,
    /// Its page, 1-based.
    pub page: u32,
    /// Its file.
    pub path: PathBuf,
}

/// Reads every job's page in worker processes and hands each result to
/// `on_done` on the calling thread as soon as it is ready. Workers stop
/// taking pages once `stop` is set (the pages they are reading finish).
/// Fails only when a worker cannot be started at all.
pub fn ocr_all(
    jobs: Vec<OcrJob>,
    opts: &OcrOptions,
    stop: &AtomicBool,
    mut on_done: impl FnMut(OcrJob, OcrPage),
) -> Result<()> {
    if jobs.is_empty() {
        return Ok(());
    }
    let env = [(MEMORY_ENV, opts.memory_mb.to_string())];
    let count = opts.workers.clamp(1, jobs.len());
    let mut workers = Vec::with_capacity(count);
    for _ in 0..count {
        workers.push(Worker::spawn_with_env(&opts.command, &env)?);
    }
    let queue = Mutex::new(jobs.into_iter().collect::<VecDeque<_>>());
    let (tx, rx) = mpsc::channel::<Result<(OcrJob, OcrPage)>>();
    let mut fatal = None;
    thread::scope(|scope| {
        for mut worker in workers {
            let tx = tx.clone();
            let (queue, env) = (&queue, &env);
            scope.spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let job = queue
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .pop_front();
                    let Some(job) = job else { break };
                    let result = read_one(&mut worker, &job, opts, env).map(|page| (job, page));
                    let failed = result.is_err();
                    if tx.send(result).is_err() || failed {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for message in rx {
            match message {
                Ok((job, page)) => on_done(job, page),
                Err(e) => {
                    stop.store(true, Ordering::SeqCst);
                    fatal.get_or_insert(e);
                }
            }
        }
    });
    fatal.map_or(Ok(()), Err)
}

/// Reads one page with `worker`, replacing the worker when it crashed or hung.
fn read_one(
    worker: &mut Worker,
    job: &OcrJob,
    opts: &OcrOptions,
    env: &[(&str, String)],
) -> Result<OcrPage> {
    let request = Request {
        path: job.path.clone(),
        mode: Mode::Ocr,
        page: Some(job.page),
    };
    let Ok(mut line) = serde_json::to_string(&request) else {
        return Ok(OcrPage::failed("filnavnet kan ikke sendes til OCR"));
    };
    line.push('\n');
    let problem = match worker.ask(&line, opts.deadline) {
        Outcome::Reply(reply) => match serde_json::from_str::<OcrPage>(&reply) {
            Ok(page) => return Ok(page),
            Err(_) => {
                worker.kill();
                "OCR svarede noget uforståeligt".to_string()
            }
        },
        Outcome::TimedOut => format!(
            "OCR af siden tog mere end {} s og blev stoppet",
            danish_seconds(opts.deadline)
        ),
        Outcome::Died(how) => format!("OCR gik ned på siden ({how})"),
    };
    *worker = Worker::spawn_with_env(&opts.command, env)?;
    Ok(OcrPage::failed(problem))
}
