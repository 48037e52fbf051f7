//! Target `proof_bytes`: [`ringct_verifier::decode::decode_proof`] and the
//! [`Item`] constructors that take proof bytes.
//!
//! Raw mode: the bytes are the proof. Structured mode: byte 0 picks a valid
//! proof (bits 0..3) and its encoding (bit 7: uncompressed), the rest is an
//! edit script ([`crate::mode::apply_edits`]) applied to its encoding. In
//! both modes bits 1..2 of the mode byte pick which of the costly checks of
//! an accepted proof runs: one `Item` constructor (0..=2), or the other
//! encoding's round trip, `Item::new` and the comparison with arkworks (3).
//! Each of them decodes the proof again, and decoding valid points (square
//! roots and subgroup checks) dominates the cost of a run.
//!
//! Invariants:
//! - accepted bytes re-encode to exactly the same bytes (the encoding is
//!   canonical), the proof re-decodes from the other encoding to the same
//!   value, and its points pass `check_proof_points`;
//! - arkworks' own checked decoder agrees: whatever we accept it accepts
//!   with the same value; whatever it accepts whose re-encoding is the same
//!   bytes and whose points are on the curve and not the identity, we accept
//!   (the second half on every refusal, the first with selector 3);
//! - a refusal of a 192- or 384-byte input is a point rule, of any other
//!   length `ProofLength`;
//! - `Item::from_proof_bytes` and `Item::from_bytes` keep exactly the
//!   decoder's verdict, and proof defects come before input defects.

use crate::mode::{apply_edits, split, Mode};
use crate::valid;
use ark_bls12_381::{Bls12_381, Fr};
use ark_ec::AffineRepr;
use ark_groth16::Proof;
use ark_serialize::{CanonicalDeserialize, Compress, Validate};
use ringct_verifier::decode::{
    check_proof_points, decode_proof, encode_proof, encode_public_input,
};
use ringct_verifier::{
    Encoding, Item, VerifierError, PROOF_COMPRESSED_LEN, PROOF_UNCOMPRESSED_LEN,
};

/// The `proof_bytes` harness.
pub fn proof_bytes(data: &[u8]) {
    let item = data.first().map_or(0, |b| (b >> 1) & 3);
    match split(data) {
        None => {}
        Some((Mode::Raw, bytes)) => check(bytes, item),
        Some((Mode::Structured, rest)) => check(&structured(rest), item),
    }
}

/// The structured input: a valid encoding with edits applied.
pub fn structured(rest: &[u8]) -> Vec<u8> {
    let (pick, script) = rest.split_first().map_or((0, &[][..]), |(p, s)| (*p, s));
    let encoding = if pick & 0x80 == 0 {
        Encoding::Compressed
    } else {
        Encoding::Uncompressed
    };
    let mut bytes = encode_proof(valid::proof(usize::from(pick & 0x0f)), encoding);
    apply_edits(&mut bytes, script);
    bytes
}

fn encoding_of_len(len: usize) -> Option<Encoding> {
    match len {
        PROOF_COMPRESSED_LEN => Some(Encoding::Compressed),
        PROOF_UNCOMPRESSED_LEN => Some(Encoding::Uncompressed),
        _ => None,
    }
}

