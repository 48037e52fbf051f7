//! The byte encoding of a [`RingCtWitness`] in a job's payload.
//!
//! No crate of the workspace serialises witnesses (they never leave a
//! process there), so the queue has its own versioned, bounded encoding:
//!
//! ```text
//! witness := version:u8 (= 1) · m:u8 · n:u8 · d:u8
//!            · input_1 .. input_m      input  := sk · value · blinding
//!                                                · d × (bit0 · bit1)
//!                                                · d × (sib0 · sib1 · sib2)
//!            · output_1 .. output_n    output := value · blinding · owner
//!            · fee · ctx
//! ```
//!
//! Every field element is 32 little-endian bytes and must be canonical. The
//! shape is validated before anything else is read, and the total length
//! follows from it, so the decoder checks the length once and never
//! allocates more than the shape's bound ([`MAX_WITNESS_BYTES`]). The
//! encoding writes fields as they are, without checking the witness's rules:
//! the worker runs [`RingCtWitness::check`] before proving.

use crate::error::ClusterError;
use ringct_circuit::encoding::{field_from_bytes, field_to_bytes, FIELD_BYTES};
use ringct_circuit::{Fr, InputWitness, MerklePath, OutputWitness, RingCtWitness, Shape};

/// The encoding's version byte.
pub const WITNESS_ENCODING_VERSION: u8 = 1;

/// The largest encoding (the largest shape, 16x16-r4^16, takes 44,100 bytes).
pub const MAX_WITNESS_BYTES: usize = 64 * 1024;

const HEADER: usize = 4;

/// Bytes of the encoding of a witness of `shape`.
pub fn encoded_len(shape: Shape) -> usize {
    let d = shape.ring_depth as usize;
    let input = FIELD_BYTES * (3 + 2 * d + 3 * d);
    HEADER + shape.inputs * input + shape.outputs * 3 * FIELD_BYTES + 2 * FIELD_BYTES
}

/// Encodes `witness`. Fails only if its shape is invalid or its lists do
/// not match its shape (no valid witness does either).
pub fn encode_witness(witness: &RingCtWitness) -> Result<Vec<u8>, ClusterError> {
    let shape = witness.shape;
    shape
        .validate()
        .map_err(|e| ClusterError::WitnessShape(e.to_string()))?;
    let d = shape.ring_depth as usize;
    let lists_fit = witness.inputs.len() == shape.inputs
        && witness.outputs.len() == shape.outputs
        && witness
            .inputs
            .iter()
            .all(|i| i.path.position_bits.len() == d && i.path.siblings.len() == d);
    if !lists_fit {
        return Err(ClusterError::WitnessShape(format!(
            "the witness's inputs, outputs or paths do not match its shape {shape}"
        )));
    }
    let mut out = Vec::with_capacity(encoded_len(shape));
    // Shape fields are at most 16 once validated.
    out.extend_from_slice(&[
        WITNESS_ENCODING_VERSION,
        shape.inputs as u8,
        shape.outputs as u8,
        shape.ring_depth as u8,
    ]);
    let mut put = |x: &Fr| out.extend_from_slice(&field_to_bytes(x));
    for input in &witness.inputs {
        put(&input.spending_key);
        put(&input.value);
        put(&input.blinding);
        input.path.position_bits.iter().flatten().for_each(&mut put);
        input.path.siblings.iter().flatten().for_each(&mut put);
    }
    for output in &witness.outputs {
        put(&output.value);
        put(&output.blinding);
        put(&output.owner);
    }
    put(&witness.fee);
    put(&witness.ctx);
    Ok(out)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn field(&mut self, field: &'static str) -> Result<Fr, ClusterError> {
        let offset = self.at;
        let chunk = self
            .bytes
            .get(offset..offset + FIELD_BYTES)
            .ok_or(ClusterError::WitnessTruncated { field, offset })?;
        let mut b = [0u8; FIELD_BYTES];
        b.copy_from_slice(chunk);
        self.at += FIELD_BYTES;
        field_from_bytes(&b).ok_or(ClusterError::WitnessNonCanonical { field, offset })
    }
}

