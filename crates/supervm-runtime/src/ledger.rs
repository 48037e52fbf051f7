//! Containers for the Privacy path's state: the RingCT note ledger and the spent key-image
//! set.
//!
//! These are data containers. They check nothing about what they store: the Privacy path
//! (RingCT transactions verified in batch through `ringct-verifier`, see
//! [`crate::privacy`]) decides what goes in, and derives ring roots and public inputs from
//! these containers rather than trusting the sender. The one hash they compute is a
//! derived index of the ledger (the node of each aligned bin of four notes, below), a pure
//! function of commitments that never change.
//!
//! Both hold typed field elements ([`NoteCommitment`], [`KeyImage`] from `ringct-circuit`),
//! so there is no byte encoding to get wrong between the ledger and the statement.
//!
//! Invariants the containers themselves enforce:
//! - [`NoteLedger`] is append-only: an index, once assigned, always names the same
//!   commitment; and it holds each commitment at most once (protocol v2): a key image is
//!   `H2(KEY_IMAGE, sk, cm)`, so two notes with one commitment would share one key image
//!   and only one of them could ever be spent ("faerie gold"). A commitment-to-index map
//!   answers "is this commitment new?" in O(1).
//! - Bin nodes: notes `4b, 4b+1, 4b+2, 4b+3` form bin `b` ([`BIN_NOTES`]); once the
//!   ledger holds all four, `H4(NODE, cm_4b, .., cm_4b+3)` (`ringct_circuit::ring::node_over`)
//!   is the node a ring's tree has over those four members when a ring lists them
//!   consecutively in ledger order. The ledger computes it at most once per bin (on first
//!   use, or ahead of use with [`NoteLedger::compute_bins_from`]) and hands it out only
//!   for exactly those four commitments in that order ([`NoteLedger::bin_node_of`]), so a
//!   ring root computed with it is the root computed from the members. Wallets that pick
//!   decoys in whole bins (docs/WALLET.md) make a 16-member ring cost one permutation
//!   instead of five. Memory: one `OnceLock<Fr>` (40 bytes) per four notes.
//! - [`KeyImageSet`] only grows: a key image, once spent, stays spent.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use rayon::prelude::*;
use ringct_circuit::{ring::node_over, Fr};
pub use ringct_circuit::{KeyImage, NoteCommitment};

/// Notes per bin: the ledger's aligned groups whose tree node it keeps.
pub const BIN_NOTES: u64 = 4;

/// Append-only, indexed list of distinct note commitments.
#[derive(Debug, Clone, Default)]
pub struct NoteLedger {
    notes: Vec<NoteCommitment>,
    /// The inverse of `notes`: every commitment's index.
    index: HashMap<NoteCommitment, u64>,
    /// One slot per complete bin (`notes.len() / 4` of them): the bin's tree node, once
    /// computed.
    bins: Vec<OnceLock<Fr>>,
}

/// Two ledgers are equal when they hold the same commitments in the same order; which
/// bin nodes have been computed so far is not part of the value.
impl PartialEq for NoteLedger {
    fn eq(&self, other: &Self) -> bool {
        self.notes == other.notes
    }
}

impl Eq for NoteLedger {}

