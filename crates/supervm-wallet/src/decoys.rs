//! Ring member selection: Monero's gamma over output age, in aligned bins of
//! four ledger notes for rings of 16 or more members.
//!
//! # The distribution
//! Ages are counted in ledger indices back from the tip: the newest note has
//! age 0, note `i` of a ledger of `N` notes has age `N - 1 - i`. For each
//! draw the wallet takes `x ~ Gamma(shape = 19.28, scale = 1/1.61)`, reads
//! `e^x` as an age in seconds (Monero's model, fitted by Möser et al. 2018 to
//! the ages at which real outputs are spent) and turns it into an age in
//! notes with [`DecoyParams::outputs_per_second`]. A draw older than the
//! ledger, or one that lands on the real note or on a member already in the
//! ring, is drawn again, at most [`DecoyParams::max_redraws`] times; after
//! that the decoy is drawn uniformly from what is not yet in the ring (the
//! small-ledger rule).
//!
//! Why: real spends are mostly of recent outputs; uniform decoys would make
//! the newest member of a ring the real one most of the time. Drawing decoys
//! from the distribution of real spend ages makes the real member's age
//! indistinguishable from a decoy's, to the extent that real behaviour
//! follows the model.
//!
//! # Bins (rings of [`BINNED_MIN_RING`] or more members)
//! The ledger is cut into *aligned bins* of [`BIN_NOTES`] notes: bin `b`
//! holds notes `4b, 4b+1, 4b+2, 4b+3`. A bin is *complete* once all four
//! notes exist ([`bin_complete`]). A ring of 16 or more members is made of
//! whole complete bins: the real note's bin, and `ring_size / 4 - 1` decoy
//! bins, each the bin of a gamma-drawn index (drawn again if that index's
//! bin is incomplete or already in the ring; after `max_redraws` draws, a
//! uniformly random unused complete bin). The bins come in uniformly random
//! order, each bin's four notes consecutive and in ascending ledger order.
//!
//! Why:
//! - the node keeps, per aligned bin, the tree node over its four notes, so a
//!   ring made of whole aligned bins costs it one Poseidon permutation per 16
//!   members instead of five (consensus is unchanged: any ring is valid);
//! - timing: the real note's three bin-mates share its age, so an attacker
//!   who guesses the real bin from ages still has four candidates.
//!
//! The cost: a ring of 16 has 4 independent age samples instead of 15, and
//! a note is spendable in such a ring only once its bin is complete (at most
//! three more ledger notes): until then [`WalletError::NoteTooNew`]. The
//! wallet never falls back to a member-by-member ring for such a note: from
//! a binning wallet, the one loose member near the tip would be the real one.
//!
//! Rings of 4 (depth 1) stay member by member: a single bin would be the real
//! note and its three neighbours, all of one age.
//!
//! # Small ledgers
//! - Fewer notes than the ring size (or, binned, fewer complete bins than the
//!   ring has bins): refused ([`WalletError::LedgerTooSmall`]).
//! - A young ledger (most gamma draws older than the ledger): decoys fall back
//!   to uniform over the ledger, and the [`RingReport`] says how many did, so
//!   the CLI tells the user that the anonymity set is the ring, drawn from a
//!   ledger of `N` notes, with an age pattern that differs from the model.
//!
//! # Position
//! The real note sits at a uniformly random position (binned: its bin in a
//! uniformly random slot, at its offset within the bin); all members are
//! distinct.

use crate::error::WalletError;
use rand::seq::SliceRandom;
use rand::Rng;
use rand_distr::{Distribution, Gamma};
use std::collections::HashSet;

/// Monero's gamma shape.
pub const GAMMA_SHAPE: f64 = 19.28;
/// Monero's gamma scale (1 / rate 1.61).
pub const GAMMA_SCALE: f64 = 1.0 / 1.61;
/// Notes in an aligned bin: bin `b` holds ledger notes `4b .. 4b + 3`, the
/// four children of one node of the ring's 4-ary tree. It must equal the
/// node ledger's `supervm_runtime::BIN_NOTES`, whose bin nodes the node keeps
/// (a test pins it).
pub const BIN_NOTES: u64 = 4;
/// The smallest ring drawn in bins (depth 2). Smaller rings are drawn member
/// by member.
pub const BINNED_MIN_RING: u64 = 16;

