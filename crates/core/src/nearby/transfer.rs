//! The transfer over the paired channel: the taker asks for the offer's
//! manifest, then for each item it lacks by sha256 and from the byte it has
//! (so a retry after a dropped connection fetches only what is missing).
//! The offerer serves only the items of its offer, whatever is asked.
//! Received items wait in an [`Inbox`]: `<sha256>.part` while arriving,
//! `<sha256>` once their hash is checked.

use super::channel::{self, OffererChannel};
use super::frame::{self, Msg};
use super::pairing::{Code, Guard, GuardCounts};
use super::{NearbyError, Result};
use crate::blobs::HashWriter;
use crate::progress::{Progress, Tick};
use rustls::ServerConfig;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Bytes of an item per frame.
pub const CHUNK: usize = 256 * 1024;
/// The largest manifest.
pub const MAX_MANIFEST: u32 = 4 * 1024 * 1024;
/// The most items in an offer.
pub const MAX_ITEMS: usize = 20_000;
/// The most bytes in an offer.
pub const MAX_TOTAL: u64 = 16 * 1024 * 1024 * 1024;
/// A connection idle this long is closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Connections an offerer serves at once.
pub const MAX_CONNECTIONS: usize = 8;
/// How long the taker waits for the offerer to answer a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What an offer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// A sharing bundle: notes on a case or a meeting.
    Bundle,
    /// Open meeting material.
    Material,
}

impl OfferKind {
    /// The word used in announcements.
    pub fn as_str(self) -> &'static str {
        match self {
            OfferKind::Bundle => "bundle",
            OfferKind::Material => "material",
        }
    }

    /// From the word used in announcements.
    pub fn parse(s: &str) -> Option<OfferKind> {
        match s {
            "bundle" => Some(OfferKind::Bundle),
            "material" => Some(OfferKind::Material),
            _ => None,
        }
    }
}

/// What is said about an offer before pairing (in the announcement too):
/// nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferInfo {
    /// Random id (16 hex digits).
    pub id: String,
    /// The offerer's display name.
    pub from: String,
    /// The offer's title.
    pub title: String,
    /// What it holds.
    pub kind: OfferKind,
}

/// The manifest the taker receives after pairing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The offer.
    pub offer: OfferInfo,
    /// Its items.
    pub items: Vec<ManifestItem>,
}

/// One item of a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestItem {
    /// Content hash (lowercase hex).
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// What it is, e.g. `pakke.zip`.
    pub name: String,
}

/// Where an item's bytes come from on the offerer's side.
#[derive(Debug, Clone)]
enum Source {
    Bytes(Arc<Vec<u8>>),
    File(PathBuf),
}

/// One item of an offer.
#[derive(Debug, Clone)]
pub struct OfferItem {
    item: ManifestItem,
    source: Source,
}

impl OfferItem {
    /// An item held in memory (a bundle).
    pub fn bytes(name: &str, bytes: Vec<u8>) -> OfferItem {
        OfferItem {
            item: ManifestItem {
                sha256: hex::encode(Sha256::digest(&bytes)),
                size: bytes.len() as u64,
                name: name.to_string(),
            },
            source: Source::Bytes(Arc::new(bytes)),
        }
    }

    /// An item read from a file when asked for; its hash is taken now.
    pub fn file(name: &str, path: &Path) -> Result<OfferItem> {
        let (sha256, size) = hash_file(path)?;
        Ok(OfferItem {
            item: ManifestItem {
                sha256,
                size,
                name: name.to_string(),
            },
            source: Source::File(path.to_path_buf()),
        })
    }

    /// Its manifest entry.
    pub fn entry(&self) -> &ManifestItem {
        &self.item
    }
}

fn hash_file(path: &Path) -> Result<(String, u64)> {
    let mut f = File::open(path).map_err(|e| crate::Error::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf).map_err(|e| crate::Error::io(path, e))?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
    }
    Ok((hex::encode(h.finalize()), n))
}

/// An offer: what is said about it and its items.
#[derive(Debug, Clone)]
pub struct Offer {
    /// What is said before pairing.
    pub info: OfferInfo,
    items: Vec<OfferItem>,
}

