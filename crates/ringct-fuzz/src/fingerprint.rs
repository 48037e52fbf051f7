//! Target `fingerprint`: [`Fingerprint`]'s `FromStr` and the `Display`
//! round trip.
//!
//! Raw mode: the bytes are the text (invalid UTF-8 replaced). Structured
//! mode: the first 32 bytes (zero-padded) are a fingerprint; it is printed,
//! then parsed back plain, in upper case and with surrounding whitespace.
//!
//! Invariants: a parsed fingerprint prints as the trimmed input in lower
//! case and parses back to itself; a refusal is `MalformedFingerprint`
//! carrying the input, and happens exactly when the trimmed input is not 64
//! ASCII hex digits (an independent check).

use crate::mode::{split, Mode};
use ringct_verifier::{Fingerprint, VerifierError};

/// The `fingerprint` harness.
pub fn fingerprint(data: &[u8]) {
    match split(data) {
        None => {}
        Some((Mode::Raw, bytes)) => check(&String::from_utf8_lossy(bytes)),
        Some((Mode::Structured, rest)) => {
            let mut raw = [0u8; 32];
            let n = rest.len().min(32);
            raw[..n].copy_from_slice(&rest[..n]);
            let fp = Fingerprint(raw);
            let text = fp.to_string();
            assert_eq!(text.len(), 64);
            for t in [text.clone(), text.to_uppercase(), format!("\t{text} \n")] {
                assert_eq!(t.parse::<Fingerprint>(), Ok(fp), "{t:?}");
                check(&t);
            }
        }
    }
}

/// Whether the trimmed text is 64 ASCII hex digits.
pub fn well_formed(text: &str) -> bool {
    let t = text.trim();
    t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Checks every invariant for one text.
pub fn check(text: &str) {
    match text.parse::<Fingerprint>() {
        Ok(fp) => {
            assert!(well_formed(text), "accepted {text:?}");
            let printed = fp.to_string();
            assert_eq!(printed, text.trim().to_ascii_lowercase());
            assert_eq!(printed.parse::<Fingerprint>(), Ok(fp));
        }
        Err(VerifierError::MalformedFingerprint(s)) => {
            assert!(!well_formed(text), "refused {text:?}");
            assert_eq!(s, text);
        }
        Err(e) => panic!("{text:?} refused with {e:?}"),
    }
}
