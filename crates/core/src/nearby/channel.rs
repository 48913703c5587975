//! The authenticated channel: TLS 1.3 (rustls on ring) with a fresh
//! self-signed certificate per offer, which the taker accepts unseen; then
//! SPAKE2 (Ed25519 group) on the code over the TLS stream, and
//! key-confirmation MACs (HMAC-SHA256) under a key derived (HKDF-SHA256)
//! from the SPAKE2 key and the TLS exporter of this very connection.
//!
//! So only someone who knows the code can confirm, and a man in the middle
//! who terminates TLS with a certificate of his own has two connections with
//! two exporters: even relaying every SPAKE2 message, the taker's MAC does
//! not match the offerer's connection, and the offerer refuses (counting a
//! try). The taker proves the code first; the offerer answers with its own
//! MAC only after checking it, so a wrong code learns nothing but «no».
//!
//! ```text
//! taker                                   offerer
//!   ── TLS 1.3 handshake ─────────────────────
//!   hello {v, offer?}                 →
//!                                     ←   pake {offer}  body: SPAKE2 B   (a try is taken)
//!   pake            body: SPAKE2 A    →
//!   confirm         body: MAC(taker)  →
//!                                     ←   confirm body: MAC(offerer)   (try given back)
//!                                     or  refused {wrong_code, tries_left}
//! ```

use super::frame::{self, Msg};
use super::pairing::{Code, Guard};
use super::{NearbyError, Refusal, Result};
use hmac::{Hmac, KeyInit, Mac};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, ServerConfig, ServerConnection, StreamOwned};
use sha2::Sha256;
use spake2::{Ed25519Group, Identity, Password, Spake2};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

/// The taker's side of an authenticated channel.
pub type TakerChannel = StreamOwned<ClientConnection, TcpStream>;
/// The offerer's side of an authenticated channel.
pub type OffererChannel = StreamOwned<ServerConnection, TcpStream>;

/// The name in the offer's certificate (never checked: the code is what
/// authenticates).
const SERVER_NAME: &str = "moedemappe.invalid";
/// The TLS exporter label the confirmation binds.
const EXPORTER_LABEL: &[u8] = b"EXPORTER-moedemappe-nearby-pairing-v1";
/// HKDF's info for the confirmation key.
const CONFIRM_INFO: &[u8] = b"moedemappe nearby v1 key confirmation";
/// The SPAKE2 identity of the taker (side A).
const TAKER_ID: &[u8] = b"moedemappe/nearby/v1/taker";
/// How long the handshake and pairing may take.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(20);
/// The largest SPAKE2 message or MAC accepted.
const MAX_PAIRING_BODY: u32 = 64;

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn tls_err(e: impl std::fmt::Display) -> NearbyError {
    NearbyError::Tls(e.to_string())
}

/// The offerer's TLS configuration, with a certificate and key made now.
pub fn offerer_config() -> Result<Arc<ServerConfig>> {
    let ck = rcgen::generate_simple_self_signed(vec![SERVER_NAME.to_string()]).map_err(tls_err)?;
    let cert = ck.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der()));
    let config = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(tls_err)?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .map_err(tls_err)?;
    Ok(Arc::new(config))
}

/// The taker's TLS configuration: TLS 1.3 only, any certificate (the
/// handshake's signature is still checked against it; the code does the
/// authenticating).
pub fn taker_config() -> Result<Arc<ClientConfig>> {
    let p = provider();
    let algs = p.signature_verification_algorithms;
    let config = ClientConfig::builder_with_provider(p)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(tls_err)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AnyCertificate(algs)))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Accepts the offer's certificate whatever it is: the pairing that follows
/// binds this connection to the code instead.
#[derive(Debug)]
struct AnyCertificate(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::General("kun TLS 1.3".into()))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.supported_schemes()
    }
}