impl Offer {
    /// An offer with a fresh random id.
    pub fn new(from: &str, title: &str, kind: OfferKind, items: Vec<OfferItem>) -> Result<Offer> {
        let mut id = [0u8; 8];
        getrandom::fill(&mut id).map_err(|e| NearbyError::Tls(format!("tilfældige tal: {e}")))?;
        let mut seen = std::collections::BTreeSet::new();
        let items = items
            .into_iter()
            .filter(|i| seen.insert(i.item.sha256.clone()))
            .collect();
        Ok(Offer {
            info: OfferInfo {
                id: hex::encode(id),
                from: from.to_string(),
                title: title.to_string(),
                kind,
            },
            items,
        })
    }

    /// The manifest sent after pairing.
    pub fn manifest(&self) -> Manifest {
        Manifest {
            offer: self.info.clone(),
            items: self.items.iter().map(|i| i.item.clone()).collect(),
        }
    }
}

/// Whether the offer may still be served (false once the vault it came
/// from is locked); asked at every connection and every item.
pub type StillOpen = Arc<dyn Fn() -> bool + Send + Sync>;

/// State shared by the offerer's connections.
struct Shared {
    open: StillOpen,
    offer: Offer,
    code: Code,
    guard: Guard,
    config: Arc<ServerConfig>,
    stop: AtomicBool,
    active: AtomicUsize,
    gets: Mutex<Vec<(String, u64)>>,
    bytes_sent: AtomicU64,
}

/// A running offer: a TCP listener whose connections must pair with the
/// code before anything of the offer is sent. Stopped when dropped.
pub struct Offerer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Offerer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Offerer")
            .field("offer", &self.shared.offer.info)
            .field("addr", &self.addr)
            .finish()
    }
}

impl Offerer {
    /// Starts offering on `bind` with a fresh code and the standard limits,
    /// for as long as `open` says yes: once it says no, the offer stops
    /// for good (no new connection, no further item).
    pub fn start(offer: Offer, bind: SocketAddr, open: StillOpen) -> Result<Offerer> {
        Offerer::start_while(offer, bind, Code::generate()?, Guard::new(), open)
    }

    /// Starts offering with a given code and guard (tests).
    pub fn start_with(offer: Offer, bind: SocketAddr, code: Code, guard: Guard) -> Result<Offerer> {
        Offerer::start_while(offer, bind, code, guard, Arc::new(|| true))
    }

