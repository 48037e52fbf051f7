//! The state, and the overlay a transaction executes on.
//!
//! A transaction never writes to [`State`] directly. It runs against an `Overlay` (the
//! committed state plus the transaction's own copy-on-write changes). Only when it
//! succeeds does the overlay become a `WriteSet`, which `State::commit` installs in one
//! step. A failed transaction's overlay is dropped: no data, balance or version change
//! survives it.

use std::collections::BTreeMap;

use std::ops::Range;

use crate::error::{ConfigError, TxError};
use crate::ledger::{KeyImage, KeyImageSet, NoteCommitment, NoteLedger};
use crate::object::{Object, ObjectId};

/// Objects plus the Privacy path's note ledger and key-image set.
///
/// Public transactions read and write only objects; private transactions read and write
/// only the ledger and the key-image set.
///
/// `Clone` + `Eq` make full snapshots cheap to take and compare in tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    objects: BTreeMap<ObjectId, Object>,
    notes: NoteLedger,
    key_images: KeyImageSet,
}

impl State {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Inserts (or replaces) an object as is. For building genesis states; execution never
    /// calls this. Returns the replaced object, if any.
    pub fn insert(&mut self, object: Object) -> Option<Object> {
        self.objects.insert(object.id, object)
    }

    /// The object with this id, if any.
    pub fn get(&self, id: &ObjectId) -> Option<&Object> {
        self.objects.get(id)
    }

    /// All objects, in id order.
    pub fn objects(&self) -> impl Iterator<Item = &Object> {
        self.objects.values()
    }

    /// Number of objects.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// Whether the state holds no objects.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// The RingCT note ledger.
    pub fn notes(&self) -> &NoteLedger {
        &self.notes
    }

    /// The spent key-image set.
    pub fn key_images(&self) -> &KeyImageSet {
        &self.key_images
    }

    /// Appends a note commitment to the ledger and returns its index. For building
    /// genesis states (minting notes for tests, benchmarks or a chain's initial
    /// distribution); execution never calls this. Refuses a commitment the ledger already
    /// holds (`DuplicateNote`), changing nothing.
    ///
    /// Like the Privacy path for a block's outputs, it computes the node of the ledger bin
    /// the note completes (see [`NoteLedger`]), so a genesis state is what a node holds
    /// after committing those notes.
    pub fn mint_note(&mut self, commitment: NoteCommitment) -> Result<u64, ConfigError> {
        let existing = self.notes.index_of(&commitment);
        let index = self
            .notes
            .append(commitment)
            .ok_or(ConfigError::DuplicateNote {
                existing: existing.unwrap_or_default(),
            })?;
        self.notes.compute_bins_from(index);
        Ok(index)
    }

    /// [`mint_note`](Self::mint_note) for each commitment, in order; returns the range
    /// of indices they got. All or nothing: if any commitment is already in the ledger or
    /// repeats an earlier one of the list, nothing is minted.
    pub fn mint_notes(
        &mut self,
        commitments: impl IntoIterator<Item = NoteCommitment>,
    ) -> Result<Range<u64>, ConfigError> {
        let start = self.notes.len();
        let commitments: Vec<NoteCommitment> = commitments.into_iter().collect();
        let mut batch = std::collections::HashMap::with_capacity(commitments.len());
        for (k, c) in commitments.iter().enumerate() {
            // Indices this list would get: start, start + 1, ...
            let would_be = start + k as u64;
            if let Some(existing) = self.notes.index_of(c) {
                return Err(ConfigError::DuplicateNote { existing });
            }
            if let Some(&existing) = batch.get(c) {
                return Err(ConfigError::DuplicateNote { existing });
            }
            batch.insert(*c, would_be);
        }
        for c in commitments {
            self.notes.append(c);
        }
        self.notes.compute_bins_from(start);
        Ok(start..self.notes.len())
    }

    /// Installs an accepted private transaction: marks its key images spent and appends
    /// its outputs to the ledger, in order. The Privacy path has checked that every key
    /// image is unspent and every output commitment new, so nothing is skipped.
    pub(crate) fn commit_private(
        &mut self,
        key_images: &[KeyImage],
        outputs: impl IntoIterator<Item = NoteCommitment>,
    ) {
        for ki in key_images {
            let fresh = self.key_images.insert(*ki);
            debug_assert!(fresh, "a spent key image reached commit_private");
        }
        for cm in outputs {
            let appended = self.notes.append(cm);
            debug_assert!(
                appended.is_some(),
                "a known commitment reached commit_private"
            );
        }
    }

