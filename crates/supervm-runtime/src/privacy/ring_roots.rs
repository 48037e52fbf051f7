//! Ring roots, computed once per ring content: a bounded memo of `Ring::root` keyed by
//! the ring's member commitments, one per runtime ([`crate::SuperVM`]).
//!
//! A ring root is a pure function of the member commitments in order (the 4-ary Poseidon
//! tree over them), so a root remembered from one call (a node's admission through
//! `SuperVM::prepare_private`, an earlier transaction of the block, an earlier block) is
//! exactly the root a new computation would give: the key is the full member list, never
//! a digest, so no collision can hand back another ring's root. The memo is therefore
//! invisible to every rule and every result; it only removes repeated Poseidon work.
//!
//! A ring not in the memo is hashed with the ledger's bin nodes: four consecutive members
//! that are a whole aligned bin of the ledger, in ledger order, take the bin's node, which
//! the ledger computes once per bin (see `ledger.rs`), so a ring of four whole bins costs
//! one permutation. The root is the same either way: the node is `H4(NODE, ..)` over the
//! same four commitments.
//!
//! It belongs to one runtime, not to the process: dropping the runtime frees it, and two
//! runtimes (or two benchmark rounds on fresh runtimes) never share work.
//!
//! Bounds: rings of at most [`MAX_CACHED_MEMBERS`] members are remembered (larger ones
//! are computed on every call), and the memo holds at most [`MAX_CACHED_RINGS`] rings.
//! When it is full, it is emptied and starts again (so its memory never exceeds about
//! `MAX_CACHED_RINGS * (MAX_CACHED_MEMBERS * 32 + 64)` bytes, 8.5 MiB).

use std::collections::HashMap;
use std::sync::Mutex;

use ringct_circuit::ring::{node_over, root_from_level1};
use ringct_circuit::{CircuitError, NoteCommitment, Ring, RingRoot};

use crate::ledger::NoteLedger;

/// Largest ring (members) the memo remembers: depth 3.
pub(crate) const MAX_CACHED_MEMBERS: usize = 64;
/// Most rings the memo holds before it is emptied.
pub(crate) const MAX_CACHED_RINGS: usize = 4_096;

/// The memo of one runtime.
#[derive(Debug, Default)]
pub(crate) struct RingRootMemo {
    roots: Mutex<HashMap<Vec<NoteCommitment>, RingRoot>>,
}

impl RingRootMemo {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Vec<NoteCommitment>, RingRoot>> {
        // A poisoned lock only means another thread panicked while holding it; the map
        // holds complete entries only (one insert or one clear at a time), so it is usable.
        self.roots.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn remembered(&self, members: &[NoteCommitment]) -> Option<RingRoot> {
        self.lock().get(members).copied()
    }

    fn remember(&self, members: Vec<NoteCommitment>, root: RingRoot) {
        let mut memo = self.lock();
        if memo.len() >= MAX_CACHED_RINGS {
            memo.clear();
        }
        memo.insert(members, root);
    }

    /// The root of the ring over `members` (`Ring::new(members)?.root()`), from the memo
    /// when this content was seen before. Otherwise computed level by level, taking from
    /// `ledger` the node of every four consecutive members that are a whole bin of it in
    /// ledger order (`NoteLedger::bin_node_of`: the same `H4(NODE, ..)` over the same
    /// commitments, hashed once per bin) and hashing the other groups.
    pub(crate) fn root_of(
        &self,
        members: Vec<NoteCommitment>,
        ledger: &NoteLedger,
    ) -> Result<RingRoot, CircuitError> {
        let cacheable = members.len() <= MAX_CACHED_MEMBERS;
        if cacheable {
            if let Some(root) = self.remembered(&members) {
                return Ok(root);
            }
        }
        let ring = Ring::new(members)?;
        let level1 = ring
            .members()
            .chunks_exact(4)
            .map(|c| {
                let group = [c[0], c[1], c[2], c[3]];
                ledger
                    .bin_node_of(&group)
                    .unwrap_or_else(|| node_over(group))
            })
            .collect();
        let root = root_from_level1(level1)?;
        if cacheable {
            self.remember(ring.members().to_vec(), root);
        }
        Ok(root)
    }

    /// Rings in the memo (for tests).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root_of(members: Vec<NoteCommitment>) -> Result<RingRoot, CircuitError> {
        MEMO.with(|m| m.root_of(members, &NoteLedger::new()))
    }

    thread_local! {
        static MEMO: RingRootMemo = RingRootMemo::default();
    }
    use ringct_circuit::Fr;

    fn ring(seed: u64, n: u64) -> Vec<NoteCommitment> {
        (0..n)
            .map(|i| NoteCommitment(Fr::from(seed * 1_000 + i)))
            .collect()
    }

