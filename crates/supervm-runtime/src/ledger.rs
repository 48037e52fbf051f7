//! Containers for the Privacy path's state: the RingCT note ledger and the spent key-image
//! set.
//!
//! These are plain data containers. They do no cryptography and check nothing about what
//! they store: the Privacy path (RingCT transactions verified in batch through
//! `ringct-verifier`, see [`crate::privacy`]) decides what goes in, and derives ring roots
//! and public inputs from these containers rather than trusting the sender.
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
//! - [`KeyImageSet`] only grows: a key image, once spent, stays spent.

use std::collections::{BTreeSet, HashMap};

pub use ringct_circuit::{KeyImage, NoteCommitment};

/// Append-only, indexed list of distinct note commitments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoteLedger {
    notes: Vec<NoteCommitment>,
    /// The inverse of `notes`: every commitment's index.
    index: HashMap<NoteCommitment, u64>,
}

impl NoteLedger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a commitment and returns its new index, or returns `None` and changes
    /// nothing if the ledger already holds it. The Privacy path appends accepted outputs
    /// (after checking they are new); [`State::mint_note`](crate::State::mint_note) seeds
    /// a genesis ledger.
    pub fn append(&mut self, commitment: NoteCommitment) -> Option<u64> {
        let index = self.len();
        match self.index.entry(commitment) {
            std::collections::hash_map::Entry::Occupied(_) => None,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(index);
                self.notes.push(commitment);
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

    #[test]
    fn key_images_detect_double_spend() {
        let mut s = KeyImageSet::new();
        assert!(s.insert(ki(7)));
        assert!(!s.insert(ki(7)));
        assert!(s.contains(&ki(7)));
        assert_eq!(s.len(), 1);
    }
}
