//! Typed errors.
//!
//! Three enums, because they describe different things and end up in different places:
//!
//! - [`TxError`]: why one transaction failed. It is what a [`Receipt`](crate::Receipt)
//!   carries, so it must never be able to say "bad environment variable". Each variant is
//!   one rule the transaction broke. [`TxError::kind`] maps it to the fieldless
//!   [`ErrorKind`], whose exact names are what `SUPERVM_FALLBACK_ON_ERRORS` lists.
//! - [`ConfigError`]: why the runtime could not be configured (environment, thread pool).
//!   It is returned by constructors and never appears in a receipt.
//! - [`DecodeError`]: why bytes are not a canonical transaction, or why a transaction has
//!   no canonical bytes (see [`crate::encoding`]). It is returned before a transaction
//!   exists, so it never appears in a receipt either.
//!
//! Errors are matched by kind ([`ErrorKind`]), never by message text.

use std::fmt;
use std::str::FromStr;

use ringct_circuit::encoding::KIND_PRIVATE;
use ringct_circuit::{CircuitError, Shape, PROTOCOL_VERSION};
use ringct_verifier::VerifierError;

use crate::encoding::KIND_PUBLIC;
use crate::object::{Address, ObjectId};

/// A shape for messages: `MxN-rK` when it is valid, its fields otherwise (printing an
/// invalid shape as `MxN-rK` could overflow).
fn shape_name(shape: &Shape) -> String {
    match shape.validate() {
        Ok(()) => shape.to_string(),
        Err(_) => format!("{shape:?}"),
    }
}

