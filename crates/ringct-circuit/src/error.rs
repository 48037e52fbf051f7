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
    /// Two members of one ring are the same note (wallet data): such a ring
    /// gives the spend less anonymity, and the ledger refuses it.
    #[error("input {input}: ring members {first} and {second} are the same note")]
    DuplicateRingMember {
        /// Input index.
        input: usize,
        /// First position holding the note.
        first: usize,
        /// Second position holding it.
        second: usize,
    },
    /// Two outputs have the same commitment (wallet data). Key images depend
    /// on the commitment, so only one of them could ever be spent.
    #[error("outputs {first} and {second} have the same note commitment")]
    DuplicateOutputCommitment {
        /// First output with the commitment.
        first: usize,
        /// Second output with it.
        second: usize,
    },
    /// An output's commitment is a member of one of the rings, so it is
    /// already in the ledger (wallet data).
    #[error("output {output}: the commitment is already in the ledger (member {position} of ring {input})")]
    OutputCommitmentInRing {
        /// Output index.
        output: usize,
        /// Input whose ring holds it.
        input: usize,
        /// Its position in that ring.
        position: usize,
    },
    /// A network id is empty or longer than the maximum.
    #[error("a network id has 1..={max} bytes, got {len}")]
    NetworkIdLength {
        /// Its length in bytes.
        len: usize,
        /// The maximum.
        max: usize,
    },
    /// A network id has a byte other than `a-z`, `0-9` and `-`.
    #[error("network id byte {position} is {byte:#04x}; only a-z, 0-9 and '-' are allowed")]
    NetworkIdCharacter {
        /// Byte offset.
        position: usize,
        /// The byte.
        byte: u8,
    },
    /// Encoded bytes end inside a field.
    #[error("the encoding ends inside {field} (at byte {offset})")]
    EncodingTruncated {
        /// The field that is cut off.
        field: &'static str,
        /// Where it starts.
        offset: usize,
    },
    /// Bytes follow the last field of an encoding.
    #[error("{extra} unexpected bytes after the end of the encoding (at byte {offset})")]
    EncodingTrailingBytes {
        /// Where the extra bytes start.
        offset: usize,
        /// How many there are.
        extra: usize,
    },
    /// An encoding has a version this build does not read.
    #[error("encoding version {found}; this build reads version {supported}")]
    EncodingVersion {
        /// Version byte found.
        found: u8,
        /// The version this build reads.
        supported: u8,
    },
    /// An encoded transaction has an unknown kind byte.
    #[error("unknown transaction kind {found}")]
    EncodingKind {
        /// Kind byte found.
        found: u8,
    },
    /// A 32-byte field element is not below the field modulus.
    #[error("{field} at byte {offset} is not a canonical field element")]
    NonCanonicalField {
        /// Which field.
        field: &'static str,
        /// Where it starts.
        offset: usize,
    },
    /// An output's memo is longer than the protocol allows.
    #[error("output {output}: the memo has {len} bytes, at most {max} are allowed")]
    MemoTooLong {
        /// Output index.
        output: usize,
        /// Memo length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A transaction has a different number of key images than inputs.
    #[error("the shape has {expected} inputs but the transaction has {got} key images")]
    KeyImageCountMismatch {
        /// Inputs of the shape.
        expected: usize,
        /// Key images given.
        got: usize,
    },
    /// A transaction id is not 64 hex digits.
    #[error("malformed transaction id {0:?}: expected 64 hex digits")]
    MalformedTxId(String),
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
