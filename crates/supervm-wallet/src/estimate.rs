//! How long a proof will take, and how far along it is.
//!
//! The estimate for a shape is the time this wallet measured the last time it
//! proved that shape ([`crate::state::WalletState::prove_seconds`]). The first
//! proof of a shape has no measurement, so [`calibrate`] measures a short
//! sample of the proof's own work on this machine and [`calibrated_seconds`]
//! scales it to the shape:
//!
//! - the witness synthesis and the QAP witness map (FFTs) of the very witness
//!   about to be proved, timed in full (real work of the proof, single thread);
//! - one blst MSM over a sample of the proving key's own G1 points
//!   ([`G1_SAMPLE`]) and one over its G2 points ([`G2_SAMPLE`]), split over
//!   as many threads as the prover uses (so cores busy with other work slow
//!   the sample as they slow the proof), scaled to the key's point counts by
//!   Pippenger's `n / log2 n` cost.
//!
//! On the 2-core development machine, shared with other builds, the
//! estimate stayed within about a factor of two of the proof that followed it
//! (2x2-r16: 0.47-0.50 s estimated, 0.44-1.00 s proved; 4x2-r16: 0.63-1.34 s
//! estimated, 1.01-1.26 s proved; two prover threads, load average ~2.9).
//!
//! It is an estimate and is labelled so; the proof's measured time replaces
//! it for the next payment. [`progress`] turns elapsed time into a bar
//! position that reaches 100% only when the proof is done and says when the
//! proof runs longer than estimated.

use crate::error::WalletError;
use ark_ff::UniformRand;
use rand::SeedableRng;
use ringct_circuit::{Fr, RingCtCircuit, RingCtWitness};
use ringct_prover::RingCtKeys;
use std::time::{Duration, Instant};

/// G1 points in the calibration MSM (at most; fewer if the key has fewer).
pub const G1_SAMPLE: usize = 2048;
/// G2 points in the calibration MSM (at most).
pub const G2_SAMPLE: usize = 256;
/// Bar ticks per second of estimated proving time.
pub const TICKS_PER_SECOND: f64 = 10.0;
/// Shortest estimate shown (a bar of at least one tick).
const MIN_SECONDS: f64 = 0.1;

/// Where an estimate comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EstimateSource {
    /// This wallet's last proof of the shape.
    Measured,
    /// A calibration on this machine, scaled to the shape (first proof).
    Calibrated,
}

/// An estimated proving time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProveEstimate {
    /// Seconds (finite, at least 0.1).
    pub seconds: f64,
    /// Where it comes from.
    pub source: EstimateSource,
}

impl ProveEstimate {
    /// A short label for the bar: `last proof` or `calibrated estimate`.
    pub fn label(&self) -> &'static str {
        match self.source {
            EstimateSource::Measured => "estimate from the last proof",
            EstimateSource::Calibrated => "first proof of this shape: calibrated estimate",
        }
    }
}

/// The work of one proof: points in the proving key's MSMs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProofWork {
    /// G1 points (A, B in G1, H and L queries).
    pub g1_points: usize,
    /// G2 points (B query).
    pub g2_points: usize,
}

impl ProofWork {
    /// The point counts of `keys`' proving key.
    pub fn of(keys: &RingCtKeys) -> Self {
        let pk = keys.proving_key();
        ProofWork {
            g1_points: pk.a_query.len() + pk.b_g1_query.len() + pk.h_query.len() + pk.l_query.len(),
            g2_points: pk.b_g2_query.len(),
        }
    }
}

/// Timings of a sample of the proof's work on this machine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    /// Witness synthesis and witness map of the witness, seconds.
    pub synthesis_seconds: f64,
    /// Points in the G1 sample MSM.
    pub g1_sample_points: usize,
    /// Its time, seconds (on the prover's threads).
    pub g1_sample_seconds: f64,
    /// Points in the G2 sample MSM.
    pub g2_sample_points: usize,
    /// Its time, seconds (on the prover's threads).
    pub g2_sample_seconds: f64,
}

fn finite_positive(x: f64) -> Option<f64> {
    (x.is_finite() && x > 0.0).then_some(x)
}