/// Checks every invariant for one proof encoding; `item` (0..=3) picks the
/// `Item` constructor compared with the decoder.
pub fn check(bytes: &[u8], item: u8) {
    let decoded = decode_proof(bytes);
    match (&decoded, encoding_of_len(bytes.len())) {
        (Ok(proof), Some(encoding)) => {
            check_proof_points(proof).expect("an accepted proof passes the point checks");
            assert_eq!(
                encode_proof(proof, encoding),
                bytes,
                "accepted proof bytes are not canonical"
            );
            if item & 3 == 3 {
                // Same encoding: decode(bytes) = proof and encode(proof) =
                // bytes already; the other one must round-trip too.
                let other = match encoding {
                    Encoding::Compressed => Encoding::Uncompressed,
                    Encoding::Uncompressed => Encoding::Compressed,
                };
                let again = encode_proof(proof, other);
                assert_eq!(again.len(), other.proof_len());
                assert_eq!(decode_proof(&again).as_ref(), Ok(proof), "{other:?}");
                assert_eq!(
                    arkworks_decode(bytes).as_ref(),
                    Some(proof),
                    "we accept a proof arkworks' checked decoder refuses or reads differently"
                );
            }
        }
        (Ok(_), None) => panic!("accepted a proof of {} bytes", bytes.len()),
        (Err(e), None) => assert_eq!(
            e,
            &VerifierError::ProofLength { got: bytes.len() },
            "wrong refusal for a bad length"
        ),
        (Err(e), Some(encoding)) => {
            assert!(
                matches!(
                    e,
                    VerifierError::NonCanonicalPoint { .. }
                        | VerifierError::CoordinateOutOfRange { .. }
                        | VerifierError::PointNotOnCurve { .. }
                        | VerifierError::PointNotInSubgroup { .. }
                        | VerifierError::IdentityPoint { .. }
                ),
                "unexpected refusal {e:?}"
            );
            if let Some(p) = &arkworks_decode(bytes) {
                let acceptable = encode_proof(p, encoding) == bytes
                    && [p.a, p.c].iter().all(|q| !q.is_zero() && q.is_on_curve())
                    && !p.b.is_zero()
                    && p.b.is_on_curve();
                assert!(
                    !acceptable,
                    "refused ({e}) a canonical proof of valid points that arkworks accepts"
                );
            }
        }
    }
    check_item(bytes, decoded.as_ref(), item);
}

/// arkworks' checked decoding (subgroup checks on; it does not check that
/// uncompressed points are on the curve), with no trailing bytes.
fn arkworks_decode(bytes: &[u8]) -> Option<Proof<Bls12_381>> {
    let compress = match encoding_of_len(bytes.len())? {
        Encoding::Compressed => Compress::Yes,
        Encoding::Uncompressed => Compress::No,
    };
    let mut reader = bytes;
    let proof =
        Proof::<Bls12_381>::deserialize_with_mode(&mut reader, compress, Validate::Yes).ok()?;
    reader.is_empty().then_some(proof)
}

/// The item constructor `which` keeps the decoder's verdict.
fn check_item(bytes: &[u8], decoded: Result<&Proof<Bls12_381>, &VerifierError>, which: u8) {
    let one = Fr::from(1u64);
    let good = encode_public_input(&one);
    match which & 3 {
        0 => {
            let item = Item::from_proof_bytes(bytes, vec![one]);
            assert_eq!(item.num_public_inputs(), 1);
            assert_eq!(item.defect(), decoded.err());
            assert_eq!(item.proof(), decoded.ok());
            if decoded.is_ok() {
                assert_eq!(item.public_inputs(), Some(&[one][..]));
            }
        }
        1 => {
            let item = Item::from_bytes(bytes, &[good, good]);
            assert_eq!(item.num_public_inputs(), 2);
            assert_eq!(item.defect(), decoded.err());
            assert_eq!(item.proof(), decoded.ok());
            if decoded.is_ok() {
                assert_eq!(item.public_inputs(), Some(&[one, one][..]));
            }
        }
        2 => {
            // A proof defect is reported before an input defect.
            let item = Item::from_bytes(bytes, &[good, [0xff; 32]]);
            assert_eq!(item.num_public_inputs(), 2);
            let want = decoded
                .err()
                .cloned()
                .unwrap_or(VerifierError::NonCanonicalPublicInput { index: 1 });
            assert_eq!(item.defect(), Some(&want));
        }
        _ => {
            if let Ok(proof) = decoded {
                let typed = Item::new(proof.clone(), vec![one]);
                assert_eq!(typed.defect(), None);
                assert_eq!(typed.proof(), Some(proof));
            }
        }
    }
}
