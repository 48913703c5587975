//! The vault locks when logind says the computer goes to sleep, tested with
//! real components: a private `dbus-daemon` as the system bus of a real
//! `moedemappe serve` on an unlocked vault, a stand-in for logind on that bus
//! (it owns `org.freedesktop.login1` and hands out delay inhibitors, as
//! logind does), and signals sent with `dbus-send`. Only logind's
//! `PrepareForSleep(true)` locks; the inhibitor is let go once locked and
//! taken again on waking; a refused inhibitor still locks.

#![cfg(target_os = "linux")]

mod common;

use std::io::Read;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use common::serve::{member, serve_with, Server};
use common::{ok, pdf, Page};

const PASSCODE: &str = "lang og hemmelig kode";
const CLOSED_WORD: &str = "Zebrastien";
const PATH: &str = "/org/freedesktop/login1";
const MANAGER: &str = "org.freedesktop.login1.Manager";

/// A folder source with one meeting: an open item and a closed one.
fn data_dir(base: &Path) -> PathBuf {
    let meeting = base.join("mappe/Teknisk Udvalg/2024-03-05");
    for (folder, text) in [
        ("01 Ny cykelsti langs Ringvejen", "Tegninger af cykelstien."),
        ("02 Salg af grunden ved Zebrastien", "Tilbud fra koeberen."),
    ] {
        std::fs::create_dir_all(meeting.join(folder)).unwrap();
        std::fs::write(
            meeting.join(folder).join("Bilag 1.pdf"),
            pdf(&[Page::text(&[text])], None),
        )
        .unwrap();
    }
    std::fs::write(
        meeting.join("meeting.json"),
        r#"{ "schema": 1, "start": "15:00", "items": [
            { "number": 1 }, { "number": 2, "access": "closed" } ] }"#,
    )
    .unwrap();
    let data = base.join("data");
    let folder = base.join("mappe");
    ok(
        &data,
        &["source", "add", "folder", folder.to_str().unwrap()],
    );
    ok(&data, &["sync"]);
    data
}