/// An MSM of `points` points, from one of `sample_points` that took
/// `sample_seconds`: Pippenger's cost grows as `n / log2 n`. Zero points
/// cost nothing; a sample of zero points (or a bad time) predicts nothing.
pub fn msm_seconds(sample_points: usize, sample_seconds: f64, points: usize) -> f64 {
    let Some(t) = finite_positive(sample_seconds) else {
        return 0.0;
    };
    if points == 0 || sample_points == 0 {
        return 0.0;
    }
    let cost = |n: usize| {
        let n = n as f64;
        n / n.log2().max(1.0)
    };
    t * cost(points) / cost(sample_points)
}

/// The calibrated proving time of `work`: the measured synthesis plus both
/// sample MSMs scaled to the key's sizes. At least 0.1 s.
pub fn calibrated_seconds(c: &Calibration, work: &ProofWork) -> f64 {
    let msm = msm_seconds(c.g1_sample_points, c.g1_sample_seconds, work.g1_points)
        + msm_seconds(c.g2_sample_points, c.g2_sample_seconds, work.g2_points);
    let synthesis = finite_positive(c.synthesis_seconds).unwrap_or(0.0);
    (synthesis + msm).max(MIN_SECONDS)
}

/// The estimate: the last measured time of the shape if there is a usable
/// one, otherwise `calibrate()` (called only then).
pub fn estimate(
    measured: Option<f64>,
    calibrate: impl FnOnce() -> Result<f64, WalletError>,
) -> Result<ProveEstimate, WalletError> {
    if let Some(seconds) = measured.and_then(finite_positive) {
        return Ok(ProveEstimate {
            seconds: seconds.max(MIN_SECONDS),
            source: EstimateSource::Measured,
        });
    }
    let seconds = calibrate()?;
    Ok(ProveEstimate {
        seconds: finite_positive(seconds)
            .unwrap_or(MIN_SECONDS)
            .max(MIN_SECONDS),
        source: EstimateSource::Calibrated,
    })
}

/// Measures [`Calibration`] for proving `witness` with `keys` on this
/// machine: synthesis and witness map in full, and the two sample MSMs on
/// the key's own points with fixed pseudo-random scalars, on a pool of
/// `threads` threads (the prover's; at least 1). A witness the circuit
/// refuses is refused here, as the prover would.
pub fn calibrate(
    keys: &RingCtKeys,
    witness: &RingCtWitness,
    threads: usize,
) -> Result<Calibration, WalletError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| WalletError::Prover(ringct_prover::ProverError::ThreadPool(e.to_string())))?;
    let engine = keys.engine();
    let start = Instant::now();
    let statement = witness.check()?;
    let circuit = RingCtCircuit::new_unchecked(witness.clone(), statement.to_public_inputs());
    let full = engine.assignment(circuit)?;
    engine.witness_map(&full)?;
    let synthesis_seconds = start.elapsed().as_secs_f64();

    let pk = keys.proving_key();
    // Not secret: the scalars only time the MSM.
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(0x5eed);
    let msm_error = |e: ringct_blst::BlstError| {
        WalletError::Prover(ringct_prover::ProverError::Msm(e.to_string()))
    };
    let g1: Vec<ringct_blst::G1> = pk
        .h_query
        .iter()
        .take(G1_SAMPLE)
        .map(ringct_blst::G1::from_ark)
        .collect::<Result<_, _>>()
        .map_err(msm_error)?;
    let s1: Vec<ringct_blst::Scalar> = (0..g1.len())
        .map(|_| ringct_blst::Scalar::from_fr(&Fr::rand(&mut rng)))
        .collect();
    let timed = |f: &(dyn Fn() -> Result<(), ringct_blst::BlstError> + Sync)| {
        pool.install(|| {
            let start = Instant::now();
            f().map(|()| start.elapsed().as_secs_f64())
        })
        .map_err(msm_error)
    };
    let g1_sample_seconds = timed(&|| ringct_blst::msm::g1_parallel(&g1, &s1, 255).map(drop))?;

    let g2: Vec<ringct_blst::G2> = pk
        .b_g2_query
        .iter()
        .take(G2_SAMPLE)
        .map(ringct_blst::G2::from_ark)
        .collect::<Result<_, _>>()
        .map_err(msm_error)?;
    let s2: Vec<ringct_blst::Scalar> = (0..g2.len())
        .map(|_| ringct_blst::Scalar::from_fr(&Fr::rand(&mut rng)))
        .collect();
    let g2_sample_seconds = timed(&|| ringct_blst::msm::g2_parallel(&g2, &s2, 255).map(drop))?;

    Ok(Calibration {
        synthesis_seconds,
        g1_sample_points: g1.len(),
        g1_sample_seconds,
        g2_sample_points: g2.len(),
        g2_sample_seconds,
    })
}

