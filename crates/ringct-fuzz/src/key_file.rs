//! Target `key_file`: [`decode_verifying_key_file`] and
//! [`decode_proving_key_file`] (key files from bytes), for the shape
//! `1x1-r4`.
//!
//! The mode byte's bit 1 picks the kind (0: verifying key, 1: proving key).
//! Raw mode: the bytes are the whole file. Structured mode wraps a payload
//! in a header with a correct checksum and length
//! ([`key_file_bytes`]), so decoding reaches the key itself: with bit 2
//! clear the payload is the fuzz bytes; with bit 2 set it is a valid key's
//! encoding with the fuzz bytes applied as an edit script
//! ([`crate::mode::apply_edits`]), and the header carries that key's
//! fingerprint.
//!
//! Invariants:
//! - a header that breaks a rule is refused with that rule's variant, in
//!   the documented order, judged by an independent reading of the header
//!   (its own BLAKE2b for the checksum);
//! - behind a valid header, a refusal is one of the payload rules;
//! - an accepted key has the shape's input count, points on their curves,
//!   consistent query lengths (proving key), a fingerprint equal to the
//!   header's in both the prover's and the verifier's definition, and
//!   re-encodes to exactly the input bytes;
//! - the decoder of the other kind refuses the file as the wrong kind.

use crate::mode::{apply_edits, split, Mode};
use crate::valid;
use ark_bls12_381::Bls12_381;
use ark_groth16::{ProvingKey, VerifyingKey};
use ark_serialize::CanonicalSerialize;
use blake2::{digest::consts::U32, Blake2b, Digest};
use ringct_circuit::Shape;
use ringct_prover::keyfile::{
    decode_proving_key_file, decode_verifying_key_file, key_file_bytes, KeyKind, FORMAT_VERSION,
    HEADER_LEN, MAGIC,
};
use ringct_prover::{Fingerprint, ProverError};

/// The `key_file` harness.
pub fn key_file(data: &[u8]) {
    let Some((mode, rest)) = split(data) else {
        return;
    };
    let flags = data[0];
    let kind = if flags & 2 == 0 {
        KeyKind::Verifying
    } else {
        KeyKind::Proving
    };
    let shape = valid::key_shape();
    match mode {
        Mode::Raw => check(rest, kind, shape),
        Mode::Structured => check(&structured(kind, flags & 4 != 0, rest), kind, shape),
    }
}

/// The structured file: a correct header around the fuzz bytes, or around a
/// valid key's encoding edited by the fuzz bytes.
pub fn structured(kind: KeyKind, edit_valid: bool, rest: &[u8]) -> Vec<u8> {
    let shape = valid::key_shape();
    let fingerprint = Fingerprint::of(valid::verifying_key());
    if !edit_valid {
        return key_file_bytes(kind, shape, fingerprint, rest);
    }
    let mut payload = Vec::new();
    let written = match kind {
        KeyKind::Verifying => valid::verifying_key().serialize_uncompressed(&mut payload),
        KeyKind::Proving => valid::proving_key().serialize_uncompressed(&mut payload),
    };
    assert!(written.is_ok(), "serialising into a Vec cannot fail");
    apply_edits(&mut payload, rest);
    key_file_bytes(kind, shape, fingerprint, &payload)
}

/// The rule a header breaks, read independently of the decoder, in the
/// decoder's documented order; `None` if the header is valid.
pub fn header_rule(bytes: &[u8], kind: KeyKind, shape: Shape) -> Option<&'static str> {
    if !bytes.starts_with(MAGIC) {
        return Some(if bytes.len() < MAGIC.len() && MAGIC.starts_with(bytes) {
            "truncated"
        } else {
            "magic"
        });
    }
    if bytes.len() < HEADER_LEN {
        return Some("truncated");
    }
    if bytes[8..10] != FORMAT_VERSION.to_le_bytes() {
        return Some("version");
    }
    if bytes[10] != kind as u8 {
        return Some("kind");
    }
    if bytes[11] != 0 {
        return Some("reserved");
    }
    let mut want = Vec::with_capacity(12);
    for n in [shape.inputs as u32, shape.outputs as u32, shape.ring_depth] {
        want.extend_from_slice(&n.to_le_bytes());
    }
    if bytes[12..24] != want[..] {
        return Some("shape");
    }
    let mut declared = [0u8; 8];
    declared.copy_from_slice(&bytes[88..96]);
    let declared = u64::from_le_bytes(declared);
    let actual = (bytes.len() - HEADER_LEN) as u64;
    if actual < declared {
        return Some("truncated");
    }
    if actual > declared {
        return Some("length");
    }
    let sum: [u8; 32] = Blake2b::<U32>::digest(&bytes[HEADER_LEN..]).into();
    if bytes[56..88] != sum {
        return Some("checksum");
    }
    None
}