/// Why one transaction failed. Each variant is one broken rule.
///
/// The public paths' rules come first; the Privacy path's rules (from
/// [`NoVerifyingKey`](TxError::NoVerifyingKey) on) are checked in the order listed, see
/// [`crate::privacy`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TxError {
    /// The program needed more gas than the path's limit allows.
    #[error("gas exhausted: needed {needed}, limit {limit}")]
    GasExhausted {
        /// Gas the program would have used up to and including the failing instruction
        /// (saturating at `u64::MAX`).
        needed: u64,
        /// The path's gas limit.
        limit: u64,
    },
    /// Allocated and written bytes exceeded the path's memory limit.
    #[error("memory overflow: needed {needed} bytes, limit {limit} bytes")]
    MemoryOverflow {
        /// Bytes the program would have used up to and including the failing instruction
        /// (saturating at `u64::MAX`).
        needed: u64,
        /// The path's memory limit in bytes.
        limit: u64,
    },
    /// The transaction touches an object owned by another address.
    #[error("object {object} is owned by {owner}, not by sender {sender}")]
    NotOwned {
        /// The object.
        object: ObjectId,
        /// Its owner.
        owner: Address,
        /// The transaction's sender.
        sender: Address,
    },
    /// A shared object reached the Fast path (routing sends those to Consensus).
    #[error("shared object {object} cannot be used on the Fast path")]
    SharedObjectOnFastPath {
        /// The shared object.
        object: ObjectId,
    },
    /// The transaction names an object that does not exist.
    #[error("object {object} not found")]
    ObjectNotFound {
        /// The missing object.
        object: ObjectId,
    },
    /// The object's current version differs from the version the transaction expects.
    #[error("object {object} is at version {actual}, transaction expects {expected}")]
    VersionConflict {
        /// The object.
        object: ObjectId,
        /// Version the transaction declared.
        expected: u64,
        /// Version in the state when the transaction ran.
        actual: u64,
    },
    /// A transfer debits more than the object holds.
    #[error("object {object} holds {balance}, cannot debit {amount}")]
    InsufficientBalance {
        /// The debited object.
        object: ObjectId,
        /// Its balance at that point of the program.
        balance: u64,
        /// The amount the transfer tried to debit.
        amount: u64,
    },
    /// The program tries to modify an immutable object.
    #[error("object {object} is immutable")]
    ImmutableObject {
        /// The immutable object.
        object: ObjectId,
    },
    /// A transfer would push a balance past `u64::MAX`.
    #[error("crediting object {object} would overflow its balance")]
    BalanceOverflow {
        /// The credited object.
        object: ObjectId,
    },
    /// An instruction uses an object the transaction did not declare.
    #[error("object {object} is used by the program but not declared by the transaction")]
    UndeclaredObject {
        /// The undeclared object.
        object: ObjectId,
    },
    /// The transaction declares the same object twice.
    #[error("object {object} is declared more than once")]
    DuplicateObject {
        /// The repeated object.
        object: ObjectId,
    },
    /// Writing the object would push its version past `u64::MAX`.
    #[error("object {object} is at the maximum version and cannot be written")]
    VersionOverflow {
        /// The object.
        object: ObjectId,
    },
    /// Privacy path: no verifying key is configured for the transaction's shape (an
    /// invalid shape never has one).
    #[error("no verifying key is configured for shape {}", shape_name(shape))]
    NoVerifyingKey {
        /// The transaction's shape.
        shape: Shape,
    },
    /// Privacy path: the number of rings differs from the shape's number of inputs.
    #[error("the shape has {expected} inputs but the transaction lists {got} rings")]
    RingCountMismatch {
        /// Inputs of the shape.
        expected: usize,
        /// Rings listed.
        got: usize,
    },
    /// Privacy path: a ring does not have exactly the shape's ring size (4^d) members.
    #[error("input {input}: the ring lists {got} members but the shape needs {expected}")]
    RingSizeMismatch {
        /// Input index.
        input: usize,
        /// Members per ring in the shape.
        expected: u64,
        /// Members listed.
        got: usize,
    },
    /// Privacy path: the number of key images differs from the shape's number of inputs.
    #[error("the shape has {expected} inputs but the transaction has {got} key images")]
    KeyImageCountMismatch {
        /// Inputs of the shape.
        expected: usize,
        /// Key images given.
        got: usize,
    },
    /// Privacy path: the number of outputs differs from the shape's.
    #[error("the shape has {expected} outputs but the transaction has {got}")]
    OutputCountMismatch {
        /// Outputs of the shape.
        expected: usize,
        /// Outputs given.
        got: usize,
    },
    /// Privacy path: an output's memo is longer than
    /// [`MAX_MEMO_BYTES`](crate::privacy::MAX_MEMO_BYTES).
    #[error("output {output}: the memo has {len} bytes, at most {max} are allowed")]
    MemoTooLong {
        /// Output index.
        output: usize,
        /// Memo length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Privacy path: a ring member names a ledger index that holds no commitment (at the
    /// start of the block).
    #[error("input {input}: ring member {index} is not in the note ledger")]
    RingMemberNotInLedger {
        /// Input index.
        input: usize,
        /// The missing ledger index.
        index: u64,
    },
    /// Privacy path: a ring lists the same ledger index twice. Such a ring gives the
    /// spend less (or no) anonymity and lets observers rule the note out of other rings.
    #[error("input {input}: ring members {first} and {second} are the same ledger entry")]
    DuplicateRingMember {
        /// Input index.
        input: usize,
        /// First position in the ring holding the index.
        first: usize,
        /// Second position holding it.
        second: usize,
    },
    /// Privacy path: two inputs of the transaction show the same key image (they spend
    /// one note twice).
    #[error("inputs {first} and {second} have the same key image")]
    DuplicateKeyImage {
        /// First input with the key image.
        first: usize,
        /// Second input with it.
        second: usize,
    },
    /// Privacy path: a key image is already spent, in the ledger before this block or by
    /// an earlier accepted transaction of this block (a double spend).
    #[error(
        "input {input}: the key image is already spent{}",
        if *in_block { " by an earlier transaction of this block" } else { "" }
    )]
    KeyImageSpent {
        /// Input index.
        input: usize,
        /// `true`: spent earlier in this block; `false`: spent before this block.
        in_block: bool,
    },
    /// Privacy path: two outputs of the transaction have the same commitment. Key images
    /// depend only on (sk, cm), so only one of the two notes could ever be spent.
    #[error("outputs {first} and {second} have the same note commitment")]
    DuplicateOutputCommitment {
        /// First output with the commitment.
        first: usize,
        /// Second output with it.
        second: usize,
    },
    /// Privacy path: an output's commitment is already in the note ledger (at the start
    /// of the block).
    #[error("output {output}: the commitment is already in the note ledger at index {index}")]
    OutputCommitmentInLedger {
        /// Output index.
        output: usize,
        /// Where the ledger holds it.
        index: u64,
    },
    /// Privacy path: an output's commitment was created by an earlier accepted
    /// transaction of the same block.
    #[error("output {output}: the commitment was created by an earlier transaction of this block")]
    OutputCommitmentInBlock {
        /// Output index.
        output: usize,
    },
    /// Privacy path: the body has no canonical encoding, so no binding value. The
    /// checks before it (counts, memo sizes) leave nothing that can fail here; the
    /// variant keeps the rule typed rather than assumed.
    #[error("the transaction body has no canonical encoding: {reason}")]
    MalformedBody {
        /// The encoding rule the body breaks.
        reason: CircuitError,
    },
    /// Privacy path: the proof does not verify against the public inputs the runtime
    /// derived (ring roots from the ledger, key images, output commitments, fee and the
    /// transaction binding), or its bytes are not a valid proof.
    #[error("invalid proof: {reason}")]
    InvalidProof {
        /// The rule the verifier reports as broken.
        reason: VerifierError,
    },
}