/// Where the bar stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Ticks done.
    pub position: u64,
    /// Ticks in the bar (the estimate; at least 1).
    pub length: u64,
    /// The proof has run longer than estimated.
    pub overrun: bool,
    /// Estimated time left (zero once done or overrun).
    pub remaining: Duration,
}

/// The bar for a proof estimated at `estimate_seconds` after `elapsed`:
/// advanced by elapsed time, held one tick short of full while the proof
/// runs (with `overrun` set once it runs past the estimate), and full only
/// when `done`.
pub fn progress(elapsed: Duration, estimate_seconds: f64, done: bool) -> Progress {
    let estimate = finite_positive(estimate_seconds)
        .unwrap_or(MIN_SECONDS)
        .max(MIN_SECONDS);
    // Bounded: an estimate is at most a few hours; u64 ticks never overflow.
    let length = ((estimate * TICKS_PER_SECOND).round() as u64).max(1);
    let ticks = (elapsed.as_secs_f64() * TICKS_PER_SECOND) as u64;
    let overrun = elapsed.as_secs_f64() > estimate;
    if done {
        return Progress {
            position: length,
            length,
            overrun,
            remaining: Duration::ZERO,
        };
    }
    Progress {
        position: ticks.min(length.saturating_sub(1)),
        length,
        overrun,
        remaining: Duration::from_secs_f64((estimate - elapsed.as_secs_f64()).max(0.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn the_bar_follows_elapsed_time_and_is_full_only_when_done() {
        let p = progress(ms(0), 4.0, false);
        assert_eq!((p.position, p.length, p.overrun), (0, 40, false));
        assert_eq!(p.remaining, ms(4000));
        let p = progress(ms(1500), 4.0, false);
        assert_eq!((p.position, p.length, p.overrun), (15, 40, false));
        assert_eq!(p.remaining, ms(2500));
        // At the estimate but not done: one tick short, not yet overrun.
        let p = progress(ms(4000), 4.0, false);
        assert_eq!((p.position, p.overrun), (39, false));
        // Past it: still one tick short, and it says so.
        let p = progress(ms(9000), 4.0, false);
        assert_eq!((p.position, p.length, p.overrun), (39, 40, true));
        assert_eq!(p.remaining, Duration::ZERO);
        // Done early or late: full.
        let p = progress(ms(1000), 4.0, true);
        assert_eq!((p.position, p.length, p.overrun), (40, 40, false));
        let p = progress(ms(9000), 4.0, true);
        assert_eq!((p.position, p.length, p.overrun), (40, 40, true));
    }

    #[test]
    fn a_degenerate_estimate_still_draws_a_bar() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e-9] {
            let p = progress(ms(50), bad, false);
            assert_eq!((p.position, p.length), (0, 1), "{bad}");
            assert_eq!(progress(ms(50), bad, true).position, 1);
        }
    }

    #[test]
    fn a_measured_time_wins_and_calibration_runs_only_without_one() {
        let e = estimate(Some(12.5), || panic!("must not calibrate")).unwrap();
        assert_eq!(
            e,
            ProveEstimate {
                seconds: 12.5,
                source: EstimateSource::Measured
            }
        );
        let e = estimate(None, || Ok(3.0)).unwrap();
        assert_eq!(
            e,
            ProveEstimate {
                seconds: 3.0,
                source: EstimateSource::Calibrated
            }
        );
        // A corrupt stored time is not trusted.
        for bad in [0.0, -2.0, f64::NAN] {
            let e = estimate(Some(bad), || Ok(7.0)).unwrap();
            assert_eq!(e.source, EstimateSource::Calibrated, "{bad}");
            assert_eq!(e.seconds, 7.0);
        }
        assert!(matches!(
            estimate(None, || Err(WalletError::AmountOverflow)),
            Err(WalletError::AmountOverflow)
        ));
        assert_ne!(
            ProveEstimate {
                seconds: 1.0,
                source: EstimateSource::Measured
            }
            .label(),
            ProveEstimate {
                seconds: 1.0,
                source: EstimateSource::Calibrated
            }
            .label()
        );
    }

    #[test]
    fn msms_scale_as_n_over_log_n() {
        // 2^11 points in 0.011 s; 2^16 points: 32x the points, 11/16 the cost per point.
        let t = msm_seconds(1 << 11, 0.011, 1 << 16);
        assert!((t - 0.011 * 32.0 * 11.0 / 16.0).abs() < 1e-12, "{t}");
        assert_eq!(msm_seconds(1 << 11, 0.011, 1 << 11), 0.011);
        assert_eq!(msm_seconds(1 << 11, 0.011, 0), 0.0);
        assert_eq!(msm_seconds(0, 0.011, 100), 0.0);
        assert_eq!(msm_seconds(100, f64::NAN, 100), 0.0);
    }

    #[test]
    fn the_calibrated_time_adds_synthesis_to_the_scaled_msms() {
        let c = Calibration {
            synthesis_seconds: 0.5,
            g1_sample_points: 1024,
            g1_sample_seconds: 0.01,
            g2_sample_points: 256,
            g2_sample_seconds: 0.008,
        };
        let work = ProofWork {
            g1_points: 1 << 15,
            g2_points: 1 << 13,
        };
        let msm = msm_seconds(1024, 0.01, 1 << 15) + msm_seconds(256, 0.008, 1 << 13);
        assert!((calibrated_seconds(&c, &work) - (0.5 + msm)).abs() < 1e-12);
        // Twice the points: more than the synthesis plus the MSMs once, less than twice.
        let double = ProofWork {
            g1_points: 1 << 16,
            g2_points: 1 << 14,
        };
        let t = calibrated_seconds(&c, &double);
        assert!(t > 0.5 + 1.8 * msm && t < 0.5 + 2.0 * msm, "{t}");
        // Nothing measured is the floor.
        let nothing = Calibration {
            synthesis_seconds: 0.0,
            g1_sample_points: 0,
            g1_sample_seconds: 0.0,
            g2_sample_points: 0,
            g2_sample_seconds: 0.0,
        };
        assert_eq!(calibrated_seconds(&nothing, &work), 0.1);
    }

    #[test]
    fn calibration_times_the_real_work_of_a_small_shape() {
        use rand_chacha::ChaCha20Rng;
        let shape: ringct_circuit::Shape = "1x2-r4".parse().unwrap();
        let keys = RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, 41).unwrap();
        let mut rng = ChaCha20Rng::seed_from_u64(42);
        let (witness, _) = ringct_circuit::sample::random_spend(shape, &mut rng).unwrap();
        let c = calibrate(&keys, &witness, 2).unwrap();
        assert!(c.synthesis_seconds > 0.0);
        let work = ProofWork::of(&keys);
        let h = keys.proving_key().h_query.len();
        assert_eq!(c.g1_sample_points, h.min(G1_SAMPLE));
        assert_eq!(c.g2_sample_points, work.g2_points.min(G2_SAMPLE));
        assert!(c.g1_sample_points > 0 && c.g2_sample_points > 0);
        assert!(c.g1_sample_seconds > 0.0 && c.g2_sample_seconds > 0.0);
        assert!(calibrated_seconds(&c, &work) >= 0.1);
        // A witness the circuit refuses is refused, as by the prover.
        let mut bad = witness.clone();
        bad.fee += Fr::from(1u64);
        assert!(matches!(
            calibrate(&keys, &bad, 1),
            Err(WalletError::Circuit(_))
        ));
    }
}
