//! Target `tx_encoding`: the canonical transaction encoding of protocol v2,
//! [`PrivateTx::from_bytes`] / [`PrivateTx::to_bytes`] and
//! [`TxBody::from_bytes`] / [`TxBody::to_bytes`].
//!
//! Raw mode: the bytes go to both decoders. Structured mode builds a body
//! and a transaction from the fuzz bytes (shapes up to 3x3-r16, memos up to
//! a little over [`MAX_MEMO_BYTES`], so the encoder's own refusal is
//! reached), encodes them, applies the rest of the bytes as an edit script
//! and decodes the result; it also checks every refusal the encoders and
//! decoders owe to a cut or extended encoding.
//!
//! Invariants:
//! - accepted bytes pass `check`, re-encode to exactly the same bytes and
//!   re-decode to the same value; `ctx` of the decoded body equals `ctx` of
//!   its bytes; the transaction embeds its body's encoding; its id ignores
//!   the proof bytes and its text form parses back;
//! - a refusal is an encoding or shape rule, with offsets inside the input:
//!   trailing bytes start exactly where a valid encoding ends, a
//!   non-canonical field names 32 bytes that are not below r, a cut names a
//!   position the input reaches;
//! - a value the encoder refuses fails `check` the same way, and a value it
//!   encodes round-trips; every proper prefix of an encoding is refused as
//!   truncated, and one extra byte as trailing.

use crate::mode::{apply_edits, split, Mode, Params};
use crate::public_inputs::below_r;
use crate::valid;
use ark_bls12_381::Fr;
use ark_ff::PrimeField;
use ringct_circuit::{
    binding_of_body_bytes, tx_binding, CircuitError, KeyImage, NetworkId, NoteCommitment,
    PrivateTx, Shape, TxBody, TxId, TxOutput, MAX_MEMO_BYTES, PROOF_LEN,
};
use ringct_verifier::decode::encode_proof;
use ringct_verifier::Encoding;

/// The `tx_encoding` harness.
pub fn tx_encoding(data: &[u8]) {
    match split(data) {
        None => {}
        Some((Mode::Raw, bytes)) => {
            check_body_bytes(bytes);
            check_tx_bytes(bytes);
        }
        Some((Mode::Structured, rest)) => structured(rest),
    }
}

/// Structured layout: `m, n, d, flags, memo_len:u16, fee:u64, seed:u64`,
/// then the edit script. `m` and `n` are `1 + byte mod 3`, `d` is
/// `1 + byte mod 2`; output 0's memo is `memo_len mod (MAX_MEMO_BYTES + 64)`
/// bytes, the others' `memo_len mod 40`. Flags: bit 0 drops a ring member
/// (a body that does not match its shape), bit 1 drops a key image.
fn structured(rest: &[u8]) {
    let mut p = Params { bytes: rest };
    let m = 1 + usize::from(p.byte() % 3);
    let n = 1 + usize::from(p.byte() % 3);
    let d = 1 + u32::from(p.byte() % 2);
    let flags = p.byte();
    let memo_len = usize::from(p.u16());
    let fee = p.u64();
    let seed = p.u64();
    let script = p.bytes;
    let shape = Shape::new(m, n, d).expect("structured shapes are in bounds");
    let mix = |i: u64| seed.rotate_left((i % 64) as u32) ^ i.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut ring_members: Vec<Vec<u64>> = (0..m as u64)
        .map(|i| (0..shape.ring_size()).map(|j| mix(i * 64 + j)).collect())
        .collect();
    if flags & 1 != 0 {
        ring_members[0].pop();
    }
    let outputs = (0..n)
        .map(|j| {
            let len = if j == 0 {
                memo_len % (MAX_MEMO_BYTES + 64)
            } else {
                memo_len % 40
            };
            TxOutput {
                commitment: NoteCommitment(Fr::from_le_bytes_mod_order(
                    &mix(j as u64 + 1000).to_le_bytes(),
                )),
                memo: (0..len).map(|k| (mix(k as u64) >> 8) as u8).collect(),
            }
        })
        .collect();
    let body = TxBody {
        shape,
        ring_members,
        outputs,
        fee,
    };
    let mut key_images: Vec<KeyImage> = (0..m as u64)
        .map(|i| KeyImage(Fr::from(mix(i + 2000))))
        .collect();
    if flags & 2 != 0 {
        key_images.pop();
    }
    let mut proof = [0u8; PROOF_LEN];
    proof.copy_from_slice(&encode_proof(
        valid::proof(seed as usize),
        Encoding::Compressed,
    ));
    let tx = PrivateTx {
        body: body.clone(),
        key_images,
        proof,
    };

    match (body.check(), body.to_bytes()) {
        (Ok(()), Ok(mut bytes)) => {
            assert_eq!(TxBody::from_bytes(&bytes).as_ref(), Ok(&body));
            check_cuts(&bytes, |b| TxBody::from_bytes(b).map(|_| ()));
            apply_edits(&mut bytes, script);
            check_body_bytes(&bytes);
        }
        (Err(want), Err(got)) => assert_eq!(want, got),
        (c, e) => panic!("TxBody::check gave {c:?} but to_bytes gave {e:?}"),
    }
    match (tx.check(), tx.to_bytes()) {
        (Ok(()), Ok(mut bytes)) => {
            assert_eq!(PrivateTx::from_bytes(&bytes).as_ref(), Ok(&tx));
            check_cuts(&bytes, |b| PrivateTx::from_bytes(b).map(|_| ()));
            apply_edits(&mut bytes, script);
            check_tx_bytes(&bytes);
        }
        (Err(want), Err(got)) => {
            assert_eq!(want, got);
            assert!(tx.id().is_err());
        }
        (c, e) => panic!("PrivateTx::check gave {c:?} but to_bytes gave {e:?}"),
    }
}

