//! Annotations, reading marks and the member's settings in the store, plus the
//! reads about items, cases and attachments that notes and bundles need.

use super::{Reader, Writer};
use crate::annotations::{
    format_time, parse_time, AnchorState, Annotation, Author, NoteFormat, Origin, TextAnchor,
    Visibility,
};
use crate::model::{AttachmentId, ItemId, MeetingId};
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, params_from_iter, OptionalExtension, Row, ToSql};
use serde::Serialize;
use std::collections::BTreeSet;

/// An item with what notes and bundles need to know about it.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemContext {
    /// The item.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub id: ItemId,
    /// Its meeting.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub meeting: MeetingId,
    /// The body's name.
    pub body: String,
    /// The meeting day.
    pub date: NaiveDate,
    /// Item number.
    pub number: u32,
    /// Title.
    pub title: String,
    /// The case number (never for fixed items).
    pub case_number: Option<String>,
    /// A closed item.
    pub closed: bool,
    /// Its attachments in order.
    pub attachments: Vec<ItemAttachment>,
}

/// An attachment as an item uses it.
#[cfg_attr(any(test, feature = "ts"), derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemAttachment {
    /// Store id of the content.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub id: AttachmentId,
    /// Title on this item.
    pub title: String,
    /// Content hash.
    pub sha256: String,
    /// Size in bytes.
    #[cfg_attr(any(test, feature = "ts"), ts(type = "number"))]
    pub size: u64,
    /// Page count where known.
    pub page_count: Option<u32>,
    /// Closed here: a closed bilag, or any bilag of a closed item (the
    /// stricter of its own access and the item's).
    pub closed: bool,
    /// The member attached it ("tilføjet af dig"); the source does not list it.
    pub added: bool,
}

/// What importing one annotation from a bundle did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    /// It was new.
    Added,
    /// A newer version replaced the stored one.
    Updated,
    /// The stored one is as new or newer.
    Unchanged,
    /// The id is one of the member's own annotations: never changed.
    OwnKept,
}

const COLUMNS: &str =
    "id, case_number, item_id, target_sha256, attachment_title, page, exact, prefix,
    suffix, pos_start, pos_end, anchor_state, body, format, colour, tags, author_id, author_name,
    origin, visibility, created, modified";

fn bad(what: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(0, what.to_string(), rusqlite::types::Type::Text)
}

fn time(r: &Row<'_>, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    parse_time(&r.get::<_, String>(i)?).ok_or_else(|| bad("time"))
}

fn annotation_row(r: &Row<'_>) -> rusqlite::Result<Annotation> {
    let sha: Option<String> = r.get(3)?;
    let anchor = match sha {
        Some(sha256) => Some(TextAnchor {
            sha256,
            attachment_title: r.get(4)?,
            page: r.get(5)?,
            exact: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
            prefix: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
            suffix: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
            start: r.get::<_, Option<u32>>(9)?.unwrap_or(0),
            end: r.get::<_, Option<u32>>(10)?.unwrap_or(0),
        }),
        None => None,
    };
    let tags: String = r.get(15)?;
    Ok(Annotation {
        id: r.get(0)?,
        case_number: r.get(1)?,
        item: r.get::<_, Option<i64>>(2)?.map(ItemId),
        anchor,
        anchor_state: AnchorState::parse(&r.get::<_, String>(11)?).ok_or_else(|| bad("state"))?,
        body: r.get(12)?,
        format: NoteFormat::parse(&r.get::<_, String>(13)?).ok_or_else(|| bad("format"))?,
        colour: r.get(14)?,
        tags: serde_json::from_str(&tags).map_err(|_| bad("tags"))?,
        author: Author {
            id: r.get(16)?,
            name: r.get(17)?,
        },
        origin: Origin::parse(&r.get::<_, String>(18)?).ok_or_else(|| bad("origin"))?,
        visibility: Visibility::parse(&r.get::<_, String>(19)?).ok_or_else(|| bad("visibility"))?,
        created: time(r, 20)?,
        modified: time(r, 21)?,
    })
}

