//! Bilag the member received (by e-mail, through the member login) attached
//! to their agenda item: copied into the store by content, read in a worker
//! like any bilag, indexed, and marked as the member's own addition. A sync
//! of the item's source keeps it; only the member removes it again.

use std::io::Read;
use std::path::Path;

use serde::Serialize;

use super::{IngestSettings, Mappe};
use crate::ingest::{self, ImportReport};
use crate::model::{AttachmentId, ItemId};
use crate::progress::Progress;
use crate::{Error, Result};

/// What attaching a file did.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attached {
    /// The item.
    pub item: ItemId,
    /// The stored content.
    pub attachment: AttachmentId,
    /// Its title on the item.
    pub title: String,
    /// A closed bilag.
    pub closed: bool,
    /// False when the item already had this content (nothing was stored).
    pub added: bool,
    /// Pages, where the file could be read.
    pub pages: Option<u32>,
}

/// The largest PDF an upload may attach.
pub const MAX_ATTACH_BYTES: usize = 512 * 1024 * 1024;

/// Refuses anything but a PDF, by its first bytes (the name may lie).
fn ensure_pdf(file: &Path) -> Result<()> {
    let mut head = [0u8; 1024];
    let n = std::fs::File::open(file)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| Error::io(file, e))?;
    if !head[..n].windows(5).any(|w| w == b"%PDF-") {
        return Err(Error::Invalid(format!(
            "{}: filen er ikke en PDF; kun PDF-filer kan vedhæftes et punkt",
            file.display()
        )));
    }
    Ok(())
}

impl Mappe {
    /// Attaches the PDF `file` to `item` as the member's own bilag, closed
    /// or open, titled `title` or after the file. A file that is not a PDF,
    /// or that cannot be read at all, is refused and nothing is kept.
    pub(crate) fn attach(
        &self,
        file: &Path,
        item: ItemId,
        closed: bool,
        title: Option<&str>,
        settings: &IngestSettings,
        progress: &dyn Progress,
    ) -> Result<Attached> {
        let _job = self.job()?;
        self.store.read().item_context(item)?;
        ensure_pdf(file)?;
        let title = match title.map(str::trim) {
            Some(t) if !t.is_empty() => t.to_string(),
            _ => file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "Bilag".into()),
        };
        let stored = self.blobs.put_file(file)?;
        let known = self.store.read().attachment_by_sha(&stored.sha256)?;
        let id = match known {
            Some((id, _)) => id,
            None => {
                let id = self
                    .store
                    .write(|w| w.attachment(&stored.sha256, stored.size))?;
                let mut read = ImportReport::default();
                let outcome = ingest::read_pending_text(
                    &self.store,
                    &self.blobs,
                    &settings.extract_options(),
                    progress,
                    &mut read,
                )
                .and_then(|()| self.store.read().text_outcome(id));
                match outcome {
                    Ok((Some(status), _)) if status != "unreadable" => id,
                    other => {
                        // Nothing half-stored: the new content goes again.
                        self.store.write(|w| w.forget_attachment(id))?;
                        let _ = std::fs::remove_file(self.blobs.path_of(&stored.sha256));
                        let reason = match other {
                            Ok((_, problem)) => {
                                problem.unwrap_or_else(|| "filen kunne ikke læses".into())
                            }
                            Err(e) => e.to_string(),
                        };
                        return Err(Error::Invalid(format!(
                            "{}: {reason}; intet er gemt",
                            file.display()
                        )));
                    }
                }
            }
        };
        let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let added = self
            .store
            .write(|w| w.attach_to_item(item, id, &title, closed, &at))?;
        ingest::update_index(&self.store, &self.index, progress)?;
        let pages = self
            .store
            .read()
            .attachment_info(id)?
            .and_then(|(_, _, pages)| pages);
        Ok(Attached {
            item,
            attachment: id,
            title,
            closed,
            added,
            pages,
        })
    }

    /// [`Mappe::attach`] for a PDF given as bytes (an upload), at most
    /// [`MAX_ATTACH_BYTES`]; `title` defaults to "Bilag".
    pub(crate) fn attach_bytes(
        &self,
        bytes: &[u8],
        item: ItemId,
        closed: bool,
        title: Option<&str>,
        settings: &IngestSettings,
    ) -> Result<Attached> {
        if bytes.len() > MAX_ATTACH_BYTES {
            return Err(Error::Invalid(
                "filen er for stor til at blive vedhæftet (højst 512 MB); intet er gemt".into(),
            ));
        }
        let dir = self.temp_dir()?;
        let path = dir.path().join("Bilag.pdf");
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
        self.attach(
            &path,
            item,
            closed,
            title,
            settings,
            &crate::progress::Silent,
        )
        .map_err(|e| match e {
            // The temporary file's name means nothing to the member.
            Error::Invalid(m) => Error::Invalid(
                m.strip_prefix(&format!("{}: ", path.display()))
                    .map_or_else(|| m.clone(), str::to_string),
            ),
            e => e,
        })
    }

    /// Removes a bilag the member attached to `item` (never one its source
    /// lists); content nothing else uses leaves the store and its file goes.
    pub(crate) fn detach(
        &self,
        item: ItemId,
        attachment: AttachmentId,
        progress: &dyn Progress,
    ) -> Result<()> {
        let _job = self.job()?;
        let gone = self.store.write(|w| w.detach_from_item(item, attachment))?;
        ingest::update_index(&self.store, &self.index, progress)?;
        if let Some(sha) = gone {
            let path = self.blobs.path_of(&sha);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::io(&path, e))
                }
                _ => {}
            }
        }
        Ok(())
    }
}