/// Whether rings of `ring_size` members are drawn in aligned bins: 16 or
/// more members, a whole number of bins (every protocol ring, `4^depth`
/// with depth >= 2, is).
pub fn uses_bins(ring_size: u64) -> bool {
    ring_size >= BINNED_MIN_RING && ring_size % BIN_NOTES == 0
}

/// Whether the aligned bin of note `index` is complete in a ledger of
/// `ledger_notes` notes (all of its [`BIN_NOTES`] notes exist).
pub fn bin_complete(index: u64, ledger_notes: u64) -> bool {
    notes_until_bin_complete(index, ledger_notes) == 0
}

/// How many more notes the ledger needs before the bin of note `index` is
/// complete (0 if it is; at most 3 for a note in the ledger).
pub fn notes_until_bin_complete(index: u64, ledger_notes: u64) -> u64 {
    // The bin's end, 4b + 4, saturates for the ledger's last possible bin.
    let end = (index / BIN_NOTES)
        .saturating_mul(BIN_NOTES)
        .saturating_add(BIN_NOTES);
    end.saturating_sub(ledger_notes)
}

/// The selection's parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecoyParams {
    /// Notes the ledger gains per second, converting the model's seconds to
    /// ledger indices. Default 1.0, about Monero mainnet's rate; a network
    /// should set its own long-run average.
    pub outputs_per_second: f64,
    /// Gamma draws per decoy (binned: per decoy bin) before the uniform
    /// fallback.
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

/// How a ring was drawn. Counts are of members:
/// `gamma_decoys + uniform_decoys + bin_mates = ring_size - 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RingReport {
    /// Notes in the ledger.
    pub ledger_notes: u64,
    /// Ring size.
    pub ring_size: u64,
    /// Members per bin: [`BIN_NOTES`] for a binned ring, 1 for a ring drawn
    /// member by member.
    pub bin_notes: u64,
    /// Decoys drawn from the gamma (binned: 4 per gamma-drawn bin).
    pub gamma_decoys: u64,
    /// Decoys drawn uniformly because the gamma kept missing the ledger
    /// (binned: 4 per uniformly drawn bin).
    pub uniform_decoys: u64,
    /// Decoys that are the real note's bin-mates (`bin_notes - 1`).
    pub bin_mates: u64,
}

impl RingReport {
    /// Whether the ring was drawn in aligned bins.
    pub fn binned(&self) -> bool {
        self.bin_notes > 1
    }
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
/// for the real note at index `real`: in aligned bins if
/// [`uses_bins`]`(ring_size)`, else member by member.
///
/// Errors: [`WalletError::LedgerTooSmall`] (fewer notes, or complete bins,
/// than the ring needs), [`WalletError::LedgerMismatch`] (`real` beyond the
/// ledger), [`WalletError::NoteTooNew`] (binned, and the real note's bin is
/// not complete yet).
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
    if uses_bins(ring_size) {
        pick_binned(rng, ledger_notes, real, ring_size, params)
    } else {
        pick_members(rng, ledger_notes, real, ring_size, params)
    }
}

/// Member by member (rings of 4): `ledger_notes >= ring_size >= 1` and
/// `real < ledger_notes` are checked by [`pick_ring`].
fn pick_members<R: Rng + ?Sized>(
    rng: &mut R,
    ledger_notes: u64,
    real: u64,
    ring_size: u64,
    params: &DecoyParams,
) -> Result<RingChoice, WalletError> {
    let drawn = draw_units(rng, ledger_notes, 1, real, (ring_size - 1) as usize, params);
    let (mut decoys, gamma_decoys, uniform_decoys) = (drawn.units, drawn.gamma, drawn.uniform);
    decoys.shuffle(rng);
    let position = rng.gen_range(0..ring_size as usize);
    decoys.insert(position, real);
    Ok(RingChoice {
        members: decoys,
        position,
        report: RingReport {
            ledger_notes,
            ring_size,
            bin_notes: 1,
            gamma_decoys,
            uniform_decoys,
            bin_mates: 0,
        },
    })
}