    #[test]
    fn a_remembered_root_is_the_computed_root() {
        for members in [ring(1, 4), ring(2, 16), ring(3, 64), ring(4, 256)] {
            let direct = Ring::new(members.clone()).unwrap().root();
            assert_eq!(root_of(members.clone()).unwrap(), direct, "first call");
            assert_eq!(root_of(members).unwrap(), direct, "second call");
        }
    }

    #[test]
    fn rings_differing_in_one_member_or_in_order_get_their_own_roots() {
        let a = ring(5, 16);
        let mut b = a.clone();
        b[15] = NoteCommitment(Fr::from(999_999u64));
        let mut c = a.clone();
        c.swap(0, 1);
        let (ra, rb, rc) = (
            root_of(a.clone()).unwrap(),
            root_of(b.clone()).unwrap(),
            root_of(c.clone()).unwrap(),
        );
        assert_ne!(ra, rb);
        assert_ne!(ra, rc);
        assert_eq!(rb, Ring::new(b).unwrap().root());
        assert_eq!(rc, Ring::new(c).unwrap().root());
    }

    #[test]
    fn bad_sizes_are_refused_with_the_ring_error() {
        assert!(matches!(
            root_of(ring(6, 5)),
            Err(CircuitError::RingSizeNotPowerOfFour(5))
        ));
        assert!(root_of(Vec::new()).is_err());
    }

    #[test]
    fn the_memo_stays_bounded() {
        let memo = RingRootMemo::default();
        for seed in 0..(MAX_CACHED_RINGS as u64 + 10) {
            let members = ring(10_000 + seed, 4);
            memo.root_of(members, &NoteLedger::new()).unwrap();
            assert!(memo.len() <= MAX_CACHED_RINGS);
        }
        assert!(memo.len() > 0);
        // Rings above the member bound are not remembered.
        memo.root_of(ring(7, 256), &NoteLedger::new()).unwrap();
        assert!(memo.remembered(&ring(7, 256)).is_none());
        // Two runtimes never share a memo.
        let other = RingRootMemo::default();
        assert_eq!(other.len(), 0);
    }

    fn ledger(n: u64) -> NoteLedger {
        let mut l = NoteLedger::new();
        for i in 0..n {
            l.append(NoteCommitment(Fr::from(50_000 + i * 7)));
        }
        l
    }

    fn at(l: &NoteLedger, refs: &[u64]) -> Vec<NoteCommitment> {
        refs.iter().map(|&i| *l.get(i).unwrap()).collect()
    }

    #[test]
    fn bin_nodes_give_the_same_root_as_the_members() {
        let l = ledger(70);
        let bins = |bs: &[u64]| -> Vec<u64> { bs.iter().flat_map(|b| 4 * b..4 * b + 4).collect() };
        let mut reversed_bin = bins(&[3, 9, 1, 12]);
        reversed_bin[4..8].reverse();
        let mut tail: Vec<u64> = bins(&[0, 5, 2]);
        tail.extend([66, 67, 68, 69]); // 68, 69: bin 17 is incomplete in a 70-note ledger
        for refs in [
            bins(&[3, 9, 1, 12]),                             // four whole bins
            bins(&[16, 0, 7, 4]),                             // in any order
            [bins(&[2, 5, 8]), vec![40, 13, 27, 6]].concat(), // three bins and a mixed group
            vec![1, 2, 3, 4, 9, 10, 11, 12, 17, 18, 19, 20, 25, 26, 27, 28], // unaligned runs
            reversed_bin,                                     // a bin out of ledger order
            tail,
            bins(&(0..16).collect::<Vec<_>>()), // 64 members
            vec![8, 9, 10, 11],                 // one bin
        ] {
            let members = at(&l, &refs);
            let direct = Ring::new(members.clone()).unwrap().root();
            let memo = RingRootMemo::default();
            assert_eq!(
                memo.root_of(members.clone(), &l).unwrap(),
                direct,
                "{refs:?}"
            );
            assert_eq!(memo.root_of(members, &l).unwrap(), direct, "{refs:?} again");
        }
        // The whole-bin rings took their nodes from the ledger.
        assert!(l.computed_bins() >= 16);
    }

    #[test]
    fn a_ring_of_whole_bins_hashes_each_bin_once() {
        let l = ledger(64);
        let memo = RingRootMemo::default();
        let refs: Vec<u64> = [5u64, 0, 9, 2]
            .iter()
            .flat_map(|b| 4 * b..4 * b + 4)
            .collect();
        memo.root_of(at(&l, &refs), &l).unwrap();
        assert_eq!(l.computed_bins(), 4);
        // Another ring sharing two of the bins computes only the two new ones.
        let refs: Vec<u64> = [9u64, 3, 0, 11]
            .iter()
            .flat_map(|b| 4 * b..4 * b + 4)
            .collect();
        memo.root_of(at(&l, &refs), &l).unwrap();
        assert_eq!(l.computed_bins(), 6);
    }
}
