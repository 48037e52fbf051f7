//! blst behind our own types, for the RingCT prover and verifier.
//!
//! Owns: the BLS12-381 operations where blst (C and assembly) is faster than
//! arkworks 0.6 and which the prover and verifier run per proof:
//! - strict point decoding ([`G1::decode`], [`G2::decode`]): decompression
//!   or deserialisation, the on-curve check, the prime-order subgroup check,
//!   refusal of the point at infinity, and refusal of any byte string that is
//!   not the point's canonical encoding;
//! - scalar multiplication and multi-scalar multiplication ([`msm`]); for
//!   bases that never change, half-width MSMs over stored `2^128` multiples
//!   ([`fixed`], what the prover uses) and blst's fixed-base window tables
//!   ([`table`], measured and not used);
//! - multi-Miller loops and the final exponentiation ([`pairing`]);
//! - conversions from and to arkworks points and scalars through their
//!   canonical, ZCash-compatible byte encodings (the same bytes on both
//!   sides), which callers do once when keys load or once per proof.
//!
//! Must never:
//! - let a blst type out of this crate: every public type is ours
//!   ([`G1`], [`G2`], [`G1Sum`], [`G2Sum`], [`Scalar`], [`MillerLoop`],
//!   [`fixed::G1Fixed`], [`table::G1Table`]);
//! - accept a point that arkworks' strict decoding would refuse, or hand
//!   out an unchecked point from bytes: every decoded point is on the curve,
//!   in the subgroup and not the identity;
//! - panic on input: lengths and counts are checked and refused with a
//!   [`BlstError`];
//! - start threads: blst is built with `no-threads`; callers split work over
//!   their own Rayon pools.
//!
//! # `unsafe`
//! This is the only crate of the workspace without `#![forbid(unsafe_code)]`:
//! blst's low-level API (`blst_p1_uncompress`, `blst_p1_affine_in_g1`,
//! `blst_p1_mult`, `blst_miller_loop_n`, `blst_final_exp`,
//! `blst_p1s_mult_wbits`, ...) is `extern "C"` and so `unsafe` to call.
//! Every `unsafe` block is in [`point`], [`msm`], [`table`] or [`pairing`],
//! calls one blst function on pointers to live, initialised values owned or
//! borrowed by the enclosing function (slices whose lengths were checked
//! first), and says so in a `// SAFETY:` comment. The crate denies
//! `unsafe_op_in_unsafe_fn` and defines no `unsafe fn` of its own.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod error;
pub mod fixed;
pub mod msm;
pub mod pairing;
pub mod point;
pub mod scalar;
pub mod table;

pub use error::BlstError;
pub use fixed::{G1Fixed, G2Fixed};
pub use pairing::MillerLoop;
pub use point::{G1Sum, G2Sum, G1, G2};
pub use scalar::Scalar;
