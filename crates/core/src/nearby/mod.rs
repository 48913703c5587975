//! Sharing nearby: an offer on the local network, taken with a 6-digit code.
//!
//! ```text
//! pairing.rs    the code (CSPRNG, uniform), the offer's tries and expiry
//! channel.rs    TLS 1.3 (rustls, a fresh self-signed certificate per offer),
//!               authenticated by SPAKE2 on the code with key confirmation
//!               bound to the TLS exporter
//! frame.rs      length-prefixed frames: a JSON header and raw bytes, with limits
//! material.rs   open meeting material as it travels: `materiale.json`
//! transfer.rs   the offerer's server and the taker's client: manifest, then
//!               items by sha256, resumed where a dropped connection left off
//! discovery.rs  mDNS/DNS-SD announce and browse; the typed-in address fallback
//! ```
//!
//! The offerer's screen shows the code; the taker types it. Nothing but the
//! announcement (display name, title, kind, offer id) travels before the code
//! is confirmed by both sides, and a wrong code gets no byte of the offer.

pub mod channel;
pub mod discovery;
pub mod frame;
pub mod material;
pub mod pairing;
pub mod transfer;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

/// Why the offerer refused a taker (said to the taker in a frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The code did not match (or the channel was tampered with).
    WrongCode,
    /// Too many wrong codes: the offer takes no one any more.
    Locked,
    /// The offer is older than its lifetime.
    Expired,
    /// Too many pairings under way at once; try again shortly.
    Busy,
    /// The offer asked for is not the one here (or was withdrawn).
    UnknownOffer,
}

/// What can go wrong when offering or taking.
#[derive(Debug, thiserror::Error)]
pub enum NearbyError {
    /// The offerer said no.
    #[error("{}", refusal_words(*.0, *.1))]
    Refused(Refusal, Option<u32>),
    /// The other side's confirmation did not match: a wrong code on the
    /// other side, or someone in between.
    #[error("forbindelsen kunne ikke bekræftes: koden passer ikke, eller nogen sidder imellem; intet er modtaget")]
    NotConfirmed,
    /// The other side broke the protocol (a frame too large, out of order,
    /// bytes that do not match their hash).
    #[error("den anden computer svarede forkert ({0}); intet ufærdigt er gemt")]
    Protocol(String),
    /// The connection failed or was dropped.
    #[error("forbindelsen til den anden computer gik tabt ({0}); prøv igen, så hentes kun det, der mangler")]
    Connection(String),
    /// The member cancelled.
    #[error("overførslen blev afbrudt; prøv igen, så hentes kun det, der mangler")]
    Cancelled,
    /// The code typed is not 6 digits.
    #[error("koden skal være 6 cifre, som den står på den andens skærm")]
    BadCode,
    /// The address typed could not be understood or looked up.
    #[error("adressen «{0}» kan ikke bruges; skriv fx 192.168.1.20 eller 192.168.1.20:47474")]
    BadAddress(String),
    /// Announcing or browsing on the local network failed.
    #[error(
        "netværket kunne ikke bruges til at finde andre ({0}); skriv den andens adresse i stedet"
    )]
    Discovery(String),
    /// Setting up TLS failed (a bug or a missing provider).
    #[error("sikker forbindelse kunne ikke oprettes ({0})")]
    Tls(String),
    /// Writing received items failed.
    #[error(transparent)]
    Store(#[from] crate::Error),
}

fn refusal_words(r: Refusal, tries_left: Option<u32>) -> String {
    match r {
        Refusal::WrongCode => match tries_left {
            Some(0) => "forkert kode; tilbuddet er nu låst, bed om et nyt".into(),
            Some(n) => format!("forkert kode; intet er modtaget ({n} forsøg tilbage)"),
            None => "forkert kode; intet er modtaget".into(),
        },
        Refusal::Locked => {
            "tilbuddet er låst efter for mange forkerte koder; bed den anden om at dele igen".into()
        }
        Refusal::Expired => "tilbuddet er udløbet; bed den anden om at dele igen".into(),
        Refusal::Busy => "den anden computer er optaget; prøv igen om lidt".into(),
        Refusal::UnknownOffer => "tilbuddet findes ikke længere på den anden computer".into(),
    }
}

impl From<NearbyError> for crate::Error {
    fn from(e: NearbyError) -> Self {
        match e {
            NearbyError::Store(e) => e,
            NearbyError::Refused(..) | NearbyError::NotConfirmed => {
                crate::Error::Forbidden(e.to_string())
            }
            NearbyError::BadCode | NearbyError::BadAddress(_) => {
                crate::Error::Invalid(e.to_string())
            }
            _ => crate::Error::Network(e.to_string()),
        }
    }
}

/// Result of the nearby module.
pub type Result<T, E = NearbyError> = std::result::Result<T, E>;