    /// Installs the writes of many transactions that wrote disjoint objects (a Fast
    /// wave), `writes` sorted by id, each id once; the replaced objects go to
    /// `replaced`. Equal to inserting them one by one.
    ///
    /// When the writes are dense (at least one per [`DENSE_COMMIT`] objects of the
    /// state), it walks the state once over their id range, replacing in place, instead
    /// of searching the map for each (a search costs dozens of comparisons); sparse
    /// writes are inserted one by one. Ids not in the state are inserted afterwards.
    pub(crate) fn commit_sorted(
        &mut self,
        writes: Vec<(ObjectId, Object)>,
        replaced: &mut Vec<Object>,
    ) {
        debug_assert!(writes.windows(2).all(|w| w[0].0 < w[1].0));
        let (Some(lo), Some(hi)) = (writes.first().map(|w| w.0), writes.last().map(|w| w.0)) else {
            return;
        };
        let mut missing = Vec::new();
        let mut pending = writes.into_iter().peekable();
        // (`lo <= hi` holds for sorted writes; checked so that a `range_mut` can never
        // panic.)
        if lo <= hi && pending.len().saturating_mul(DENSE_COMMIT) >= self.objects.len() {
            for (id, slot) in self.objects.range_mut(lo..=hi) {
                while pending.peek().is_some_and(|(next, _)| next < id) {
                    missing.extend(pending.next());
                }
                match pending.peek() {
                    None => break,
                    Some((next, _)) if next == id => {
                        if let Some((_, object)) = pending.next() {
                            replaced.push(std::mem::replace(slot, object));
                        }
                    }
                    Some(_) => {}
                }
            }
        }
        for (id, object) in missing.into_iter().chain(pending) {
            if let Some(old) = self.objects.insert(id, object) {
                replaced.push(old);
            }
        }
    }

    /// Installs a successful transaction's writes (the tests' shorthand for
    /// [`commit_into`](Self::commit_into)).
    #[cfg(test)]
    pub(crate) fn commit(&mut self, writes: WriteSet) {
        for (id, object) in writes.objects {
            self.objects.insert(id, object);
        }
    }

    /// [`commit`](Self::commit), leaving the freeing to the caller: the objects it
    /// replaces go to `replaced`, and `writes` is left empty with its allocation. The
    /// Fast path commits one by one in block order and frees all of it afterwards, in
    /// parallel.
    pub(crate) fn commit_into(&mut self, writes: &mut WriteSet, replaced: &mut Vec<Object>) {
        for (id, object) in writes.objects.drain(..) {
            if let Some(old) = self.objects.insert(id, object) {
                replaced.push(old);
            }
        }
    }
}

/// [`State::commit_sorted`] walks the state instead of searching it when a batch holds
/// at least one write per this many objects: walking visits every object of the range
/// (a few instructions each), a search costs dozens of key comparisons per write.
pub(crate) const DENSE_COMMIT: usize = 32;

/// The committed state seen through one transaction's uncommitted changes.
#[derive(Debug)]
pub(crate) struct Overlay<'s> {
    base: &'s State,
    /// Objects this transaction modified (full copies, version not yet bumped).
    modified: BTreeMap<ObjectId, Object>,
}

impl<'s> Overlay<'s> {
    pub(crate) fn new(base: &'s State) -> Self {
        Overlay {
            base,
            modified: BTreeMap::new(),
        }
    }

    /// The object as this transaction currently sees it.
    pub(crate) fn get(&self, id: &ObjectId) -> Option<&Object> {
        self.modified.get(id).or_else(|| self.base.get(id))
    }

    /// A mutable copy of the object, copied from the base on first use. The object counts
    /// as written (its version is bumped on success) from this call on.
    pub(crate) fn get_mut(&mut self, id: &ObjectId) -> Option<&mut Object> {
        if !self.modified.contains_key(id) {
            let copy = self.base.get(id)?.clone();
            self.modified.insert(*id, copy);
        }
        self.modified.get_mut(id)
    }

