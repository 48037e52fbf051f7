//! The state digest: a hash chain over the blocks' state diffs.
//!
//! ```text
//! digest_0 = H(0^32 · diff(genesis))
//! digest_h = H(digest_{h-1} · diff(block h))
//! H        = BLAKE2b-256, personalisation "SuperVM-state-v1"
//! diff     := n_obj:u32le · object × n_obj          objects in id order, codec encoding
//!             · n_notes:u32le · (index:u64le · cm:[32] · len:u32le · memo) × n_notes
//!             · n_ki:u32le · key_image:[32] × n_ki  in block order
//! ```
//!
//! Each block's digest commits to the whole state after it (by induction over
//! the chain), costs time in the size of the block's changes only, and is
//! reproduced exactly by replaying the blocks from genesis: a check that the
//! store holds what execution produced.

use ringct_circuit::encoding::field_to_bytes;
use supervm_runtime::StateDiff;

use crate::codec::{encode_object, u32_len};
use crate::error::StoreError;

/// Personalisation of the digest hash.
pub const DIGEST_PERSONAL: &[u8; 16] = b"SuperVM-state-v1";

/// A state digest (32 bytes); printed as hex.
pub type Digest = [u8; 32];

/// The digest after `diff`, chained onto `previous`.
pub fn state_digest(previous: &Digest, diff: &StateDiff) -> Result<Digest, StoreError> {
    let mut h = blake2b_simd::Params::new()
        .hash_length(32)
        .personal(DIGEST_PERSONAL)
        .to_state();
    h.update(previous);
    h.update(&u32_len("diff objects", diff.objects.len())?.to_le_bytes());
    for object in diff.objects.values() {
        h.update(&encode_object(object)?);
    }
    h.update(&u32_len("diff notes", diff.notes.len())?.to_le_bytes());
    for note in &diff.notes {
        h.update(&note.index.to_le_bytes());
        h.update(&field_to_bytes(&note.commitment.0));
        h.update(&u32_len("memo", note.memo.len())?.to_le_bytes());
        h.update(&note.memo);
    }
    h.update(&u32_len("diff key images", diff.key_images.len())?.to_le_bytes());
    for ki in &diff.key_images {
        h.update(&field_to_bytes(&ki.key_image.0));
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(h.finalize().as_bytes());
    Ok(out)
}