/// The TLS handshake alone, as the offerer (no pairing yet).
pub fn tls_accept(sock: TcpStream, config: Arc<ServerConfig>) -> Result<OffererChannel> {
    sock.set_read_timeout(Some(HANDSHAKE_TIMEOUT))
        .map_err(frame::conn)?;
    sock.set_write_timeout(Some(HANDSHAKE_TIMEOUT))
        .map_err(frame::conn)?;
    let conn = ServerConnection::new(config).map_err(tls_err)?;
    let mut tls = StreamOwned::new(conn, sock);
    while tls.conn.is_handshaking() {
        tls.conn.complete_io(&mut tls.sock).map_err(frame::conn)?;
    }
    Ok(tls)
}

/// The TLS handshake alone, as the taker (no pairing yet).
pub fn tls_connect(sock: TcpStream, config: Arc<ClientConfig>) -> Result<TakerChannel> {
    sock.set_read_timeout(Some(HANDSHAKE_TIMEOUT))
        .map_err(frame::conn)?;
    sock.set_write_timeout(Some(HANDSHAKE_TIMEOUT))
        .map_err(frame::conn)?;
    let name = ServerName::try_from(SERVER_NAME).map_err(tls_err)?;
    let conn = ClientConnection::new(config, name).map_err(tls_err)?;
    let mut tls = StreamOwned::new(conn, sock);
    while tls.conn.is_handshaking() {
        tls.conn.complete_io(&mut tls.sock).map_err(frame::conn)?;
    }
    Ok(tls)
}

fn offer_identity(offer: &str) -> Identity {
    Identity::new(format!("moedemappe/nearby/v1/offer/{offer}").as_bytes())
}

/// The confirmation key of one pairing on one connection.
struct Confirmation {
    key: [u8; 32],
    transcript: Vec<u8>,
}

impl Confirmation {
    fn new(spake_key: &[u8], exporter: &[u8], msg_a: &[u8], msg_b: &[u8]) -> Result<Self> {
        let hk = hkdf::Hkdf::<Sha256>::new(Some(exporter), spake_key);
        let mut key = [0u8; 32];
        hk.expand(CONFIRM_INFO, &mut key).map_err(tls_err)?;
        let mut transcript = Vec::with_capacity(msg_a.len() + msg_b.len() + 2);
        for m in [msg_a, msg_b] {
            transcript.push(m.len() as u8);
            transcript.extend_from_slice(m);
        }
        Ok(Confirmation { key, transcript })
    }

    fn mac(&self, role: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key).expect("any key size");
        mac.update(role);
        mac.update(&self.transcript);
        mac
    }

    fn tag(&self, role: &[u8]) -> Vec<u8> {
        self.mac(role).finalize().into_bytes().to_vec()
    }

    /// Constant-time check of the other side's tag.
    fn check(&self, role: &[u8], tag: &[u8]) -> bool {
        self.mac(role).verify_slice(tag).is_ok()
    }
}

impl Drop for Confirmation {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.key);
    }
}

const TAKER: &[u8] = b"taker";
const OFFERER: &[u8] = b"offerer";

fn exporter<D>(conn: &rustls::ConnectionCommon<D>) -> Result<[u8; 32]> {
    conn.export_keying_material([0u8; 32], EXPORTER_LABEL, None)
        .map_err(tls_err)
}

fn refuse(tls: &mut OffererChannel, why: Refusal, tries_left: Option<u32>) -> NearbyError {
    // The taker may already be gone; the refusal is said if it can be.
    let _ = frame::write(tls, &Msg::Refused { why, tries_left }, &[]);
    tls.conn.send_close_notify();
    let _ = tls.conn.complete_io(&mut tls.sock);
    NearbyError::Refused(why, tries_left)
}

