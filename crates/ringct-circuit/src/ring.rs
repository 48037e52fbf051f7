//! Rings of note commitments and the 4-ary Merkle tree over them.
//!
//! Members are leaves in transaction order. A node is
//! `H4(NODE, c0, c1, c2, c3)`. A member's position has one base-4 digit per
//! level, least significant digit at the leaves; each digit is two bits
//! `(b0, b1)` with digit = b0 + 2·b1. At each level the path carries the three
//! siblings in left-to-right order with the current node left out.

use crate::error::CircuitError;
use crate::note::NoteCommitment;
use crate::poseidon::{hash4, Tag};
use crate::shape::MAX_RING_DEPTH;
use ark_bls12_381::Fr;
use ark_ff::{One, Zero};

/// Root of a ring's tree: a public input, recomputed by verifiers from the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RingRoot(pub Fr);

/// A ring: 4^d note commitments, the real one hidden among decoys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ring {
    members: Vec<NoteCommitment>,
    depth: u32,
}

impl Ring {
    /// A ring over `members`; their number must be 4^d with 1 <= d <= 16.
    pub fn new(members: Vec<NoteCommitment>) -> Result<Self, CircuitError> {
        let n = members.len() as u64;
        if n < 4 || !n.is_power_of_two() || n.trailing_zeros() % 2 != 0 {
            return Err(CircuitError::RingSizeNotPowerOfFour(n));
        }
        let depth = n.trailing_zeros() / 2;
        if depth > MAX_RING_DEPTH {
            return Err(CircuitError::RingDepthOutOfRange(depth));
        }
        Ok(Ring { members, depth })
    }

    /// A ring made of `decoys` with `real` inserted at `position`
    /// (`decoys.len() + 1` must be a power of four).
    pub fn with_real_at(
        mut decoys: Vec<NoteCommitment>,
        real: NoteCommitment,
        position: usize,
    ) -> Result<Self, CircuitError> {
        let size = decoys.len() + 1;
        if position >= size {
            return Err(CircuitError::PositionOutOfRange {
                input: 0,
                position,
                ring_size: size,
            });
        }
        decoys.insert(position, real);
        Ring::new(decoys)
    }

    /// Members in transaction order.
    pub fn members(&self) -> &[NoteCommitment] {
        &self.members
    }

    /// Tree depth d.
    pub fn depth(&self) -> u32 {
        self.depth
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Always false: a ring has at least 4 members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    fn levels(&self) -> Vec<Vec<Fr>> {
        let mut levels = vec![self.members.iter().map(|c| c.0).collect::<Vec<_>>()];
        while levels.last().map_or(0, Vec::len) > 1 {
            let above = parent_level(levels.last().expect("non-empty"));
            levels.push(above);
        }
        levels
    }

    /// The tree root.
    pub fn root(&self) -> RingRoot {
        RingRoot(self.levels().pop().expect("at least one level")[0])
    }

    /// The authentication path of the member at `position`.
    pub fn path(&self, position: usize) -> Result<MerklePath, CircuitError> {
        if position >= self.members.len() {
            return Err(CircuitError::PositionOutOfRange {
                input: 0,
                position,
                ring_size: self.members.len(),
            });
        }
        let levels = self.levels();
        let mut index = position;
        let mut path = MerklePath::default();
        for level in &levels[..levels.len() - 1] {
            let digit = index % 4;
            let base = index - digit;
            let mut siblings = [Fr::zero(); 3];
            let mut k = 0;
            for (j, node) in level[base..base + 4].iter().enumerate() {
                if j != digit {
                    siblings[k] = *node;
                    k += 1;
                }
            }
            path.position_bits.push(digit_bits(digit));
            path.siblings.push(siblings);
            index /= 4;
        }
        Ok(path)
    }
}

/// The level above `below`: one node per four consecutive entries.
fn parent_level(below: &[Fr]) -> Vec<Fr> {
    below
        .chunks_exact(4)
        .map(|c| hash4(Tag::Node, [c[0], c[1], c[2], c[3]]))
        .collect()
}

/// The tree node over four consecutive ring members: `H4(NODE, c0, c1, c2, c3)`, the
/// first level above the leaves.
pub fn node_over(members: [NoteCommitment; 4]) -> Fr {
    hash4(Tag::Node, members.map(|c| c.0))
}

/// A ring's root from the first level of its tree above the leaves: `level1[k]` is the
/// node over members `4k .. 4k + 4` ([`node_over`]), so this is [`Ring::root`] for those
/// members. For verifiers that already hold some of these nodes (a ledger keeps the
/// node of each aligned group of four notes): they hash only the rest. `level1` must
/// have 4^(d-1) entries, 1 <= d <= 16; otherwise `RingSizeNotPowerOfFour` (with the
/// member count it stands for) or `RingDepthOutOfRange`.
pub fn root_from_level1(level1: Vec<Fr>) -> Result<RingRoot, CircuitError> {
    let n = level1.len() as u64;
    if n == 0 || !n.is_power_of_two() || n.trailing_zeros() % 2 != 0 {
        return Err(CircuitError::RingSizeNotPowerOfFour(n.saturating_mul(4)));
    }
    let depth = n.trailing_zeros() / 2 + 1;
    if depth > MAX_RING_DEPTH {
        return Err(CircuitError::RingDepthOutOfRange(depth));
    }
    let mut level = level1;
    while level.len() > 1 {
        level = parent_level(&level);
    }
    Ok(RingRoot(level[0]))
}

fn digit_bits(digit: usize) -> [Fr; 2] {
    let bit = |b: bool| if b { Fr::one() } else { Fr::zero() };
    [bit(digit & 1 == 1), bit(digit & 2 == 2)]
}

/// A path from a leaf to the root: per level (leaves first) the two position
/// bits and the three siblings.
///
/// Fields are raw field elements so that tests can build malformed paths; the
/// circuit enforces that every bit is 0 or 1.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MerklePath {
    /// `(b0, b1)` per level, digit = b0 + 2·b1.
    pub position_bits: Vec<[Fr; 2]>,
    /// The three other children per level, left to right.
    pub siblings: Vec<[Fr; 3]>,
}

