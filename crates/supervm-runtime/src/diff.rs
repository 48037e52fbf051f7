//! A block's effects on the state, as data: what a durable store writes in one
//! transaction, and what a replay applies to an in-memory [`State`].
//!
//! The runtime does no I/O. [`SuperVM::execute_block_effects`](crate::SuperVM::execute_block_effects)
//! returns the receipts and a [`StateDiff`]; a node commits both to its store in one write.
//! [`State::apply`] applies a diff to another state, so a state rebuilt from genesis by
//! applying each block's diff equals the state that executed the blocks.

use std::collections::BTreeMap;

use crate::error::ConfigError;
use crate::ledger::{KeyImage, NoteCommitment};
use crate::object::{Object, ObjectId};
use crate::receipt::Receipt;
use crate::state::State;

/// A note appended to the ledger by an accepted private transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNote {
    /// Its ledger index.
    pub index: u64,
    /// Its commitment.
    pub commitment: NoteCommitment,
    /// The output's memo (for the recipient's wallet to scan).
    pub memo: Vec<u8>,
    /// Position in the block of the transaction that created it.
    pub tx: usize,
}

/// A key image spent by an accepted private transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpentKeyImage {
    /// The key image.
    pub key_image: KeyImage,
    /// Position in the block of the transaction that spent it.
    pub tx: usize,
}

/// Everything one block changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateDiff {
    /// Objects written, with their new value (version bumped), by id.
    pub objects: BTreeMap<ObjectId, Object>,
    /// Notes appended, in index order (consecutive indices).
    pub notes: Vec<NewNote>,
    /// Key images spent, in block order.
    pub key_images: Vec<SpentKeyImage>,
}

impl StateDiff {
    /// Whether the block changed nothing.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty() && self.notes.is_empty() && self.key_images.is_empty()
    }
}

/// A block's receipts (one per transaction, in block order) and its state diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockEffects {
    /// One receipt per transaction, in block order.
    pub receipts: Vec<Receipt>,
    /// What the block changed.
    pub diff: StateDiff,
}

impl State {
    /// Applies a block's diff: installs the written objects, appends the notes and marks
    /// the key images spent. All or nothing: a diff whose notes do not start at the
    /// ledger's length, are not consecutive, repeat a commitment the ledger holds, or
    /// spend a spent key image is refused (`DiffMismatch`) and nothing changes.
    pub fn apply(&mut self, diff: &StateDiff) -> Result<(), ConfigError> {
        let mismatch = |what: &'static str| ConfigError::DiffMismatch { what };
        let start = self.notes().len();
        let mut fresh = std::collections::HashSet::new();
        for (k, note) in diff.notes.iter().enumerate() {
            if note.index != start + k as u64 {
                return Err(mismatch("note indices do not continue the ledger"));
            }
            if self.notes().contains(&note.commitment) || !fresh.insert(note.commitment) {
                return Err(mismatch("a note commitment is already in the ledger"));
            }
        }
        let mut spent = std::collections::HashSet::new();
        for ki in &diff.key_images {
            if self.key_images().contains(&ki.key_image) || !spent.insert(ki.key_image) {
                return Err(mismatch("a key image is already spent"));
            }
        }
        if diff.objects.iter().any(|(id, o)| *id != o.id) {
            return Err(mismatch("an object is filed under another id"));
        }
        for object in diff.objects.values() {
            self.insert(object.clone());
        }
        self.commit_private(
            &diff
                .key_images
                .iter()
                .map(|k| k.key_image)
                .collect::<Vec<_>>(),
            diff.notes.iter().map(|n| n.commitment),
        );
        Ok(())
    }
}
