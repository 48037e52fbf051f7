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
//!   commitment.
//! - [`KeyImageSet`] only grows: a key image, once spent, stays spent.

use std::collections::BTreeSet;

pub use ringct_circuit::{KeyImage, NoteCommitment};

/// Append-only, indexed list of note commitments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoteLedger {
    notes: Vec<NoteCommitment>,
}

impl NoteLedger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a commitment and returns its index. The Privacy path appends accepted
    /// outputs; [`State::mint_note`](crate::State::mint_note) seeds a genesis ledger.
    pub fn append(&mut self, commitment: NoteCommitment) -> u64 {
        let index = self.len();
        self.notes.push(commitment);
        index
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
    fn ledger_indexes_are_stable() {
        let mut l = NoteLedger::new();
        assert_eq!(l.append(cm(1)), 0);
        assert_eq!(l.append(cm(2)), 1);
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