/// The rule a key-file error reports; panics on an error that is not a
/// key-file rule (decoding bytes touches no file, pin or environment).
pub fn rule_of(e: &ProverError) -> &'static str {
    match e {
        ProverError::KeyFileTruncated(_) => "truncated",
        ProverError::KeyFileBadMagic(_) => "magic",
        ProverError::KeyFileVersion { .. } => "version",
        ProverError::KeyFileWrongKind { .. } => "kind",
        ProverError::KeyFileReserved { .. } => "reserved",
        ProverError::KeyFileShapeMismatch { .. } => "shape",
        ProverError::KeyFileLength { .. } => "length",
        ProverError::KeyFileCorrupted(_) => "checksum",
        ProverError::KeyFileInvalidKey { .. } => "encoding",
        ProverError::KeyFileTrailingBytes { .. } => "trailing",
        ProverError::KeyFilePointNotOnCurve { .. } => "curve",
        ProverError::KeyFilePointNotInSubgroup { .. } => "subgroup",
        ProverError::KeyFileInputCount { .. } => "inputs",
        ProverError::KeyFileInconsistentKey { .. } => "structure",
        ProverError::KeyFileFingerprint { .. } => "fingerprint",
        other => panic!("decoding key-file bytes gave a non-key-file error: {other:?}"),
    }
}

const PAYLOAD_RULES: &[&str] = &[
    "encoding",
    "trailing",
    "curve",
    "subgroup",
    "inputs",
    "structure",
    "fingerprint",
];

/// Checks every invariant for one file, decoded as `kind`.
pub fn check(bytes: &[u8], kind: KeyKind, shape: Shape) {
    let header = header_rule(bytes, kind, shape);
    let result = match kind {
        KeyKind::Verifying => decode_verifying_key_file(bytes, shape).map(|vk| {
            check_vk(&vk, shape);
            reencoded(kind, shape, &vk, &vk)
        }),
        KeyKind::Proving => decode_proving_key_file(bytes, shape).map(|pk| {
            check_pk(&pk, shape);
            reencoded(kind, shape, &pk.vk, &pk)
        }),
    };
    match (&result, header) {
        (Ok(again), None) => {
            assert_eq!(again, bytes, "an accepted key file is not canonical");
            let mut fp = [0u8; 32];
            fp.copy_from_slice(&bytes[24..56]);
            assert_eq!(&again[24..56], &fp, "header fingerprint is not the key's");
        }
        (Ok(_), Some(rule)) => panic!("accepted a file whose header breaks `{rule}`"),
        (Err(e), Some(rule)) => assert_eq!(rule_of(e), rule, "{e}"),
        (Err(e), None) => assert!(
            PAYLOAD_RULES.contains(&rule_of(e)),
            "valid header, refused with a header rule: {e}"
        ),
    }
    // The other kind's decoder follows its own header reading: a file of
    // this kind is refused by it as the wrong kind, unless an earlier rule
    // fails first.
    let other_kind = match kind {
        KeyKind::Verifying => KeyKind::Proving,
        KeyKind::Proving => KeyKind::Verifying,
    };
    let other_header = header_rule(bytes, other_kind, shape);
    let other = match other_kind {
        KeyKind::Proving => decode_proving_key_file(bytes, shape).map(|_| ()),
        KeyKind::Verifying => decode_verifying_key_file(bytes, shape).map(|_| ()),
    };
    match (other, other_header) {
        (Ok(()), None) => assert!(result.is_err(), "a key file decoded as both kinds"),
        (Ok(()), Some(rule)) => panic!("accepted a file whose header breaks `{rule}`"),
        (Err(e), Some(rule)) => assert_eq!(rule_of(&e), rule, "{e}"),
        (Err(e), None) => assert!(PAYLOAD_RULES.contains(&rule_of(&e)), "{e}"),
    }
    if header.is_none() {
        assert_eq!(other_header, Some("kind"));
    }
}

