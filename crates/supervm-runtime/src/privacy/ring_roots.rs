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
//! It belongs to one runtime, not to the process: dropping the runtime frees it, and two
//! runtimes (or two benchmark rounds on fresh runtimes) never share work.
//!
//! Bounds: rings of at most [`MAX_CACHED_MEMBERS`] members are remembered (larger ones
//! are computed on every call), and the memo holds at most [`MAX_CACHED_RINGS`] rings.
//! When it is full, it is emptied and starts again (so its memory never exceeds about
//! `MAX_CACHED_RINGS * (MAX_CACHED_MEMBERS * 32 + 64)` bytes, 8.5 MiB).

use std::collections::HashMap;
use std::sync::Mutex;

use ringct_circuit::{CircuitError, NoteCommitment, Ring, RingRoot};

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
    /// when this content was seen before.
    pub(crate) fn root_of(&self, members: Vec<NoteCommitment>) -> Result<RingRoot, CircuitError> {
        let cacheable = members.len() <= MAX_CACHED_MEMBERS;
        if cacheable {
            if let Some(root) = self.remembered(&members) {
                return Ok(root);
            }
        }
        let ring = Ring::new(members)?;
        let root = ring.root();
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
        MEMO.with(|m| m.root_of(members))
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
            memo.root_of(members).unwrap();
            assert!(memo.len() <= MAX_CACHED_RINGS);
        }
        assert!(memo.len() > 0);
        // Rings above the member bound are not remembered.
        memo.root_of(ring(7, 256)).unwrap();
        assert!(memo.remembered(&ring(7, 256)).is_none());
        // Two runtimes never share a memo.
        let other = RingRootMemo::default();
        assert_eq!(other.len(), 0);
    }
}
