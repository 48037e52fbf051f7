//! Ring member selection: Monero's gamma over output age.
//!
//! # The distribution
//! Ages are counted in ledger indices back from the tip: the newest note has
//! age 0, note `i` of a ledger of `N` notes has age `N - 1 - i`. For each
//! decoy the wallet draws `x ~ Gamma(shape = 19.28, scale = 1/1.61)`, reads
//! `e^x` as an age in seconds (Monero's model, fitted by Möser et al. 2018 to
//! the ages at which real outputs are spent) and turns it into an age in
//! notes with [`DecoyParams::outputs_per_second`]. A draw older than the
//! ledger, the real note, or a note already in the ring is drawn again, at
//! most [`DecoyParams::max_redraws`] times; after that the decoy is drawn
//! uniformly from the notes not yet in the ring (the small-ledger rule).
//!
//! Why: real spends are mostly of recent outputs; uniform decoys would make
//! the newest member of a ring the real one most of the time. Drawing decoys
//! from the distribution of real spend ages makes the real member's age
//! indistinguishable from a decoy's, to the extent that real behaviour
//! follows the model.
//!
//! # Small ledgers
//! - Fewer notes than the ring size: refused ([`WalletError::LedgerTooSmall`]).
//! - A young ledger (most gamma draws older than the ledger): decoys fall back
//!   to uniform over the ledger, and the [`RingReport`] says how many did, so
//!   the CLI tells the user that the anonymity set is the ring, drawn from a
//!   ledger of `N` notes, with an age pattern that differs from the model.
//!
//! # Position
//! The real note sits at a uniformly random position; the decoys are in random
//! order; all members are distinct.

use crate::error::WalletError;
use rand::seq::SliceRandom;
use rand::Rng;
use rand_distr::{Distribution, Gamma};
use std::collections::HashSet;

/// Monero's gamma shape.
pub const GAMMA_SHAPE: f64 = 19.28;
/// Monero's gamma scale (1 / rate 1.61).
pub const GAMMA_SCALE: f64 = 1.0 / 1.61;

/// The selection's parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecoyParams {
    /// Notes the ledger gains per second, converting the model's seconds to
    /// ledger indices. Default 1.0, about Monero mainnet's rate; a network
    /// should set its own long-run average.
    pub outputs_per_second: f64,
    /// Gamma draws per decoy before the uniform fallback.
    pub max_redraws: u32,
}

impl Default for DecoyParams {
    fn default() -> Self {
        DecoyParams {
            outputs_per_second: 1.0,
            max_redraws: 100,
        }
    }
}

/// How a ring was drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RingReport {
    /// Notes in the ledger.
    pub ledger_notes: u64,
    /// Ring size.
    pub ring_size: u64,
    /// Decoys drawn from the gamma.
    pub gamma_decoys: u64,
    /// Decoys drawn uniformly because the gamma kept missing the ledger.
    pub uniform_decoys: u64,
}

/// A ring: members' ledger indices in ring order, and the real note's position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RingChoice {
    /// Ledger indices, in ring order.
    pub members: Vec<u64>,
    /// Where the real note is.
    pub position: usize,
    /// How it was drawn.
    pub report: RingReport,
}

/// One gamma age in notes (may be beyond the ledger).
pub fn gamma_age<R: Rng + ?Sized>(rng: &mut R, params: &DecoyParams) -> u64 {
    let gamma = Gamma::new(GAMMA_SHAPE, GAMMA_SCALE).expect("constant, valid parameters");
    let seconds = gamma.sample(rng).exp();
    let notes = seconds * params.outputs_per_second;
    if notes.is_finite() && notes >= 0.0 && notes < u64::MAX as f64 {
        notes as u64
    } else {
        u64::MAX
    }
}

/// Picks a ring of `ring_size` members from a ledger of `ledger_notes` notes
/// for the real note at index `real`.
pub fn pick_ring<R: Rng + ?Sized>(
    rng: &mut R,
    ledger_notes: u64,
    real: u64,
    ring_size: u64,
    params: &DecoyParams,
) -> Result<RingChoice, WalletError> {
    if ledger_notes < ring_size || ring_size == 0 {
        return Err(WalletError::LedgerTooSmall {
            notes: ledger_notes,
            ring_size,
        });
    }
    if real >= ledger_notes {
        return Err(WalletError::LedgerMismatch {
            index: real,
            expected: "a note in the ledger".into(),
            found: format!("a ledger of {ledger_notes} notes"),
        });
    }
    let want = (ring_size - 1) as usize;
    let mut used: HashSet<u64> = HashSet::with_capacity(want + 1);
    used.insert(real);
    let mut decoys = Vec::with_capacity(want);
    let (mut gamma_decoys, mut uniform_decoys) = (0u64, 0u64);
    while decoys.len() < want {
        let mut picked = None;
        for _ in 0..params.max_redraws {
            let age = gamma_age(rng, params);
            if age >= ledger_notes {
                continue;
            }
            let index = ledger_notes - 1 - age;
            if !used.contains(&index) {
                picked = Some(index);
                break;
            }
        }
        let index = match picked {
            Some(i) => {
                gamma_decoys += 1;
                i
            }
            None => {
                uniform_decoys += 1;
                uniform_unused(rng, ledger_notes, &used)
            }
        };
        used.insert(index);
        decoys.push(index);
    }
    decoys.shuffle(rng);
    let position = rng.gen_range(0..ring_size as usize);
    decoys.insert(position, real);
    Ok(RingChoice {
        members: decoys,
        position,
        report: RingReport {
            ledger_notes,
            ring_size,
            gamma_decoys,
            uniform_decoys,
        },
    })
}

