//! OCR's rows: pages queued for OCR when a file's text is stored, each page's
//! result (text into `pages`, the rest into `ocr_pages`), counts and
//! failures for `status`, and which pages of a search's hits were read by OCR.

use super::read::OPEN_ATTACHMENT;
use super::{Reader, Writer};
use crate::model::AttachmentId;
use crate::ocr::{needs_ocr, text_weight, OcrPage};
use crate::Result;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use std::collections::HashSet;

/// The settings key of a paused OCR (value "1").
const PAUSED_KEY: &str = "ocr_paused";

/// A page waiting for OCR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcrQueued {
    /// The attachment.
    pub attachment: AttachmentId,
    /// Its content hash (where its file is).
    pub sha256: String,
    /// The page, 1-based.
    pub page: u32,
}

/// How far OCR has come.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OcrCounts {
    /// Pages waiting for OCR.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub queued: u64,
    /// Pages OCR has read (with or without text found).
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub done: u64,
    /// Pages whose text now comes from OCR.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub with_text: u64,
    /// Pages OCR could not read.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub failed: u64,
}

/// A page OCR could not read, and why.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OcrFailure {
    /// The file as imported (or `sha256:…` for a portal's file).
    pub path: String,
    /// The attachment.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub attachment_id: i64,
    /// The page, 1-based.
    pub page: u32,
    /// Why, in plain Danish.
    pub reason: String,
}

/// The words OCR read on a page and the image their boxes refer to.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrWords {
    /// Mean word confidence, 0–100.
    pub confidence: Option<f64>,
    /// Resolution of the page image.
    pub dpi: u32,
    /// Its width in pixels.
    pub width: u32,
    /// Its height in pixels.
    pub height: u32,
    /// JSON `[[word, left, top, width, height, confidence], …]`.
    pub words_json: String,
}

impl Writer<'_> {
    /// Queues the pages of `attachment` that need OCR ([`needs_ocr`]);
    /// whatever OCR had done for it before is forgotten.
    pub fn queue_ocr(&self, attachment: AttachmentId, pages: &[String]) -> Result<()> {
        self.tx.execute(
            "DELETE FROM ocr_pages WHERE attachment_id = ?1",
            [attachment.0],
        )?;
        let mut insert = self
            .tx
            .prepare_cached("INSERT INTO ocr_pages (attachment_id, page) VALUES (?1, ?2)")?;
        for (i, text) in pages.iter().enumerate() {
            if needs_ocr(text) {
                insert.execute(params![attachment.0, i as i64 + 1])?;
            }
        }
        Ok(())
    }

    /// Stores what OCR read on a queued page: its text replaces the page's
    /// when it says more, and the items and documents using the file are
    /// queued for indexing. Returns false (and changes nothing) when the
    /// page was not queued any more (another run finished it).
    pub fn store_ocr(&self, attachment: AttachmentId, page: u32, read: &OcrPage) -> Result<bool> {
        let queued: Option<String> = self
            .tx
            .query_row(
                "SELECT state FROM ocr_pages WHERE attachment_id = ?1 AND page = ?2",
                params![attachment.0, page],
                |r| r.get(0),
            )
            .optional()?;
        if queued.as_deref() != Some("queued") {
            return Ok(false);
        }
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        if let Some(problem) = &read.problem {
            self.tx.execute(
                "UPDATE ocr_pages SET state = 'failed', problem = ?3, runs = runs + 1, finished_at = ?4
                  WHERE attachment_id = ?1 AND page = ?2",
                params![attachment.0, page, problem, now],
            )?;
        } else {
            let current: String = self
                .tx
                .query_row(
                    "SELECT text FROM pages WHERE attachment_id = ?1 AND page = ?2",
                    params![attachment.0, page],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or_default();
            let applied = text_weight(&read.text) > text_weight(&current);
            if applied {
                self.tx.execute(
                    "INSERT INTO pages (attachment_id, page, text) VALUES (?1, ?2, ?3)
                     ON CONFLICT (attachment_id, page) DO UPDATE SET text = excluded.text",
                    params![attachment.0, page, read.text],
                )?;
                self.tx.execute(
                    "INSERT OR IGNORE INTO index_queue (owner)
                     SELECT 'item:' || item_id FROM item_attachments WHERE attachment_id = ?1
                     UNION SELECT 'doc:' || id FROM documents WHERE attachment_id = ?1",
                    [attachment.0],
                )?;
            }
            let words = serde_json::to_string(&read.words).unwrap_or_else(|_| "[]".into());
            self.tx.execute(
                "UPDATE ocr_pages SET state = 'done', applied = ?3, confidence = ?4, dpi = ?5,
                        width = ?6, height = ?7, words = ?8, problem = NULL, runs = runs + 1,
                        finished_at = ?9
                  WHERE attachment_id = ?1 AND page = ?2",
                params![
                    attachment.0,
                    page,
                    applied,
                    read.confidence.map(f64::from),
                    read.dpi,
                    read.width,
                    read.height,
                    words,
                    now
                ],
            )?;
        }
        self.finish_ocr_of(attachment)?;
        Ok(true)
    }

    /// Once no page of `attachment` waits for OCR: a file that had no text
    /// and now has some is read (`full`, or `partial` when OCR failed on a
    /// page), so `status` no longer lists it as without text.
    fn finish_ocr_of(&self, attachment: AttachmentId) -> Result<()> {
        let (queued, applied, failed): (i64, i64, i64) = self.tx.query_row(
            "SELECT count(*) FILTER (WHERE state = 'queued'),
                    count(*) FILTER (WHERE state = 'done' AND applied = 1),
                    count(*) FILTER (WHERE state = 'failed')
               FROM ocr_pages WHERE attachment_id = ?1",
            [attachment.0],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        if queued > 0 || applied == 0 {
            return Ok(());
        }
        let problem = (failed > 0)
            .then(|| format!("OCR kunne ikke læse {failed} side(r); se `moedemappe status`"));
        self.tx.execute(
            "UPDATE attachments SET text_status = ?2, problem = ?3
              WHERE id = ?1 AND text_status = 'no_text'",
            params![
                attachment.0,
                if failed > 0 { "partial" } else { "full" },
                problem
            ],
        )?;
        Ok(())
    }

    /// Pauses OCR (it stops after the pages being read) or lets it go on.
    pub fn set_ocr_paused(&self, paused: bool) -> Result<()> {
        self.tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![PAUSED_KEY, if paused { "1" } else { "0" }],
        )?;
        Ok(())
    }
}