/// Decodes a witness, checking the version, the shape, the length and that
/// every field is canonical. It does not check the witness's rules.
pub fn decode_witness(bytes: &[u8]) -> Result<RingCtWitness, ClusterError> {
    if bytes.len() > MAX_WITNESS_BYTES {
        return Err(ClusterError::WitnessTooLarge(bytes.len()));
    }
    let header = bytes.get(..HEADER).ok_or(ClusterError::WitnessTruncated {
        field: "header",
        offset: bytes.len(),
    })?;
    if header[0] != WITNESS_ENCODING_VERSION {
        return Err(ClusterError::WitnessVersion {
            found: header[0],
            supported: WITNESS_ENCODING_VERSION,
        });
    }
    let shape = Shape::new(header[1] as usize, header[2] as usize, header[3] as u32)
        .map_err(|e| ClusterError::WitnessShape(e.to_string()))?;
    let expected = encoded_len(shape);
    if bytes.len() < expected {
        return Err(ClusterError::WitnessTruncated {
            field: "body",
            offset: bytes.len(),
        });
    }
    if bytes.len() > expected {
        return Err(ClusterError::WitnessTrailingBytes(bytes.len() - expected));
    }
    let mut r = Reader { bytes, at: HEADER };
    let d = shape.ring_depth as usize;
    let mut inputs = Vec::with_capacity(shape.inputs);
    for _ in 0..shape.inputs {
        let spending_key = r.field("spending_key")?;
        let value = r.field("input value")?;
        let blinding = r.field("input blinding")?;
        let mut position_bits = Vec::with_capacity(d);
        for _ in 0..d {
            position_bits.push([r.field("position bit")?, r.field("position bit")?]);
        }
        let mut siblings = Vec::with_capacity(d);
        for _ in 0..d {
            siblings.push([
                r.field("sibling")?,
                r.field("sibling")?,
                r.field("sibling")?,
            ]);
        }
        inputs.push(InputWitness {
            spending_key,
            value,
            blinding,
            path: MerklePath {
                position_bits,
                siblings,
            },
        });
    }
    let mut outputs = Vec::with_capacity(shape.outputs);
    for _ in 0..shape.outputs {
        outputs.push(OutputWitness {
            value: r.field("output value")?,
            blinding: r.field("output blinding")?,
            owner: r.field("output owner")?,
        });
    }
    let fee = r.field("fee")?;
    let ctx = r.field("ctx")?;
    Ok(RingCtWitness {
        shape,
        inputs,
        outputs,
        fee,
        ctx,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;
    use ringct_circuit::sample::random_spend;

    fn witness(shape: &str, seed: u64) -> RingCtWitness {
        let shape: Shape = shape.parse().unwrap();
        random_spend(shape, &mut ChaCha20Rng::seed_from_u64(seed))
            .unwrap()
            .0
    }

    #[test]
    fn round_trips_and_has_the_computed_length() {
        for (shape, seed) in [("1x1-r4", 1), ("2x2-r16", 2), ("1x2-r64", 3)] {
            let w = witness(shape, seed);
            let bytes = encode_witness(&w).unwrap();
            assert_eq!(bytes.len(), encoded_len(w.shape));
            assert_eq!(decode_witness(&bytes).unwrap(), w);
        }
    }

    #[test]
    fn the_largest_shape_fits_the_bound() {
        let largest = Shape::new(16, 16, 16).unwrap();
        assert_eq!(encoded_len(largest), 44_100);
        assert!(encoded_len(largest) <= MAX_WITNESS_BYTES);
    }

    #[test]
    fn every_broken_rule_has_its_error() {
        let good = encode_witness(&witness("1x1-r4", 4)).unwrap();
        let mut v = good.clone();
        v[0] = 9;
        assert!(matches!(
            decode_witness(&v),
            Err(ClusterError::WitnessVersion { found: 9, .. })
        ));
        let mut v = good.clone();
        v[1] = 0;
        assert!(matches!(
            decode_witness(&v),
            Err(ClusterError::WitnessShape(_))
        ));
        assert!(matches!(
            decode_witness(&good[..good.len() - 1]),
            Err(ClusterError::WitnessTruncated { .. })
        ));
        assert!(matches!(
            decode_witness(&good[..2]),
            Err(ClusterError::WitnessTruncated {
                field: "header",
                ..
            })
        ));
        let mut v = good.clone();
        v.push(0);
        assert!(matches!(
            decode_witness(&v),
            Err(ClusterError::WitnessTrailingBytes(1))
        ));
        let mut v = good.clone();
        v[HEADER..HEADER + 32].fill(0xff);
        assert!(matches!(
            decode_witness(&v),
            Err(ClusterError::WitnessNonCanonical {
                field: "spending_key",
                offset: 4
            })
        ));
        assert!(matches!(
            decode_witness(&vec![1u8; MAX_WITNESS_BYTES + 1]),
            Err(ClusterError::WitnessTooLarge(_))
        ));
    }

    #[test]
    fn a_witness_whose_lists_do_not_fit_its_shape_is_refused() {
        let mut w = witness("1x1-r4", 5);
        w.outputs.clear();
        assert!(matches!(
            encode_witness(&w),
            Err(ClusterError::WitnessShape(_))
        ));
    }
}
