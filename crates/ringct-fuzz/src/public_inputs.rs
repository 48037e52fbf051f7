//! Target `public_inputs`: [`decode_public_input`] and
//! [`decode_public_inputs`].
//!
//! Raw mode: the bytes are cut into 32-byte public inputs (at most
//! [`MAX_INPUTS`]; a trailing partial chunk is ignored). Structured mode:
//! each 2-byte group `(which, delta)` makes one input near a boundary:
//! `r - 1 - delta`, `r + delta`, `delta`, or `2^256 - 1 - delta` (by
//! `which mod 4`), so the modulus comparison is exercised at its edges.
//!
//! Invariants: a decoded input re-encodes to the same bytes; a refusal is
//! `NonCanonicalPublicInput` naming the first input whose value is not
//! below r, judged by an independent big-endian comparison with r; the
//! single-input and list decoders agree. (`Item::from_bytes` with public
//! inputs is compared in the `proof_bytes` target: it decodes a proof
//! first, which costs a thousand times more than this whole harness.)

use crate::mode::{split, Mode};
use ark_bls12_381::Fr;
use ark_ff::{BigInteger, PrimeField};
use ringct_verifier::decode::{decode_public_input, decode_public_inputs, encode_public_input};
use ringct_verifier::{VerifierError, PUBLIC_INPUT_LEN};

/// Most inputs one run decodes (more than any shape has: 2·16 + 16 + 2).
pub const MAX_INPUTS: usize = 64;

/// The `public_inputs` harness.
pub fn public_inputs(data: &[u8]) {
    match split(data) {
        None => {}
        Some((Mode::Raw, bytes)) => check(&chunks(bytes)),
        Some((Mode::Structured, rest)) => check(&structured(rest)),
    }
}

fn chunks(bytes: &[u8]) -> Vec<[u8; PUBLIC_INPUT_LEN]> {
    bytes
        .chunks_exact(PUBLIC_INPUT_LEN)
        .take(MAX_INPUTS)
        .map(|c| {
            let mut a = [0u8; PUBLIC_INPUT_LEN];
            a.copy_from_slice(c);
            a
        })
        .collect()
}

/// The structured inputs: values at the edges of the canonical range.
pub fn structured(rest: &[u8]) -> Vec<[u8; PUBLIC_INPUT_LEN]> {
    let r = Fr::MODULUS.to_bytes_le();
    rest.chunks_exact(2)
        .take(MAX_INPUTS)
        .map(|g| {
            let delta = u64::from(g[1]);
            let mut out = [0u8; PUBLIC_INPUT_LEN];
            match g[0] % 4 {
                0 => add_le(&mut out, &r, -1 - i128::from(delta)),
                1 => add_le(&mut out, &r, i128::from(delta)),
                2 => add_le(&mut out, &[0u8; 32], i128::from(delta)),
                _ => add_le(&mut out, &[0xff; 32], -i128::from(delta)),
            }
            out
        })
        .collect()
}

/// `out = base + delta` over 256-bit little-endian integers (wrapping).
fn add_le(out: &mut [u8; PUBLIC_INPUT_LEN], base: &[u8], delta: i128) {
    let mut carry: i128 = delta;
    for (o, b) in out.iter_mut().zip(base) {
        let v = i128::from(*b) + carry;
        *o = v.rem_euclid(256) as u8;
        carry = v.div_euclid(256);
    }
}

/// Whether a 32-byte little-endian value is below r, compared big-endian
/// byte by byte (independent of the field code).
pub fn below_r(bytes: &[u8; PUBLIC_INPUT_LEN]) -> bool {
    let r = Fr::MODULUS.to_bytes_le();
    bytes.iter().rev().lt(r.iter().rev())
}

/// Checks every invariant for one list of inputs.
pub fn check(inputs: &[[u8; PUBLIC_INPUT_LEN]]) {
    let first_bad = inputs.iter().position(|b| !below_r(b));
    for (i, b) in inputs.iter().enumerate() {
        match decode_public_input(i, b) {
            Ok(x) => {
                assert!(below_r(b), "input {i} accepted but not below r");
                assert_eq!(&encode_public_input(&x), b, "input {i} not canonical");
            }
            Err(e) => {
                assert!(!below_r(b), "input {i} below r refused: {e}");
                assert_eq!(e, VerifierError::NonCanonicalPublicInput { index: i });
            }
        }
    }
    let all = decode_public_inputs(inputs);
    match (&all, first_bad) {
        (Ok(values), None) => {
            assert_eq!(values.len(), inputs.len());
            for (v, b) in values.iter().zip(inputs) {
                assert_eq!(&encode_public_input(v), b);
            }
        }
        (Err(e), Some(index)) => {
            assert_eq!(e, &VerifierError::NonCanonicalPublicInput { index })
        }
        (got, want) => panic!("list decoder gave {got:?}, first bad input is {want:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries() {
        let s = structured(&[0, 0, 1, 0, 2, 5, 3, 0]);
        assert!(below_r(&s[0])); // r - 1
        assert!(!below_r(&s[1])); // r
        assert_eq!(s[2][0], 5);
        assert!(below_r(&s[2]));
        assert_eq!(s[3], [0xff; 32]);
        check(&s);
    }
}
