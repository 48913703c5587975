//! Progress on the terminal: a bar when stderr is a terminal, otherwise a few
//! plain lines (so logs and CI output stay readable).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use moedemappe_core::api::{Progress, Tick};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Draws progress on stderr.
pub struct TermProgress {
    state: Mutex<State>,
    terminal: bool,
}

struct State {
    task: String,
    /// The task counts bytes (a transfer), not files.
    in_bytes: bool,
    total: u64,
    last: Tick,
    bar: Option<ProgressBar>,
    last_line: Instant,
    started: Instant,
}

impl TermProgress {
    pub fn new() -> Self {
        TermProgress {
            state: Mutex::new(State {
                task: String::new(),
                in_bytes: false,
                total: 0,
                last: Tick::default(),
                bar: None,
                last_line: Instant::now(),
                started: Instant::now(),
            }),
            terminal: std::io::stderr().is_terminal(),
        }
    }
}

fn counters(t: Tick) -> String {
    if t.bytes > 0 && t.pages == 0 {
        // A transfer: bytes, not pages.
        format!("{:.1} MB · {} fejl", t.bytes as f64 / 1e6, t.failures)
    } else if t.bytes > 0 {
        format!(
            "{} sider · {:.1} MB · {} fejl",
            t.pages,
            t.bytes as f64 / 1e6,
            t.failures
        )
    } else {
        format!("{} sider · {} fejl", t.pages, t.failures)
    }
}

/// " · ca. 3 min tilbage", from the pace so far; empty before there is one.
fn time_left(elapsed: Duration, done: u64, total: u64) -> String {
    if done == 0 || done >= total {
        return String::new();
    }
    let left = elapsed.as_secs_f64() / done as f64 * (total - done) as f64;
    match left.round() as u64 {
        s if s < 60 => format!(" · ca. {s} s tilbage"),
        s => format!(" · ca. {} min tilbage", s.div_ceil(60)),
    }
}

impl Progress for TermProgress {
    fn begin(&self, task: &str, total: u64) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.task = task.to_string();
        s.in_bytes = false;
        s.total = total;
        s.last = Tick::default();
        s.last_line = Instant::now();
        s.started = Instant::now();
        if self.terminal {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix} [{bar:30}] {pos}/{len} · {msg} ({eta} tilbage)",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_prefix(task.to_string());
            bar.enable_steady_tick(Duration::from_millis(200));
            s.bar = Some(bar);
        } else {
            eprintln!("{task}: {total} i alt");
        }
    }

    fn update(&self, tick: Tick) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.last = tick;
        if !s.in_bytes && tick.pages == 0 && tick.bytes > 0 && tick.done == tick.bytes {
            // A transfer counts bytes: shown as sizes, not as a count.
            s.in_bytes = true;
            if let Some(bar) = &s.bar {
                bar.set_style(
                    ProgressStyle::with_template(
                        "{prefix} [{bar:30}] {bytes}/{total_bytes} · {bytes_per_sec} ({eta} tilbage)",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
            }
        }
        if s.in_bytes && s.bar.is_none() {
            if s.last_line.elapsed() >= Duration::from_secs(5) {
                s.last_line = Instant::now();
                eprintln!(
                    "{}: {:.1} af {:.1} MB{}",
                    s.task,
                    tick.bytes as f64 / 1e6,
                    s.total as f64 / 1e6,
                    time_left(s.started.elapsed(), tick.done, s.total)
                );
            }
            return;
        }
        if let Some(bar) = &s.bar {
            bar.set_position(tick.done);
            bar.set_message(counters(tick));
        } else if s.last_line.elapsed() >= Duration::from_secs(5) {
            s.last_line = Instant::now();
            eprintln!(
                "{}: {}/{} · {}{}",
                s.task,
                tick.done,
                s.total,
                counters(tick),
                time_left(s.started.elapsed(), tick.done, s.total)
            );
        }
    }

    fn end(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(bar) = s.bar.take() {
            bar.finish_and_clear();
        }
        if s.in_bytes {
            eprintln!("{}: færdig, {:.1} MB", s.task, s.last.bytes as f64 / 1e6);
            return;
        }
        eprintln!(
            "{}: færdig, {}/{} · {}",
            s.task,
            s.last.done,
            s.total,
            counters(s.last)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::time_left;
    use std::time::Duration;

    #[test]
    fn time_left_follows_the_pace_so_far() {
        let s = Duration::from_secs;
        assert_eq!(time_left(s(10), 1, 3), " · ca. 20 s tilbage");
        assert_eq!(time_left(s(60), 1, 4), " · ca. 3 min tilbage");
        assert_eq!(time_left(s(5), 0, 4), "");
        assert_eq!(time_left(s(5), 4, 4), "");
    }
}
