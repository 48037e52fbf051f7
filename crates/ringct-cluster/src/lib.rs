//! Proving across machines: a durable RingCT proving-job queue on
//! PostgreSQL, stateless prover workers, and the cluster backend of
//! [`ringct_prover::BatchProver`].
//!
//! Owns: the queue's schema and its migrations ([`schema`]), the witness
//! payload encoding ([`codec`]), connections with TLS ([`connect`]), the
//! queue operations with leases, heartbeats, bounded attempts and exactly
//! one result per job ([`queue`]), the worker loop behind the
//! `ringct-prover-worker` binary ([`worker`], [`keyring`]), the cluster
//! client ([`client`]), the `RINGCT_PROVER` backend switch ([`backend`]),
//! and a throwaway PostgreSQL for tests and benchmarks ([`throwaway`]).
//!
//! Must never: keep a witness (it holds spending keys) in the database after
//! its job has a result; record two results for one job; return a proof for
//! a witness that fails the native check; put a password in a log or an
//! error; install a metrics recorder or open a port (the binary does that).
//! Workers and the database sit inside the operator's trust boundary
//! (docs/CLUSTER.md).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod backend;
pub mod client;
pub mod codec;
pub mod connect;
pub mod error;
pub mod keyring;
pub mod queue;
pub mod schema;
pub mod throwaway;
pub mod worker;

pub use backend::{backend_from_env, batch_prover, batch_prover_from_env, Backend};
pub use client::{ClientConfig, ClusterProver};
pub use connect::DbConfig;
pub use error::ClusterError;
pub use keyring::KeyRing;
pub use queue::{FailureKind, JobResult, Queue};
pub use worker::{Engine, WorkerConfig, WorkerReport};
