//! Sharing nearby between two computers, made of two network namespaces on
//! this machine joined by a veth pair: the mentor offers a meeting's open
//! material and notes, the mentee finds the offer with mDNS and takes it
//! with the code. A packet capture on the veth shows no note or page word in
//! plain text; closed items never travel; a wrong code gets nothing and five
//! lock the offer; a receiver killed half-way finishes on retry with nothing
//! fetched or stored twice.
//!
//! Needs root (namespaces) with `ip` and `tcpdump`, as CI has (`.ci/run`);
//! elsewhere it says why and does nothing.

mod common;
mod notes_common;

use common::{json_lines, ok};
use notes_common::{db, dump};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_moedemappe");

/// Two namespaces joined by a veth pair: `a` (10.77.0.1) and `b` (10.77.0.2).
struct Net {
    a: String,
    b: String,
    veth_a: String,
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("the program runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

impl Net {
    /// The namespaces, or why they cannot be made here.
    fn new() -> Result<Net, String> {
        if !rustix_is_root() {
            return Err("not root".into());
        }
        for tool in ["ip", "tcpdump"] {
            let found = Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false);
            if !found {
                return Err(format!("{tool} is missing"));
            }
        }
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tag = format!("{}x{n}", std::process::id() % 100_000);
        let net = Net {
            a: format!("mma{tag}"),
            b: format!("mmb{tag}"),
            veth_a: format!("mva{tag}"),
        };
        let veth_b = format!("mvb{tag}");
        run(Command::new("ip").args(["netns", "add", &net.a]));
        run(Command::new("ip").args(["netns", "add", &net.b]));
        run(Command::new("ip").args([
            "link",
            "add",
            &net.veth_a,
            "type",
            "veth",
            "peer",
            "name",
            &veth_b,
        ]));
        for (ns, dev, addr) in [
            (&net.a, &net.veth_a, "10.77.0.1/24"),
            (&net.b, &veth_b, "10.77.0.2/24"),
        ] {
            run(Command::new("ip").args(["link", "set", dev, "netns", ns]));
            run(Command::new("ip").args(["-n", ns, "addr", "add", addr, "dev", dev]));
            run(Command::new("ip").args(["-n", ns, "link", "set", dev, "up", "multicast", "on"]));
            run(Command::new("ip").args(["-n", ns, "link", "set", "lo", "up"]));
        }
        Ok(net)
    }

    /// `moedemappe --data-dir <data> <args…>` inside namespace `ns`.
    fn cmd(&self, ns: &str, data: &Path, args: &[&str]) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", ns, BIN, "--data-dir"])
            .arg(data)
            .args(args)
            .env_remove("MOEDEMAPPE_DATA");
        c
    }

    fn out(&self, ns: &str, data: &Path, args: &[&str]) -> Output {
        self.cmd(ns, data, args).output().expect("the binary runs")
    }

    fn ok(&self, ns: &str, data: &Path, args: &[&str]) -> String {
        let out = self.out(ns, data, args);
        assert!(
            out.status.success(),
            "moedemappe {args:?} in {ns} failed\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        for ns in [&self.a, &self.b] {
            let _ = Command::new("ip").args(["netns", "del", ns]).output();
        }
    }
}

fn rustix_is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A running `share offer` in namespace a: its code and offer id, read from
/// what it prints; killed when dropped.
struct Offering {
    child: Child,
    code: String,
    id: String,
    _lines: Receiver<String>,
}

impl Offering {
    fn start(net: &Net, data: &Path, args: &[&str]) -> Offering {
        let mut all = vec!["share", "offer"];
        all.extend_from_slice(args);
        let mut child = net
            .cmd(&net.a, data, &all)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let (tx, rx) = channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let (mut code, mut id) = (None, None);
        let deadline = Instant::now() + Duration::from_secs(60);
        while code.is_none() || id.is_none() {
            let line = rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("the offer prints its code and id");
            if let Some(c) = line.trim().strip_prefix("Kode: ") {
                code = Some(c.replace(' ', ""));
            }
            if let Some(rest) = line.split("(tilbud ").nth(1) {
                id = Some(rest.trim_end_matches(").").to_string());
            }
        }
        Offering {
            child,
            code: code.unwrap(),
            id: id.unwrap(),
            _lines: rx,
        }
    }
}

impl Drop for Offering {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every file of a data directory with its hash, and the store's every
/// row. (The lock files, which every program holds while it runs, are left
/// out, and so are the store's own bytes: SQLite moves pages between its
/// write-ahead log and the main file when a program closes it, with every
/// row as it was.)
fn hashes(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut files: BTreeMap<PathBuf, String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.path().extension().is_none_or(|x| x != "lock"))
        .filter(|e| {
            !e.file_name()
                .to_string_lossy()
                .starts_with("moedemappe.sqlite")
        })
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap();
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                hex::encode(Sha256::digest(&bytes)),
            )
        })
        .collect();
    if dir.join("moedemappe.sqlite").is_file() {
        files.insert(
            PathBuf::from("moedemappe.sqlite (rows)"),
            hex::encode(Sha256::digest(dump(dir).as_bytes())),
        );
    }
    files
}