impl TxError {
    /// The fieldless kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            TxError::GasExhausted { .. } => ErrorKind::GasExhausted,
            TxError::MemoryOverflow { .. } => ErrorKind::MemoryOverflow,
            TxError::NotOwned { .. } => ErrorKind::NotOwned,
            TxError::SharedObjectOnFastPath { .. } => ErrorKind::SharedObjectOnFastPath,
            TxError::ObjectNotFound { .. } => ErrorKind::ObjectNotFound,
            TxError::VersionConflict { .. } => ErrorKind::VersionConflict,
            TxError::InsufficientBalance { .. } => ErrorKind::InsufficientBalance,
            TxError::ImmutableObject { .. } => ErrorKind::ImmutableObject,
            TxError::BalanceOverflow { .. } => ErrorKind::BalanceOverflow,
            TxError::UndeclaredObject { .. } => ErrorKind::UndeclaredObject,
            TxError::DuplicateObject { .. } => ErrorKind::DuplicateObject,
            TxError::VersionOverflow { .. } => ErrorKind::VersionOverflow,
            TxError::NoVerifyingKey { .. } => ErrorKind::NoVerifyingKey,
            TxError::RingCountMismatch { .. } => ErrorKind::RingCountMismatch,
            TxError::RingSizeMismatch { .. } => ErrorKind::RingSizeMismatch,
            TxError::KeyImageCountMismatch { .. } => ErrorKind::KeyImageCountMismatch,
            TxError::OutputCountMismatch { .. } => ErrorKind::OutputCountMismatch,
            TxError::MemoTooLong { .. } => ErrorKind::MemoTooLong,
            TxError::RingMemberNotInLedger { .. } => ErrorKind::RingMemberNotInLedger,
            TxError::DuplicateRingMember { .. } => ErrorKind::DuplicateRingMember,
            TxError::DuplicateKeyImage { .. } => ErrorKind::DuplicateKeyImage,
            TxError::KeyImageSpent { .. } => ErrorKind::KeyImageSpent,
            TxError::DuplicateOutputCommitment { .. } => ErrorKind::DuplicateOutputCommitment,
            TxError::OutputCommitmentInLedger { .. } => ErrorKind::OutputCommitmentInLedger,
            TxError::OutputCommitmentInBlock { .. } => ErrorKind::OutputCommitmentInBlock,
            TxError::MalformedBody { .. } => ErrorKind::MalformedBody,
            TxError::InvalidProof { .. } => ErrorKind::InvalidProof,
        }
    }
}

