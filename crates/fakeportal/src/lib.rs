//! A local fake of the public agenda portal "FirstAgenda Publication" (the
//! software behind dagsordener.aarhus.dk), served on 127.0.0.1 from a demo
//! corpus, for tests and benchmarks of Mødemappe's portal connector.
//!
//! - [`data`]: [`PortalData`] (bodies → meeting entries → items → bilag), built
//!   by [`PortalData::from_corpus`] with deterministic GUIDs.
//! - [`faults`]: [`Faults`] the server can show (404 PDF, slow, cut-off JSON, 503 once).
//! - [`server`]: [`FakePortal`] and [`RunningPortal`], the axum server.
//! - [`render`]: the JSON shapes; [`html`]: case text as field HTML; [`pdf`]:
//!   small generated PDFs.
//!
//! ```no_run
//! # fn main() -> anyhow::Result<()> {
//! use fakeportal::{FakePortal, Faults, PortalData};
//! let data = PortalData::from_corpus(std::path::Path::new("demo"))?;
//! let faults = Faults::typical(&data);
//! let portal = FakePortal::start(data, faults)?;
//! println!("{}", portal.base_url());
//! # Ok(()) }
//! ```

pub mod data;
pub mod faults;
pub mod html;
pub mod pdf;
pub mod render;
pub mod scale;
pub mod server;

pub use data::{
    guid, FakeBilag, FakeBody, FakeDocument, FakeField, FakeItem, FakeMeeting, PdfSource,
    PortalData, PERIOD_2022_2025, ZERO_GUID,
};
pub use faults::Faults;
pub use server::{Counters, FakePortal, RunningPortal, SESSION_COOKIE};