/// In aligned bins (rings of 16 or more, a multiple of [`BIN_NOTES`]):
/// `ledger_notes >= ring_size` and `real < ledger_notes` are checked by
/// [`pick_ring`].
fn pick_binned<R: Rng + ?Sized>(
    rng: &mut R,
    ledger_notes: u64,
    real: u64,
    ring_size: u64,
    params: &DecoyParams,
) -> Result<RingChoice, WalletError> {
    let bins = ring_size / BIN_NOTES;
    let complete = ledger_notes / BIN_NOTES;
    if complete < bins {
        // Unreachable while ledger_notes >= ring_size and ring_size is a
        // multiple of BIN_NOTES; kept as the explicit bound.
        return Err(WalletError::LedgerTooSmall {
            notes: ledger_notes,
            ring_size,
        });
    }
    let needed = notes_until_bin_complete(real, ledger_notes);
    if needed > 0 {
        return Err(WalletError::NoteTooNew {
            index: real,
            ledger_notes,
            needed,
        });
    }
    let real_bin = real / BIN_NOTES;
    let drawn = draw_units(
        rng,
        ledger_notes,
        BIN_NOTES,
        real_bin,
        (bins - 1) as usize,
        params,
    );
    let (mut decoy_bins, gamma_bins, uniform_bins) = (drawn.units, drawn.gamma, drawn.uniform);
    decoy_bins.shuffle(rng);
    let slot = rng.gen_range(0..bins as usize);
    decoy_bins.insert(slot, real_bin);
    let members = decoy_bins
        .iter()
        .flat_map(|&b| (0..BIN_NOTES).map(move |k| b * BIN_NOTES + k))
        .collect();
    Ok(RingChoice {
        members,
        position: slot * BIN_NOTES as usize + (real % BIN_NOTES) as usize,
        report: RingReport {
            ledger_notes,
            ring_size,
            bin_notes: BIN_NOTES,
            gamma_decoys: gamma_bins * BIN_NOTES,
            uniform_decoys: uniform_bins * BIN_NOTES,
            bin_mates: BIN_NOTES - 1,
        },
    })
}

/// Decoy units drawn by [`draw_units`], and how.
struct Drawn {
    /// Unit numbers, in draw order.
    units: Vec<u64>,
    /// Drawn from the gamma.
    gamma: u64,
    /// Drawn uniformly after `max_redraws` gamma draws missed.
    uniform: u64,
}

/// Draws `want` distinct decoy units of `unit` consecutive ledger notes (1:
/// members; [`BIN_NOTES`]: aligned bins), none of them `real_unit`. Unit `u`
/// is notes `u * unit .. (u + 1) * unit`, and only complete units count. Each
/// is the unit of a gamma-drawn index, drawn again if that index is beyond
/// the ledger or its unit is incomplete or already taken, at most
/// `max_redraws` times; then a uniformly random complete unit not taken.
/// The caller ensures there are more than `want` complete units.
fn draw_units<R: Rng + ?Sized>(
    rng: &mut R,
    ledger_notes: u64,
    unit: u64,
    real_unit: u64,
    want: usize,
    params: &DecoyParams,
) -> Drawn {
    let complete = ledger_notes / unit;
    let mut used: HashSet<u64> = HashSet::with_capacity(want + 1);
    used.insert(real_unit);
    let mut drawn = Drawn {
        units: Vec::with_capacity(want),
        gamma: 0,
        uniform: 0,
    };
    while drawn.units.len() < want {
        let mut picked = None;
        for _ in 0..params.max_redraws {
            let age = gamma_age(rng, params);
            if age >= ledger_notes {
                continue;
            }
            let u = (ledger_notes - 1 - age) / unit;
            if u < complete && !used.contains(&u) {
                picked = Some(u);
                break;
            }
        }
        let u = match picked {
            Some(u) => {
                drawn.gamma += 1;
                u
            }
            None => {
                drawn.uniform += 1;
                uniform_unused(rng, complete, &used)
            }
        };
        used.insert(u);
        drawn.units.push(u);
    }
    drawn
}