/// The kind of a [`TxError`], without its data.
///
/// [`ErrorKind::name`] is the exact, case-sensitive name used in
/// `SUPERVM_FALLBACK_ON_ERRORS`; [`FromStr`] accepts exactly those names and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// See [`TxError::GasExhausted`].
    GasExhausted,
    /// See [`TxError::MemoryOverflow`].
    MemoryOverflow,
    /// See [`TxError::NotOwned`].
    NotOwned,
    /// See [`TxError::SharedObjectOnFastPath`].
    SharedObjectOnFastPath,
    /// See [`TxError::ObjectNotFound`].
    ObjectNotFound,
    /// See [`TxError::VersionConflict`].
    VersionConflict,
    /// See [`TxError::InsufficientBalance`].
    InsufficientBalance,
    /// See [`TxError::ImmutableObject`].
    ImmutableObject,
    /// See [`TxError::BalanceOverflow`].
    BalanceOverflow,
    /// See [`TxError::UndeclaredObject`].
    UndeclaredObject,
    /// See [`TxError::DuplicateObject`].
    DuplicateObject,
    /// See [`TxError::VersionOverflow`].
    VersionOverflow,
    /// See [`TxError::NoVerifyingKey`].
    NoVerifyingKey,
    /// See [`TxError::RingCountMismatch`].
    RingCountMismatch,
    /// See [`TxError::RingSizeMismatch`].
    RingSizeMismatch,
    /// See [`TxError::KeyImageCountMismatch`].
    KeyImageCountMismatch,
    /// See [`TxError::OutputCountMismatch`].
    OutputCountMismatch,
    /// See [`TxError::MemoTooLong`].
    MemoTooLong,
    /// See [`TxError::RingMemberNotInLedger`].
    RingMemberNotInLedger,
    /// See [`TxError::DuplicateRingMember`].
    DuplicateRingMember,
    /// See [`TxError::DuplicateKeyImage`].
    DuplicateKeyImage,
    /// See [`TxError::KeyImageSpent`].
    KeyImageSpent,
    /// See [`TxError::DuplicateOutputCommitment`].
    DuplicateOutputCommitment,
    /// See [`TxError::OutputCommitmentInLedger`].
    OutputCommitmentInLedger,
    /// See [`TxError::OutputCommitmentInBlock`].
    OutputCommitmentInBlock,
    /// See [`TxError::MalformedBody`].
    MalformedBody,
    /// See [`TxError::InvalidProof`].
    InvalidProof,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: &'static [ErrorKind] = &[
        ErrorKind::GasExhausted,
        ErrorKind::MemoryOverflow,
        ErrorKind::NotOwned,
        ErrorKind::SharedObjectOnFastPath,
        ErrorKind::ObjectNotFound,
        ErrorKind::VersionConflict,
        ErrorKind::InsufficientBalance,
        ErrorKind::ImmutableObject,
        ErrorKind::BalanceOverflow,
        ErrorKind::UndeclaredObject,
        ErrorKind::DuplicateObject,
        ErrorKind::VersionOverflow,
        ErrorKind::NoVerifyingKey,
        ErrorKind::RingCountMismatch,
        ErrorKind::RingSizeMismatch,
        ErrorKind::KeyImageCountMismatch,
        ErrorKind::OutputCountMismatch,
        ErrorKind::MemoTooLong,
        ErrorKind::RingMemberNotInLedger,
        ErrorKind::DuplicateRingMember,
        ErrorKind::DuplicateKeyImage,
        ErrorKind::KeyImageSpent,
        ErrorKind::DuplicateOutputCommitment,
        ErrorKind::OutputCommitmentInLedger,
        ErrorKind::OutputCommitmentInBlock,
        ErrorKind::MalformedBody,
        ErrorKind::InvalidProof,
    ];

    /// The exact name of this kind (identical to the variant name).
    pub const fn name(self) -> &'static str {
        match self {
            ErrorKind::GasExhausted => "GasExhausted",
            ErrorKind::MemoryOverflow => "MemoryOverflow",
            ErrorKind::NotOwned => "NotOwned",
            ErrorKind::SharedObjectOnFastPath => "SharedObjectOnFastPath",
            ErrorKind::ObjectNotFound => "ObjectNotFound",
            ErrorKind::VersionConflict => "VersionConflict",
            ErrorKind::InsufficientBalance => "InsufficientBalance",
            ErrorKind::ImmutableObject => "ImmutableObject",
            ErrorKind::BalanceOverflow => "BalanceOverflow",
            ErrorKind::UndeclaredObject => "UndeclaredObject",
            ErrorKind::DuplicateObject => "DuplicateObject",
            ErrorKind::VersionOverflow => "VersionOverflow",
            ErrorKind::NoVerifyingKey => "NoVerifyingKey",
            ErrorKind::RingCountMismatch => "RingCountMismatch",
            ErrorKind::RingSizeMismatch => "RingSizeMismatch",
            ErrorKind::KeyImageCountMismatch => "KeyImageCountMismatch",
            ErrorKind::OutputCountMismatch => "OutputCountMismatch",
            ErrorKind::MemoTooLong => "MemoTooLong",
            ErrorKind::RingMemberNotInLedger => "RingMemberNotInLedger",
            ErrorKind::DuplicateRingMember => "DuplicateRingMember",
            ErrorKind::DuplicateKeyImage => "DuplicateKeyImage",
            ErrorKind::KeyImageSpent => "KeyImageSpent",
            ErrorKind::DuplicateOutputCommitment => "DuplicateOutputCommitment",
            ErrorKind::OutputCommitmentInLedger => "OutputCommitmentInLedger",
            ErrorKind::OutputCommitmentInBlock => "OutputCommitmentInBlock",
            ErrorKind::MalformedBody => "MalformedBody",
            ErrorKind::InvalidProof => "InvalidProof",
        }
    }

    /// All valid names, comma-separated, for error messages.
    pub fn valid_names() -> String {
        ErrorKind::ALL
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A string that is not the exact name of any [`ErrorKind`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown error kind {name:?}; valid kinds: {}",
    ErrorKind::valid_names()
)]
pub struct UnknownErrorKind {
    /// The string that matched no kind.
    pub name: String,
}

