//! `supervm_prover_build_info`, set the same way by every RingCT prover
//! process (the HTTP bench and the cluster worker), so that one dashboard
//! panel and one alert read them all.

use crate::catalog::{labels, names};

/// Sets [`names::PROVER_BUILD_INFO`] to 1 with the process's `version`, its
/// key `fingerprints` (`shape=fingerprint` pairs, comma-separated), where the
/// keys come from (`keys`: `files`, `ephemeral` or `insecure_dev`) and its
/// `role` (one of [`crate::roles::ALL`]). Emits through the current `metrics`
/// recorder; without one it does nothing.
pub fn set_prover_build_info(
    version: &'static str,
    fingerprints: String,
    keys: &'static str,
    role: &'static str,
) {
    metrics::gauge!(
        names::PROVER_BUILD_INFO,
        labels::VERSION => version,
        labels::FINGERPRINTS => fingerprints,
        labels::KEYS => keys,
        labels::ROLE => role
    )
    .set(1.0);
}