impl NoteLedger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a commitment and returns its new index, or returns `None` and changes
    /// nothing if the ledger already holds it. The Privacy path appends accepted outputs
    /// (after checking they are new); [`State::mint_note`](crate::State::mint_note) seeds
    /// a genesis ledger. Never hashes: a bin completed by this note gets an empty slot,
    /// filled on first use or by [`compute_bins_from`](Self::compute_bins_from).
    pub fn append(&mut self, commitment: NoteCommitment) -> Option<u64> {
        let index = self.len();
        match self.index.entry(commitment) {
            std::collections::hash_map::Entry::Occupied(_) => None,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(index);
                self.notes.push(commitment);
                if self.len() % BIN_NOTES == 0 {
                    self.bins.push(OnceLock::new());
                }
                Some(index)
            }
        }
    }

    /// The index of `commitment`, if the ledger holds it.
    pub fn index_of(&self, commitment: &NoteCommitment) -> Option<u64> {
        self.index.get(commitment).copied()
    }

    /// Whether the ledger holds `commitment`.
    pub fn contains(&self, commitment: &NoteCommitment) -> bool {
        self.index.contains_key(commitment)
    }

    /// The commitment at `index`, if any.
    pub fn get(&self, index: u64) -> Option<&NoteCommitment> {
        usize::try_from(index).ok().and_then(|i| self.notes.get(i))
    }

    /// Number of commitments.
    pub fn len(&self) -> u64 {
        // usize -> u64 never truncates on supported targets (pointer width <= 64).
        self.notes.len() as u64
    }

    /// Whether the ledger is empty.
    pub fn is_empty(&self) -> bool {
        self.notes.is_empty()
    }

    /// Commitments in index order.
    pub fn iter(&self) -> impl Iterator<Item = &NoteCommitment> {
        self.notes.iter()
    }

    /// Complete bins: `len() / 4`.
    pub fn bins(&self) -> u64 {
        self.bins.len() as u64
    }

    /// Bin `bin`'s tree node, `H4(NODE, cm_4b, .., cm_4b+3)`, computed on first use; `None`
    /// if the ledger does not yet hold all four of its notes.
    pub fn bin_node(&self, bin: u64) -> Option<Fr> {
        let slot = self.bins.get(usize::try_from(bin).ok()?)?;
        Some(*slot.get_or_init(|| {
            let first = bin as usize * BIN_NOTES as usize;
            let c = &self.notes[first..first + BIN_NOTES as usize];
            node_over([c[0], c[1], c[2], c[3]])
        }))
    }

    /// The tree node over `group` if the four commitments are exactly a complete bin of
    /// this ledger, in ledger order; `None` otherwise (the caller hashes them itself).
    pub fn bin_node_of(&self, group: &[NoteCommitment; 4]) -> Option<Fr> {
        let first = self.index_of(&group[0])?;
        if first % BIN_NOTES != 0 {
            return None;
        }
        let in_order = (1..4u64).all(|k| self.get(first + k) == Some(&group[k as usize]));
        if !in_order {
            return None;
        }
        self.bin_node(first / BIN_NOTES)
    }

    /// Computes, in parallel on the current Rayon pool, the node of every complete bin
    /// holding a note at index `first_note` or later that is not computed yet. The
    /// Privacy path calls it after appending a block's outputs, so a bin is hashed when
    /// its last note arrives, once, rather than by the first transaction that uses it.
    pub fn compute_bins_from(&self, first_note: u64) {
        let from = usize::try_from(first_note / BIN_NOTES).unwrap_or(usize::MAX);
        if from >= self.bins.len() {
            return;
        }
        (from..self.bins.len()).into_par_iter().for_each(|b| {
            self.bin_node(b as u64);
        });
    }

    /// Bins whose node has been computed (for tests and metrics).
    pub fn computed_bins(&self) -> u64 {
        self.bins.iter().filter(|s| s.get().is_some()).count() as u64
    }
}

/// The set of spent key images.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyImageSet {
    spent: BTreeSet<KeyImage>,
}

