//! The tables. Keys and values are fixed-size arrays, integers or bytes in
//! the encodings of [`crate::codec`].
//!
//! | table | key | value |
//! |---|---|---|
//! | `meta` | name | bytes (schema version, network id, fingerprints, tip) |
//! | `objects` | object id (32) | encoded object |
//! | `notes` | ledger index | commitment (32) · memo |
//! | `note_index` | commitment (32) | ledger index |
//! | `key_images` | key image (32) | id of the spending transaction (32) |
//! | `blocks` | height | encoded header |
//! | `block_txs` | height | the block's transactions, length-prefixed |
//! | `receipts` | transaction id (32) | encoded receipt |

use redb::TableDefinition;

/// Store identity and the tip.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// Objects by id.
pub const OBJECTS: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("objects");
/// The note ledger: index to commitment and memo.
pub const NOTES: TableDefinition<u64, &[u8]> = TableDefinition::new("notes");
/// The note ledger's inverse: commitment to index.
pub const NOTE_INDEX: TableDefinition<&[u8; 32], u64> = TableDefinition::new("note_index");
/// Spent key images, with the transaction that spent each.
pub const KEY_IMAGES: TableDefinition<&[u8; 32], &[u8; 32]> = TableDefinition::new("key_images");
/// Block headers by height.
pub const BLOCKS: TableDefinition<u64, &[u8]> = TableDefinition::new("blocks");
/// Block transactions by height.
pub const BLOCK_TXS: TableDefinition<u64, &[u8]> = TableDefinition::new("block_txs");
/// Receipts by transaction id.
pub const RECEIPTS: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("receipts");

/// `meta` keys.
pub mod meta {
    /// u32 little-endian.
    pub const SCHEMA_VERSION: &str = "schema_version";
    /// The network id's bytes.
    pub const NETWORK_ID: &str = "network_id";
    /// Prefix of one key per shape (`fingerprint/2x2-r16`): 32 bytes.
    pub const FINGERPRINT_PREFIX: &str = "fingerprint/";
    /// u64 little-endian: the height of the last committed block.
    pub const TIP_HEIGHT: &str = "tip_height";
}
