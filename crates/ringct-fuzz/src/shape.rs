//! Target `shape`: [`Shape`]'s `FromStr` and the `Display` round trip.
//!
//! Raw mode: the bytes are the text (invalid UTF-8 is replaced, as a caller
//! reading bytes lossily would). Structured mode: bytes 0..4, 4..8 and
//! 8..12 (zero-padded) are inputs, outputs and ring depth as little-endian
//! `u32`s; the shape is built with `Shape::new`, printed and parsed back.
//!
//! Invariants: a parsed shape validates, is what `Shape::new` builds from
//! its fields, prints as the canonical form of the input (trimmed, leading
//! zeros of every number dropped) and parses back from it; a refusal is a
//! shape error variant, and `MalformedShape` carries the input unchanged.

use crate::mode::{split, Mode};
use ringct_circuit::{CircuitError, Shape};

/// The `shape` harness.
pub fn shape(data: &[u8]) {
    match split(data) {
        None => {}
        Some((Mode::Raw, bytes)) => check(&String::from_utf8_lossy(bytes)),
        Some((Mode::Structured, rest)) => structured(rest),
    }
}

/// The canonical form of shape text: trimmed, and every run of digits
/// without its leading zeros (a run of zeros keeps one).
pub fn canonical(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_zeros = false; // inside a run of leading zeros of a number
    let mut prev_digit = false;
    for c in text.trim().chars() {
        let digit = c.is_ascii_digit();
        if digit && !prev_digit && c == '0' {
            in_zeros = true;
        } else if digit && in_zeros && c == '0' {
        } else {
            if in_zeros && !digit {
                out.push('0');
            }
            in_zeros = false;
            out.push(c);
        }
        prev_digit = digit;
    }
    if in_zeros {
        out.push('0');
    }
    out
}

/// Checks every invariant for one text.
pub fn check(text: &str) {
    match text.parse::<Shape>() {
        Ok(shape) => {
            shape.validate().expect("a parsed shape validates");
            assert_eq!(
                Shape::new(shape.inputs, shape.outputs, shape.ring_depth),
                Ok(shape)
            );
            let printed = shape.to_string();
            assert_eq!(
                printed,
                canonical(text),
                "not the canonical form of {text:?}"
            );
            assert_eq!(printed.parse::<Shape>(), Ok(shape));
            assert_eq!(shape.ring_size(), 4u64.pow(shape.ring_depth));
            assert_eq!(
                shape.num_public_inputs(),
                2 * shape.inputs + shape.outputs + 2
            );
        }
        Err(CircuitError::MalformedShape(s)) => assert_eq!(s, text),
        Err(
            CircuitError::RingSizeNotPowerOfFour(_)
            | CircuitError::InputCountOutOfRange(_)
            | CircuitError::OutputCountOutOfRange(_)
            | CircuitError::RingDepthOutOfRange(_),
        ) => {}
        Err(e) => panic!("{text:?} refused with a non-shape error: {e:?}"),
    }
}

fn structured(rest: &[u8]) {
    let mut b = [0u8; 12];
    let n = rest.len().min(12);
    b[..n].copy_from_slice(&rest[..n]);
    let word = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let (inputs, outputs, depth) = (word(0) as usize, word(4) as usize, word(8));
    let in_bounds =
        (1..=16).contains(&inputs) && (1..=16).contains(&outputs) && (1..=16).contains(&depth);
    match Shape::new(inputs, outputs, depth) {
        Ok(shape) => {
            assert!(in_bounds, "{inputs}x{outputs} depth {depth} accepted");
            let printed = shape.to_string();
            assert_eq!(printed.parse::<Shape>(), Ok(shape));
            check(&printed);
            check(&format!(" 0{printed}\n"));
        }
        Err(e) => {
            assert!(!in_bounds, "{inputs}x{outputs} depth {depth} refused: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form() {
        assert_eq!(canonical(" 002x0010-r016\n"), "2x10-r16");
        assert_eq!(canonical("0x00-r0"), "0x0-r0");
        assert_eq!(canonical("1x1-r4"), "1x1-r4");
        assert_eq!(canonical("a00b"), "a0b");
    }
}