impl FromStr for ErrorKind {
    type Err = UnknownErrorKind;

    /// Exact, case-sensitive match on [`ErrorKind::name`]; no trimming, no prefixes.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ErrorKind::ALL
            .iter()
            .copied()
            .find(|k| k.name() == s)
            .ok_or_else(|| UnknownErrorKind { name: s.to_owned() })
    }
}

/// Why the runtime could not be configured. Each variant is one broken rule.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A variable's value is not valid UTF-8 (it is never read lossily).
    #[error("{var} is not valid UTF-8 ({value:?}); set it to UTF-8 text or unset it")]
    NotUnicode {
        /// The variable.
        var: &'static str,
        /// Its raw value.
        value: std::ffi::OsString,
    },
    /// A boolean variable holds something other than true/false/1/0.
    #[error("{var}={value:?} is not a boolean; expected true, false, 1 or 0 (case-insensitive)")]
    InvalidBool {
        /// The variable.
        var: &'static str,
        /// Its raw value.
        value: String,
    },
    /// A genesis note's commitment is already in the ledger (or earlier in the same
    /// list): the ledger holds each commitment once.
    #[error("the note commitment is already in the ledger at index {existing}")]
    DuplicateNote {
        /// Where the ledger (or the list being minted) already has it.
        existing: u64,
    },
    /// A state diff does not fit the state it is applied to.
    #[error("the state diff does not fit this state: {what}")]
    DiffMismatch {
        /// What does not fit.
        what: &'static str,
    },
    /// An error-kind list has an empty entry (e.g. `"GasExhausted,"` or `""`).
    #[error("{var}={value:?} has an empty entry; expected comma-separated error kind names")]
    EmptyErrorKindEntry {
        /// The variable.
        var: &'static str,
        /// Its raw value.
        value: String,
    },
    /// An error-kind list names a kind that does not exist (names match exactly).
    #[error(
        "{var} names unknown error kind {name:?}; valid kinds: {}",
        ErrorKind::valid_names()
    )]
    UnknownErrorKind {
        /// The variable.
        var: &'static str,
        /// The offending (trimmed) entry.
        name: String,
    },
    /// A thread count of zero was requested.
    #[error("thread count must be at least 1")]
    ZeroThreads,
    /// Rayon could not build the dedicated thread pool.
    #[error("could not build the rayon thread pool")]
    ThreadPool(#[from] rayon::ThreadPoolBuildError),
    /// A verifying key was configured for a shape that is not a valid shape.
    #[error(
        "cannot configure a verifying key for shape {}: {source}",
        shape_name(shape)
    )]
    InvalidShape {
        /// The shape.
        shape: Shape,
        /// The bound it breaks.
        source: CircuitError,
    },
    /// A verifier's key takes a different number of public inputs than its shape has.
    #[error(
        "the verifying key for shape {shape} takes {key} public inputs, the shape has {expected}"
    )]
    VerifierShapeMismatch {
        /// The shape it was configured for.
        shape: Shape,
        /// Public inputs of the shape (2m + n + 2).
        expected: usize,
        /// Public inputs the key takes.
        key: usize,
    },
}

