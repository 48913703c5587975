//! Finding offers on the local network: each offer is announced with
//! mDNS/DNS-SD (the `mdns-sd` crate, no async runtime) as an instance of
//! [`SERVICE_TYPE`], its TXT record holding only the offer id, the
//! offerer's display name, the title and the kind, which is all a nearby
//! member sees before pairing. Where multicast does not reach, the taker
//! types the other laptop's address instead ([`parse_address`]).

use super::transfer::{OfferInfo, OfferKind};
use super::{NearbyError, Result};
use mdns_sd::{IfKind, ServiceDaemon, ServiceEvent, ServiceInfo};
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

/// The DNS-SD service type of an offer.
pub const SERVICE_TYPE: &str = "_moedemappe._tcp.local.";
/// The port an offer listens on when it is free (so a typed-in address
/// needs no port); another one is taken when it is not.
pub const DEFAULT_PORT: u16 = 47474;
/// The longest title or name put in the TXT record (bytes, whole characters).
const MAX_TXT_VALUE: usize = 200;

/// Which network interfaces to announce and browse on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interfaces {
    /// Every interface (the app).
    All,
    /// The loopback interface only (tests on one machine).
    Loopback,
    /// One interface by name (tests in network namespaces).
    Named(String),
}

fn daemon(on: &Interfaces) -> Result<ServiceDaemon> {
    let err = |e: mdns_sd::Error| NearbyError::Discovery(e.to_string());
    let d = ServiceDaemon::new().map_err(err)?;
    match on {
        Interfaces::All => {}
        Interfaces::Loopback => {
            d.disable_interface(IfKind::All).map_err(err)?;
            d.enable_interface(IfKind::LoopbackV4).map_err(err)?;
        }
        Interfaces::Named(name) => {
            d.disable_interface(IfKind::All).map_err(err)?;
            d.enable_interface(IfKind::Name(name.clone()))
                .map_err(err)?;
        }
    }
    Ok(d)
}

fn shorten(s: &str) -> &str {
    if s.len() <= MAX_TXT_VALUE {
        return s;
    }
    let mut end = MAX_TXT_VALUE;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// An offer announced on the network; withdrawn when dropped.
pub struct Announcement {
    daemon: ServiceDaemon,
    fullname: String,
}

impl std::fmt::Debug for Announcement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Announcement")
            .field("fullname", &self.fullname)
            .finish()
    }
}

/// Announces `offer`, listening on `port`, on the interfaces `on`.
pub fn announce(offer: &OfferInfo, port: u16, on: &Interfaces) -> Result<Announcement> {
    let err = |e: mdns_sd::Error| NearbyError::Discovery(e.to_string());
    let daemon = daemon(on)?;
    let txt = [
        ("id", offer.id.as_str()),
        ("from", shorten(&offer.from)),
        ("title", shorten(&offer.title)),
        ("kind", offer.kind.as_str()),
    ];
    let host = format!("moedemappe-{}.local.", offer.id);
    let info = ServiceInfo::new(SERVICE_TYPE, &offer.id, &host, (), port, &txt[..])
        .map_err(err)?
        .enable_addr_auto();
    let fullname = info.get_fullname().to_string();
    daemon.register(info).map_err(err)?;
    Ok(Announcement { daemon, fullname })
}

impl Drop for Announcement {
    fn drop(&mut self) {
        if let Ok(rx) = self.daemon.unregister(&self.fullname) {
            let _ = rx.recv_timeout(Duration::from_secs(1));
        }
        if let Ok(rx) = self.daemon.shutdown() {
            let _ = rx.recv_timeout(Duration::from_secs(1));
        }
    }
}

/// An offer seen on the network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearbyOffer {
    /// What it says about itself.
    pub info: OfferInfo,
    /// Where to reach it (IPv4 first).
    pub addrs: Vec<SocketAddr>,
}

