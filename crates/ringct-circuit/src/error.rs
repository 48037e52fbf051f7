//! The crate's one error enum: each variant is one rule that was broken.

use crate::shape::{MAX_IO, MAX_RING_DEPTH};

/// Why a shape, wallet data or a witness was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CircuitError {
    /// A shape string is not of the form `MxN-rK`.
    #[error("malformed shape {0:?}: expected the form MxN-rK, e.g. 2x2-r16")]
    MalformedShape(String),
    /// The ring size in a shape string is not a power of four.
    #[error("ring size {0} is not a power of 4 between 4 and 4^{MAX_RING_DEPTH}")]
    RingSizeNotPowerOfFour(u64),
    /// Inputs outside 1..=16.
    #[error("a shape needs 1..={MAX_IO} inputs, got {0}")]
    InputCountOutOfRange(usize),
    /// Outputs outside 1..=16.
    #[error("a shape needs 1..={MAX_IO} outputs, got {0}")]
    OutputCountOutOfRange(usize),
    /// Ring depth outside 1..=16.
    #[error("a ring depth must be 1..={MAX_RING_DEPTH}, got {0}")]
    RingDepthOutOfRange(u32),
    /// The witness or wallet data has a different number of inputs than the shape.
    #[error("the shape has {expected} inputs but {got} were given")]
    InputCountMismatch {
        /// Inputs the shape requires.
        expected: usize,
        /// Inputs supplied.
        got: usize,
    },
    /// The witness or wallet data has a different number of outputs than the shape.
    #[error("the shape has {expected} outputs but {got} were given")]
    OutputCountMismatch {
        /// Outputs the shape requires.
        expected: usize,
        /// Outputs supplied.
        got: usize,
    },
    /// A ring does not have exactly 4^depth members.
    #[error("input {input}: the ring has {got} members but the shape needs {expected}")]
    RingSizeMismatch {
        /// Input index.
        input: usize,
        /// Members the shape requires.
        expected: usize,
        /// Members supplied.
        got: usize,
    },
    /// A Merkle path has the wrong number of levels.
    #[error("input {input}: the Merkle path has {got} levels but the shape needs {expected}")]
    PathLengthMismatch {
        /// Input index.
        input: usize,
        /// Levels the shape requires.
        expected: usize,
        /// Levels supplied.
        got: usize,
    },
    /// The real member's position is not inside the ring.
    #[error("input {input}: position {position} is outside a ring of {ring_size}")]
    PositionOutOfRange {
        /// Input index.
        input: usize,
        /// Claimed position.
        position: usize,
        /// Ring size.
        ring_size: usize,
    },
    /// A position bit in a raw witness is neither 0 nor 1.
    #[error("input {input}: position bit at level {level} is not 0 or 1")]
    NonBooleanPositionBit {
        /// Input index.
        input: usize,
        /// Tree level (0 = leaves).
        level: usize,
    },
    /// The spending key does not derive the note's owner key.
    #[error("input {input}: the spending key does not own the note")]
    SpendingKeyMismatch {
        /// Input index.
        input: usize,
    },
    /// The ring member at the real position is not the spent note's commitment.
    #[error("input {input}: the ring member at position {position} is not the spent note")]
    RealNoteNotInRing {
        /// Input index.
        input: usize,
        /// Claimed position.
        position: usize,
    },
    /// Two inputs spend the same note (their key images collide).
    #[error("inputs {first} and {second} spend the same note")]
    DuplicateInput {
        /// First input index.
        first: usize,
        /// Second input index.
        second: usize,
    },
    /// An input value is not below 2^64.
    #[error("input {0}: value is not below 2^64")]
    InputValueOutOfRange(usize),
    /// An output value is not below 2^64.
    #[error("output {0}: value is not below 2^64")]
    OutputValueOutOfRange(usize),
    /// The fee is not below 2^64.
    #[error("the fee is not below 2^64")]
    FeeOutOfRange,
    /// Inputs do not equal outputs plus fee.
    #[error("unbalanced: inputs total {inputs}, outputs plus fee total {outputs_plus_fee}")]
    Unbalanced {
        /// Sum of input values.
        inputs: u128,
        /// Sum of output values plus the fee.
        outputs_plus_fee: u128,
    },
    /// A public-input vector has the wrong length for the shape.
    #[error("the shape {shape} has {expected} public inputs but {got} were given")]
    PublicInputCountMismatch {
        /// The shape, printed.
        shape: String,
        /// Public inputs the shape requires.
        expected: usize,
        /// Public inputs supplied.
        got: usize,
    },
}
