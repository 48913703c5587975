//! The text-only archive on a portal sync: files the source's `files`
//! setting does not want go once their text is read (text, pages and hash
//! stay, so search, statistics and the assistant still see them); files it
//! wants again are fetched back; and a file the member opens is fetched on
//! request and kept from then on.

use super::client::PortalClient;
use super::{PortalOptions, PortalReport};
use crate::blobs::BlobStore;
use crate::model::AttachmentId;
use crate::progress::{Progress, Tick};
use crate::store::{FileToFetch, FilesPolicy, Source, Store, SyncFailure};
use crate::{Error, Result};

/// Removes the files `policy` lets go; returns how many were removed.
pub fn drop_unwanted(
    store: &Store,
    blobs: &BlobStore,
    source: &Source,
    policy: FilesPolicy,
) -> Result<u64> {
    let mut dropped = 0;
    for (sha256, _) in store.read().droppable_files(source.id, policy)? {
        if blobs.remove(&sha256)? {
            dropped += 1;
        }
    }
    Ok(dropped)
}

/// Fetches back the files `policy` wants that are not on disk (a body the
/// member began to follow, `--files all`); one that fails is reported and
/// tried again at the next sync.
pub fn fetch_wanted(
    store: &Store,
    blobs: &BlobStore,
    source: &Source,
    policy: FilesPolicy,
    opts: &PortalOptions,
    progress: &dyn Progress,
    report: &mut PortalReport,
) -> Result<()> {
    let missing: Vec<FileToFetch> = store
        .read()
        .wanted_files(source.id, policy)?
        .into_iter()
        .filter(|f| !blobs.contains(&f.sha256))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let (runtime, client) = connect(&source.location, opts)?;
    progress.begin("Henter filer tilbage", missing.len() as u64);
    let mut tick = Tick::default();
    for f in &missing {
        match fetch_one(&runtime, &client, blobs, f) {
            Ok(size) => {
                report.refetched += 1;
                tick.bytes += size;
            }
            Err(reason) => report.failures.push(SyncFailure {
                what: format!("filen til bilag {}", f.attachment),
                reason,
            }),
        }
        tick.done += 1;
        progress.update(tick);
    }
    progress.end();
    Ok(())
}

/// Fetches the file of an attachment kept as text only from its portal, for
/// the member who opens it, and keeps it from then on. `Ok(false)` when no
/// portal has it.
pub fn fetch_on_request(
    store: &Store,
    blobs: &BlobStore,
    attachment: AttachmentId,
    opts: &PortalOptions,
) -> Result<bool> {
    let Some(f) = store.read().refetch_source(attachment)? else {
        return Ok(false);
    };
    let offline = |reason: String| {
        Error::Network(format!(
            "bilaget er kun gemt som tekst her, og PDF-filen kunne ikke hentes fra portalen ({reason}); teksten kan stadig læses"
        ))
    };
    let (runtime, client) = connect(&f.location, opts).map_err(|e| offline(e.to_string()))?;
    fetch_one(&runtime, &client, blobs, &f).map_err(offline)?;
    store.write(|w| w.keep_file(&f.sha256))?;
    Ok(true)
}

fn connect(
    location: &str,
    opts: &PortalOptions,
) -> Result<(tokio::runtime::Runtime, PortalClient)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Invalid(format!("kunne ikke starte netværksdelen: {e}")))?;
    let client = PortalClient::new(location, opts.client.clone())?;
    runtime
        .block_on(client.open_session())
        .map_err(|e| Error::Network(e.to_string()))?;
    Ok((runtime, client))
}

/// Downloads one file and places it if it has the content the store knows.
fn fetch_one(
    runtime: &tokio::runtime::Runtime,
    client: &PortalClient,
    blobs: &BlobStore,
    f: &FileToFetch,
) -> std::result::Result<u64, String> {
    let tmp = blobs.temp_file().map_err(|e| e.to_string())?;
    let size = runtime
        .block_on(client.download(&f.path, tmp.path()))
        .map_err(|e| e.to_string())?;
    if blobs
        .put_temp_if(tmp, &f.sha256)
        .map_err(|e| e.to_string())?
    {
        Ok(size)
    } else {
        Err("portalen har nu en anden udgave af filen; den hentes ved næste synkronisering".into())
    }
}
