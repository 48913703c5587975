//! "Remember on this computer" (issue 17) with a real Secret Service: a
//! private D-Bus session bus (dbus-daemon, with no service it could start by
//! itself) and Debian's GNOME Keyring daemon on it, unlocked with a password
//! of the test's own; the real binary and `serve` talk to them. After
//! `unlock --remember` and `lock`, `unlock` opens the vault with no passcode
//! and closed material is searched; the data directory still holds no closed
//! title and no form of the key; a wrong key in the keychain is refused and
//! removed; after `passcode forget` the passcode is asked again; without a
//! keychain `--remember` says so in Danish and the vault is unlocked anyway.

mod common;

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const PASSCODE: &str = "lang og hemmelig kode";
/// A bus address where no bus listens: "no keychain here".
const NO_BUS: &str = "unix:path=/nonexistent/moedemappe-test-bus";

/// A session bus and a Secret Service (GNOME Keyring) of the test's own,
/// both stopped when dropped.
struct Keyring {
    bus: Child,
    daemon: Child,
    address: String,
}

impl Drop for Keyring {
    fn drop(&mut self) {
        for child in [&mut self.daemon, &mut self.bus] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Starts the bus and the keyring daemon (its files under `home`, its
/// control socket under `rt`), and waits until the Secret Service answers.
fn start_keyring(home: &Path, rt: &Path) -> Keyring {
    let config = home.join("bus.conf");
    std::fs::write(
        &config,
        format!(
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
            home.join("bus").display()
        ),
    )
    .unwrap();
    let mut bus = Command::new("dbus-daemon")
        .arg(format!("--config-file={}", config.display()))
        .args(["--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        // It says it may not raise its file limit; nothing else to say.
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-daemon (Debian's dbus) is installed");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(bus.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let address = line.trim().to_string();
    assert!(address.starts_with("unix:"), "the bus's address: {line:?}");
    let mut daemon = Command::new("gnome-keyring-daemon")
        .args(["--foreground", "--unlock", "--components=secrets"])
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("share"))
        .env("XDG_RUNTIME_DIR", rt)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("gnome-keyring-daemon (Debian's gnome-keyring) is installed");
    // The login keyring's password, then end of input: it is unlocked.
    daemon
        .stdin
        .take()
        .unwrap()
        .write_all("testens egen nøgleringskode".as_bytes())
        .unwrap();
    let keyring = Keyring {
        bus,
        daemon,
        address,
    };
    let start = Instant::now();
    loop {
        let owner = Command::new("dbus-send")
            .args([
                &format!("--bus={}", keyring.address),
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .output()
            .unwrap();
        if String::from_utf8_lossy(&owner.stdout).contains("boolean true") {
            break keyring;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the Secret Service came up"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs the binary with the runtime directory, a bus address and `stdin`.
fn run(data: &Path, rt: &Path, bus: &str, args: &[&str], stdin: &str) -> Output {
    let env = [
        ("XDG_RUNTIME_DIR", rt.to_str().unwrap()),
        ("DBUS_SESSION_BUS_ADDRESS", bus),
    ];
    common::moedemappe_with(data, args, &env, stdin)
}

fn ok(data: &Path, rt: &Path, bus: &str, args: &[&str], stdin: &str) -> String {
    let env = [
        ("XDG_RUNTIME_DIR", rt.to_str().unwrap()),
        ("DBUS_SESSION_BUS_ADDRESS", bus),
    ];
    common::ok_with(data, args, &env, stdin)
}

/// The keychain entry of `data`: service `moedemappe`, account the first 12
/// bytes of SHA-256 of the data directory's canonical path, in hex.
fn entry(data: &Path) -> keyring::Entry {
    let canonical = data.canonicalize().unwrap();
    let digest = Sha256::digest(canonical.to_string_lossy().as_bytes());
    keyring::Entry::new("moedemappe", &hex::encode(&digest[..12])).unwrap()
}

/// Every file under `dir` holding one of `needles` (bytes, as written).
fn files_with(dir: &Path, needles: &[Vec<u8>]) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if !e.file_type().is_file() {
            continue;
        }
        let bytes = std::fs::read(e.path()).unwrap();
        for n in needles {
            if bytes.windows(n.len()).any(|w| w == n.as_slice()) {
                found.push((
                    String::from_utf8_lossy(n).into_owned(),
                    e.path().to_path_buf(),
                ));
            }
        }
    }
    found
}

/// Closed titles no open material has (open items' titles and case texts,
/// pages of open bilag and documents).
fn closed_titles(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let all = |q: &str| -> Vec<String> {
        let mut stmt = conn.prepare(q).unwrap();
        stmt.query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    let mut open =
        all("SELECT title || ' ' || COALESCE(case_text, '') FROM items WHERE closed = 0");
    open.extend(all(
        "SELECT p.text FROM pages p JOIN attachments a ON a.id = p.attachment_id
          WHERE EXISTS (SELECT 1 FROM item_attachments ia JOIN items i ON i.id = ia.item_id
                         WHERE ia.attachment_id = a.id AND i.closed = 0 AND ia.closed = 0)
             OR EXISTS (SELECT 1 FROM documents d WHERE d.attachment_id = a.id)",
    ));
    let open = open.join("\n").to_lowercase();
    all("SELECT title FROM items WHERE closed = 1")
        .into_iter()
        // As JSON prints them, so a search's answer can be looked through.
        .filter(|t| !t.contains(['"', '\\']) && !open.contains(&t.to_lowercase()))
        .take(4)
        .collect()
}

#[test]
fn this_computer_remembers_the_key_in_a_real_secret_service_and_forgets_it() {
    let scratch = tempfile::tempdir().unwrap();
    let rt = tempfile::tempdir_in("/dev/shm").expect("/dev/shm (tmpfs)");
    let rt = rt.path();
    let (corpus, data) = (scratch.path().join("corpus"), scratch.path().join("data"));
    ok(
        &corpus,
        rt,
        NO_BUS,
        &["demo", "--scale", "0.02", "--no-import"],
        "",
    );
    ok(
        &data,
        rt,
        NO_BUS,
        &["import", &corpus.join("demo").to_string_lossy(), "--no-ocr"],
        "",
    );
    let titles = closed_titles(&data.join("moedemappe.sqlite"));
    assert!(!titles.is_empty(), "the demo has closed titles");
    let title = titles[0].clone();
    let mut needles: Vec<Vec<u8>> = titles.iter().map(|t| t.as_bytes().to_vec()).collect();
    assert!(
        files_with(&data, &needles).len() >= titles.len(),
        "the scan finds the closed titles before the vault"
    );
    ok(
        &data,
        rt,
        NO_BUS,
        &["passcode", "set"],
        &format!("{PASSCODE}\n"),
    );
    ok(&data, rt, NO_BUS, &["lock"], "");
    let closed_found =
        |bus: &str| ok(&data, rt, bus, &["search", &title, "--json"], "").contains(&title);

    // No keychain: `--remember` says so in Danish and fails, and the vault
    // is unlocked with the passcode all the same; nothing is marked.
    let none = run(
        &data,
        rt,
        NO_BUS,
        &["unlock", "--remember"],
        &format!("{PASSCODE}\n"),
    );
    let err = String::from_utf8_lossy(&none.stderr);
    assert!(!none.status.success(), "{err}");
    assert!(
        err.contains("boksen er låst op, men denne computer kan ikke huske nøglen")
            && err.contains("nøglering"),
        "{err}"
    );
    assert!(closed_found(NO_BUS), "unlocked with the passcode anyway");
    assert!(!data.join("vault-keychain").exists());
    ok(&data, rt, NO_BUS, &["lock"], "");

    let home = scratch.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let keyring = start_keyring(&home, rt);
    let bus = keyring.address.as_str();
    // The test reads and writes the entry as another program of the member's would.
    // (This test binary runs this one test only, so no other thread reads
    // the environment meanwhile.)
    std::env::set_var("DBUS_SESSION_BUS_ADDRESS", bus);
    assert!(matches!(
        entry(&data).get_password(),
        Err(keyring::Error::NoEntry)
    ));

    // Remembered: the keychain holds the master key's hex; after `lock`,
    // `unlock` needs no passcode (nothing on standard input).
    let said = ok(
        &data,
        rt,
        bus,
        &["unlock", "--remember"],
        &format!("{PASSCODE}\n"),
    );
    assert!(said.contains("husker nøglen"), "{said}");
    let key = entry(&data)
        .get_password()
        .expect("the key is in the keychain");
    assert!(
        key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()),
        "the master key's hex"
    );
    needles.push(key.as_bytes().to_vec());
    needles.push(key.to_uppercase().into_bytes());
    needles.push(hex::decode(&key).unwrap());
    let locked = ok(&data, rt, bus, &["lock"], "");
    assert!(locked.contains("husker stadig nøglen"), "{locked}");
    assert!(!closed_found(bus), "locked");
    let opened = ok(&data, rt, bus, &["unlock"], "");
    assert!(opened.contains("Låst op med nøglen"), "{opened}");
    assert!(
        closed_found(bus),
        "closed material after a passcode-less unlock"
    );
    ok(&data, rt, bus, &["lock"], "");
    let plain = files_with(&data, &needles);
    assert!(
        plain.is_empty(),
        "in plain in the data directory: {plain:?}"
    );
    // The runtime directory held the key while unlocked; locked, nothing.
    let in_rt = files_with(rt, &needles[titles.len()..]);
    assert!(
        in_rt.is_empty(),
        "the key left in the runtime directory: {in_rt:?}"
    );

    // The app: an empty passcode unlocks with the keychain; only the
    // member's session is told the key is remembered.
    {
        let rt_text = rt.to_string_lossy().to_string();
        let server = common::serve::serve_with(
            &data,
            None,
            &[
                ("XDG_RUNTIME_DIR", &rt_text),
                ("DBUS_SESSION_BUS_ADDRESS", bus),
            ],
        );
        let member = common::serve::member(&server);
        let post = |body: serde_json::Value| {
            member
                .post(format!("{}/api/vault/unlock", server.base))
                .header("origin", server.base.trim_end_matches('/'))
                .json(&body)
                .send()
                .unwrap()
        };
        let view: serde_json::Value = member
            .get(format!("{}/api/vault", server.base))
            .send()
            .unwrap()
            .json()
            .unwrap();
        assert_eq!(
            view,
            serde_json::json!({"present": true, "locked": true, "remembered": true})
        );
        let opened = post(serde_json::json!({"passcode": ""}));
        assert_eq!(opened.status().as_u16(), 200);
        assert_eq!(opened.json::<serde_json::Value>().unwrap()["locked"], false);
        let found = member
            .get(format!("{}/api/search?q={title}", server.base))
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert!(
            found.contains(&title),
            "unlocked from the keychain: {found}"
        );
        let token = ok(
            &data,
            rt,
            bus,
            &["token", "create", "--scope", "lukket"],
            "",
        );
        let (status, view) = common::serve::get_json(&server, "/api/vault", token.trim());
        assert_eq!(
            (status, view),
            (200, serde_json::json!({"present": true, "locked": false})),
            "a token's caller is not told"
        );
        let locked = member
            .post(format!("{}/api/vault/lock", server.base))
            .header("origin", server.base.trim_end_matches('/'))
            .json(&serde_json::json!({}))
            .send()
            .unwrap();
        assert_eq!(locked.json::<serde_json::Value>().unwrap()["locked"], true);
    }

    // A wrong key in the keychain (another vault's, or changed) opens
    // nothing: it is removed, and the passcode is asked.
    let wrong = "ab".repeat(32);
    entry(&data).set_password(&wrong).unwrap();
    let refused = run(&data, rt, bus, &["unlock"], "");
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "a wrong key unlocked: {err}");
    assert!(err.contains("passer ikke til boksen"), "{err}");
    assert!(err.contains("ingen adgangskode"), "{err}");
    assert!(matches!(
        entry(&data).get_password(),
        Err(keyring::Error::NoEntry)
    ));
    assert!(!data.join("vault-keychain").exists());
    assert!(!closed_found(bus), "still locked");

    // Remembered again, then forgotten: the passcode is asked again.
    ok(
        &data,
        rt,
        bus,
        &["unlock", "--remember"],
        &format!("{PASSCODE}\n"),
    );
    assert_eq!(entry(&data).get_password().unwrap(), key, "the same key");
    let forgot = ok(&data, rt, bus, &["passcode", "forget"], "");
    assert!(forgot.contains("husker ikke længere"), "{forgot}");
    assert!(matches!(
        entry(&data).get_password(),
        Err(keyring::Error::NoEntry)
    ));
    assert!(closed_found(bus), "forgetting does not lock");
    ok(&data, rt, bus, &["lock"], "");
    let asked = run(&data, rt, bus, &["unlock"], "");
    assert!(!asked.status.success());
    assert!(
        String::from_utf8_lossy(&asked.stderr).contains("ingen adgangskode på standard input"),
        "{}",
        String::from_utf8_lossy(&asked.stderr)
    );
    ok(&data, rt, bus, &["unlock"], &format!("{PASSCODE}\n"));
    assert!(closed_found(bus));
    ok(&data, rt, bus, &["lock"], "");
    let plain = files_with(&data, &needles);
    assert!(plain.is_empty(), "in plain at the end: {plain:?}");
    drop(keyring);
}
