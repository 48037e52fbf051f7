//! The object model: ids, addresses, owners and objects.
//!
//! Ownership decides routing (see [`crate::routing`]): an object owned by the sender can be
//! used on the Fast path, a shared object needs the Consensus path, an immutable object can
//! be read anywhere and written nowhere. No instruction changes an object's owner or
//! creates or deletes objects, so ownership is fixed for the duration of a block.

use std::fmt;

/// Writes `bytes` as `0x`-prefixed lower-case hex.
fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8; 32]) -> fmt::Result {
    f.write_str("0x")?;
    for b in bytes {
        write!(f, "{b:02x}")?;
    }
    Ok(())
}

/// A 32-byte object identifier. Ordered as its bytes are (lexicographically).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ObjectId(pub [u8; 32]);

/// The two big-endian halves of 32 bytes: they compare as the bytes do.
#[inline]
fn be_halves(b: &[u8; 32]) -> (u128, u128) {
    let hi = b.first_chunk::<16>().map_or(0, |c| u128::from_be_bytes(*c));
    let lo = b.last_chunk::<16>().map_or(0, |c| u128::from_be_bytes(*c));
    (hi, lo)
}

// By hand rather than derived: the derived order compares the bytes through `memcmp`,
// a call per comparison, and the state's maps compare ids on every lookup (dozens per
// lookup). Comparing two big-endian halves gives the same order (tested below) in a few
// instructions, inline.
impl Ord for ObjectId {
    #[inline]
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        be_halves(&self.0).cmp(&be_halves(&other.0))
    }
}

impl PartialOrd for ObjectId {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl ObjectId {
    /// An id whose last eight bytes are `n` in big-endian order (the rest zero).
    pub const fn from_u64(n: u64) -> Self {
        ObjectId(widen(n))
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ObjectId(")?;
        write_hex(f, &self.0)?;
        f.write_str(")")
    }
}

/// A 32-byte account address (the sender of public transactions).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Address(pub [u8; 32]);

impl Address {
    /// An address whose last eight bytes are `n` in big-endian order (the rest zero).
    pub const fn from_u64(n: u64) -> Self {
        Address(widen(n))
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Address(")?;
        write_hex(f, &self.0)?;
        f.write_str(")")
    }
}

const fn widen(n: u64) -> [u8; 32] {
    let be = n.to_be_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 8 {
        out[24 + i] = be[i];
        i += 1;
    }
    out
}

/// Who may use an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    /// Owned by one address: only transactions sent by it may touch the object.
    Address(Address),
    /// Shared: any transaction may read and write it, but only on the Consensus path.
    Shared,
    /// Immutable: any transaction may read it, on any path; nobody may write it.
    Immutable,
}

/// One object of the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    /// Identifier (unique in a [`State`](crate::State)).
    pub id: ObjectId,
    /// Owner.
    pub owner: Owner,
    /// Bumped by one for each successful transaction that modifies the object.
    pub version: u64,
    /// Balance.
    pub balance: u64,
    /// Opaque data.
    pub data: Vec<u8>,
}

impl Object {
    /// A new object at version 0.
    pub fn new(id: ObjectId, owner: Owner, balance: u64, data: Vec<u8>) -> Self {
        Object {
            id,
            owner,
            version: 0,
            balance,
            data,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_u64_is_big_endian_in_the_last_bytes() {
        let id = ObjectId::from_u64(0x0102);
        assert_eq!(id.0[30], 1);
        assert_eq!(id.0[31], 2);
        assert!(id.0[..30].iter().all(|&b| b == 0));
        assert!(ObjectId::from_u64(1) < ObjectId::from_u64(2));
        assert_eq!(
            Address::from_u64(255).to_string(),
            format!("0x{}ff", "0".repeat(62))
        );
    }

    #[test]
    fn ids_order_as_their_bytes() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for _ in 0..2_000 {
            let mut a: [u8; 32] = rng.gen();
            let mut b = a;
            // Make them differ in one random byte (or not at all), so every word decides.
            if rng.gen_bool(0.9) {
                let k = rng.gen_range(0..32);
                b[k] = rng.gen();
            }
            if rng.gen_bool(0.5) {
                std::mem::swap(&mut a, &mut b);
            }
            assert_eq!(ObjectId(a).cmp(&ObjectId(b)), a.cmp(&b), "{a:?} {b:?}");
            assert_eq!(ObjectId(a).partial_cmp(&ObjectId(b)), Some(a.cmp(&b)));
        }
    }
}
