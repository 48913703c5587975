//! Frames on the channel: a 4-byte big-endian header length, a 4-byte
//! big-endian body length, the header (one JSON [`Msg`]) and the body (raw
//! bytes). Both lengths are checked against [`MAX_HEADER`] and [`MAX_BODY`]
//! before anything is allocated.

use super::{NearbyError, Refusal, Result};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};

/// The largest header.
pub const MAX_HEADER: u32 = 16 * 1024;
/// The largest body (a chunk of an item, or the manifest).
pub const MAX_BODY: u32 = 8 * 1024 * 1024;
/// The protocol version in `hello`.
pub const VERSION: u32 = 1;

/// The header of a frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Msg {
    /// Taker → offerer, first: the version, and the offer if the taker knows
    /// it (from discovery; a typed-in address does not).
    Hello {
        /// [`VERSION`].
        v: u32,
        /// The offer id.
        offer: Option<String>,
    },
    /// A SPAKE2 message in the body; the offerer's names its offer.
    Pake {
        /// The offer id (offerer → taker).
        offer: Option<String>,
    },
    /// A key-confirmation MAC in the body.
    Confirm,
    /// The offerer refuses; the connection ends.
    Refused {
        /// Why.
        why: Refusal,
        /// Tries left after a wrong code.
        tries_left: Option<u32>,
    },
    /// Taker: what does the offer hold?
    GetManifest,
    /// Offerer: the manifest, as JSON in the body.
    Manifest,
    /// Taker: an item, from a byte offset (resume).
    Get {
        /// The item's content hash.
        sha256: String,
        /// Bytes the taker already has.
        from: u64,
    },
    /// Offerer: a chunk of an item in the body.
    Data {
        /// The item's content hash.
        sha256: String,
        /// Where the chunk starts.
        offset: u64,
    },
    /// Offerer: the item is complete.
    End {
        /// The item's content hash.
        sha256: String,
    },
    /// Offerer: the item asked for is not in the offer.
    NotOffered {
        /// The hash asked for.
        sha256: String,
    },
    /// Taker: done.
    Bye,
}

/// Writes one frame and flushes it.
pub fn write(w: &mut impl Write, msg: &Msg, body: &[u8]) -> Result<()> {
    let header = serde_json::to_vec(msg).map_err(|e| NearbyError::Protocol(e.to_string()))?;
    if header.len() > MAX_HEADER as usize || body.len() > MAX_BODY as usize {
        return Err(NearbyError::Protocol("rammen er for stor".into()));
    }
    let mut head = [0u8; 8];
    head[..4].copy_from_slice(&(header.len() as u32).to_be_bytes());
    head[4..].copy_from_slice(&(body.len() as u32).to_be_bytes());
    w.write_all(&head).map_err(conn)?;
    w.write_all(&header).map_err(conn)?;
    w.write_all(body).map_err(conn)?;
    w.flush().map_err(conn)
}

/// Reads one frame whose body is at most `max_body` bytes.
pub fn read(r: &mut impl Read, max_body: u32) -> Result<(Msg, Vec<u8>)> {
    let mut head = [0u8; 8];
    r.read_exact(&mut head).map_err(conn)?;
    let hlen = u32::from_be_bytes(head[..4].try_into().expect("4 bytes"));
    let blen = u32::from_be_bytes(head[4..].try_into().expect("4 bytes"));
    if hlen > MAX_HEADER || blen > max_body.min(MAX_BODY) {
        return Err(NearbyError::Protocol(format!(
            "en ramme på {hlen}+{blen} byte er over grænsen"
        )));
    }
    let mut header = vec![0u8; hlen as usize];
    r.read_exact(&mut header).map_err(conn)?;
    let msg: Msg = serde_json::from_slice(&header)
        .map_err(|e| NearbyError::Protocol(format!("ukendt besked ({e})")))?;
    let mut body = vec![0u8; blen as usize];
    r.read_exact(&mut body).map_err(conn)?;
    Ok((msg, body))
}

/// An I/O error on the connection.
pub(crate) fn conn(e: std::io::Error) -> NearbyError {
    NearbyError::Connection(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_oversized_ones_are_refused_before_reading() {
        let mut buf = Vec::new();
        let msg = Msg::Get {
            sha256: "ab".repeat(32),
            from: 7,
        };
        write(&mut buf, &msg, b"body").unwrap();
        write(&mut buf, &Msg::Bye, &[]).unwrap();
        let mut r = &buf[..];
        assert_eq!(read(&mut r, 16).unwrap(), (msg, b"body".to_vec()));
        assert_eq!(read(&mut r, 16).unwrap(), (Msg::Bye, vec![]));

        // A body over the caller's limit is refused from the lengths alone.
        let mut buf = Vec::new();
        write(&mut buf, &Msg::Confirm, &[0u8; 64]).unwrap();
        assert!(matches!(
            read(&mut &buf[..], 32),
            Err(NearbyError::Protocol(_))
        ));
        // So is a header claiming 4 GB.
        let mut huge = vec![0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0];
        huge.extend_from_slice(b"{}");
        assert!(matches!(
            read(&mut &huge[..], 32),
            Err(NearbyError::Protocol(_))
        ));
        // A header that is no message.
        let mut odd = Vec::new();
        odd.extend_from_slice(&2u32.to_be_bytes());
        odd.extend_from_slice(&0u32.to_be_bytes());
        odd.extend_from_slice(b"{}");
        assert!(matches!(
            read(&mut &odd[..], 32),
            Err(NearbyError::Protocol(_))
        ));
    }
}