/// Why bytes are not a canonical transaction, or why a transaction has no canonical bytes.
/// Each variant is one broken rule of [`crate::encoding`]; the encoder refuses exactly what
/// the decoder would refuse (the bounds), so encoding never produces undecodable bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ends inside a field.
    #[error("truncated: the input ends inside the {field} field")]
    Truncated {
        /// The field that was cut off.
        field: &'static str,
    },
    /// Bytes follow the transaction's last field.
    #[error("{extra} bytes follow the transaction's last field; nothing may")]
    TrailingBytes {
        /// How many.
        extra: usize,
    },
    /// The version byte is not the protocol version.
    #[error(
        "the version byte is {got}; the only supported protocol version is {PROTOCOL_VERSION}"
    )]
    Version {
        /// The version byte found.
        got: u8,
    },
    /// The kind byte names no transaction kind this decoder takes.
    #[error(
        "the kind byte is {got}, not a kind expected here ({KIND_PRIVATE} = private, {KIND_PUBLIC} = public)"
    )]
    Kind {
        /// The kind byte found.
        got: u8,
    },
    /// A public transaction declares more objects than
    /// [`MAX_PUBLIC_OBJECTS`](crate::encoding::MAX_PUBLIC_OBJECTS).
    #[error("the object count is {got}; at most {max} objects are allowed")]
    TooManyObjects {
        /// Objects declared (the count field, or the list's length when encoding).
        got: usize,
        /// The bound.
        max: usize,
    },
    /// A public transaction's program has more instructions than
    /// [`MAX_INSTRUCTIONS`](crate::encoding::MAX_INSTRUCTIONS).
    #[error("the instruction count is {got}; at most {max} instructions are allowed")]
    TooManyInstructions {
        /// Instructions (the count field, or the program's length when encoding).
        got: usize,
        /// The bound.
        max: usize,
    },
    /// A `Write` carries more than [`MAX_WRITE_BYTES`](crate::encoding::MAX_WRITE_BYTES).
    #[error("instruction {instruction}: the Write data length is {len} bytes; at most {max} are allowed")]
    WriteTooLong {
        /// Index of the instruction in the program.
        instruction: usize,
        /// The data length (the length field, or the data's length when encoding).
        len: u64,
        /// The bound.
        max: usize,
    },
    /// An object reference's version flag is neither 0 (any version) nor 1 (exact).
    #[error(
        "object {object}: the version flag is {got}; expected 0 (any version) or 1 (exact version)"
    )]
    BadVersionFlag {
        /// Index of the object reference in the transaction's list.
        object: usize,
        /// The flag byte found.
        got: u8,
    },
    /// An instruction tag names no instruction.
    #[error("instruction {instruction}: unknown tag {tag}; expected 0 (Transfer), 1 (Write), 2 (Alloc) or 3 (Burn)")]
    UnknownInstruction {
        /// Index of the instruction in the program.
        instruction: usize,
        /// The tag byte found.
        tag: u8,
    },
    /// A private transaction's bytes, or the transaction itself, break a rule of the
    /// private encoding (`ringct_circuit::encoding`).
    #[error("private transaction: {0}")]
    Private(#[from] CircuitError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_exactly() {
        for &k in ErrorKind::ALL {
            assert_eq!(k.name().parse::<ErrorKind>(), Ok(k));
            assert_eq!(format!("{k:?}"), k.name());
            assert!(k.name().to_lowercase().parse::<ErrorKind>().is_err());
            assert!(format!(" {}", k.name()).parse::<ErrorKind>().is_err());
        }
        assert!("Gas".parse::<ErrorKind>().is_err());
        assert!("GasExhaustedX".parse::<ErrorKind>().is_err());
        assert!("".parse::<ErrorKind>().is_err());
    }

    #[test]
    fn every_tx_error_maps_to_its_own_kind() {
        let o = ObjectId::from_u64(1);
        let a = Address::from_u64(1);
        let errors = [
            TxError::GasExhausted {
                needed: 2,
                limit: 1,
            },
            TxError::MemoryOverflow {
                needed: 2,
                limit: 1,
            },
            TxError::NotOwned {
                object: o,
                owner: a,
                sender: a,
            },
            TxError::SharedObjectOnFastPath { object: o },
            TxError::ObjectNotFound { object: o },
            TxError::VersionConflict {
                object: o,
                expected: 1,
                actual: 2,
            },
            TxError::InsufficientBalance {
                object: o,
                balance: 1,
                amount: 2,
            },
            TxError::ImmutableObject { object: o },
            TxError::BalanceOverflow { object: o },
            TxError::UndeclaredObject { object: o },
            TxError::DuplicateObject { object: o },
            TxError::VersionOverflow { object: o },
            TxError::NoVerifyingKey {
                shape: Shape::default(),
            },
            TxError::RingCountMismatch {
                expected: 2,
                got: 1,
            },
            TxError::RingSizeMismatch {
                input: 0,
                expected: 16,
                got: 4,
            },
            TxError::KeyImageCountMismatch {
                expected: 2,
                got: 1,
            },
            TxError::OutputCountMismatch {
                expected: 2,
                got: 1,
            },
            TxError::MemoTooLong {
                output: 0,
                len: 2000,
                max: 1024,
            },
            TxError::RingMemberNotInLedger { input: 0, index: 9 },
            TxError::DuplicateRingMember {
                input: 0,
                first: 1,
                second: 2,
            },
            TxError::DuplicateKeyImage {
                first: 0,
                second: 1,
            },
            TxError::KeyImageSpent {
                input: 0,
                in_block: true,
            },
            TxError::DuplicateOutputCommitment {
                first: 0,
                second: 1,
            },
            TxError::OutputCommitmentInLedger {
                output: 0,
                index: 3,
            },
            TxError::OutputCommitmentInBlock { output: 1 },
            TxError::MalformedBody {
                reason: CircuitError::InputCountMismatch {
                    expected: 2,
                    got: 1,
                },
            },
            TxError::InvalidProof {
                reason: VerifierError::EquationFailed,
            },
        ];
        let kinds: Vec<ErrorKind> = errors.iter().map(TxError::kind).collect();
        assert_eq!(kinds, ErrorKind::ALL);
        for e in &errors {
            assert!(format!("{e:?}").starts_with(e.kind().name()));
        }
    }

    #[test]
    fn invalid_shapes_print_without_overflow() {
        let shape = Shape {
            inputs: 1,
            outputs: 1,
            ring_depth: 40,
        };
        let msg = TxError::NoVerifyingKey { shape }.to_string();
        assert!(msg.contains("ring_depth: 40"), "{msg}");
        assert_eq!(
            TxError::NoVerifyingKey {
                shape: Shape::default()
            }
            .to_string(),
            "no verifying key is configured for shape 2x2-r16"
        );
    }
}