/// A uniform index in `0..n` not in `used` (`used.len() < n`).
fn uniform_unused<R: Rng + ?Sized>(rng: &mut R, n: u64, used: &HashSet<u64>) -> u64 {
    // Rejection while at most half the ledger is used (expected < 2 draws),
    // otherwise pick among the free indices (n is then at most twice the ring).
    if (used.len() as u64) * 2 <= n {
        loop {
            let i = rng.gen_range(0..n);
            if !used.contains(&i) {
                return i;
            }
        }
    }
    let free: Vec<u64> = (0..n).filter(|i| !used.contains(i)).collect();
    free[rng.gen_range(0..free.len())]
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    /// Pearson's chi-square statistic of `counts` against a uniform expectation.
    fn chi_square(counts: &[u64]) -> f64 {
        let total: u64 = counts.iter().sum();
        let expected = total as f64 / counts.len() as f64;
        counts
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum()
    }

    /// Critical value of chi-square with 15 degrees of freedom at p = 0.001.
    const CHI2_15_P001: f64 = 37.70;

    #[test]
    fn members_are_distinct_and_include_the_real_note() {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        for (n, ring) in [
            (4u64, 4u64),
            (5, 4),
            (16, 16),
            (17, 16),
            (1000, 16),
            (1_000_000, 64),
        ] {
            for real in [0, n / 2, n - 1] {
                let c = pick_ring(&mut rng, n, real, ring, &DecoyParams::default()).unwrap();
                assert_eq!(c.members.len() as u64, ring);
                assert_eq!(c.members[c.position], real);
                let set: HashSet<_> = c.members.iter().collect();
                assert_eq!(set.len() as u64, ring, "{n} {ring}");
                assert!(c.members.iter().all(|&m| m < n));
                assert_eq!(c.report.gamma_decoys + c.report.uniform_decoys, ring - 1);
            }
        }
    }

    #[test]
    fn small_ledgers_are_refused_or_reported() {
        let mut rng = ChaCha20Rng::seed_from_u64(4);
        assert!(matches!(
            pick_ring(&mut rng, 3, 0, 4, &DecoyParams::default()),
            Err(WalletError::LedgerTooSmall {
                notes: 3,
                ring_size: 4
            })
        ));
        // 20 notes: the model's ages (median ~1.3e5 s) are far older, so the
        // decoys fall back to uniform, and the report says so.
        let c = pick_ring(&mut rng, 20, 5, 4, &DecoyParams::default()).unwrap();
        assert_eq!(c.report.uniform_decoys, 3);
        // A large ledger draws from the gamma.
        let c = pick_ring(&mut rng, 10_000_000, 9_999_999, 16, &DecoyParams::default()).unwrap();
        assert_eq!(c.report.gamma_decoys, 15);
    }

    #[test]
    fn the_real_position_is_uniform_chi_square() {
        let mut rng = ChaCha20Rng::seed_from_u64(11);
        let mut counts = [0u64; 16];
        for k in 0..8000u64 {
            let c = pick_ring(
                &mut rng,
                5_000_000,
                4_999_000 - k,
                16,
                &DecoyParams::default(),
            )
            .unwrap();
            counts[c.position] += 1;
        }
        let chi = chi_square(&counts);
        assert!(chi < CHI2_15_P001, "chi-square {chi} for {counts:?}");
        // The statistic can fail: a biased position is caught.
        let mut biased = counts;
        biased[0] += 200;
        assert!(chi_square(&biased) > CHI2_15_P001);
    }

    /// Rank of the real member's age among the ring (0 = youngest).
    fn age_rank(c: &RingChoice) -> usize {
        let real = c.members[c.position];
        // Larger index = younger.
        c.members.iter().filter(|&&m| m > real).count()
    }

    #[test]
    fn in_a_simulated_ledger_the_real_age_rank_is_not_a_tell() {
        // Real spends follow the model: the spent note's age is a gamma draw.
        let mut rng = ChaCha20Rng::seed_from_u64(12);
        let n = 20_000_000u64;
        let params = DecoyParams::default();
        let mut ranks = [0u64; 16];
        let mut naive = [0u64; 16];
        let mut done = 0;
        while done < 4000 {
            let age = gamma_age(&mut rng, &params);
            if age >= n {
                continue;
            }
            let real = n - 1 - age;
            let c = pick_ring(&mut rng, n, real, 16, &params).unwrap();
            ranks[age_rank(&c)] += 1;
            // A naive wallet with uniform decoys, for contrast.
            let mut members: HashSet<u64> = HashSet::from([real]);
            while members.len() < 16 {
                members.insert(rng.gen_range(0..n));
            }
            naive[members.iter().filter(|&&m| m > real).count()] += 1;
            done += 1;
        }
        let chi = chi_square(&ranks);
        assert!(
            chi < CHI2_15_P001,
            "gamma decoys: chi-square {chi} for {ranks:?}"
        );
        // Uniform decoys make the real note the youngest almost always.
        assert!(chi_square(&naive) > 100.0 * CHI2_15_P001, "{naive:?}");
        assert!(naive[0] > 2500, "{naive:?}"); // expected 250 if it were no tell
    }
}