fn contains(hay: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    hay.windows(n.len()).any(|w| w == n)
}

/// Every file under `dir` that holds `needle`.
fn files_with(dir: &Path, needle: &str) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .filter(|e| contains(&std::fs::read(e.path()).unwrap(), needle))
        .map(|e| e.path().to_path_buf())
        .collect()
}

/// A demo meeting with a closed item between open ones, and an open bilag
/// with a page of text: (body/date, closed titles, closed bilag hashes,
/// open attachment id).
fn pick_meeting(data: &Path) -> (String, Vec<String>, Vec<String>, i64) {
    let conn = db(data);
    let (meeting, name, attachment): (i64, String, i64) = conn
        .query_row(
            "SELECT m.id, b.name || '/' || m.date, ia.attachment_id
               FROM meetings m JOIN bodies b ON b.id = m.body_id
               JOIN items i ON i.meeting_id = m.id AND i.closed = 0
               JOIN item_attachments ia ON ia.item_id = i.id AND ia.closed = 0
               JOIN pages p ON p.attachment_id = ia.attachment_id AND p.page = 1 AND length(p.text) > 400
              WHERE m.closed = 0
                AND EXISTS (SELECT 1 FROM items c WHERE c.meeting_id = m.id AND c.closed = 1
                              AND c.number < (SELECT max(number) FROM items o
                                               WHERE o.meeting_id = m.id AND o.closed = 0))
                AND ia.attachment_id NOT IN (SELECT ia2.attachment_id FROM item_attachments ia2
                      JOIN items i2 ON i2.id = ia2.item_id WHERE i2.closed = 1 OR ia2.closed = 1)
              ORDER BY m.date DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("a demo meeting with a closed item between open ones");
    let mut stmt = conn
        .prepare("SELECT title FROM items WHERE meeting_id = ?1 AND closed = 1")
        .unwrap();
    let titles: Vec<String> = stmt
        .query_map([meeting], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut stmt = conn
        .prepare(
            "SELECT a.sha256 FROM item_attachments ia JOIN items i ON i.id = ia.item_id
               JOIN attachments a ON a.id = ia.attachment_id
              WHERE i.meeting_id = ?1 AND (i.closed = 1 OR ia.closed = 1)",
        )
        .unwrap();
    let closed_files: Vec<String> = stmt
        .query_map([meeting], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    (name, titles, closed_files, attachment)
}

/// Four words in a row from the page, as a phrase that shows on the wire if
/// the page text travelled in plain text.
fn phrase(text: &str) -> String {
    text.lines()
        .flat_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            w.windows(4).map(|w| w.join(" ")).collect::<Vec<_>>()
        })
        .find(|p| p.len() >= 20)
        .expect("a phrase on the page")
}

/// Starts tcpdump on the veth in namespace a, writing `pcap`; ready when it returns.
fn capture(net: &Net, pcap: &Path) -> Child {
    let mut child = Command::new("ip")
        .args([
            "netns",
            "exec",
            &net.a,
            "tcpdump",
            "-i",
            &net.veth_a,
            "-U",
            "-s",
            "0",
            "-w",
        ])
        .arg(pcap)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(line.contains("listening"), "tcpdump: {line}");
    std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
    child
}

fn stop_capture(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

fn take_json(net: &Net, data: &Path, args: &[&str]) -> Value {
    let mut all = vec!["share", "take", "--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&net.ok(&net.b, data, &all)).unwrap()
}

#[test]
fn material_and_notes_cross_between_two_namespaces_found_with_mdns_and_taken_with_the_code() {
    let net = match Net::new() {
        Ok(net) => net,
        Err(why) => {
            eprintln!("skipped: two network namespaces cannot be made here ({why})");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let (mentor, mentee) = (dir.path().join("mentor"), dir.path().join("mentee"));
    ok(&mentor, &["demo", "--scale", "0.05"]);
    ok(&mentor, &["me", "--name", "Mette Mentor"]);
    ok(&mentee, &["me", "--name", "Mads Mentee"]);
    let (meeting, closed_titles, closed_files, attachment) = pick_meeting(&mentor);
    assert!(!closed_titles.is_empty());
    let page: String = db(&mentor)
        .query_row(
            "SELECT text FROM pages WHERE attachment_id = ?1 AND page = 1",
            [attachment],
            |r| r.get(0),
        )
        .unwrap();
    let words = phrase(&page);
    // The mentor's notes on the meeting: one shared, one private.
    let item: i64 = db(&mentor)
        .query_row(
            "SELECT ia.item_id FROM item_attachments ia WHERE ia.attachment_id = ?1 LIMIT 1",
            [attachment],
            |r| r.get(0),
        )
        .unwrap();
    let shared_note = "Spørg forvaltningen om kajens bæreevne";
    let private_note = "Min egen tvivl om tidsplanen";
    ok(
        &mentor,
        &[
            "note",
            "add",
            "--item",
            &item.to_string(),
            "--body",
            shared_note,
            "--shared",
        ],
    );
    ok(
        &mentor,
        &[
            "note",
            "add",
            "--item",
            &item.to_string(),
            "--body",
            private_note,
        ],
    );

    let pcap = dir.path().join("veth.pcap");
    let tcpdump = capture(&net, &pcap);

    // The material: announced, seen from the other namespace, taken by id.
    let offer = Offering::start(&net, &mentor, &["--material", "--meeting", &meeting]);
    let seen: Vec<Value> = serde_json::from_str(&net.ok(
        &net.b,
        &mentee,
        &["share", "nearby", "--json", "--seconds", "4"],
    ))
    .unwrap();
    let ours = seen
        .iter()
        .find(|o| o["id"].as_str().unwrap().starts_with(&offer.id))
        .unwrap_or_else(|| panic!("the offer is seen from namespace b: {seen:?}"));
    assert_eq!(ours["from"], "Mette Mentor");
    assert_eq!(ours["kind"], "material");
    assert!(
        ours["addresses"].to_string().contains("10.77.0.1"),
        "{ours}"
    );
    // What is said before pairing is name, title, kind and id, nothing more.
    let mut keys: Vec<&str> = ours
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(keys, ["addresses", "from", "id", "kind", "title"]);

    // A wrong code: refused, and not a byte of the mentee's directory changes.
    let before = hashes(&mentee);
    let wrong = if offer.code == "000000" {
        "000001"
    } else {
        "000000"
    };
    let out = net.out(
        &net.b,
        &mentee,
        &["share", "take", &offer.id, "--code", wrong],
    );
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("forkert kode") && said.contains("4 forsøg tilbage"),
        "{said}"
    );
    assert_eq!(hashes(&mentee), before);

    let r = take_json(&net, &mentee, &[&offer.id, "--code", &offer.code]);
    assert_eq!(r["received"]["kind"], "material");
    assert_eq!(r["received"]["meetings"], 1, "{r}");
    // Closed material is not in the offer's manifest, nor anywhere in the mentee's directory.
    let manifest: Vec<&str> = r["manifest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sha256"].as_str().unwrap())
        .collect();
    for sha in &closed_files {
        assert!(
            !manifest.contains(&sha.as_str()),
            "closed file {sha} offered"
        );
    }
    for title in &closed_titles {
        assert_eq!(files_with(&mentee, title), Vec::<PathBuf>::new(), "{title}");
    }
    // The open items arrive numbered without a gap, searchable, marked.
    let numbers: Vec<i64> = {
        let conn = db(&mentee);
        let mut stmt = conn
            .prepare("SELECT number FROM items ORDER BY number")
            .unwrap();
        let n = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        n
    };
    assert_eq!(numbers, (1..=numbers.len() as i64).collect::<Vec<_>>());
    let hits = json_lines(&ok(&mentee, &["search", &format!("\"{words}\""), "--json"]));
    assert!(!hits.is_empty(), "the page's words are found: {words}");
    let from: String = db(&mentee)
        .query_row("SELECT from_name FROM received_meetings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(from, "Mette Mentor");
    drop(offer);

    // The notes: a bundle offer taken with the typed-in address.
    let notes = Offering::start(&net, &mentor, &["--meeting", &meeting, "--no-announce"]);
    let r = take_json(
        &net,
        &mentee,
        &["--address", "10.77.0.1", "--code", &notes.code],
    );
    assert_eq!(r["received"]["kind"], "bundle");
    assert_eq!(r["received"]["added"], 1, "{r}");
    let listed = ok(&mentee, &["note", "list", "--json"]);
    assert!(
        listed.contains(shared_note) && !listed.contains(private_note),
        "{listed}"
    );
    drop(notes);

    // Nothing of the notes or the pages crossed the wire in plain text.
    std::thread::sleep(Duration::from_millis(300));
    stop_capture(tcpdump);
    let wire = std::fs::read(&pcap).unwrap();
    assert!(
        wire.len() > 20_000,
        "the capture saw the transfer ({} bytes)",
        wire.len()
    );
    for secret in [shared_note, &words, "kajens", "Mette Mentor\",\"title"] {
        assert!(
            !contains(&wire, secret),
            "«{secret}» is on the wire in plain text"
        );
    }
    // The announcement is plain, as mDNS is: the display name is on the wire.
    assert!(contains(&wire, "Mette Mentor"));

    // Five wrong codes lock the offer, even for the right code afterwards.
    let locked = Offering::start(&net, &mentor, &["--meeting", &meeting, "--no-announce"]);
    let before = hashes(&mentee);
    let wrong = if locked.code == "000000" {
        "000001"
    } else {
        "000000"
    };
    for _ in 0..5 {
        let out = net.out(
            &net.b,
            &mentee,
            &["share", "take", "--address", "10.77.0.1", "--code", wrong],
        );
        assert!(!out.status.success());
    }
    let out = net.out(
        &net.b,
        &mentee,
        &[
            "share",
            "take",
            "--address",
            "10.77.0.1",
            "--code",
            &locked.code,
        ],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("låst"),
        "{out:?}"
    );
    assert_eq!(hashes(&mentee), before);
}

/// Bilag of `n` MB each, of bytes that do not compress, as a meeting folder.
fn big_meeting(root: &Path, files: usize, mb: usize) {
    let item = root
        .join("Teknisk Udvalg")
        .join("2031-05-07")
        .join("01 Stor sag");
    std::fs::create_dir_all(&item).unwrap();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for f in 0..files {
        let mut bytes = vec![0u8; mb << 20];
        for chunk in bytes.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.copy_from_slice(&state.to_le_bytes()[..chunk.len()]);
        }
        std::fs::write(item.join(format!("Bilag {f}.pdf")), bytes).unwrap();
    }
}

#[test]
fn a_receiver_killed_half_way_finishes_on_retry_without_fetching_or_storing_twice() {
    let net = match Net::new() {
        Ok(net) => net,
        Err(why) => {
            eprintln!("skipped: two network namespaces cannot be made here ({why})");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let (mentor, mentee) = (dir.path().join("mentor"), dir.path().join("mentee"));
    let folder = dir.path().join("Møder");
    big_meeting(&folder, 4, 48);
    ok(&mentor, &["import", folder.to_str().unwrap(), "--no-ocr"]);
    ok(&mentor, &["me", "--name", "Mette Mentor"]);
    ok(&mentee, &["me", "--name", "Mads Mentee"]);
    let offer = Offering::start(
        &net,
        &mentor,
        &[
            "--material",
            "--meeting",
            "Teknisk Udvalg/2031-05-07",
            "--no-announce",
        ],
    );

    // The first take is killed once some of the second bilag has arrived.
    let inbox = mentee.join(".nearby-inbox");
    let mut first = net
        .cmd(
            &net.b,
            &mentee,
            &[
                "share",
                "take",
                "--address",
                "10.77.0.1",
                "--code",
                &offer.code,
            ],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let entries: Vec<(String, u64)> = std::fs::read_dir(&inbox)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| {
                        (
                            e.file_name().to_string_lossy().to_string(),
                            e.metadata().unwrap().len(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let whole = entries
            .iter()
            .filter(|(n, _)| !n.ends_with(".part"))
            .count();
        let partial = entries
            .iter()
            .any(|(n, len)| n.ends_with(".part") && *len > 4 << 20);
        if whole >= 2 && partial {
            break;
        }
        assert!(
            first.try_wait().unwrap().is_none(),
            "the take ended before it could be killed"
        );
        assert!(
            Instant::now() < deadline,
            "the transfer did not get half-way: {entries:?}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let arrived: u64 = std::fs::read_dir(&inbox)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(arrived > 0);

    let r = take_json(
        &net,
        &mentee,
        &["--address", "10.77.0.1", "--code", &offer.code],
    );
    let total: u64 = r["manifest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["size"].as_u64().unwrap())
        .sum();
    let bytes = r["bytes"].as_u64().unwrap();
    assert!(
        bytes + arrived >= total && bytes < total - (40 << 20),
        "the retry fetched {bytes} of {total} bytes, {arrived} had arrived"
    );
    assert_eq!(r["received"]["meetings"], 1);
    assert_eq!(r["received"]["new_files"], 4);
    // Each bilag once in the store, nothing left half in the inbox, one meeting.
    let stored: Vec<PathBuf> = walkdir::WalkDir::new(mentee.join("files"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "pdf"))
        .map(|e| e.path().to_path_buf())
        .collect();
    assert_eq!(stored.len(), 4, "{stored:?}");
    let left: Vec<_> = std::fs::read_dir(&inbox).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    let meetings: i64 = db(&mentee)
        .query_row("SELECT count(*) FROM meetings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(meetings, 1);
    // The mentor's files and the mentee's are the same bytes.
    let mut theirs: Vec<String> = hashes(&mentor.join("files")).into_values().collect();
    let mut ours: Vec<String> = hashes(&mentee.join("files")).into_values().collect();
    theirs.sort();
    ours.sort();
    assert_eq!(ours, theirs);
}
