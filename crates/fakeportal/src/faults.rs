//! Faults the portal can be told to show: a missing PDF, a slow answer, a
//! cut-off JSON document and a 503 that goes away on retry; and quirks of
//! live portals: a PDF link answered by the document-viewer page, a signed
//! URL that has expired, a viewer page that points nowhere.

use crate::data::PortalData;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// Faults in force; the server reads them on every request, so tests may change
/// them between requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// Bilag GUIDs whose `/vis/pdf/bilag/{guid}/` answers 404.
    pub pdf_404: BTreeSet<String>,
    /// Request path (or path with query) → delay before the answer.
    pub slow: BTreeMap<String, Duration>,
    /// Meeting ids whose dagsorden JSON is cut off half-way (still 200).
    pub malformed_meetings: BTreeSet<String>,
    /// Paths (or paths with query) answered 503 the first time; a path is
    /// removed from the set when its 503 has been sent.
    pub fail_5xx_once: BTreeSet<String>,
    /// Bilag and case-PDF GUIDs whose link answers 200 `text/html` with the
    /// portal's document-viewer page, whose `<iframe id="pdfframe">` points to
    /// the signed file.
    pub viewer_page: BTreeSet<String>,
    /// Of those, the ones whose viewer page points to a file that is not there.
    pub viewer_nowhere: BTreeSet<String>,
    /// The first signed URL used for each file has expired (403); the next works.
    pub signed_expires_first_use: bool,
    /// Every meeting entry has `ReleasedDate: null`, as old entries have.
    pub released_null: bool,
    /// Each body is listed again under an older election period with its
    /// first year's meetings, and the first body whole under "Historiske
    /// udvalg": the same meeting ids in several groups.
    pub listed_in_several_groups: bool,
}

impl Faults {
    /// No faults.
    pub fn none() -> Self {
        Faults::default()
    }

    /// Every `n`th bilag and case PDF of the open items (in listing order)
    /// answered by the viewer page.
    pub fn viewer_every(data: &PortalData, n: usize) -> BTreeSet<String> {
        data.meetings()
            .flat_map(|(_, m)| m.items.iter())
            .filter(|it| it.open)
            .flat_map(|it| {
                it.bilag.iter().map(|b| b.id.clone()).chain(
                    it.fields
                        .iter()
                        .filter_map(|f| f.document.as_ref().map(|d| d.id.clone())),
                )
            })
            .enumerate()
            .filter(|(i, _)| n > 0 && i % n == n - 1)
            .map(|(_, id)| id)
            .collect()
    }

    /// One of each, on different meetings spread over the listing: the agenda
    /// of the meeting ¼ into the list takes 1.5 s, the one ½ in is cut off, the
    /// one ¾ in answers 503 once, and the first bilag outside the cut-off
    /// meeting answers 404.
    pub fn typical(data: &PortalData) -> Self {
        let ids: Vec<&str> = data.meetings().map(|(_, m)| m.id.as_str()).collect();
        let mut f = Faults::default();
        let n = ids.len();
        if n == 0 {
            return f;
        }
        let pick = |q: usize| ids[(n * q / 4).min(n - 1)];
        let agenda = |id: &str| format!("/api/agenda/dagsorden/{id}");
        f.slow.insert(agenda(pick(1)), Duration::from_millis(1500));
        if n >= 2 {
            f.malformed_meetings.insert(pick(2).to_string());
        }
        if n >= 3 {
            f.fail_5xx_once.insert(agenda(pick(3)));
        }
        let first_bilag = data
            .meetings()
            .filter(|(_, m)| !f.malformed_meetings.contains(&m.id))
            .flat_map(|(_, m)| m.items.iter())
            .filter(|it| it.open)
            .flat_map(|it| it.bilag.iter())
            .next();
        if let Some(b) = first_bilag {
            f.pdf_404.insert(b.id.clone());
        }
        f
    }
}