impl MerklePath {
    /// Number of levels.
    pub fn depth(&self) -> usize {
        self.position_bits.len()
    }

    /// Whether every position bit is 0 or 1 and both vectors have one entry per level.
    pub fn is_well_formed(&self) -> bool {
        self.position_bits.len() == self.siblings.len()
            && self
                .position_bits
                .iter()
                .flatten()
                .all(|b| b.is_zero() || b.is_one())
    }

    /// The root reached from `leaf`, using exactly the placement algebra the
    /// circuit uses (so it also evaluates paths with non-boolean bits, which
    /// the circuit rejects).
    pub fn root_from(&self, leaf: Fr) -> Fr {
        self.position_bits
            .iter()
            .zip(&self.siblings)
            .fold(leaf, |node, (bits, sib)| {
                hash4(Tag::Node, place_children(node, bits[0], bits[1], sib))
            })
    }
}

/// Puts `node` among its three siblings at digit `b0 + 2·b1`.
///
/// With boolean bits this is an exact placement; it is written with the same
/// products as the R1CS gadget (`b0·b1`, then one product per child), so the
/// native and in-circuit results agree for any field values.
pub fn place_children(node: Fr, b0: Fr, b1: Fr, s: &[Fr; 3]) -> [Fr; 4] {
    let b01 = b0 * b1;
    let c0 = node + (b0 + b1 - b01) * (s[0] - node);
    let t = s[0] + b0 * (node - s[0]);
    let c1 = t + b1 * (s[1] - t);
    let u = node + b0 * (s[2] - node);
    let c2 = s[1] + b1 * (u - s[1]);
    let c3 = s[2] + b01 * (node - s[2]);
    [c0, c1, c2, c3]
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::UniformRand;
    use rand::SeedableRng;
    use rand_chacha::ChaCha20Rng;

    fn members(rng: &mut ChaCha20Rng, n: usize) -> Vec<NoteCommitment> {
        (0..n).map(|_| NoteCommitment(Fr::rand(rng))).collect()
    }

    fn level1(members: &[NoteCommitment]) -> Vec<Fr> {
        members
            .chunks_exact(4)
            .map(|c| node_over([c[0], c[1], c[2], c[3]]))
            .collect()
    }

    #[test]
    fn the_root_from_level1_is_the_ring_root() {
        let mut rng = ChaCha20Rng::seed_from_u64(41);
        for n in [4, 16, 64, 256] {
            let m = members(&mut rng, n);
            let ring = Ring::new(m.clone()).unwrap();
            assert_eq!(root_from_level1(level1(&m)).unwrap(), ring.root(), "{n}");
        }
    }

    #[test]
    fn a_changed_level1_node_changes_the_root() {
        let mut rng = ChaCha20Rng::seed_from_u64(42);
        let m = members(&mut rng, 16);
        let mut nodes = level1(&m);
        let root = root_from_level1(nodes.clone()).unwrap();
        nodes.swap(0, 1);
        assert_ne!(root_from_level1(nodes.clone()).unwrap(), root);
        nodes.swap(0, 1);
        nodes[3] += Fr::one();
        assert_ne!(root_from_level1(nodes).unwrap(), root);
    }

    #[test]
    fn level1_sizes_that_are_not_a_power_of_four_are_refused() {
        for n in [0usize, 2, 3, 5, 8, 15] {
            assert!(
                matches!(
                    root_from_level1(vec![Fr::one(); n]),
                    Err(CircuitError::RingSizeNotPowerOfFour(m)) if m == 4 * n as u64
                ),
                "{n}"
            );
        }
    }
}