impl Reader<'_> {
    /// Pages waiting for OCR, file by file in page order.
    pub fn ocr_queue(&self) -> Result<Vec<OcrQueued>> {
        let mut stmt = self.conn.prepare(
            "SELECT o.attachment_id, a.sha256, o.page FROM ocr_pages o
               JOIN attachments a ON a.id = o.attachment_id
              WHERE o.state = 'queued' ORDER BY o.attachment_id, o.page",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(OcrQueued {
                attachment: AttachmentId(r.get(0)?),
                sha256: r.get(1)?,
                page: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// True when the member paused OCR.
    pub fn ocr_paused(&self) -> Result<bool> {
        let value: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [PAUSED_KEY],
                |r| r.get(0),
            )
            .optional()?;
        Ok(value.as_deref() == Some("1"))
    }

    /// OCR's counts; with `open_only`, of open files only.
    pub fn ocr_counts(&self, open_only: bool) -> Result<OcrCounts> {
        let filter = if open_only {
            format!("AND {OPEN_ATTACHMENT}")
        } else {
            String::new()
        };
        Ok(self.conn.query_row(
            &format!(
                "SELECT count(*) FILTER (WHERE o.state = 'queued'),
                        count(*) FILTER (WHERE o.state = 'done'),
                        count(*) FILTER (WHERE o.state = 'done' AND o.applied = 1),
                        count(*) FILTER (WHERE o.state = 'failed')
                   FROM ocr_pages o JOIN attachments a ON a.id = o.attachment_id
                  WHERE 1 = 1 {filter}"
            ),
            [],
            |r| {
                Ok(OcrCounts {
                    queued: r.get::<_, i64>(0)? as u64,
                    done: r.get::<_, i64>(1)? as u64,
                    with_text: r.get::<_, i64>(2)? as u64,
                    failed: r.get::<_, i64>(3)? as u64,
                })
            },
        )?)
    }

    /// Pages OCR could not read; with `open_only`, of open files only.
    pub fn ocr_failures(&self, open_only: bool) -> Result<Vec<OcrFailure>> {
        let filter = if open_only {
            format!("AND {OPEN_ATTACHMENT}")
        } else {
            String::new()
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT coalesce((SELECT min(sf.path) FROM source_files sf WHERE sf.attachment_id = a.id),
                             'sha256:' || a.sha256),
                    a.id, o.page, coalesce(o.problem, '')
               FROM ocr_pages o JOIN attachments a ON a.id = o.attachment_id
              WHERE o.state = 'failed' {filter}
              ORDER BY 1, o.page"
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok(OcrFailure {
                path: r.get(0)?,
                attachment_id: r.get(1)?,
                page: r.get(2)?,
                reason: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Which of these pages (attachment id, page) hold text read by OCR.
    pub fn ocr_pages_among(&self, pages: &[(i64, u32)]) -> Result<HashSet<(i64, u32)>> {
        // One query for the attachments of all the pages (a search shows up
        // to some forty): every hit is looked up on every search.
        let mut attachments: Vec<i64> = pages.iter().map(|p| p.0).collect();
        attachments.sort_unstable();
        attachments.dedup();
        if attachments.is_empty() {
            return Ok(HashSet::new());
        }
        let marks = vec!["?"; attachments.len()].join(",");
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT attachment_id, page FROM ocr_pages
              WHERE state = 'done' AND applied = 1 AND attachment_id IN ({marks})"
        ))?;
        let wanted: HashSet<(i64, u32)> = pages.iter().copied().collect();
        let mut found = HashSet::new();
        let rows = stmt.query_map(rusqlite::params_from_iter(&attachments), |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, u32>(1)?))
        })?;
        for row in rows {
            let page = row?;
            if wanted.contains(&page) {
                found.insert(page);
            }
        }
        Ok(found)
    }

    /// The words OCR read on a page whose text comes from OCR.
    pub fn ocr_words(&self, attachment: AttachmentId, page: u32) -> Result<Option<OcrWords>> {
        Ok(self
            .conn
            .query_row(
                "SELECT confidence, dpi, width, height, words FROM ocr_pages
                  WHERE attachment_id = ?1 AND page = ?2 AND state = 'done' AND applied = 1",
                params![attachment.0, page],
                |r| {
                    Ok(OcrWords {
                        confidence: r.get(0)?,
                        dpi: r.get(1)?,
                        width: r.get(2)?,
                        height: r.get(3)?,
                        words_json: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                    })
                },
            )
            .optional()?)
    }
}
