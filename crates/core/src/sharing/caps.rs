//! How much a bundle may hold, sized to real bundles with room to spare.
//!
//! A mentor's bundle is one case or one meeting: tens of notes, at most a few
//! hundred bilag, a few hundred MB (a Teknisk Udvalg meeting can carry
//! thousands of pages). A meeting has some 10–60 items and a case a few dozen
//! treatments, so [`MAX_ITEMS`] is far above either; [`MAX_ATTACHMENTS`] is
//! ten times the largest meeting we have seen; [`MAX_ANNOTATIONS`] lets a
//! mentor mark up every page of a long meeting. In the manifest an item takes
//! some 300 bytes plus 100 per bilag it lists, and an attachment some 200, so
//! [`MAX_MANIFEST_BYTES`] holds the item and attachment caps together; a note
//! in `annotations.jsonld` takes 1–2 KB with a long quote, so
//! [`MAX_ANNOTATIONS_BYTES`] holds the note cap with long notes.
//! [`MAX_JSON_VALUES`] bounds the parsed JSON, whatever its shape (a note has
//! some 35 values): a 16 MiB file of `[0,0,…]` would otherwise become 8
//! million values and hundreds of MB. [`MAX_TOTAL`] is several times the
//! largest meeting, and keeps every offset within plain (not zip64) zip.
//! Export and import use the same caps, so a bundle we write is one we read.

/// Most open items a manifest may list.
pub const MAX_ITEMS: usize = 1_000;
/// Most attachments a bundle may hold.
pub const MAX_ATTACHMENTS: usize = 2_000;
/// Most annotations a bundle may hold.
pub const MAX_ANNOTATIONS: usize = 10_000;
/// Largest `manifest.json`.
pub const MAX_MANIFEST_BYTES: u64 = 4 << 20;
/// Largest `annotations.jsonld`.
pub const MAX_ANNOTATIONS_BYTES: u64 = 32 << 20;
/// Most JSON values (and keys) one JSON entry may hold.
pub const MAX_JSON_VALUES: usize = 50 * MAX_ANNOTATIONS;
/// Largest attachment, uncompressed.
pub const MAX_FILE: u64 = 1 << 30;
/// Largest bundle content, uncompressed (all entries together).
pub const MAX_TOTAL: u64 = 2 << 30;
/// Most entries a bundle may have: the manifest, the notes and the attachments.
pub const MAX_ENTRIES: usize = MAX_ATTACHMENTS + 2;

/// An upper bound of the values and keys in a JSON text, counted without
/// parsing it: every value but the first, and every key, follows a `[`, `{`,
/// `,` or `:` outside strings.
pub fn json_values(text: &[u8]) -> usize {
    let mut n = 1;
    let (mut in_string, mut escaped) = (false, false);
    for &b in text {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'[' | b'{' | b',' | b':' => n += 1,
                _ => {}
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_values_bound_the_parsed_values() {
        assert!(json_values(b"[0,0,0]") >= 4);
        assert_eq!(json_values(br#"{"a": "x,y:[{", "b": [1, 2]}"#), 7);
        assert_eq!(json_values(br#""\"[,""#), 1);
    }
}
