//! The crate's one error enum: each variant is one rule that was broken.

/// Why blst refused a point, a scalar list or a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BlstError {
    /// Encoded point of the wrong length for its group.
    #[error("a {group} point is {compressed} bytes compressed or {uncompressed} uncompressed, got {got}")]
    Length {
        /// "G1" or "G2".
        group: &'static str,
        /// Compressed length.
        compressed: usize,
        /// Uncompressed length.
        uncompressed: usize,
        /// Length supplied.
        got: usize,
    },
    /// Flags inconsistent, a coordinate not below p, or bytes that are not
    /// the point's canonical encoding.
    #[error("the point's encoding is not canonical")]
    Encoding,
    /// The point is not on the curve (compressed: no point has this x).
    #[error("the point is not on the curve")]
    NotOnCurve,
    /// The point is on the curve but not in the prime-order subgroup.
    #[error("the point is not in the prime-order subgroup")]
    NotInSubgroup,
    /// The point at infinity where a non-trivial point is required.
    #[error("the point is the point at infinity")]
    Identity,
    /// An MSM with different numbers of bases and scalars.
    #[error("an MSM needs one scalar per base: {bases} bases, {scalars} scalars")]
    MsmLength {
        /// Bases.
        bases: usize,
        /// Scalars.
        scalars: usize,
    },
    /// A pairing product with different numbers of G1 and G2 points.
    #[error("a pairing product needs one G2 point per G1 point: {g1} and {g2}")]
    PairCount {
        /// G1 points.
        g1: usize,
        /// G2 points.
        g2: usize,
    },
    /// A fixed-base table window outside 1..=MAX_WINDOW bits.
    #[error("a fixed-base table window is 1 to {max} bits, got {got}")]
    Window {
        /// Largest window allowed.
        max: usize,
        /// Window asked for.
        got: usize,
    },
}
