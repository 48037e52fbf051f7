//! Circuit shapes: how many inputs and outputs, and how deep the ring tree is.

use crate::error::CircuitError;
use std::fmt;
use std::str::FromStr;

/// Largest number of inputs or outputs a shape may have.
pub const MAX_IO: usize = 16;
/// Largest ring depth (a ring of 4^16 members).
pub const MAX_RING_DEPTH: u32 = 16;

/// The shape of a RingCT statement: `inputs x outputs`, ring of `4^ring_depth` members.
///
/// Printed and parsed as `MxN-rK`, for example `2x2-r16` (2 inputs, 2 outputs,
/// rings of 16 members, so depth 2). Every shape has its own proving and
/// verifying keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Shape {
    /// Number of spent notes (m).
    pub inputs: usize,
    /// Number of created notes (n).
    pub outputs: usize,
    /// Depth d of the 4-ary ring tree; the ring has 4^d members.
    pub ring_depth: u32,
}

impl Shape {
    /// Builds and validates a shape.
    pub fn new(inputs: usize, outputs: usize, ring_depth: u32) -> Result<Self, CircuitError> {
        let shape = Shape {
            inputs,
            outputs,
            ring_depth,
        };
        shape.validate()?;
        Ok(shape)
    }

    /// Checks the bounds: 1..=16 inputs, 1..=16 outputs, ring depth 1..=16.
    pub fn validate(&self) -> Result<(), CircuitError> {
        if !(1..=MAX_IO).contains(&self.inputs) {
            return Err(CircuitError::InputCountOutOfRange(self.inputs));
        }
        if !(1..=MAX_IO).contains(&self.outputs) {
            return Err(CircuitError::OutputCountOutOfRange(self.outputs));
        }
        if !(1..=MAX_RING_DEPTH).contains(&self.ring_depth) {
            return Err(CircuitError::RingDepthOutOfRange(self.ring_depth));
        }
        Ok(())
    }

    /// Members per ring: 4^depth.
    pub fn ring_size(&self) -> u64 {
        1u64 << (2 * self.ring_depth)
    }

    /// Number of public inputs: 2m + n + 2 (the constant `1` is not counted).
    pub fn num_public_inputs(&self) -> usize {
        2 * self.inputs + self.outputs + 2
    }
}

impl Default for Shape {
    /// The default shape, `2x2-r16`.
    fn default() -> Self {
        Shape {
            inputs: 2,
            outputs: 2,
            ring_depth: 2,
        }
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}-r{}", self.inputs, self.outputs, self.ring_size())
    }
}

impl FromStr for Shape {
    type Err = CircuitError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let malformed = || CircuitError::MalformedShape(s.to_string());
        let (io, ring) = s.trim().split_once("-r").ok_or_else(malformed)?;
        let (m, n) = io.split_once('x').ok_or_else(malformed)?;
        let parse = |t: &str| -> Result<u64, CircuitError> {
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(malformed());
            }
            t.parse::<u64>().map_err(|_| malformed())
        };
        let (m, n, ring) = (parse(m)?, parse(n)?, parse(ring)?);
        // A power of four has a single set bit at an even position.
        if ring < 4 || !ring.is_power_of_two() || ring.trailing_zeros() % 2 != 0 {
            return Err(CircuitError::RingSizeNotPowerOfFour(ring));
        }
        let depth = ring.trailing_zeros() / 2;
        let to_usize =
            |v: u64, e: fn(usize) -> CircuitError| usize::try_from(v).map_err(|_| e(usize::MAX));
        Shape::new(
            to_usize(m, CircuitError::InputCountOutOfRange)?,
            to_usize(n, CircuitError::OutputCountOutOfRange)?,
            depth,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_2x2_r16() {
        let s = Shape::default();
        assert_eq!(s.to_string(), "2x2-r16");
        assert_eq!(s.ring_size(), 16);
        assert_eq!(s.num_public_inputs(), 8);
        assert_eq!("2x2-r16".parse::<Shape>().unwrap(), s);
    }

    #[test]
    fn round_trips() {
        for text in [
            "1x1-r4",
            "1x2-r16",
            "16x16-r4",
            "3x1-r64",
            "1x1-r4294967296",
        ] {
            let s: Shape = text.parse().unwrap();
            assert_eq!(s.to_string(), text);
        }
        assert_eq!("1x1-r4294967296".parse::<Shape>().unwrap().ring_depth, 16);
    }

    #[test]
    fn rejects_bad_shapes_with_typed_errors() {
        use CircuitError::*;
        let cases: &[(&str, CircuitError)] = &[
            ("", MalformedShape(String::new())),
            ("2x2", MalformedShape("2x2".into())),
            ("2by2-r16", MalformedShape("2by2-r16".into())),
            ("-1x2-r16", MalformedShape("-1x2-r16".into())),
            ("2x2-r", MalformedShape("2x2-r".into())),
            ("2x2-r8", RingSizeNotPowerOfFour(8)),
            ("2x2-r1", RingSizeNotPowerOfFour(1)),
            ("2x2-r0", RingSizeNotPowerOfFour(0)),
            ("0x2-r16", InputCountOutOfRange(0)),
            ("17x2-r16", InputCountOutOfRange(17)),
            ("2x0-r16", OutputCountOutOfRange(0)),
            ("2x17-r16", OutputCountOutOfRange(17)),
            ("1x1-r17179869184", RingDepthOutOfRange(17)),
            (
                "99999999999999999999x1-r4",
                MalformedShape("99999999999999999999x1-r4".into()),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(&text.parse::<Shape>().unwrap_err(), want, "{text}");
        }
        assert_eq!(Shape::new(1, 1, 0).unwrap_err(), RingDepthOutOfRange(0));
    }
}
