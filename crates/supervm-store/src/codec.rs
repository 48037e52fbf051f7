//! Byte encodings of what the store keeps. Every decoder is strict: it fails
//! with [`StoreError::Corrupt`] naming the table, never panics, and refuses
//! trailing bytes.
//!
//! ```text
//! object   := id:[32] · owner · version:u64le · balance:u64le · len:u32le · data:[len]
//! owner    := 0 · address:[32]  |  1 (shared)  |  2 (immutable)
//! note     := commitment:[32] · memo (the rest)
//! receipt  := height:u64le · position:u32le · path:u8 (0 none, 1 fast, 2 consensus, 3 privacy)
//!             · fallback:u8 · gas_used:u64le · error
//! error    := 0  |  1 · kind_len:u16le · kind · msg_len:u32le · msg
//! header   := height:u64le · parent:[32] · digest:[32] · timestamp_ms:u64le
//!             · count:u32le · tx_id:[32] × count
//! txs      := (len:u32le · bytes:[len]) × count
//! ```

use supervm_runtime::{Address, Object, ObjectId, Owner, Path};

use crate::error::StoreError;

/// Largest object data the store encodes (its length is a u32).
pub const MAX_DATA: usize = u32::MAX as usize;

/// A strict reader over one stored value.
pub(crate) struct Bytes<'a> {
    table: &'static str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Bytes<'a> {
    pub(crate) fn new(table: &'static str, bytes: &'a [u8]) -> Self {
        Bytes {
            table,
            bytes,
            at: 0,
        }
    }

    pub(crate) fn corrupt(&self, reason: impl Into<String>) -> StoreError {
        StoreError::Corrupt {
            table: self.table,
            reason: reason.into(),
        }
    }

    pub(crate) fn take(&mut self, len: usize, what: &str) -> Result<&'a [u8], StoreError> {
        if self.bytes.len() - self.at < len {
            return Err(self.corrupt(format!("ends inside {what} at byte {}", self.at)));
        }
        let out = &self.bytes[self.at..self.at + len];
        self.at += len;
        Ok(out)
    }

    pub(crate) fn array32(&mut self, what: &str) -> Result<[u8; 32], StoreError> {
        let mut out = [0u8; 32];
        out.copy_from_slice(self.take(32, what)?);
        Ok(out)
    }

    pub(crate) fn u8(&mut self, what: &str) -> Result<u8, StoreError> {
        Ok(self.take(1, what)?[0])
    }

    pub(crate) fn u16(&mut self, what: &str) -> Result<u16, StoreError> {
        let b = self.take(2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub(crate) fn u32(&mut self, what: &str) -> Result<u32, StoreError> {
        let mut w = [0u8; 4];
        w.copy_from_slice(self.take(4, what)?);
        Ok(u32::from_le_bytes(w))
    }

    pub(crate) fn u64(&mut self, what: &str) -> Result<u64, StoreError> {
        let mut w = [0u8; 8];
        w.copy_from_slice(self.take(8, what)?);
        Ok(u64::from_le_bytes(w))
    }

    /// The bytes not read yet.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let out = &self.bytes[self.at..];
        self.at = self.bytes.len();
        out
    }

    pub(crate) fn finish(self) -> Result<(), StoreError> {
        if self.at != self.bytes.len() {
            return Err(self.corrupt(format!(
                "{} trailing bytes at byte {}",
                self.bytes.len() - self.at,
                self.at
            )));
        }
        Ok(())
    }
}

/// Length of `len` as a u32 field, or `TooLarge`.
pub(crate) fn u32_len(what: &'static str, len: usize) -> Result<u32, StoreError> {
    u32::try_from(len).map_err(|_| StoreError::TooLarge {
        what,
        len,
        max: u32::MAX as usize,
    })
}

/// Encodes an object.
pub fn encode_object(o: &Object) -> Result<Vec<u8>, StoreError> {
    let mut out = Vec::with_capacity(32 + 33 + 20 + o.data.len());
    out.extend_from_slice(&o.id.0);
    match o.owner {
        Owner::Address(a) => {
            out.push(0);
            out.extend_from_slice(&a.0);
        }
        Owner::Shared => out.push(1),
        Owner::Immutable => out.push(2),
    }
    out.extend_from_slice(&o.version.to_le_bytes());
    out.extend_from_slice(&o.balance.to_le_bytes());
    out.extend_from_slice(&u32_len("object data", o.data.len())?.to_le_bytes());
    out.extend_from_slice(&o.data);
    Ok(out)
}

/// Decodes an object.
pub fn decode_object(bytes: &[u8]) -> Result<Object, StoreError> {
    let mut r = Bytes::new("objects", bytes);
    let id = ObjectId(r.array32("id")?);
    let owner = match r.u8("owner")? {
        0 => Owner::Address(Address(r.array32("owner address")?)),
        1 => Owner::Shared,
        2 => Owner::Immutable,
        tag => return Err(r.corrupt(format!("unknown owner tag {tag}"))),
    };
    let version = r.u64("version")?;
    let balance = r.u64("balance")?;
    let len = r.u32("data length")? as usize;
    let data = r.take(len, "data")?.to_vec();
    r.finish()?;
    Ok(Object {
        id,
        owner,
        version,
        balance,
        data,
    })
}

/// The byte of a receipt's path.
pub(crate) fn path_byte(path: Option<Path>) -> u8 {
    match path {
        None => 0,
        Some(Path::Fast) => 1,
        Some(Path::Consensus) => 2,
        Some(Path::Privacy) => 3,
    }
}

/// The path of a receipt's byte.
pub(crate) fn path_of(r: &Bytes<'_>, byte: u8) -> Result<Option<Path>, StoreError> {
    Ok(match byte {
        0 => None,
        1 => Some(Path::Fast),
        2 => Some(Path::Consensus),
        3 => Some(Path::Privacy),
        b => return Err(r.corrupt(format!("unknown path {b}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_round_trip_and_bad_bytes_are_corrupt() {
        for owner in [
            Owner::Address(Address::from_u64(7)),
            Owner::Shared,
            Owner::Immutable,
        ] {
            let mut o = Object::new(ObjectId::from_u64(3), owner, 99, b"data".to_vec());
            o.version = 5;
            let bytes = encode_object(&o).unwrap();
            assert_eq!(decode_object(&bytes).unwrap(), o);
            for cut in 0..bytes.len() {
                assert!(matches!(
                    decode_object(&bytes[..cut]),
                    Err(StoreError::Corrupt {
                        table: "objects",
                        ..
                    })
                ));
            }
            let mut long = bytes.clone();
            long.push(0);
            assert!(decode_object(&long).is_err());
        }
        let mut bytes = encode_object(&Object::new(
            ObjectId::from_u64(1),
            Owner::Shared,
            0,
            vec![],
        ))
        .unwrap();
        bytes[32] = 9;
        assert!(matches!(
            decode_object(&bytes),
            Err(StoreError::Corrupt { .. })
        ));
    }
}