impl Writer<'_> {
    /// Sets a setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// A setting, read inside the transaction.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .tx
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Inserts an annotation, or replaces the stored one with the same id.
    pub fn put_annotation(&self, a: &Annotation) -> Result<()> {
        let anchor = a.anchor.as_ref();
        self.tx.execute(
            &format!(
                "INSERT OR REPLACE INTO annotations ({COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                         ?17, ?18, ?19, ?20, ?21, ?22)"
            ),
            params![
                a.id,
                a.case_number,
                a.item.map(|i| i.0),
                anchor.map(|x| &x.sha256),
                anchor.and_then(|x| x.attachment_title.as_ref()),
                anchor.map(|x| x.page),
                anchor.map(|x| &x.exact),
                anchor.map(|x| &x.prefix),
                anchor.map(|x| &x.suffix),
                anchor.map(|x| x.start),
                anchor.map(|x| x.end),
                a.anchor_state.as_str(),
                a.body,
                a.format.as_str(),
                a.colour,
                serde_json::to_string(&a.tags).unwrap_or_else(|_| "[]".into()),
                a.author.id,
                a.author.name,
                a.origin.as_str(),
                a.visibility.as_str(),
                format_time(a.created),
                format_time(a.modified),
            ],
        )?;
        Ok(())
    }

    /// Stores an annotation from a bundle: new ones are added, a stored
    /// imported one is replaced only by a newer `modified`, and the member's
    /// own annotations are never touched. `item` is the item here, if known.
    pub fn upsert_imported(&self, a: &Annotation) -> Result<Upserted> {
        let stored: Option<(String, String)> = self
            .tx
            .query_row(
                "SELECT origin, modified FROM annotations WHERE id = ?1",
                [&a.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let outcome = match stored {
            None => Upserted::Added,
            Some((origin, _)) if origin == Origin::Own.as_str() => return Ok(Upserted::OwnKept),
            Some((_, modified)) => match parse_time(&modified) {
                Some(m) if m >= a.modified => return Ok(Upserted::Unchanged),
                _ => Upserted::Updated,
            },
        };
        let mut a = a.clone();
        a.origin = Origin::Imported;
        self.put_annotation(&a)?;
        Ok(outcome)
    }

    /// Stores an annotation from the member's own notes file: new ones are
    /// added and older stored versions replaced; a stored one as new or
    /// newer is kept. An item this data directory does not have is dropped
    /// from the note (its case and anchor still place it); a note left with
    /// nothing to belong to is not stored (`None`).
    pub fn restore_annotation(&self, a: &Annotation) -> Result<Option<Upserted>> {
        let mut a = a.clone();
        if let Some(item) = a.item {
            let known: bool = self.tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM items WHERE id = ?1)",
                [item.0],
                |r| r.get(0),
            )?;
            if !known {
                a.item = None;
            }
        }
        if a.item.is_none() && a.case_number.is_none() && a.anchor.is_none() {
            return Ok(None);
        }
        let stored: Option<String> = self
            .tx
            .query_row(
                "SELECT modified FROM annotations WHERE id = ?1",
                [&a.id],
                |r| r.get(0),
            )
            .optional()?;
        let outcome = match stored {
            None => Upserted::Added,
            Some(modified) => match parse_time(&modified) {
                Some(m) if m >= a.modified => return Ok(Some(Upserted::Unchanged)),
                _ => Upserted::Updated,
            },
        };
        self.put_annotation(&a)?;
        Ok(Some(outcome))
    }

    /// Gives every imported annotation of an author the author's current
    /// display name (as a newer bundle says it); own annotations are not touched.
    pub fn rename_imported_author(&self, author_id: &str, name: &str) -> Result<usize> {
        Ok(self.tx.execute(
            "UPDATE annotations SET author_name = ?2
              WHERE origin = 'imported' AND author_id = ?1 AND author_name <> ?2",
            params![author_id, name],
        )?)
    }

    /// Deletes an annotation; false when there was none with the id.
    pub fn delete_annotation(&self, id: &str) -> Result<bool> {
        Ok(self
            .tx
            .execute("DELETE FROM annotations WHERE id = ?1", [id])?
            > 0)
    }

    /// Moves an anchor (to a revised attachment) or marks it detached.
    pub fn set_anchor(&self, id: &str, anchor: &TextAnchor, state: AnchorState) -> Result<()> {
        self.tx.execute(
            "UPDATE annotations SET target_sha256 = ?2, attachment_title = ?3, page = ?4,
                    exact = ?5, prefix = ?6, suffix = ?7, pos_start = ?8, pos_end = ?9,
                    anchor_state = ?10
              WHERE id = ?1",
            params![
                id,
                anchor.sha256,
                anchor.attachment_title,
                anchor.page,
                anchor.exact,
                anchor.prefix,
                anchor.suffix,
                anchor.start,
                anchor.end,
                state.as_str()
            ],
        )?;
        Ok(())
    }

    /// Marks pages of a content as read (again marking keeps the first time).
    pub fn mark_read(&self, sha256: &str, pages: &[u32], at: DateTime<Utc>) -> Result<usize> {
        let mut n = 0;
        let at = format_time(at);
        for page in pages {
            n += self.tx.execute(
                "INSERT OR IGNORE INTO reading_marks (sha256, page, read_at) VALUES (?1, ?2, ?3)",
                params![sha256, page, at],
            )?;
        }
        Ok(n)
    }

    /// Records that the member opened a meeting at `at`.
    pub fn meeting_opened(&self, meeting: MeetingId, at: DateTime<Utc>) -> Result<()> {
        self.tx.execute(
            "INSERT INTO meetings_opened (meeting_id, opened_at) VALUES (?1, ?2)
             ON CONFLICT (meeting_id) DO UPDATE SET opened_at = excluded.opened_at",
            params![meeting.0, format_time(at)],
        )?;
        Ok(())
    }
}