impl KeyImageSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks `image` spent. Returns `false` if it already was (a double spend).
    pub fn insert(&mut self, image: KeyImage) -> bool {
        self.spent.insert(image)
    }

    /// Whether `image` is spent.
    pub fn contains(&self, image: &KeyImage) -> bool {
        self.spent.contains(image)
    }

    /// Number of spent key images.
    pub fn len(&self) -> usize {
        self.spent.len()
    }

    /// Whether no key image is spent.
    pub fn is_empty(&self) -> bool {
        self.spent.is_empty()
    }

    /// Spent key images in ascending order (of their field values).
    pub fn iter(&self) -> impl Iterator<Item = &KeyImage> {
        self.spent.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringct_circuit::Fr;

    fn cm(n: u64) -> NoteCommitment {
        NoteCommitment(Fr::from(n))
    }

    fn ki(n: u64) -> KeyImage {
        KeyImage(Fr::from(n))
    }

    #[test]
    fn ledger_refuses_a_commitment_it_holds() {
        let mut l = NoteLedger::new();
        assert_eq!(l.append(cm(1)), Some(0));
        let before = l.clone();
        assert_eq!(l.append(cm(1)), None);
        assert_eq!(l, before);
        assert_eq!(l.index_of(&cm(1)), Some(0));
        assert_eq!(l.index_of(&cm(2)), None);
        assert!(l.contains(&cm(1)) && !l.contains(&cm(2)));
        assert_eq!(l.append(cm(2)), Some(1));
        assert_eq!(l.index_of(&cm(2)), Some(1));
    }

    #[test]
    fn ledger_indexes_are_stable() {
        let mut l = NoteLedger::new();
        assert_eq!(l.append(cm(1)), Some(0));
        assert_eq!(l.append(cm(2)), Some(1));
        assert_eq!(l.get(0), Some(&cm(1)));
        assert_eq!(l.get(1), Some(&cm(2)));
        assert_eq!(l.get(2), None);
        assert_eq!(l.get(u64::MAX), None);
        assert_eq!(l.len(), 2);
    }

    fn ledger_of(n: u64) -> NoteLedger {
        let mut l = NoteLedger::new();
        for i in 0..n {
            l.append(cm(1_000 + i));
        }
        l
    }

    #[test]
    fn a_bin_exists_once_its_four_notes_do() {
        let l = ledger_of(11);
        assert_eq!(l.bins(), 2);
        assert!(l.bin_node(1).is_some());
        assert_eq!(
            l.bin_node(2),
            None,
            "notes 8..10 of 11: bin 2 is not complete"
        );
        assert_eq!(l.bin_node(u64::MAX), None);
        let group = |a: u64| [cm(a), cm(a + 1), cm(a + 2), cm(a + 3)];
        assert_eq!(l.bin_node_of(&group(1_008)), None);
        let l = ledger_of(12);
        assert_eq!(l.bins(), 3);
        assert_eq!(l.bin_node_of(&group(1_008)), l.bin_node(2));
    }

    #[test]
    fn a_bin_node_is_the_tree_node_over_its_notes() {
        let l = ledger_of(16);
        for b in 0..4u64 {
            let c = |k: u64| *l.get(4 * b + k).unwrap();
            let direct = node_over([c(0), c(1), c(2), c(3)]);
            assert_eq!(l.bin_node(b), Some(direct));
            assert_eq!(l.bin_node_of(&[c(0), c(1), c(2), c(3)]), Some(direct));
        }
    }

    #[test]
    fn only_a_whole_bin_in_ledger_order_gets_its_node() {
        let l = ledger_of(16);
        let c = |i: u64| *l.get(i).unwrap();
        // Unaligned, out of order, a foreign member, a member from another bin.
        for group in [
            [c(1), c(2), c(3), c(4)],
            [c(4), c(6), c(5), c(7)],
            [c(7), c(6), c(5), c(4)],
            [c(4), c(5), c(6), cm(9)],
            [c(4), c(5), c(6), c(11)],
            [cm(9), c(5), c(6), c(7)],
        ] {
            assert_eq!(l.bin_node_of(&group), None, "{group:?}");
        }
        assert!(l.bin_node_of(&[c(4), c(5), c(6), c(7)]).is_some());
    }

    #[test]
    fn bins_are_computed_once_and_not_part_of_equality() {
        let l = ledger_of(40);
        let fresh = l.clone();
        assert_eq!(l.computed_bins(), 0);
        l.compute_bins_from(20); // bins 5..9
        assert_eq!(l.computed_bins(), 5);
        l.bin_node(0);
        assert_eq!(l.computed_bins(), 6);
        assert_eq!(l, fresh, "equality is about the notes only");
        for b in 0..10 {
            assert_eq!(l.bin_node(b), fresh.bin_node(b));
        }
        l.compute_bins_from(40);
        l.compute_bins_from(u64::MAX);
        assert_eq!(l.computed_bins(), 10);
        let mut other = ledger_of(39);
        assert_ne!(other, l);
        other.append(cm(1_039));
        assert_eq!(other, l);
    }

    #[test]
    fn key_images_detect_double_spend() {
        let mut s = KeyImageSet::new();
        assert!(s.insert(ki(7)));
        assert!(!s.insert(ki(7)));
        assert!(s.contains(&ki(7)));
        assert_eq!(s.len(), 1);
    }
}