    /// Turns the changes into a [`WriteSet`], bumping each written object's version by one.
    pub(crate) fn into_write_set(self) -> Result<WriteSet, TxError> {
        let mut objects: Vec<(ObjectId, Object)> = self.modified.into_iter().collect();
        for (id, object) in objects.iter_mut() {
            object.version = object
                .version
                .checked_add(1)
                .ok_or(TxError::VersionOverflow { object: *id })?;
        }
        Ok(WriteSet { objects })
    }
}

/// A successful transaction's effects, ready to commit (versions already bumped).
///
/// A vector sorted by id, each id once (built from the overlay's map): committing it is
/// a plain walk, and freeing it one deallocation, on the sequential commit path.
#[derive(Debug, Default)]
pub(crate) struct WriteSet {
    objects: Vec<(ObjectId, Object)>,
}

impl WriteSet {
    /// The ids of the objects it writes, in order.
    pub(crate) fn ids(&self) -> impl Iterator<Item = ObjectId> + '_ {
        self.objects.iter().map(|(id, _)| *id)
    }

    /// Moves its writes to the end of `out`, keeping its own allocation (to be freed
    /// later, off the sequential path).
    pub(crate) fn drain_into(&mut self, out: &mut Vec<(ObjectId, Object)>) {
        out.append(&mut self.objects);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::{Address, Owner};

    fn state() -> State {
        let mut s = State::new();
        s.insert(Object::new(
            ObjectId::from_u64(1),
            Owner::Address(Address::from_u64(1)),
            10,
            vec![],
        ));
        s
    }

    #[test]
    fn dropped_overlay_leaves_state_alone() {
        let s = state();
        let before = s.clone();
        let mut o = Overlay::new(&s);
        o.get_mut(&ObjectId::from_u64(1)).unwrap().balance = 0;
        assert_eq!(o.get(&ObjectId::from_u64(1)).unwrap().balance, 0);
        drop(o);
        assert_eq!(s, before);
    }

    #[test]
    fn commit_bumps_versions_once() {
        let mut s = state();
        let mut o = Overlay::new(&s);
        o.get_mut(&ObjectId::from_u64(1)).unwrap().balance = 3;
        o.get_mut(&ObjectId::from_u64(1)).unwrap().data = vec![1];
        let ws = o.into_write_set().unwrap();
        s.commit(ws);
        let obj = s.get(&ObjectId::from_u64(1)).unwrap();
        assert_eq!(
            (obj.version, obj.balance, obj.data.as_slice()),
            (1, 3, &[1u8][..])
        );
    }

    #[test]
    fn sorted_commits_equal_inserts_one_by_one() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for round in 0..200 {
            let mut base = State::new();
            let size = rng.gen_range(0..300u64);
            for k in 0..size {
                base.insert(Object::new(
                    ObjectId::from_u64(2 * k),
                    Owner::Address(Address::from_u64(k)),
                    k,
                    vec![k as u8],
                ));
            }
            // From a few writes (searched) to more writes than objects (walked), some
            // to ids the state lacks (odd ids, or beyond its range).
            let count = rng.gen_range(0..2 * size as usize + 3);
            let mut ids: Vec<u64> = (0..count).map(|_| rng.gen_range(0..2 * size + 4)).collect();
            ids.sort_unstable();
            ids.dedup();
            let writes: Vec<(ObjectId, Object)> = ids
                .iter()
                .map(|&k| {
                    let id = ObjectId::from_u64(k);
                    let mut o = Object::new(id, Owner::Shared, 1_000 + k, vec![]);
                    o.version = 7;
                    (id, o)
                })
                .collect();
            let mut expected = base.clone();
            let mut expected_replaced = Vec::new();
            for (id, o) in writes.clone() {
                expected_replaced.extend(expected.objects.insert(id, o));
            }
            let mut replaced = Vec::new();
            base.commit_sorted(writes, &mut replaced);
            assert!(base == expected, "round {round}");
            replaced.sort_by_key(|o| o.id);
            assert_eq!(replaced, expected_replaced, "round {round}");
        }
    }

    #[test]
    fn version_overflow_is_an_error() {
        let mut s = state();
        let mut obj = s.get(&ObjectId::from_u64(1)).unwrap().clone();
        obj.version = u64::MAX;
        s.insert(obj);
        let mut o = Overlay::new(&s);
        o.get_mut(&ObjectId::from_u64(1)).unwrap();
        assert_eq!(
            o.into_write_set().unwrap_err().kind(),
            crate::ErrorKind::VersionOverflow
        );
    }
}