/// The offerer's side: TLS, then the pairing on `code`, counted by `guard`.
/// Returns the channel only when the taker proved the code on this very
/// connection.
pub fn accept(
    sock: TcpStream,
    config: Arc<ServerConfig>,
    offer: &str,
    code: &Code,
    guard: &Guard,
) -> Result<OffererChannel> {
    let mut tls = tls_accept(sock, config)?;
    let (hello, _) = frame::read(&mut tls, 0)?;
    match hello {
        Msg::Hello { v, .. } if v != frame::VERSION => {
            return Err(NearbyError::Protocol(format!("ukendt version {v}")));
        }
        Msg::Hello { offer: Some(o), .. } if o != offer => {
            return Err(refuse(&mut tls, Refusal::UnknownOffer, None));
        }
        Msg::Hello { .. } => {}
        other => {
            return Err(NearbyError::Protocol(format!(
                "ventede hello, fik {other:?}"
            )))
        }
    }
    let attempt = match guard.admit() {
        Ok(a) => a,
        Err(why) => return Err(refuse(&mut tls, why, None)),
    };
    let (spake, msg_b) = Spake2::<Ed25519Group>::start_b(
        &Password::new(code.as_str().as_bytes()),
        &Identity::new(TAKER_ID),
        &offer_identity(offer),
    );
    frame::write(
        &mut tls,
        &Msg::Pake {
            offer: Some(offer.to_string()),
        },
        &msg_b,
    )?;
    // Any failure from here on drops `attempt` unconfirmed: a wrong try.
    let (m, msg_a) = frame::read(&mut tls, MAX_PAIRING_BODY)?;
    if m != (Msg::Pake { offer: None }) {
        return Err(NearbyError::Protocol("ventede pake".into()));
    }
    let (m, tag) = frame::read(&mut tls, MAX_PAIRING_BODY)?;
    if m != Msg::Confirm {
        return Err(NearbyError::Protocol("ventede confirm".into()));
    }
    let confirmed = match spake.finish(&msg_a) {
        Ok(key) => {
            let c = Confirmation::new(&key, &exporter(&*tls.conn)?, &msg_a, &msg_b)?;
            c.check(TAKER, &tag).then_some(c)
        }
        Err(_) => None,
    };
    let Some(c) = confirmed else {
        let left = attempt.failed();
        return Err(refuse(&mut tls, Refusal::WrongCode, Some(left)));
    };
    frame::write(&mut tls, &Msg::Confirm, &c.tag(OFFERER))?;
    attempt.confirmed();
    Ok(tls)
}

/// The taker's side: TLS, then the pairing on `code`. `offer` is the offer
/// id when known (discovery); the offerer names it otherwise. Returns the
/// channel and the offer id once the offerer confirmed the code on this
/// very connection.
pub fn connect(
    sock: TcpStream,
    config: Arc<ClientConfig>,
    offer: Option<&str>,
    code: &Code,
) -> Result<(TakerChannel, String)> {
    let mut tls = tls_connect(sock, config)?;
    frame::write(
        &mut tls,
        &Msg::Hello {
            v: frame::VERSION,
            offer: offer.map(str::to_string),
        },
        &[],
    )?;
    let (m, msg_b) = frame::read(&mut tls, MAX_PAIRING_BODY)?;
    let id = match m {
        Msg::Pake { offer: Some(id) } => id,
        Msg::Refused { why, tries_left } => return Err(NearbyError::Refused(why, tries_left)),
        other => {
            return Err(NearbyError::Protocol(format!(
                "ventede pake, fik {other:?}"
            )))
        }
    };
    if offer.is_some_and(|o| o != id) {
        return Err(NearbyError::Protocol("et andet tilbud svarede".into()));
    }
    let (spake, msg_a) = Spake2::<Ed25519Group>::start_a(
        &Password::new(code.as_str().as_bytes()),
        &Identity::new(TAKER_ID),
        &offer_identity(&id),
    );
    let key = spake
        .finish(&msg_b)
        .map_err(|_| NearbyError::NotConfirmed)?;
    let c = Confirmation::new(&key, &exporter(&*tls.conn)?, &msg_a, &msg_b)?;
    frame::write(&mut tls, &Msg::Pake { offer: None }, &msg_a)?;
    frame::write(&mut tls, &Msg::Confirm, &c.tag(TAKER))?;
    let (m, tag) = frame::read(&mut tls, MAX_PAIRING_BODY)?;
    match m {
        Msg::Confirm if c.check(OFFERER, &tag) => Ok((tls, id)),
        Msg::Confirm => Err(NearbyError::NotConfirmed),
        Msg::Refused { why, tries_left } => Err(NearbyError::Refused(why, tries_left)),
        other => Err(NearbyError::Protocol(format!(
            "ventede confirm, fik {other:?}"
        ))),
    }
}