impl Reader<'_> {
    /// When the member last opened a meeting, if ever.
    pub fn opened_at(&self, meeting: MeetingId) -> Result<Option<DateTime<Utc>>> {
        let at: Option<String> = self
            .conn
            .query_row(
                "SELECT opened_at FROM meetings_opened WHERE meeting_id = ?1",
                [meeting.0],
                |r| r.get(0),
            )
            .optional()?;
        Ok(at.as_deref().and_then(parse_time))
    }

    /// A setting.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    fn annotations_where(&self, filter: &str, args: &[&dyn ToSql]) -> Result<Vec<Annotation>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM annotations WHERE {filter}
             ORDER BY coalesce(case_number, ''), coalesce(target_sha256, ''), page, pos_start, created, id"
        ))?;
        let rows = stmt.query_map(params_from_iter(args.iter()), annotation_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One annotation by id.
    pub fn annotation(&self, id: &str) -> Result<Option<Annotation>> {
        Ok(self
            .annotations_where("id = ?1", &[&id])?
            .into_iter()
            .next())
    }

    /// Every annotation.
    pub fn all_annotations(&self) -> Result<Vec<Annotation>> {
        self.annotations_where("1", &[])
    }

    /// The annotations of a case (by number).
    pub fn case_annotations(&self, case_number: &str) -> Result<Vec<Annotation>> {
        self.annotations_where("case_number = ?1", &[&case_number])
    }

    /// The annotations shown at an item: those of its case, those made on it,
    /// and (for items without a case) those on its attachments' content.
    pub fn item_annotations(&self, item: ItemId) -> Result<Vec<Annotation>> {
        self.annotations_where(
            "case_number = (SELECT case_number FROM items WHERE id = ?1 AND kind <> 'fixed')
             OR item_id = ?1
             OR (case_number IS NULL AND target_sha256 IN (
                   SELECT a.sha256 FROM item_attachments ia JOIN attachments a ON a.id = ia.attachment_id
                    WHERE ia.item_id = ?1))",
            &[&item.0],
        )
    }

    /// The annotations shown at a meeting (the union over its items).
    pub fn meeting_annotations(&self, meeting: MeetingId) -> Result<Vec<Annotation>> {
        self.annotations_where(
            "case_number IN (SELECT case_number FROM items
                              WHERE meeting_id = ?1 AND kind <> 'fixed' AND case_number IS NOT NULL)
             OR item_id IN (SELECT id FROM items WHERE meeting_id = ?1)
             OR (case_number IS NULL AND target_sha256 IN (
                   SELECT a.sha256 FROM items i JOIN item_attachments ia ON ia.item_id = i.id
                     JOIN attachments a ON a.id = ia.attachment_id WHERE i.meeting_id = ?1))",
            &[&meeting.0],
        )
    }

    /// The annotations on one attachment content.
    pub fn attachment_annotations(&self, sha256: &str) -> Result<Vec<Annotation>> {
        self.annotations_where("target_sha256 = ?1", &[&sha256])
    }

    fn items_where(&self, filter: &str, args: &[&dyn ToSql]) -> Result<Vec<ItemContext>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT i.id, i.meeting_id, b.name, m.date, i.number, i.title,
                    CASE WHEN i.kind = 'fixed' THEN NULL ELSE i.case_number END, i.closed
               FROM items i JOIN meetings m ON m.id = i.meeting_id JOIN bodies b ON b.id = m.body_id
              WHERE {filter} ORDER BY m.date, b.name, i.number"
        ))?;
        let mut items: Vec<ItemContext> = stmt
            .query_map(params_from_iter(args.iter()), |r| {
                Ok(ItemContext {
                    id: ItemId(r.get(0)?),
                    meeting: MeetingId(r.get(1)?),
                    body: r.get(2)?,
                    date: r.get(3)?,
                    number: r.get(4)?,
                    title: r.get(5)?,
                    case_number: r.get(6)?,
                    closed: r.get(7)?,
                    attachments: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut att = self.conn.prepare_cached(
            "SELECT a.id, ia.title, a.sha256, a.size, a.page_count, ia.closed,
                    ia.added_at IS NOT NULL
               FROM item_attachments ia JOIN attachments a ON a.id = ia.attachment_id
              WHERE ia.item_id = ?1 ORDER BY ia.ord",
        )?;
        for item in &mut items {
            let item_closed = item.closed;
            item.attachments = att
                .query_map([item.id.0], |r| {
                    Ok(ItemAttachment {
                        id: AttachmentId(r.get(0)?),
                        title: r.get(1)?,
                        sha256: r.get(2)?,
                        size: r.get::<_, i64>(3)? as u64,
                        page_count: r.get(4)?,
                        closed: item_closed || r.get::<_, bool>(5)?,
                        added: r.get(6)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(items)
    }

    /// One item with its context.
    pub fn item_context(&self, item: ItemId) -> Result<ItemContext> {
        self.items_where("i.id = ?1", &[&item.0])?
            .into_iter()
            .next()
            .ok_or_else(|| Error::NotFound(format!("punkt {item} findes ikke")))
    }

    /// The items of a meeting, in order.
    pub fn meeting_items(&self, meeting: MeetingId) -> Result<Vec<ItemContext>> {
        self.items_where("i.meeting_id = ?1", &[&meeting.0])
    }

    /// Every item treating a case (fixed items excluded), oldest first.
    pub fn case_items(&self, case_number: &str) -> Result<Vec<ItemContext>> {
        self.items_where("i.case_number = ?1 AND i.kind <> 'fixed'", &[&case_number])
    }

    /// Items that use an attachment content, oldest first.
    pub fn items_using(&self, attachment: AttachmentId) -> Result<Vec<ItemContext>> {
        self.items_where(
            "i.id IN (SELECT item_id FROM item_attachments WHERE attachment_id = ?1)",
            &[&attachment.0],
        )
    }

    /// The item with this number at the meeting of this body and day.
    pub fn find_item(&self, body: &str, date: NaiveDate, number: u32) -> Result<Option<ItemId>> {
        Ok(self
            .conn
            .query_row(
                "SELECT i.id FROM items i JOIN meetings m ON m.id = i.meeting_id
                   JOIN bodies b ON b.id = m.body_id
                  WHERE b.name = ?1 AND m.date = ?2 AND i.number = ?3
                  ORDER BY m.withdrawn_at IS NOT NULL, m.id LIMIT 1",
                params![body, date, number],
                |r| r.get(0),
            )
            .optional()?
            .map(ItemId))
    }

    /// Meetings of a body (by id) on a day.
    pub fn meetings_on(
        &self,
        body: crate::model::BodyId,
        date: NaiveDate,
    ) -> Result<Vec<MeetingId>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM meetings WHERE body_id = ?1 AND date = ?2 ORDER BY id")?;
        let rows = stmt.query_map(params![body.0, date], |r| Ok(MeetingId(r.get(0)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether a meeting is open (see [`super::read::OPEN_MEETING`]);
    /// `None` for an unknown meeting.
    pub fn meeting_is_open(&self, meeting: MeetingId) -> Result<Option<bool>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {} FROM meetings m WHERE m.id = ?1",
                    super::read::OPEN_MEETING
                ),
                [meeting.0],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Whether a meeting exists.
    pub fn meeting_exists(&self, meeting: MeetingId) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM meetings WHERE id = ?1", [meeting.0], |_| {
                Ok(())
            })
            .optional()?
            .is_some())
    }

    /// An attachment content by id: (sha256, size, page count).
    pub fn attachment_info(&self, id: AttachmentId) -> Result<Option<(String, u64, Option<u32>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT sha256, size, page_count FROM attachments WHERE id = ?1",
                [id.0],
                |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64, r.get(2)?)),
            )
            .optional()?)
    }

    /// How reading an attachment's text went: its status ("full", "partial",
    /// "no_text", "unreadable"; `None` before it was read) and the problem.
    pub fn text_outcome(&self, id: AttachmentId) -> Result<(Option<String>, Option<String>)> {
        Ok(self
            .conn
            .query_row(
                "SELECT text_status, problem FROM attachments WHERE id = ?1",
                [id.0],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or_default())
    }

    /// The id of an attachment content by hash, with whether its text was read.
    pub fn attachment_by_sha(&self, sha256: &str) -> Result<Option<(AttachmentId, bool)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, text_status IS NOT NULL FROM attachments WHERE sha256 = ?1",
                [sha256],
                |r| Ok((AttachmentId(r.get(0)?), r.get(1)?)),
            )
            .optional()?)
    }

    /// The page texts of a content, page 1 first (missing pages empty).
    pub fn page_texts(&self, sha256: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.page, p.text FROM pages p JOIN attachments a ON a.id = p.attachment_id
              WHERE a.sha256 = ?1 ORDER BY p.page",
        )?;
        let mut pages: Vec<String> = Vec::new();
        let rows = stmt.query_map([sha256], |r| {
            Ok((r.get::<_, u32>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (page, text) = row?;
            let i = page.saturating_sub(1) as usize;
            if pages.len() <= i {
                pages.resize(i + 1, String::new());
            }
            pages[i] = text;
        }
        Ok(pages)
    }

    /// Hashes of every content used closed somewhere: by a closed item, or
    /// as a closed bilag of an open one.
    pub fn closed_contents(&self) -> Result<BTreeSet<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT a.sha256 FROM items i JOIN item_attachments ia ON ia.item_id = i.id
               JOIN attachments a ON a.id = ia.attachment_id WHERE i.closed = 1 OR ia.closed = 1",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Case numbers that have a closed item.
    pub fn closed_cases(&self) -> Result<BTreeSet<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT case_number FROM items
              WHERE closed = 1 AND kind <> 'fixed' AND case_number IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Pages of a content marked read.
    pub fn read_pages(&self, sha256: &str) -> Result<BTreeSet<u32>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT page FROM reading_marks WHERE sha256 = ?1")?;
        let rows = stmt.query_map([sha256], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// When a content first arrived in the store.
    pub fn arrived_at(&self, attachment: AttachmentId) -> Result<Option<DateTime<Utc>>> {
        let at: Option<String> = self
            .conn
            .query_row(
                "SELECT arrived_at FROM attachment_arrivals WHERE attachment_id = ?1",
                [attachment.0],
                |r| r.get(0),
            )
            .optional()?;
        Ok(at.as_deref().and_then(parse_time))
    }
}