/// The file [`key_file_bytes`] writes for a decoded key (the canonical form).
fn reencoded<K: CanonicalSerialize>(
    kind: KeyKind,
    shape: Shape,
    vk: &VerifyingKey<Bls12_381>,
    key: &K,
) -> Vec<u8> {
    let fingerprint = Fingerprint::of(vk);
    let verifier_fp = ringct_verifier::Fingerprint::of(vk).expect("a decoded key serialises");
    assert_eq!(
        &fingerprint.0,
        verifier_fp.as_bytes(),
        "prover and verifier fingerprints differ"
    );
    let mut payload = Vec::new();
    assert!(key.serialize_uncompressed(&mut payload).is_ok());
    key_file_bytes(kind, shape, fingerprint, &payload)
}

fn check_vk(vk: &VerifyingKey<Bls12_381>, shape: Shape) {
    assert_eq!(vk.gamma_abc_g1.len(), shape.num_public_inputs() + 1);
    assert!(vk.alpha_g1.is_on_curve() && vk.gamma_abc_g1.iter().all(|p| p.is_on_curve()));
    assert!([vk.beta_g2, vk.gamma_g2, vk.delta_g2]
        .iter()
        .all(|p| p.is_on_curve()));
}

fn check_pk(pk: &ProvingKey<Bls12_381>, shape: Shape) {
    check_vk(&pk.vk, shape);
    let variables = pk.vk.gamma_abc_g1.len() + pk.l_query.len();
    assert_eq!(pk.a_query.len(), variables);
    assert_eq!(pk.b_g1_query.len(), variables);
    assert_eq!(pk.b_g2_query.len(), variables);
    assert!((pk.h_query.len() + 1).is_power_of_two());
    let g1 = [pk.beta_g1, pk.delta_g1];
    assert!(g1
        .iter()
        .chain(&pk.a_query)
        .chain(&pk.b_g1_query)
        .chain(&pk.h_query)
        .chain(&pk.l_query)
        .all(|p| p.is_on_curve()));
    assert!(pk.b_g2_query.iter().all(|p| p.is_on_curve()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_oracle_names_each_broken_rule_as_the_decoder_does() {
        let shape = valid::key_shape();
        let mut payload = Vec::new();
        assert!(valid::verifying_key()
            .serialize_uncompressed(&mut payload)
            .is_ok());
        let fp = Fingerprint::of(valid::verifying_key());
        let good = key_file_bytes(KeyKind::Verifying, shape, fp, &payload);
        assert_eq!(header_rule(&good, KeyKind::Verifying, shape), None);
        assert_eq!(header_rule(&good, KeyKind::Proving, shape), Some("kind"));
        let flip = |at: usize| {
            let mut b = good.clone();
            b[at] ^= 1;
            b
        };
        let mut longer = good.clone();
        longer.push(0);
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (good[..5].to_vec(), "truncated"),
            (b"SVMRCTKX".to_vec(), "magic"),
            (good[..95].to_vec(), "truncated"),
            (flip(0), "magic"),
            (flip(8), "version"),
            (flip(10), "kind"),
            (flip(11), "reserved"),
            (flip(20), "shape"),
            (good[..good.len() - 1].to_vec(), "truncated"),
            (longer, "length"),
            (flip(57), "checksum"),
        ];
        for (bytes, rule) in cases {
            assert_eq!(header_rule(&bytes, KeyKind::Verifying, shape), Some(rule));
            let e = decode_verifying_key_file(&bytes, shape).unwrap_err();
            assert_eq!(rule_of(&e), rule, "{e}");
            check(&bytes, KeyKind::Verifying, shape);
        }
        // Behind a valid header: a wrong header fingerprint is a payload rule.
        let other = key_file_bytes(KeyKind::Verifying, shape, Fingerprint([7; 32]), &payload);
        let e = decode_verifying_key_file(&other, shape).unwrap_err();
        assert_eq!(rule_of(&e), "fingerprint");
        check(&other, KeyKind::Verifying, shape);
        check(&good, KeyKind::Verifying, shape);
    }
}