/// Looks for offers for up to `timeout`, on the interfaces `on`; returns
/// early once an offer whose id starts with `want` is seen (`Some("")`:
/// the first offer seen).
pub fn browse(timeout: Duration, on: &Interfaces, want: Option<&str>) -> Result<Vec<NearbyOffer>> {
    let err = |e: mdns_sd::Error| NearbyError::Discovery(e.to_string());
    let daemon = daemon(on)?;
    let rx = daemon.browse(SERVICE_TYPE).map_err(err)?;
    let deadline = Instant::now() + timeout;
    let mut found: BTreeMap<String, NearbyOffer> = BTreeMap::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let Ok(event) = rx.recv_timeout(left) else {
            break;
        };
        match event {
            ServiceEvent::ServiceResolved(svc) => {
                let prop = |k: &str| svc.get_property_val_str(k).map(str::to_string);
                let (Some(id), Some(from), Some(title), Some(kind)) =
                    (prop("id"), prop("from"), prop("title"), prop("kind"))
                else {
                    continue;
                };
                let Some(kind) = OfferKind::parse(&kind) else {
                    continue;
                };
                let mut addrs: Vec<SocketAddr> = svc
                    .get_addresses()
                    .iter()
                    .map(|a| SocketAddr::new(a.to_ip_addr(), svc.get_port()))
                    .collect();
                addrs.sort_by_key(|a| (a.is_ipv6(), *a));
                let done = want.is_some_and(|w| id.starts_with(w));
                found.insert(
                    id.clone(),
                    NearbyOffer {
                        info: OfferInfo {
                            id,
                            from,
                            title,
                            kind,
                        },
                        addrs,
                    },
                );
                if done {
                    break;
                }
            }
            ServiceEvent::ServiceRemoved(_, fullname) => {
                found.retain(|id, _| !fullname.starts_with(&format!("{id}.")));
            }
            _ => {}
        }
    }
    let _ = daemon.stop_browse(SERVICE_TYPE);
    if let Ok(rx) = daemon.shutdown() {
        let _ = rx.recv_timeout(Duration::from_secs(1));
    }
    Ok(found.into_values().collect())
}

/// This laptop's IPv4 address on the network that carries multicast (to
/// show beside the code, for a colleague who must type it). Found by
/// connecting a UDP socket, which sends nothing.
pub fn local_ipv4() -> Option<std::net::Ipv4Addr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("224.0.0.251:5353").ok()?;
    match s.local_addr().ok()?.ip() {
        IpAddr::V4(v) if !v.is_unspecified() => Some(v),
        _ => None,
    }
}

/// The other laptop's address as typed: an IP address or host name, with
/// or without a port ([`DEFAULT_PORT`] when without).
pub fn parse_address(typed: &str) -> Result<SocketAddr> {
    let t = typed.trim();
    let bad = || NearbyError::BadAddress(t.to_string());
    if t.is_empty() {
        return Err(bad());
    }
    if let Ok(ip) = t.trim_matches(|c| c == '[' || c == ']').parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, DEFAULT_PORT));
    }
    if let Ok(sa) = t.parse::<SocketAddr>() {
        return Ok(sa);
    }
    // Digits and dots that are no address are a typo, not a host name to look up.
    let host = t.rsplit_once(':').map_or(t, |(h, _)| h);
    if host.bytes().all(|b| b.is_ascii_digit() || b == b'.') || host.contains(char::is_whitespace) {
        return Err(bad());
    }
    let with_port = if t
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        t.to_string()
    } else {
        format!("{t}:{DEFAULT_PORT}")
    };
    with_port
        .to_socket_addrs()
        .map_err(|_| bad())?
        .min_by_key(|a| a.is_ipv6())
        .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_addresses() {
        assert_eq!(
            parse_address(" 192.168.1.20 ").unwrap(),
            "192.168.1.20:47474".parse().unwrap()
        );
        assert_eq!(
            parse_address("10.0.0.2:5000").unwrap(),
            "10.0.0.2:5000".parse().unwrap()
        );
        assert_eq!(
            parse_address("[::1]:5000").unwrap(),
            "[::1]:5000".parse().unwrap()
        );
        assert_eq!(parse_address("::1").unwrap().port(), DEFAULT_PORT);
        assert_eq!(parse_address("localhost:5001").unwrap().port(), 5001);
        for bad in ["", "192.168.1.300", "1.2.3.4:99999", "min computer"] {
            assert!(
                matches!(parse_address(bad), Err(NearbyError::BadAddress(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn long_titles_are_cut_at_a_character() {
        let t = "æ".repeat(150);
        let s = shorten(&t);
        assert!(s.len() <= MAX_TXT_VALUE && s.chars().all(|c| c == 'æ'));
    }

    #[test]
    fn an_announced_offer_is_found_on_loopback_with_only_its_four_words() {
        // An id of this run's own: another program's test on the same
        // machine announces on loopback too.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let info = OfferInfo {
            id: format!("{:08x}{nanos:08x}", std::process::id()),
            from: "Mentor Åse Hansen".into(),
            title: "Sag EMN-2025-008308".into(),
            kind: OfferKind::Bundle,
        };
        let _a = announce(&info, 47999, &Interfaces::Loopback).unwrap();
        let found = browse(
            Duration::from_secs(8),
            &Interfaces::Loopback,
            Some(&info.id),
        )
        .unwrap();
        let f = found
            .iter()
            .find(|o| o.info.id == info.id)
            .expect("the offer is seen on loopback");
        assert_eq!(f.info, info);
        assert!(
            f.addrs.contains(&"127.0.0.1:47999".parse().unwrap()),
            "{:?}",
            f.addrs
        );
    }
}
