//! The verifier's integration tests, in one binary (linking is slow): one
//! Groth16 setup and a handful of honest proofs shared through a `OnceLock`;
//! larger batches are made by re-randomizing those proofs.

mod agreement;
mod common;
mod invalid;
mod keys;
mod metrics;
mod valid;