/// Every proper prefix of a valid encoding is refused as truncated, and one
/// more byte as trailing. (Prefixes are tried at every length up to 64 and
/// then at a spread of lengths, to bound the cost of long memos.)
fn check_cuts(bytes: &[u8], decode: impl Fn(&[u8]) -> Result<(), CircuitError>) {
    let len = bytes.len();
    let step = (len / 64).max(1);
    let cuts = (0..len.min(64))
        .chain((64..len).step_by(step))
        .chain([len - 1]);
    for cut in cuts.filter(|&c| c < len) {
        match decode(&bytes[..cut]) {
            Err(CircuitError::EncodingTruncated { offset, .. }) => assert!(offset <= cut),
            other => panic!("prefix of {cut}/{len} bytes gave {other:?}"),
        }
    }
    let mut longer = bytes.to_vec();
    longer.push(0);
    assert_eq!(
        decode(&longer),
        Err(CircuitError::EncodingTrailingBytes {
            offset: len,
            extra: 1
        })
    );
}

/// Checks a decoder's refusal of `bytes` against the input itself.
/// `versions` are the offsets of the version bytes (a transaction has its
/// own and its body's).
fn check_refusal(
    bytes: &[u8],
    e: &CircuitError,
    versions: &[usize],
    decode: impl Fn(&[u8]) -> bool,
) {
    match e {
        CircuitError::EncodingTruncated { offset, .. } => assert!(*offset <= bytes.len()),
        CircuitError::EncodingTrailingBytes { offset, extra } => {
            assert!(*extra > 0);
            assert_eq!(offset + extra, bytes.len());
            assert!(
                decode(&bytes[..*offset]),
                "the bytes before the trailing ones do not decode"
            );
        }
        CircuitError::NonCanonicalField { offset, .. } => {
            let field = bytes
                .get(*offset..*offset + 32)
                .expect("a non-canonical field lies inside the input");
            let mut b = [0u8; 32];
            b.copy_from_slice(field);
            assert!(!below_r(&b), "the field at {offset} is canonical");
        }
        CircuitError::MemoTooLong { len, max, .. } => {
            assert_eq!(*max, MAX_MEMO_BYTES);
            assert!(*len > MAX_MEMO_BYTES);
        }
        CircuitError::EncodingVersion { found, supported } => {
            assert_ne!(found, supported);
            let first_bad = versions
                .iter()
                .find(|&&at| bytes.get(at) != Some(supported))
                .and_then(|&at| bytes.get(at));
            assert_eq!(Some(found), first_bad);
        }
        CircuitError::EncodingKind { found } => assert_eq!(Some(found), bytes.get(1)),
        CircuitError::InputCountOutOfRange(_)
        | CircuitError::OutputCountOutOfRange(_)
        | CircuitError::RingDepthOutOfRange(_) => {}
        other => panic!("decoding gave a non-encoding error: {other:?}"),
    }
}

fn network() -> NetworkId {
    NetworkId::devnet()
}

/// Checks [`TxBody::from_bytes`] on one input.
pub fn check_body_bytes(bytes: &[u8]) {
    match TxBody::from_bytes(bytes) {
        Ok(body) => {
            body.check().expect("a decoded body matches its shape");
            let again = body.to_bytes().expect("a decoded body encodes");
            assert_eq!(again, bytes, "accepted body bytes are not canonical");
            assert_eq!(TxBody::from_bytes(&again).as_ref(), Ok(&body));
            assert_eq!(
                tx_binding(&network(), &body),
                Ok(binding_of_body_bytes(&network(), bytes))
            );
        }
        Err(e) => check_refusal(bytes, &e, &[0], |b| TxBody::from_bytes(b).is_ok()),
    }
}

/// Checks [`PrivateTx::from_bytes`] on one input.
pub fn check_tx_bytes(bytes: &[u8]) {
    match PrivateTx::from_bytes(bytes) {
        Ok(tx) => {
            tx.check().expect("a decoded transaction matches its shape");
            let again = tx.to_bytes().expect("a decoded transaction encodes");
            assert_eq!(again, bytes, "accepted transaction bytes are not canonical");
            assert_eq!(PrivateTx::from_bytes(&again).as_ref(), Ok(&tx));
            let m = tx.body.shape.inputs;
            let body_end = bytes.len() - PROOF_LEN - 32 * m;
            assert_eq!(
                TxBody::from_bytes(&bytes[2..body_end]).as_ref(),
                Ok(&tx.body)
            );
            let id = tx.id().expect("a decoded transaction has an id");
            let mut reproved = tx.clone();
            reproved.proof[0] ^= 0x40;
            reproved.proof[PROOF_LEN - 1] ^= 1;
            assert_eq!(reproved.id(), Ok(id), "the id depends on the proof bytes");
            assert_eq!(id.to_string().parse::<TxId>(), Ok(id));
            assert_eq!(tx.binding(&network()), tx_binding(&network(), &tx.body));
        }
        Err(e) => check_refusal(bytes, &e, &[0, 2], |b| PrivateTx::from_bytes(b).is_ok()),
    }
}