    /// Starts offering with a given code, guard and `open` check.
    pub fn start_while(
        offer: Offer,
        bind: SocketAddr,
        code: Code,
        guard: Guard,
        open: StillOpen,
    ) -> Result<Offerer> {
        let listener = TcpListener::bind(bind).map_err(frame::conn)?;
        let addr = listener.local_addr().map_err(frame::conn)?;
        listener.set_nonblocking(true).map_err(frame::conn)?;
        let shared = Arc::new(Shared {
            open,
            offer,
            code,
            guard,
            config: channel::offerer_config()?,
            stop: AtomicBool::new(false),
            active: AtomicUsize::new(0),
            gets: Mutex::new(Vec::new()),
            bytes_sent: AtomicU64::new(0),
        });
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("nearby-offer".into())
            .spawn(move || accept_loop(&s, listener))
            .map_err(frame::conn)?;
        Ok(Offerer {
            shared,
            addr,
            thread: Some(thread),
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The code to show on the offerer's screen.
    pub fn code(&self) -> &Code {
        &self.shared.code
    }

    /// What is said about the offer.
    pub fn info(&self) -> &OfferInfo {
        &self.shared.offer.info
    }

    /// Pairings so far and whether the offer is locked.
    pub fn counts(&self) -> GuardCounts {
        self.shared.guard.counts()
    }

    /// Whether the offer is past its lifetime.
    pub fn expired(&self) -> bool {
        self.shared.guard.expired()
    }

    /// Every item request served so far: (sha256, from byte).
    pub fn gets(&self) -> Vec<(String, u64)> {
        self.shared
            .gets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Item bytes sent so far.
    pub fn bytes_sent(&self) -> u64 {
        self.shared.bytes_sent.load(Ordering::Relaxed)
    }

    /// Whether it stopped serving (stopped, or withdrawn by its `open` check).
    pub fn stopped(&self) -> bool {
        self.shared.stop.load(Ordering::Relaxed)
    }

    /// Stops listening and ends transfers under way.
    pub fn stop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Offerer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn accept_loop(shared: &Arc<Shared>, listener: TcpListener) {
    while !shared.stop.load(Ordering::Relaxed) {
        match listener.accept() {
            Ok(_) if !(shared.open)() => {
                // Withdrawn (the vault was locked): the listener closes.
                shared.stop.store(true, Ordering::Relaxed);
                return;
            }
            Ok((sock, _)) => {
                if shared.active.load(Ordering::Relaxed) >= MAX_CONNECTIONS {
                    continue; // dropped: the taker sees the connection closed
                }
                let _ = sock.set_nonblocking(false);
                shared.active.fetch_add(1, Ordering::Relaxed);
                let s = shared.clone();
                let spawned = std::thread::Builder::new()
                    .name("nearby-conn".into())
                    .spawn(move || {
                        let _ = serve(&s, sock);
                        s.active.fetch_sub(1, Ordering::Relaxed);
                    });
                if spawned.is_err() {
                    shared.active.fetch_sub(1, Ordering::Relaxed);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(25));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// One taker's connection: pairing, then requests until `bye`.
fn serve(shared: &Shared, sock: TcpStream) -> Result<()> {
    let offer = &shared.offer;
    let mut tls = channel::accept(
        sock,
        shared.config.clone(),
        &offer.info.id,
        &shared.code,
        &shared.guard,
    )?;
    tls.sock
        .set_read_timeout(Some(IDLE_TIMEOUT))
        .map_err(frame::conn)?;
    tls.sock
        .set_write_timeout(Some(IDLE_TIMEOUT))
        .map_err(frame::conn)?;
    loop {
        let (msg, _) = frame::read(&mut tls, 0)?;
        match msg {
            Msg::GetManifest => {
                let json = serde_json::to_vec(&offer.manifest())
                    .map_err(|e| NearbyError::Protocol(e.to_string()))?;
                frame::write(&mut tls, &Msg::Manifest, &json)?;
            }
            Msg::Get { .. } if !(shared.open)() => {
                shared.stop.store(true, Ordering::Relaxed);
                return Err(NearbyError::Cancelled);
            }
            Msg::Get { sha256, from } => {
                let Some(item) = offer.items.iter().find(|i| i.item.sha256 == sha256) else {
                    frame::write(&mut tls, &Msg::NotOffered { sha256 }, &[])?;
                    continue;
                };
                shared
                    .gets
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((sha256, from));
                send_item(shared, &mut tls, item, from)?;
            }
            Msg::Bye => {
                tls.conn.send_close_notify();
                let _ = tls.conn.complete_io(&mut tls.sock);
                return Ok(());
            }
            other => {
                return Err(NearbyError::Protocol(format!("uventet {other:?}")));
            }
        }
    }
}

fn send_item(shared: &Shared, tls: &mut OffererChannel, item: &OfferItem, from: u64) -> Result<()> {
    let size = item.item.size;
    let sha256 = &item.item.sha256;
    let mut offset = from.min(size);
    let mut file = match &item.source {
        Source::File(p) => {
            let mut f = File::open(p).map_err(|e| crate::Error::io(p, e))?;
            f.seek(SeekFrom::Start(offset))
                .map_err(|e| crate::Error::io(p, e))?;
            Some(f)
        }
        Source::Bytes(_) => None,
    };
    let mut buf = vec![0u8; CHUNK];
    while offset < size {
        if shared.stop.load(Ordering::Relaxed) {
            return Err(NearbyError::Cancelled);
        }
        let n = (size - offset).min(CHUNK as u64) as usize;
        match (&item.source, file.as_mut()) {
            (Source::Bytes(b), _) => {
                let start = offset as usize;
                buf[..n].copy_from_slice(&b[start..start + n]);
            }
            (Source::File(p), Some(f)) => {
                f.read_exact(&mut buf[..n])
                    .map_err(|e| crate::Error::io(p, e))?;
            }
            (Source::File(_), None) => unreachable!("a file source is opened above"),
        }
        frame::write(
            tls,
            &Msg::Data {
                sha256: sha256.clone(),
                offset,
            },
            &buf[..n],
        )?;
        offset += n as u64;
        shared.bytes_sent.fetch_add(n as u64, Ordering::Relaxed);
    }
    frame::write(
        tls,
        &Msg::End {
            sha256: sha256.clone(),
        },
        &[],
    )
}

/// Where taken items wait: a private folder of the taker's data directory.
#[derive(Debug, Clone)]
pub struct Inbox {
    dir: PathBuf,
}

impl Inbox {
    /// An inbox in `dir` (created).
    pub fn new(dir: impl Into<PathBuf>) -> Result<Inbox> {
        let dir = dir.into();
        fs::create_dir_all(&dir).map_err(|e| crate::Error::io(&dir, e))?;
        Ok(Inbox { dir })
    }

    /// Where a complete, checked item is.
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        self.dir.join(sha256)
    }

    fn part_of(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.part"))
    }

    /// Whether the item has arrived whole.
    pub fn has(&self, sha256: &str) -> bool {
        self.path_of(sha256).is_file()
    }

    /// The bytes of an item that has arrived whole.
    pub fn read(&self, sha256: &str) -> Result<Vec<u8>> {
        let p = self.path_of(sha256);
        fs::read(&p).map_err(|e| crate::Error::io(p, e).into())
    }

    /// Bytes of the item that arrived before a connection dropped.
    pub fn partial_len(&self, sha256: &str) -> u64 {
        fs::metadata(self.part_of(sha256))
            .map(|m| m.len())
            .unwrap_or(0)
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// What one take did.
#[derive(Debug, Clone)]
pub struct Taken {
    /// The offer's manifest.
    pub manifest: Manifest,
    /// Items fetched (wholly or the rest of them) by this take.
    pub fetched: Vec<String>,
    /// Item bytes received by this take.
    pub bytes: u64,
}

pub(crate) fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn check_manifest(m: &Manifest, id: &str) -> Result<()> {
    let bad = |why: &str| Err(NearbyError::Protocol(format!("manifestet {why}")));
    if m.offer.id != id {
        return bad("hører til et andet tilbud");
    }
    if m.items.len() > MAX_ITEMS {
        return bad("har for mange dele");
    }
    let total = m.items.iter().fold(0u64, |t, i| t.saturating_add(i.size));
    if total > MAX_TOTAL {
        return bad("er for stort");
    }
    if m.items.iter().any(|i| !is_sha256(&i.sha256)) {
        return bad("har en ugyldig hash");
    }
    Ok(())
}

/// Takes the offer at `addr` with `code`: pairs, reads the manifest and
/// fetches into `inbox` every item it does not hold whole, each from the
/// byte it has, except those `held` says the taker keeps already.
/// Cancelling (or a dropped connection) keeps what arrived.
pub fn take(
    addr: SocketAddr,
    offer: Option<&str>,
    code: &Code,
    inbox: &Inbox,
    held: &dyn Fn(&ManifestItem) -> bool,
    progress: &dyn Progress,
    cancel: &AtomicBool,
) -> Result<Taken> {
    Taking::open(addr, offer, code)?.fetch(inbox, held, progress, cancel)
}

/// A paired connection to an offer whose manifest has arrived, before any
/// item is fetched (so the taker can choose where items go by the kind).
pub struct Taking {
    tls: channel::TakerChannel,
    manifest: Manifest,
}

impl Taking {
    /// Connects, pairs with `code` and reads the offer's manifest.
    pub fn open(addr: SocketAddr, offer: Option<&str>, code: &Code) -> Result<Taking> {
        let sock = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT).map_err(frame::conn)?;
        let _ = sock.set_nodelay(true);
        let (mut tls, id) = channel::connect(sock, channel::taker_config()?, offer, code)?;
        tls.sock
            .set_read_timeout(Some(IDLE_TIMEOUT))
            .map_err(frame::conn)?;
        tls.sock
            .set_write_timeout(Some(IDLE_TIMEOUT))
            .map_err(frame::conn)?;
        frame::write(&mut tls, &Msg::GetManifest, &[])?;
        let (m, body) = frame::read(&mut tls, MAX_MANIFEST)?;
        if m != Msg::Manifest {
            return Err(NearbyError::Protocol(format!(
                "ventede manifest, fik {m:?}"
            )));
        }
        let manifest: Manifest = serde_json::from_slice(&body)
            .map_err(|e| NearbyError::Protocol(format!("manifestet kan ikke læses ({e})")))?;
        check_manifest(&manifest, &id)?;
        Ok(Taking { tls, manifest })
    }

    /// The offer's manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Fetches into `inbox` every item not there whole and not `held`.
    pub fn fetch(
        self,
        inbox: &Inbox,
        held: &dyn Fn(&ManifestItem) -> bool,
        progress: &dyn Progress,
        cancel: &AtomicBool,
    ) -> Result<Taken> {
        let Taking { mut tls, manifest } = self;
        // Counted in bytes (`done` and `bytes` alike), items held or
        // arrived before counting as done.
        let total: u64 = manifest.items.iter().map(|i| i.size).sum();
        progress.begin("Henter fra den anden computer", total);
        let mut tick = Tick::default();
        let mut fetched = Vec::new();
        let mut received = 0u64;
        for item in &manifest.items {
            if cancel.load(Ordering::Relaxed) {
                return Err(NearbyError::Cancelled);
            }
            if inbox.has(&item.sha256) || held(item) {
                tick.done = tick.bytes;
                tick.bytes += item.size;
                progress.update(tick);
                continue;
            }
            let part = inbox.part_of(&item.sha256);
            let mut have = inbox.partial_len(&item.sha256);
            if have > item.size {
                fs::remove_file(&part).map_err(|e| crate::Error::io(&part, e))?;
                have = 0;
            }
            tick.bytes += have;
            // The hash runs along as bytes arrive, from what arrived before.
            let mut hasher = Sha256::new();
            if have > 0 {
                let mut earlier = File::open(&part).map_err(|e| crate::Error::io(&part, e))?;
                std::io::copy(&mut earlier, &mut HashWriter(&mut hasher))
                    .map_err(|e| crate::Error::io(&part, e))?;
            }
            let mut out = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&part)
                .map_err(|e| crate::Error::io(&part, e))?;
            frame::write(
                &mut tls,
                &Msg::Get {
                    sha256: item.sha256.clone(),
                    from: have,
                },
                &[],
            )?;
            loop {
                let (m, body) = frame::read(&mut tls, frame::MAX_BODY)?;
                match m {
                    Msg::Data { sha256, offset } if sha256 == item.sha256 && offset == have => {
                        if have + body.len() as u64 > item.size {
                            return Err(NearbyError::Protocol("en del er større end sagt".into()));
                        }
                        out.write_all(&body)
                            .map_err(|e| crate::Error::io(&part, e))?;
                        hasher.update(&body);
                        have += body.len() as u64;
                        received += body.len() as u64;
                        tick.bytes += body.len() as u64;
                        tick.done = tick.bytes;
                        progress.update(tick);
                        if cancel.load(Ordering::Relaxed) {
                            out.sync_data().map_err(|e| crate::Error::io(&part, e))?;
                            return Err(NearbyError::Cancelled);
                        }
                    }
                    Msg::End { sha256 } if sha256 == item.sha256 => break,
                    Msg::NotOffered { .. } => {
                        return Err(NearbyError::Protocol(
                            "en del i manifestet tilbydes ikke".into(),
                        ));
                    }
                    other => {
                        return Err(NearbyError::Protocol(format!("uventet {other:?}")));
                    }
                }
            }
            out.sync_data().map_err(|e| crate::Error::io(&part, e))?;
            drop(out);
            if hex::encode(hasher.finalize()) != item.sha256 || have != item.size {
                let _ = fs::remove_file(&part);
                return Err(NearbyError::Protocol(
                    "en del passer ikke med sin hash og er kasseret".into(),
                ));
            }
            let dest = inbox.path_of(&item.sha256);
            fs::rename(&part, &dest).map_err(|e| crate::Error::io(&dest, e))?;
            fetched.push(item.sha256.clone());
            tick.done = tick.bytes;
            progress.update(tick);
        }
        progress.end();
        frame::write(&mut tls, &Msg::Bye, &[])?;
        tls.conn.send_close_notify();
        let _ = tls.conn.complete_io(&mut tls.sock);
        Ok(Taken {
            manifest,
            fetched,
            bytes: received,
        })
    }
}