/// A uniform index in `0..n` not in `used` (`used.len() < n`).
fn uniform_unused<R: Rng + ?Sized>(rng: &mut R, n: u64, used: &HashSet<u64>) -> u64 {
    // Rejection while at most half the range is used (expected < 2 draws),
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
    /// Critical value of chi-square with 3 degrees of freedom at p = 0.001.
    const CHI2_3_P001: f64 = 16.27;

    /// The ring's members as bins: each a run of `BIN_NOTES` consecutive,
    /// ascending indices starting at a multiple of `BIN_NOTES`, complete in a
    /// ledger of `n` notes. Returns the bins in ring order.
    fn bins_of(c: &RingChoice, n: u64) -> Vec<u64> {
        assert_eq!(c.members.len() as u64 % BIN_NOTES, 0);
        c.members
            .chunks(BIN_NOTES as usize)
            .map(|bin| {
                assert_eq!(bin[0] % BIN_NOTES, 0, "unaligned bin {bin:?}");
                for (k, &m) in bin.iter().enumerate() {
                    assert_eq!(m, bin[0] + k as u64, "not consecutive: {bin:?}");
                }
                assert!(bin_complete(bin[0], n), "incomplete bin {bin:?} of {n}");
                bin[0] / BIN_NOTES
            })
            .collect()
    }

    #[test]
    fn bins_are_the_node_ledgers_bins() {
        assert_eq!(BIN_NOTES, supervm_runtime::BIN_NOTES);
    }

    #[test]
    fn members_are_distinct_and_include_the_real_note() {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        for (n, ring) in [
            (4u64, 4u64),
            (5, 4),
            (16, 16),
            (17, 16),
            (1000, 16),
            (64, 64),
            (1_000_000, 64),
        ] {
            for real in [0, 1, n / 2, n.saturating_sub(5), n - 1] {
                let picked = pick_ring(&mut rng, n, real, ring, &DecoyParams::default());
                if uses_bins(ring) && !bin_complete(real, n) {
                    // (17, 16): note 16 opens bin 4, which needs notes 17..19.
                    assert!(
                        matches!(
                            picked,
                            Err(WalletError::NoteTooNew { index, ledger_notes, needed })
                                if index == real && ledger_notes == n && needed == 20 - n
                        ),
                        "{n} {ring} {real}: {picked:?}"
                    );
                    continue;
                }
                let c = picked.unwrap();
                assert_eq!(c.members.len() as u64, ring);
                assert_eq!(c.members[c.position], real);
                let set: HashSet<_> = c.members.iter().collect();
                assert_eq!(set.len() as u64, ring, "{n} {ring}");
                assert!(c.members.iter().all(|&m| m < n));
                let r = c.report;
                assert_eq!(r.gamma_decoys + r.uniform_decoys + r.bin_mates, ring - 1);
                if uses_bins(ring) {
                    let bins = bins_of(&c, n);
                    assert_eq!(bins.len() as u64, ring / BIN_NOTES);
                    assert_eq!(bins[c.position / BIN_NOTES as usize], real / BIN_NOTES);
                    assert_eq!((c.position as u64) % BIN_NOTES, real % BIN_NOTES);
                    assert!(r.binned());
                    assert_eq!((r.bin_notes, r.bin_mates), (BIN_NOTES, BIN_NOTES - 1));
                    assert_eq!(r.gamma_decoys % BIN_NOTES, 0);
                    assert_eq!(r.uniform_decoys % BIN_NOTES, 0);
                } else {
                    assert!(!r.binned());
                    assert_eq!((r.bin_notes, r.bin_mates), (1, 0));
                }
            }
        }
    }

    #[test]
    fn the_binned_checker_catches_a_member_by_member_ring() {
        // bins_of must be able to fail: a gamma ring of 16 drawn member by
        // member (as rings of 4 are) is almost never made of aligned bins.
        let mut rng = ChaCha20Rng::seed_from_u64(5);
        let c = pick_members(&mut rng, 1_000_000, 999_000, 16, &DecoyParams::default()).unwrap();
        assert!(std::panic::catch_unwind(|| bins_of(&c, 1_000_000)).is_err());
    }

    #[test]
    fn rings_of_four_stay_member_by_member() {
        // Rings of 4 are not binned: across many rings some member lies
        // outside the real note's bin (a binned ring of 4 would be exactly
        // that bin), and members are not forced into aligned runs.
        let mut rng = ChaCha20Rng::seed_from_u64(6);
        let (n, real) = (10_000_000u64, 9_000_001u64);
        let mut unaligned = 0;
        for _ in 0..50 {
            let c = pick_ring(&mut rng, n, real, 4, &DecoyParams::default()).unwrap();
            assert_eq!(c.members[c.position], real);
            assert_eq!(c.report.bin_mates, 0);
            assert_eq!(c.report.gamma_decoys + c.report.uniform_decoys, 3);
            if c.members.iter().any(|&m| m / BIN_NOTES != real / BIN_NOTES) {
                unaligned += 1;
            }
        }
        assert_eq!(unaligned, 50);
        // A real note in an incomplete bin is fine in a ring of 4.
        let c = pick_ring(&mut rng, 10, 9, 4, &DecoyParams::default()).unwrap();
        assert_eq!(c.members[c.position], 9);
    }

    #[test]
    fn bin_completeness() {
        assert!(bin_complete(0, 4));
        assert!(bin_complete(3, 4));
        assert!(!bin_complete(3, 3));
        assert!(!bin_complete(4, 7));
        assert!(bin_complete(7, 8));
        assert_eq!(notes_until_bin_complete(9, 10), 2);
        assert_eq!(notes_until_bin_complete(8, 9), 3);
        assert_eq!(notes_until_bin_complete(11, 12), 0);
        assert_eq!(notes_until_bin_complete(5, 1000), 0);
        // No overflow at the top of the range.
        assert_eq!(notes_until_bin_complete(u64::MAX, u64::MAX), 0);
        assert!(uses_bins(16) && uses_bins(64) && uses_bins(256));
        assert!(!uses_bins(4) && !uses_bins(1) && !uses_bins(17));
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
        // A large ledger draws from the gamma: 3 gamma bins of 4, and the
        // real note's 3 bin-mates.
        let c = pick_ring(&mut rng, 10_000_000, 9_999_999, 16, &DecoyParams::default()).unwrap();
        assert_eq!(
            (
                c.report.gamma_decoys,
                c.report.uniform_decoys,
                c.report.bin_mates
            ),
            (12, 0, 3)
        );
        let c = pick_ring(&mut rng, 10_000_000, 9_999_999, 64, &DecoyParams::default()).unwrap();
        assert_eq!(
            (
                c.report.gamma_decoys,
                c.report.uniform_decoys,
                c.report.bin_mates
            ),
            (60, 0, 3)
        );
    }

    #[test]
    fn a_young_ledger_falls_back_to_uniform_bins() {
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        // 22 notes: 5 complete bins (0..19), bin 5 (20, 21) incomplete. All
        // gamma ages are far older than the ledger: the 3 decoy bins are
        // uniform among the 4 complete bins that are not the real one's.
        let mut seen = HashSet::new();
        for _ in 0..200 {
            let c = pick_ring(&mut rng, 22, 6, 16, &DecoyParams::default()).unwrap();
            assert_eq!(
                (
                    c.report.gamma_decoys,
                    c.report.uniform_decoys,
                    c.report.bin_mates
                ),
                (0, 12, 3)
            );
            assert!(c.report.binned());
            let bins = bins_of(&c, 22);
            assert!(bins.contains(&1));
            assert!(bins.iter().all(|&b| b < 5), "{bins:?}");
            seen.extend(bins);
        }
        // Every complete bin is used at some point, the incomplete one never.
        assert_eq!(seen, HashSet::from([0, 1, 2, 3, 4]));
        // Exactly as many complete bins as the ring needs: all of them.
        let c = pick_ring(&mut rng, 16, 15, 16, &DecoyParams::default()).unwrap();
        let mut bins = bins_of(&c, 16);
        bins.sort_unstable();
        assert_eq!(bins, vec![0, 1, 2, 3]);
    }

    #[test]
    fn a_note_in_an_incomplete_bin_is_refused_never_drawn_loose() {
        let mut rng = ChaCha20Rng::seed_from_u64(8);
        // Ledger of 18: note 17 is in bin 4 (16..19), which needs 2 more notes.
        let e = pick_ring(&mut rng, 18, 17, 16, &DecoyParams::default()).unwrap_err();
        assert!(matches!(
            e,
            WalletError::NoteTooNew {
                index: 17,
                ledger_notes: 18,
                needed: 2
            }
        ));
        assert_eq!(e.rule(), "note_too_new");
        let text = e.to_string();
        assert!(
            text.contains("group of four") && text.contains("2 more"),
            "{text}"
        );
        // In a large ledger too: the tip's bin 2_499_999 has notes
        // 9_999_996..9_999_999; with 9_999_997 notes it needs 3 more.
        assert!(matches!(
            pick_ring(&mut rng, 9_999_997, 9_999_996, 64, &DecoyParams::default()),
            Err(WalletError::NoteTooNew { needed: 3, .. })
        ));
        // The ledger too small for the ring is the first thing said: 10 notes
        // cannot fill a ring of 16 whatever the note.
        assert!(matches!(
            pick_ring(&mut rng, 10, 9, 16, &DecoyParams::default()),
            Err(WalletError::LedgerTooSmall {
                notes: 10,
                ring_size: 16
            })
        ));
        // 15 notes: 3 complete bins, the real note's among them, but a ring
        // of 16 needs 4.
        assert!(matches!(
            pick_ring(&mut rng, 15, 2, 16, &DecoyParams::default()),
            Err(WalletError::LedgerTooSmall {
                notes: 15,
                ring_size: 16
            })
        ));
    }

    #[test]
    fn the_real_position_is_uniform_chi_square() {
        let mut rng = ChaCha20Rng::seed_from_u64(11);
        let mut counts = [0u64; 16];
        let mut slots = [0u64; 4];
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
            slots[c.position / BIN_NOTES as usize] += 1;
        }
        let chi = chi_square(&counts);
        assert!(chi < CHI2_15_P001, "chi-square {chi} for {counts:?}");
        let chi = chi_square(&slots);
        assert!(
            chi < CHI2_3_P001,
            "bin slot: chi-square {chi} for {slots:?}"
        );
        // The statistics can fail: a biased position or slot is caught.
        let mut biased = counts;
        biased[0] += 200;
        assert!(chi_square(&biased) > CHI2_15_P001);
        let mut biased = slots;
        biased[0] += 250;
        assert!(chi_square(&biased) > CHI2_3_P001);
    }

    #[test]
    fn the_real_bin_slot_is_uniform_for_a_fixed_note() {
        // One real note, many rings: its bin's slot is uniform on its own
        // (not only thanks to the real note's offset varying).
        let mut rng = ChaCha20Rng::seed_from_u64(13);
        let mut slots = [0u64; 4];
        for _ in 0..4000 {
            let c = pick_ring(&mut rng, 5_000_000, 4_990_001, 16, &DecoyParams::default()).unwrap();
            assert_eq!(c.position % 4, 1);
            slots[c.position / 4] += 1;
        }
        let chi = chi_square(&slots);
        assert!(chi < CHI2_3_P001, "chi-square {chi} for {slots:?}");
    }

    /// Rank of the real member's age among the ring (0 = youngest).
    fn age_rank(c: &RingChoice) -> usize {
        let real = c.members[c.position];
        // Larger index = younger.
        c.members.iter().filter(|&&m| m > real).count()
    }

    /// A real spend in a simulated ledger of `n` notes where spending follows
    /// the model: the index of a gamma-drawn age, drawn again until it is in
    /// the ledger and `spendable` accepts it.
    fn model_spend(
        rng: &mut ChaCha20Rng,
        n: u64,
        params: &DecoyParams,
        spendable: impl Fn(u64) -> bool,
    ) -> u64 {
        loop {
            let age = gamma_age(rng, params);
            if age < n && spendable(n - 1 - age) {
                return n - 1 - age;
            }
        }
    }

    #[test]
    fn in_a_simulated_ledger_the_real_age_rank_is_not_a_tell() {
        // Real spends follow the model: the spent note's age is a gamma draw.
        // Rings of 4 (member by member): the real member's rank among 4.
        let mut rng = ChaCha20Rng::seed_from_u64(12);
        let n = 20_000_000u64;
        let params = DecoyParams::default();
        let mut ranks = [0u64; 4];
        let mut naive = [0u64; 4];
        for _ in 0..4000 {
            let real = model_spend(&mut rng, n, &params, |_| true);
            let c = pick_ring(&mut rng, n, real, 4, &params).unwrap();
            assert!(!c.report.binned());
            ranks[age_rank(&c)] += 1;
            // A naive wallet with uniform decoys, for contrast.
            let mut members: HashSet<u64> = HashSet::from([real]);
            while members.len() < 4 {
                members.insert(rng.gen_range(0..n));
            }
            naive[members.iter().filter(|&&m| m > real).count()] += 1;
        }
        let chi = chi_square(&ranks);
        assert!(
            chi < CHI2_3_P001,
            "gamma decoys: chi-square {chi} for {ranks:?}"
        );
        // Uniform decoys make the real note the youngest almost always.
        assert!(chi_square(&naive) > 100.0 * CHI2_3_P001, "{naive:?}");
        assert!(naive[0] > 2500, "{naive:?}"); // expected 1000 if it were no tell
    }

    #[test]
    fn in_a_simulated_ledger_the_real_bin_age_rank_is_not_a_tell() {
        // Rings of 16 in bins: the real bin's age rank among the ring's 4 bins.
        let mut rng = ChaCha20Rng::seed_from_u64(14);
        let n = 20_000_000u64;
        let params = DecoyParams::default();
        let mut ranks = [0u64; 4];
        let mut naive = [0u64; 4];
        for _ in 0..4000 {
            let real = model_spend(&mut rng, n, &params, |i| bin_complete(i, n));
            let c = pick_ring(&mut rng, n, real, 16, &params).unwrap();
            let bins = bins_of(&c, n);
            let real_bin = real / BIN_NOTES;
            // Larger bin = younger.
            ranks[bins.iter().filter(|&&b| b > real_bin).count()] += 1;
            // A naive binning wallet with uniform decoy bins, for contrast.
            let mut uniform: HashSet<u64> = HashSet::from([real_bin]);
            while uniform.len() < 4 {
                uniform.insert(rng.gen_range(0..n / BIN_NOTES));
            }
            naive[uniform.iter().filter(|&&b| b > real_bin).count()] += 1;
        }
        let chi = chi_square(&ranks);
        assert!(
            chi < CHI2_3_P001,
            "gamma bins: chi-square {chi} for {ranks:?}"
        );
        assert!(chi_square(&naive) > 100.0 * CHI2_3_P001, "{naive:?}");
        assert!(naive[0] > 2500, "{naive:?}");
    }

    #[test]
    fn rings_of_sixteen_drawn_member_by_member_keep_a_uniform_rank() {
        // The member-level rank test of the gamma sampler, on 16 members (as
        // before binning), kept on the member-by-member path.
        let mut rng = ChaCha20Rng::seed_from_u64(12);
        let n = 20_000_000u64;
        let params = DecoyParams::default();
        let mut ranks = [0u64; 16];
        for _ in 0..4000 {
            let real = model_spend(&mut rng, n, &params, |_| true);
            let c = pick_members(&mut rng, n, real, 16, &params).unwrap();
            ranks[age_rank(&c)] += 1;
        }
        let chi = chi_square(&ranks);
        assert!(chi < CHI2_15_P001, "chi-square {chi} for {ranks:?}");
    }
}
