//! The seeded generator of the demo corpus: Danish committee meetings of Aarhus
//! Byråd in 2023 and 2024 with real PDF attachments written by us, in the folder
//! format (`<body>/<YYYY-MM-DD>/<NN> <item>/<attachment>.pdf` with `body.json`
//! and `meeting.json`), plus the council handbook `Byrådshåndbogen/` as a plain
//! document collection.
//!
//! [`plan`] decides everything without I/O; [`generate`] writes it. At scale 1.0
//! the plan reproduces [`WORKLOAD_TABLE`] exactly under these counting rules:
//! - items: agenda items in the year, not counting fixed items; a written
//!   briefing counts its subjects; a postponed item counts only where it is
//!   treated later (same case number and attachments); closed items count;
//! - referred: items referred from the Byråd, counted where treated;
//! - pages: pages of attachments of open, non-postponed items, each file counted
//!   once per meeting;
//! - meetings: meetings held.
//!
//! With [`DemoOptions::today`] the demo also holds meetings around that day,
//! outside the calibrated years' figures (see `plan::Builder::around_today`).
//!
//! The same options always give byte-identical output.

pub mod pdf;
mod plan;
mod rng;
pub mod scan;
mod text;
mod write;

pub use plan::{
    BodyYearStats, Cadence, DemoPlan, DocOrigin, PlannedAttachment, PlannedBody, PlannedDoc,
    PlannedHandbookDoc, PlannedItem, PlannedMeeting, WorkloadRow, YearTarget, WORKLOAD_TABLE,
};
pub use text::{danish_date, Topic};
pub use write::{page_texts, safe_name, DemoTexts, HANDBOOK_FOLDER, MAX_NAME};

use std::path::Path;

/// Options of the demo corpus.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemoOptions {
    /// Share of the real 2023/2024 workload (1.0 = the full table, ~50,000 pages).
    /// Clamped to 0.001..=4.0.
    pub scale: f64,
    /// Seed of every random choice.
    pub seed: u64,
    /// The day the demo is made for: besides the 2023/2024 history it then
    /// holds a few meetings of every body in the weeks around it (minutes
    /// before it, agendas from it on). `None`: the history only.
    pub today: Option<chrono::NaiveDate>,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            scale: 0.05,
            seed: 2023,
            today: None,
        }
    }
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DemoSummary {
    /// Body folders.
    pub bodies: usize,
    /// Meeting folders.
    pub meetings: usize,
    /// Item folders (every item, fixed and postponed ones included).
    pub items: usize,
    /// Distinct attachment files (contents), however many items use them.
    pub attachments: usize,
    /// Pages of all PDF files written, copies and handbook included.
    pub pages: u64,
    /// PDF files written, copies and handbook included.
    pub files: usize,
    /// Documents of the handbook collection.
    pub documents: usize,
}

/// Plans the demo corpus. Pure: no I/O, the same options give the same plan.
pub fn plan(opts: &DemoOptions) -> DemoPlan {
    plan::make_plan(opts.scale, opts.seed, opts.today)
}

/// Plans and writes the demo corpus below `out`, which must be absent or empty.
/// Nothing outside `out` is touched.
pub fn generate(out: &Path, opts: &DemoOptions) -> crate::Result<DemoSummary> {
    if !opts.scale.is_finite() || opts.scale <= 0.0 {
        return Err(crate::Error::Invalid(format!(
            "Skalaen skal være et positivt tal, ikke {}.",
            opts.scale
        )));
    }
    let p = plan(opts);
    write::write_plan(out, &p)
}

#[cfg(test)]
mod tests;