/// Runs the binary with the runtime directory and `stdin`.
fn run(data: &Path, rt: &Path, args: &[&str], stdin: &str) -> Output {
    let out = common::moedemappe_with(
        data,
        args,
        &[("XDG_RUNTIME_DIR", rt.to_str().unwrap())],
        stdin,
    );
    assert!(
        out.status.success(),
        "moedemappe {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A private bus from `dbus-daemon` (the system bus's role here), stopped
/// when dropped.
struct Bus {
    child: Child,
    address: String,
    _dir: tempfile::TempDir,
}

impl Drop for Bus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn bus() -> Bus {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bus.conf");
    std::fs::write(
        &config,
        format!(
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
            dir.path().join("bus").display()
        ),
    )
    .unwrap();
    let mut child = Command::new("dbus-daemon")
        .arg(format!("--config-file={}", config.display()))
        .args(["--nofork", "--print-address"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-daemon (apt install dbus-daemon)");
    // It prints its address once it listens.
    let mut address = Vec::new();
    let mut stdout = child.stdout.take().unwrap();
    let mut byte = [0u8];
    while stdout.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
        address.push(byte[0]);
    }
    let address = String::from_utf8(address).unwrap();
    assert!(address.starts_with("unix:"), "dbus-daemon said {address:?}");
    Bus {
        child,
        address,
        _dir: dir,
    }
}

/// A signal on the bus, sent with `dbus-send`.
fn signal(bus: &Bus, path: &str, name: &str, start: bool) {
    let status = Command::new("dbus-send")
        .args(["--system", "--type=signal", path, name])
        .arg(format!("boolean:{start}"))
        .env("DBUS_SYSTEM_BUS_ADDRESS", &bus.address)
        .status()
        .expect("dbus-send (apt install dbus-bin)");
    assert!(status.success(), "dbus-send {name}");
}

/// A stand-in for logind's `Inhibit`: each call hands out one end of a
/// socket pair and sends the other end here (`None` when refused), so the
/// test sees when the caller closes it.
struct Logind {
    calls: mpsc::Receiver<Option<UnixStream>>,
    refuse: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

impl Drop for Logind {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn logind(bus: &Bus) -> Logind {
    use dbus::channel::{MatchingReceiver, Sender};
    use dbus::message::MatchRule;

    let (tx, calls) = mpsc::channel();
    let (ready_tx, ready) = mpsc::channel();
    let refuse = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let (address, refusing, stopped) = (bus.address.clone(), refuse.clone(), stop.clone());
    std::thread::spawn(move || {
        let conn = dbus::blocking::Connection::new_address(&address).unwrap();
        conn.request_name("org.freedesktop.login1", false, true, true)
            .unwrap();
        let rule = MatchRule::new_method_call()
            .with_interface(MANAGER)
            .with_member("Inhibit");
        conn.start_receive(
            rule,
            Box::new(move |msg, conn| {
                let (what, _who, _why, mode): (String, String, String, String) =
                    msg.read4().unwrap();
                assert_eq!((what.as_str(), mode.as_str()), ("sleep", "delay"));
                if refusing.load(Ordering::Relaxed) {
                    let why = std::ffi::CString::new("ikke nu").unwrap();
                    let _ = conn
                        .send(msg.error(&"org.freedesktop.DBus.Error.AccessDenied".into(), &why));
                    let _ = tx.send(None);
                } else {
                    let (ours, theirs) = UnixStream::pair().unwrap();
                    let fd = std::os::fd::OwnedFd::from(theirs);
                    let _ = conn.send(msg.method_return().append1(fd));
                    let _ = tx.send(Some(ours));
                }
                true
            }),
        );
        ready_tx.send(()).unwrap();
        while !stopped.load(Ordering::Relaxed) {
            conn.process(Duration::from_millis(100)).unwrap();
        }
    });
    ready
        .recv_timeout(Duration::from_secs(10))
        .expect("the stand-in for logind is on the bus");
    Logind {
        calls,
        refuse,
        stop,
    }
}

impl Logind {
    /// The next `Inhibit` call: a granted inhibitor's other end, or `None`
    /// when it was refused.
    fn next_call(&self) -> Option<UnixStream> {
        self.calls
            .recv_timeout(Duration::from_secs(10))
            .expect("the program asks logind for a delay inhibitor")
    }

    fn no_call(&self) {
        assert!(self.calls.try_recv().is_err(), "an inhibitor too many");
    }
}

/// Whether the program still holds the inhibitor whose other end is `ours`:
/// a read waits while it does, and ends (0 bytes) once it closed it.
fn held(ours: &mut UnixStream, wait: Duration) -> bool {
    ours.set_read_timeout(Some(wait)).unwrap();
    match ours.read(&mut [0u8; 1]) {
        Ok(0) => false,
        Ok(_) => panic!("the inhibitor carries no bytes"),
        Err(_) => true,
    }
}

fn vault_locked(server: &Server, client: &reqwest::blocking::Client) -> bool {
    let vault: serde_json::Value = client
        .get(format!("{}/api/vault", server.base))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(vault["present"], true, "{vault}");
    vault["locked"].as_bool().unwrap()
}

fn closed_found(server: &Server, client: &reqwest::blocking::Client) -> bool {
    client
        .get(format!("{}/api/search?q={CLOSED_WORD}", server.base))
        .send()
        .unwrap()
        .text()
        .unwrap()
        .contains(CLOSED_WORD)
}

/// Whether a key is remembered in the runtime directory (unlocked).
fn key_file(rt: &Path) -> bool {
    std::fs::read_dir(rt.join("moedemappe")).is_ok_and(|d| {
        d.flatten()
            .any(|e| e.path().extension().is_some_and(|x| x == "key"))
    })
}

/// Waits up to a few seconds for the running server to answer as locked.
fn becomes_locked(server: &Server, client: &reqwest::blocking::Client) -> bool {
    let until = Instant::now() + Duration::from_secs(8);
    while Instant::now() < until {
        if vault_locked(server, client) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}

#[test]
fn logind_saying_the_computer_goes_to_sleep_locks_the_vault_of_a_running_serve() {
    let scratch = tempfile::tempdir().unwrap();
    let rt = tempfile::tempdir_in("/dev/shm").expect("/dev/shm (tmpfs) for the runtime directory");
    let data = data_dir(scratch.path());
    run(
        &data,
        rt.path(),
        &["passcode", "set"],
        &format!("{PASSCODE}\n"),
    );
    assert!(key_file(rt.path()), "unlocked after the passcode is set");
    let rt_text = rt.path().to_string_lossy().to_string();

    // No system bus: serve runs as before, and the vault stays open.
    {
        let server = serve_with(
            &data,
            None,
            &[
                ("XDG_RUNTIME_DIR", &rt_text),
                ("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/bus"),
            ],
        );
        let client = member(&server);
        assert!(!vault_locked(&server, &client));
        assert!(
            closed_found(&server, &client),
            "unlocked, the closed item is found"
        );
    }

    let bus = bus();
    let logind = logind(&bus);
    let server = serve_with(
        &data,
        None,
        &[
            ("XDG_RUNTIME_DIR", &rt_text),
            ("DBUS_SYSTEM_BUS_ADDRESS", &bus.address),
        ],
    );
    let client = member(&server);
    // It listens before it asks for the inhibitor, so from here no signal is lost.
    let mut inhibitor = logind.next_call().expect("granted");
    assert!(closed_found(&server, &client));

    // Not logind going to sleep: another interface, member or object, and waking.
    signal(
        &bus,
        PATH,
        "org.freedesktop.login1.Session.PrepareForSleep",
        true,
    );
    signal(
        &bus,
        PATH,
        "org.freedesktop.login1.Manager.PrepareForShutdown",
        true,
    );
    signal(
        &bus,
        "/org/freedesktop/login1/user/self",
        "org.freedesktop.login1.Manager.PrepareForSleep",
        true,
    );
    signal(
        &bus,
        PATH,
        "org.freedesktop.login1.Manager.PrepareForSleep",
        false,
    );
    assert!(held(&mut inhibitor, Duration::from_millis(1500)));
    assert!(
        !vault_locked(&server, &client),
        "locked by a signal not for it"
    );
    assert!(key_file(rt.path()));
    assert!(closed_found(&server, &client));
    logind.no_call();

    // Going to sleep: locked (the open copy written, the key gone), and the
    // inhibitor let go, so the computer may sleep.
    signal(
        &bus,
        PATH,
        "org.freedesktop.login1.Manager.PrepareForSleep",
        true,
    );
    assert!(
        !held(&mut inhibitor, Duration::from_secs(8)),
        "the inhibitor is let go"
    );
    assert!(!key_file(rt.path()), "the key is forgotten");
    assert!(becomes_locked(&server, &client), "serve answers as locked");
    assert!(!closed_found(&server, &client), "the closed item is hidden");

    // Waking: a new inhibitor, and nothing else changes.
    signal(
        &bus,
        PATH,
        "org.freedesktop.login1.Manager.PrepareForSleep",
        false,
    );
    let mut inhibitor = logind.next_call().expect("granted again");
    assert!(held(&mut inhibitor, Duration::from_millis(300)));

    // Unlocked again, and logind refuses the next inhibitor: the vault is
    // still locked when it says the computer goes to sleep.
    run(&data, rt.path(), &["unlock"], &format!("{PASSCODE}\n"));
    std::thread::sleep(Duration::from_millis(1200));
    assert!(closed_found(&server, &client), "unlocked again");
    logind.refuse.store(true, Ordering::Relaxed);
    signal(
        &bus,
        PATH,
        "org.freedesktop.login1.Manager.PrepareForSleep",
        true,
    );
    assert!(!held(&mut inhibitor, Duration::from_secs(8)));
    assert!(becomes_locked(&server, &client));
    signal(
        &bus,
        PATH,
        "org.freedesktop.login1.Manager.PrepareForSleep",
        false,
    );
    assert!(logind.next_call().is_none(), "refused");
    run(&data, rt.path(), &["unlock"], &format!("{PASSCODE}\n"));
    std::thread::sleep(Duration::from_millis(1200));
    assert!(closed_found(&server, &client), "unlocked again");
    signal(
        &bus,
        PATH,
        "org.freedesktop.login1.Manager.PrepareForSleep",
        true,
    );
    assert!(
        becomes_locked(&server, &client),
        "locked without an inhibitor"
    );
    assert!(!key_file(rt.path()));
    assert!(!closed_found(&server, &client));
}
