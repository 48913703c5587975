//! Offer and take on 127.0.0.1 with the real channel: the right code, wrong
//! codes, the lock, expiry, a man in the middle, and a dropped connection.

use super::channel;
use super::frame::{self, Msg};
use super::pairing::{Code, Guard};
use super::transfer::{take, Inbox, Offer, OfferItem, OfferKind, Offerer};
use super::{NearbyError, Refusal};
use crate::progress::Silent;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

fn bytes(n: usize, seed: u8) -> Vec<u8> {
    // Not compressible and different per item.
    let mut x = u32::from(seed).wrapping_mul(2_654_435_761) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

fn local() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

fn offer(items: Vec<OfferItem>) -> Offer {
    Offer::new("Mentor Hansen", "Bassin 7", OfferKind::Bundle, items).unwrap()
}

fn code(s: &str) -> Code {
    Code::parse(s).unwrap()
}

fn take_with(
    addr: SocketAddr,
    c: &str,
    inbox: &Inbox,
) -> Result<super::transfer::Taken, NearbyError> {
    take(
        addr,
        None,
        &code(c),
        inbox,
        &|_| false,
        &Silent,
        &AtomicBool::new(false),
    )
}

fn files_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).unwrap().count()
}

#[test]
fn the_right_code_transfers_every_item_intact() {
    let a = bytes(700_000, 1);
    let b = bytes(10, 2);
    let empty = Vec::new();
    let o = offer(vec![
        OfferItem::bytes("a", a.clone()),
        OfferItem::bytes("b", b.clone()),
        OfferItem::bytes("tom", empty.clone()),
    ]);
    let ids: Vec<String> = o
        .manifest()
        .items
        .iter()
        .map(|i| i.sha256.clone())
        .collect();
    let offerer = Offerer::start_with(o, local(), code("042917"), Guard::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let inbox = Inbox::new(dir.path().join("ind")).unwrap();
    // As typed from the screen, with a space; the offer id comes from the offerer.
    let taken = take(
        offerer.addr(),
        None,
        &code("042 917"),
        &inbox,
        &|_| false,
        &Silent,
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(taken.manifest.offer.title, "Bassin 7");
    assert_eq!(taken.fetched, ids);
    assert_eq!(taken.bytes, 700_010);
    assert_eq!(inbox.read(&ids[0]).unwrap(), a);
    assert_eq!(inbox.read(&ids[1]).unwrap(), b);
    assert_eq!(inbox.read(&ids[2]).unwrap(), empty);
    assert_eq!(offerer.counts().confirmed, 1);
    assert_eq!(offerer.counts().wrong, 0);

    // Taking again with the offer's id (as discovery gives it) fetches nothing new.
    let again = take(
        offerer.addr(),
        Some(&offerer.info().id),
        &code("042917"),
        &inbox,
        &|_| false,
        &Silent,
        &AtomicBool::new(false),
    )
    .unwrap();
    assert!(again.fetched.is_empty());
    assert_eq!(again.bytes, 0);
    assert_eq!(offerer.gets().len(), 3);
}

#[test]
fn a_wrong_code_gets_nothing_and_counts_a_try() {
    let offerer = Offerer::start_with(
        offer(vec![OfferItem::bytes("a", bytes(5000, 3))]),
        local(),
        code("111111"),
        Guard::new(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let inbox = Inbox::new(dir.path()).unwrap();
    let err = take_with(offerer.addr(), "111112", &inbox).unwrap_err();
    assert!(
        matches!(err, NearbyError::Refused(Refusal::WrongCode, Some(4))),
        "{err:?}"
    );
    assert!(err.to_string().contains("forkert kode"), "{err}");
    assert_eq!(files_in(dir.path()), 0);
    assert_eq!(offerer.bytes_sent(), 0);
    assert!(offerer.gets().is_empty());
    assert_eq!(offerer.counts().wrong, 1);
    // The right code still works after one wrong try.
    take_with(offerer.addr(), "111111", &inbox).unwrap();
    assert_eq!(files_in(dir.path()), 1);
}

#[test]
fn five_wrong_codes_lock_the_offer_even_for_the_right_code() {
    let offerer = Offerer::start_with(
        offer(vec![OfferItem::bytes("a", bytes(5000, 4))]),
        local(),
        code("909090"),
        Guard::new(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let inbox = Inbox::new(dir.path()).unwrap();
    for i in 0..super::pairing::MAX_WRONG_CODES {
        let err = take_with(offerer.addr(), &format!("00000{i}"), &inbox).unwrap_err();
        let left = super::pairing::MAX_WRONG_CODES - i - 1;
        assert!(
            matches!(err, NearbyError::Refused(Refusal::WrongCode, Some(l)) if l == left),
            "{err:?}"
        );
    }
    assert!(offerer.counts().locked);
    let err = take_with(offerer.addr(), "909090", &inbox).unwrap_err();
    assert!(
        matches!(err, NearbyError::Refused(Refusal::Locked, None)),
        "{err:?}"
    );
    assert_eq!(files_in(dir.path()), 0);
    assert_eq!(offerer.bytes_sent(), 0);
}

#[test]
fn an_expired_offer_refuses_the_right_code() {
    let offerer = Offerer::start_with(
        offer(vec![OfferItem::bytes("a", bytes(100, 5))]),
        local(),
        code("123123"),
        Guard::with_limits(Duration::from_millis(100), 5),
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(150));
    let dir = tempfile::tempdir().unwrap();
    let inbox = Inbox::new(dir.path()).unwrap();
    let err = take_with(offerer.addr(), "123123", &inbox).unwrap_err();
    assert!(
        matches!(err, NearbyError::Refused(Refusal::Expired, None)),
        "{err:?}"
    );
    assert_eq!(files_in(dir.path()), 0);
    // Expiry costs no try.
    assert_eq!(offerer.counts().wrong, 0);
}

/// A man in the middle: accepts the taker's TLS with a certificate of his
/// own, opens his own TLS to the offerer and relays every pairing frame
/// both ways. Returns what the offerer said after the taker's confirmation.
fn mitm(listener: TcpListener, target: SocketAddr) -> std::thread::JoinHandle<Msg> {
    std::thread::spawn(move || {
        let (sock, _) = listener.accept().unwrap();
        let mut taker = channel::tls_accept(sock, channel::offerer_config().unwrap()).unwrap();
        let up = TcpStream::connect(target).unwrap();
        let mut offerer = channel::tls_connect(up, channel::taker_config().unwrap()).unwrap();
        let relay_up = |from: &mut channel::OffererChannel, to: &mut channel::TakerChannel| {
            let (m, b) = frame::read(from, 64).unwrap();
            frame::write(to, &m, &b).unwrap();
        };
        relay_up(&mut taker, &mut offerer); // hello
        let (m, b) = frame::read(&mut offerer, 64).unwrap(); // pake B
        frame::write(&mut taker, &m, &b).unwrap();
        relay_up(&mut taker, &mut offerer); // pake A
        relay_up(&mut taker, &mut offerer); // the taker's MAC
        let (m, b) = frame::read(&mut offerer, 64).unwrap();
        let _ = frame::write(&mut taker, &m, &b);
        m
    })
}

#[test]
fn a_man_in_the_middle_with_his_own_certificate_fails_the_confirmation() {
    let offerer = Offerer::start_with(
        offer(vec![OfferItem::bytes("a", bytes(5000, 6))]),
        local(),
        code("555000"),
        Guard::new(),
    )
    .unwrap();
    let listener = TcpListener::bind(local()).unwrap();
    let relay_addr = listener.local_addr().unwrap();
    let relay = mitm(listener, offerer.addr());
    let dir = tempfile::tempdir().unwrap();
    let inbox = Inbox::new(dir.path()).unwrap();
    // Even with the right code typed by the taker.
    let err = take_with(relay_addr, "555000", &inbox).unwrap_err();
    assert!(
        matches!(err, NearbyError::Refused(Refusal::WrongCode, _)),
        "{err:?}"
    );
    let said = relay.join().unwrap();
    assert!(
        matches!(
            said,
            Msg::Refused {
                why: Refusal::WrongCode,
                ..
            }
        ),
        "{said:?}"
    );
    assert_eq!(offerer.counts().wrong, 1);
    assert_eq!(offerer.bytes_sent(), 0);
    assert_eq!(files_in(dir.path()), 0);
}

/// A plain TCP forwarder that drops the connection after `cut` bytes from
/// the offerer (none: forwards everything). Returns the bytes it passed
/// from the offerer.
fn forwarder(
    listener: TcpListener,
    target: SocketAddr,
    cut: Option<u64>,
) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let (down, _) = listener.accept().unwrap();
        let up = TcpStream::connect(target).unwrap();
        let (mut d2, mut u2) = (down.try_clone().unwrap(), up.try_clone().unwrap());
        let t = std::thread::spawn(move || {
            let _ = std::io::copy(&mut d2, &mut u2);
            let _ = u2.shutdown(Shutdown::Write);
        });
        let (mut from, mut to) = (up, down);
        let mut passed = 0u64;
        let mut seen = Vec::new();
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let n = match cut {
                Some(c) if passed + n as u64 >= c => (c - passed) as usize,
                _ => n,
            };
            if to.write_all(&buf[..n]).is_err() {
                break;
            }
            passed += n as u64;
            seen.extend_from_slice(&buf[..n]);
            if cut.is_some_and(|c| passed >= c) {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Both);
        let _ = from.shutdown(Shutdown::Both);
        let _ = t.join();
        seen
    })
}

#[test]
fn a_dropped_connection_then_a_retry_fetches_only_what_is_missing() {
    let items = [bytes(300_000, 7), bytes(2_000_000, 8), bytes(150_000, 9)];
    let o = offer(
        items
            .iter()
            .enumerate()
            .map(|(i, b)| OfferItem::bytes(&format!("del{i}"), b.clone()))
            .collect(),
    );
    let ids: Vec<String> = o
        .manifest()
        .items
        .iter()
        .map(|i| i.sha256.clone())
        .collect();
    let offerer = Offerer::start_with(o, local(), code("246810"), Guard::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let inbox = Inbox::new(dir.path()).unwrap();

    // First try through a link that dies after about 1.2 MB: the first item
    // arrives whole, the second in part.
    let listener = TcpListener::bind(local()).unwrap();
    let via = listener.local_addr().unwrap();
    let link = forwarder(listener, offerer.addr(), Some(1_200_000));
    let err = take_with(via, "246810", &inbox).unwrap_err();
    assert!(matches!(err, NearbyError::Connection(_)), "{err:?}");
    assert_eq!(link.join().unwrap().len(), 1_200_000);
    assert!(inbox.has(&ids[0]));
    assert!(!inbox.has(&ids[1]) && !inbox.has(&ids[2]));
    let part = inbox.partial_len(&ids[1]);
    assert!((1..2_000_000).contains(&part), "{part}");

    // The retry asks for the rest of the second item and the third only.
    let sent_before = offerer.bytes_sent();
    let taken = take_with(offerer.addr(), "246810", &inbox).unwrap();
    assert_eq!(taken.fetched, vec![ids[1].clone(), ids[2].clone()]);
    assert_eq!(taken.bytes, 2_000_000 - part + 150_000);
    assert_eq!(offerer.bytes_sent() - sent_before, taken.bytes);
    let gets = offerer.gets();
    assert_eq!(
        gets,
        vec![
            (ids[0].clone(), 0),
            (ids[1].clone(), 0),
            (ids[1].clone(), part),
            (ids[2].clone(), 0),
        ]
    );
    for (id, b) in ids.iter().zip(&items) {
        assert_eq!(&inbox.read(id).unwrap(), b);
    }
    assert_eq!(files_in(dir.path()), 3, "no .part file left");
}

#[test]
fn a_cancelled_take_keeps_what_arrived_and_a_plain_relay_changes_nothing() {
    let big = bytes(1_500_000, 10);
    let o = offer(vec![OfferItem::bytes("stor", big.clone())]);
    let id = o.manifest().items[0].sha256.clone();
    let offerer = Offerer::start_with(o, local(), code("808080"), Guard::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let inbox = Inbox::new(dir.path()).unwrap();

    struct CancelAfter<'a>(&'a AtomicBool, AtomicU64);
    impl crate::progress::Progress for CancelAfter<'_> {
        fn update(&self, t: crate::progress::Tick) {
            self.1.store(t.bytes, Ordering::Relaxed);
            if t.bytes >= 500_000 {
                self.0.store(true, Ordering::Relaxed);
            }
        }
    }
    let cancel = AtomicBool::new(false);
    let progress = CancelAfter(&cancel, AtomicU64::new(0));
    let err = take(
        offerer.addr(),
        None,
        &code("808080"),
        &inbox,
        &|_| false,
        &progress,
        &cancel,
    )
    .unwrap_err();
    assert!(matches!(err, NearbyError::Cancelled), "{err:?}");
    let part = inbox.partial_len(&id);
    assert!((500_000..1_500_000).contains(&part), "{part}");

    // Through a relay that only forwards TCP bytes (it cannot read them),
    // the pairing and the rest of the transfer go through.
    let listener = TcpListener::bind(local()).unwrap();
    let via = listener.local_addr().unwrap();
    let link = forwarder(listener, offerer.addr(), None);
    let taken = take_with(via, "808080", &inbox).unwrap();
    assert_eq!(taken.bytes, 1_500_000 - part);
    assert_eq!(inbox.read(&id).unwrap(), big);
    let passed = link.join().unwrap();
    // What crossed the relay is ciphertext: no 32-byte run of the item.
    assert!(passed.len() as u64 > 1_500_000 - part);
    for at in (part as usize..1_500_000 - 32).step_by(97_000) {
        let run = &big[at..at + 32];
        assert!(!passed.windows(32).any(|w| w == run), "plain bytes at {at}");
    }
}

#[test]
fn an_offer_whose_vault_was_locked_serves_no_one_any_more() {
    let open = std::sync::Arc::new(AtomicBool::new(true));
    let flag = open.clone();
    let o = offer(vec![OfferItem::bytes("a", bytes(1000, 9))]);
    let offerer = Offerer::start_while(
        o,
        local(),
        code("135790"),
        Guard::new(),
        std::sync::Arc::new(move || flag.load(Ordering::Relaxed)),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let inbox = Inbox::new(dir.path().join("first")).unwrap();
    take_with(offerer.addr(), "135790", &inbox).unwrap();
    assert!(!offerer.stopped());

    // Locked: the next taker gets nothing, and the offer is withdrawn for good.
    open.store(false, Ordering::Relaxed);
    let later = Inbox::new(dir.path().join("later")).unwrap();
    let err = take_with(offerer.addr(), "135790", &later).unwrap_err();
    assert!(
        matches!(err, NearbyError::Connection(_) | NearbyError::Protocol(_)),
        "{err:?}"
    );
    assert_eq!(files_in(later.dir()), 0);
    assert!(offerer.stopped());
    open.store(true, Ordering::Relaxed);
    assert!(take_with(offerer.addr(), "135790", &later).is_err());
}
