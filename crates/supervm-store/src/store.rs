//! [`Store`]: opening, the one-write-per-block commit, and queries.

use std::path::{Path as FsPath, PathBuf};

use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, WriteTransaction};
use ringct_circuit::encoding::{field_from_bytes, field_to_bytes};
use ringct_circuit::TxId;
use supervm_runtime::{
    BlockEffects, KeyImage, NewNote, NoteCommitment, Path, Receipt, SpentKeyImage, State, StateDiff,
};

use crate::codec::{decode_object, encode_object, path_byte, path_of, u32_len, Bytes};
use crate::digest::{state_digest, Digest};
use crate::error::{BackendExt, StoreError};
use crate::identity::{hex, StoreIdentity, SCHEMA_VERSION};
use crate::options::StoreOptions;
use crate::tables::{self, meta};

/// A block's header as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockHeader {
    /// Height; genesis is 0.
    pub height: u64,
    /// Hash of the previous block's header (zeros for genesis).
    pub parent: [u8; 32],
    /// The state digest after this block ([`crate::digest`]).
    pub state_digest: Digest,
    /// When the producer sealed it, in milliseconds since the Unix epoch.
    pub timestamp_ms: u64,
    /// Ids of its transactions, in block order.
    pub tx_ids: Vec<TxId>,
}

/// Personalisation of block hashes.
pub const BLOCK_HASH_PERSONAL: &[u8; 16] = b"SuperVM-block-v1";

impl BlockHeader {
    fn encode(&self) -> Result<Vec<u8>, StoreError> {
        let mut out = Vec::with_capacity(84 + 32 * self.tx_ids.len());
        out.extend_from_slice(&self.height.to_le_bytes());
        out.extend_from_slice(&self.parent);
        out.extend_from_slice(&self.state_digest);
        out.extend_from_slice(&self.timestamp_ms.to_le_bytes());
        out.extend_from_slice(&u32_len("block transactions", self.tx_ids.len())?.to_le_bytes());
        for id in &self.tx_ids {
            out.extend_from_slice(&id.0);
        }
        Ok(out)
    }

    fn decode(bytes: &[u8]) -> Result<Self, StoreError> {
        let mut r = Bytes::new("blocks", bytes);
        let height = r.u64("height")?;
        let parent = r.array32("parent")?;
        let state_digest = r.array32("state digest")?;
        let timestamp_ms = r.u64("timestamp")?;
        let count = r.u32("transaction count")? as usize;
        // Bounded by the bytes present: each id is 32 bytes.
        if bytes.len().saturating_sub(84) / 32 < count {
            return Err(r.corrupt("transaction count larger than the record"));
        }
        let tx_ids = (0..count)
            .map(|_| r.array32("transaction id").map(TxId))
            .collect::<Result<Vec<_>, _>>()?;
        r.finish()?;
        Ok(BlockHeader {
            height,
            parent,
            state_digest,
            timestamp_ms,
            tx_ids,
        })
    }

    /// BLAKE2b-256 (personalisation `SuperVM-block-v1`) of the encoded header.
    pub fn hash(&self) -> Result<[u8; 32], StoreError> {
        let bytes = self.encode()?;
        let h = blake2b_simd::Params::new()
            .hash_length(32)
            .personal(BLOCK_HASH_PERSONAL)
            .hash(&bytes);
        let mut out = [0u8; 32];
        out.copy_from_slice(h.as_bytes());
        Ok(out)
    }
}

/// A block as stored: its header and its transactions' canonical bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockRecord {
    /// The header.
    pub header: BlockHeader,
    /// Each transaction's bytes, in block order (as the node encoded them).
    pub txs: Vec<Vec<u8>>,
}

/// A transaction's failure as stored: its kind's exact name and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredError {
    /// `ErrorKind::name` of the error.
    pub kind: String,
    /// The error's message.
    pub message: String,
}

/// A receipt as stored: where the transaction was committed and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReceipt {
    /// Height of the block.
    pub height: u64,
    /// Position in the block.
    pub position: u32,
    /// The path it ran on (`None`: routing rejected it).
    pub path: Option<Path>,
    /// Whether it was re-run by the Fast-to-Consensus fallback.
    pub fallback: bool,
    /// Gas used.
    pub gas_used: u64,
    /// `None` on success.
    pub error: Option<StoredError>,
}

impl StoredReceipt {
    /// The stored form of `receipt`.
    pub fn of(receipt: &Receipt, height: u64, position: u32) -> Self {
        StoredReceipt {
            height,
            position,
            path: receipt.path,
            fallback: receipt.fallback,
            gas_used: receipt.gas_used,
            error: receipt.error.as_ref().map(|e| StoredError {
                kind: e.kind().name().to_owned(),
                message: e.to_string(),
            }),
        }
    }

    /// Whether the transaction succeeded.
    pub fn is_success(&self) -> bool {
        self.error.is_none()
    }

    fn encode(&self) -> Result<Vec<u8>, StoreError> {
        let mut out = Vec::with_capacity(32);
        out.extend_from_slice(&self.height.to_le_bytes());
        out.extend_from_slice(&self.position.to_le_bytes());
        out.push(path_byte(self.path));
        out.push(u8::from(self.fallback));
        out.extend_from_slice(&self.gas_used.to_le_bytes());
        match &self.error {
            None => out.push(0),
            Some(e) => {
                out.push(1);
                let kind_len = u16::try_from(e.kind.len()).map_err(|_| StoreError::TooLarge {
                    what: "error kind",
                    len: e.kind.len(),
                    max: u16::MAX as usize,
                })?;
                out.extend_from_slice(&kind_len.to_le_bytes());
                out.extend_from_slice(e.kind.as_bytes());
                out.extend_from_slice(&u32_len("error message", e.message.len())?.to_le_bytes());
                out.extend_from_slice(e.message.as_bytes());
            }
        }
        Ok(out)
    }

    fn decode(bytes: &[u8]) -> Result<Self, StoreError> {
        let mut r = Bytes::new("receipts", bytes);
        let height = r.u64("height")?;
        let position = r.u32("position")?;
        let path_byte = r.u8("path")?;
        let path = path_of(&r, path_byte)?;
        let fallback = match r.u8("fallback")? {
            0 => false,
            1 => true,
            b => return Err(r.corrupt(format!("fallback flag {b}"))),
        };
        let gas_used = r.u64("gas used")?;
        let error = match r.u8("error tag")? {
            0 => None,
            1 => {
                let len = usize::from(r.u16("kind length")?);
                let kind = r.clone_take(len, "kind")?;
                let kind = utf8(&r, kind)?;
                let len = r.u32("message length")? as usize;
                let message = r.clone_take(len, "message")?;
                let message = utf8(&r, message)?;
                Some(StoredError { kind, message })
            }
            b => return Err(r.corrupt(format!("error tag {b}"))),
        };
        r.finish()?;
        Ok(StoredReceipt {
            height,
            position,
            path,
            fallback,
            gas_used,
            error,
        })
    }
}

fn utf8(r: &Bytes<'_>, bytes: Vec<u8>) -> Result<String, StoreError> {
    String::from_utf8(bytes).map_err(|_| r.corrupt("text is not UTF-8"))
}

impl Bytes<'_> {
    fn clone_take(&mut self, len: usize, what: &str) -> Result<Vec<u8>, StoreError> {
        Ok(self.take(len, what)?.to_vec())
    }
}

/// One ledger entry, for wallets: index, commitment and memo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerNote {
    /// Ledger index.
    pub index: u64,
    /// The note commitment.
    pub commitment: NoteCommitment,
    /// The memo its creator attached (empty for most genesis notes).
    pub memo: Vec<u8>,
}

fn encode_note(commitment: &NoteCommitment, memo: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 + memo.len());
    out.extend_from_slice(&field_to_bytes(&commitment.0));
    out.extend_from_slice(memo);
    out
}

fn decode_note(index: u64, bytes: &[u8]) -> Result<LedgerNote, StoreError> {
    let mut r = Bytes::new("notes", bytes);
    let raw = r.array32("commitment")?;
    let commitment = field_from_bytes(&raw)
        .map(NoteCommitment)
        .ok_or_else(|| r.corrupt(format!("note {index}: commitment is not a field element")))?;
    let memo = r.rest().to_vec();
    Ok(LedgerNote {
        index,
        commitment,
        memo,
    })
}

fn encode_txs(txs: &[(TxId, Vec<u8>)]) -> Result<Vec<u8>, StoreError> {
    let mut out = Vec::new();
    for (_, bytes) in txs {
        out.extend_from_slice(&u32_len("transaction", bytes.len())?.to_le_bytes());
        out.extend_from_slice(bytes);
    }
    Ok(out)
}

fn decode_txs(bytes: &[u8], count: usize) -> Result<Vec<Vec<u8>>, StoreError> {
    let mut r = Bytes::new("block_txs", bytes);
    let mut out = Vec::with_capacity(count.min(bytes.len() / 4 + 1));
    for _ in 0..count {
        let len = r.u32("transaction length")? as usize;
        out.push(r.take(len, "transaction")?.to_vec());
    }
    r.finish()?;
    Ok(out)
}

fn u64_le(r: &Bytes<'_>, bytes: &[u8]) -> Result<u64, StoreError> {
    let arr: [u8; 8] = bytes
        .try_into()
        .map_err(|_| r.corrupt("expected 8 bytes"))?;
    Ok(u64::from_le_bytes(arr))
}

/// The durable state of one node.
pub struct Store {
    db: Database,
    path: PathBuf,
    identity: StoreIdentity,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("network", &self.identity.network)
            .finish()
    }
}

fn fingerprint_key(shape: &supervm_runtime::Shape) -> String {
    format!("{}{shape}", meta::FINGERPRINT_PREFIX)
}

impl Store {
    /// Creates a store at `path` for `identity`, with the genesis state `genesis` as
    /// block 0, in one write. Refuses a path that already holds an initialised store.
    pub fn init(
        path: &FsPath,
        identity: StoreIdentity,
        genesis: &StateDiff,
        timestamp_ms: u64,
    ) -> Result<Store, StoreError> {
        Self::init_with(
            path,
            identity,
            genesis,
            timestamp_ms,
            &StoreOptions::default(),
        )
    }

    /// [`Store::init`] with explicit [`StoreOptions`].
    pub fn init_with(
        path: &FsPath,
        identity: StoreIdentity,
        genesis: &StateDiff,
        timestamp_ms: u64,
        options: &StoreOptions,
    ) -> Result<Store, StoreError> {
        // Genesis must itself be a valid state; checked before touching the disk.
        State::new().apply(genesis)?;
        let created = !path.exists();
        let result = Self::init_at(path, identity, genesis, timestamp_ms, options);
        if result.is_err() && created {
            // Leave nothing half-made behind: the file did not exist before.
            let _ = std::fs::remove_file(path);
        }
        result
    }

    fn init_at(
        path: &FsPath,
        identity: StoreIdentity,
        genesis: &StateDiff,
        timestamp_ms: u64,
        options: &StoreOptions,
    ) -> Result<Store, StoreError> {
        let db = options.builder().create(path).during("create")?;
        {
            let read = db.begin_read().during("begin read")?;
            if let Ok(t) = read.open_table(tables::META) {
                if t.get(meta::SCHEMA_VERSION).during("read meta")?.is_some() {
                    return Err(StoreError::AlreadyInitialised(path.to_path_buf()));
                }
            }
        }
        let store = Store {
            db,
            path: path.to_path_buf(),
            identity,
        };
        let txn = store.db.begin_write().during("begin write")?;
        let result = (|| {
            {
                let mut m = txn.open_table(tables::META).during("open meta")?;
                m.insert(meta::SCHEMA_VERSION, &SCHEMA_VERSION.to_le_bytes()[..])
                    .during("write meta")?;
                m.insert(meta::NETWORK_ID, store.identity.network.as_bytes())
                    .during("write meta")?;
                for (shape, fp) in &store.identity.fingerprints {
                    m.insert(fingerprint_key(shape).as_str(), &fp[..])
                        .during("write meta")?;
                }
            }
            store.write_block(
                &txn,
                0,
                [0u8; 32],
                &[0u8; 32],
                timestamp_ms,
                &[],
                &[],
                genesis,
            )
        })();
        match result {
            Ok(_) => txn.commit().during("commit genesis")?,
            Err(e) => {
                txn.abort().during("abort")?;
                return Err(e);
            }
        }
        Ok(store)
    }

    /// Opens the store at `path`, checking its schema version, network and
    /// verifying-key fingerprints against `identity` (see [`StoreIdentity`]).
    pub fn open(path: &FsPath, identity: StoreIdentity) -> Result<Store, StoreError> {
        Self::open_with(path, identity, &StoreOptions::default())
    }

    /// [`Store::open`] with explicit [`StoreOptions`].
    pub fn open_with(
        path: &FsPath,
        identity: StoreIdentity,
        options: &StoreOptions,
    ) -> Result<Store, StoreError> {
        if !path.exists() {
            return Err(StoreError::NotInitialised(path.to_path_buf()));
        }
        let db = options.builder().create(path).during("open")?;
        let store = Store {
            db,
            path: path.to_path_buf(),
            identity,
        };
        let mut record = Vec::new();
        {
            let read = store.db.begin_read().during("begin read")?;
            let m = match read.open_table(tables::META) {
                Ok(m) => m,
                Err(redb::TableError::TableDoesNotExist(_)) => {
                    return Err(StoreError::NotInitialised(path.to_path_buf()))
                }
                Err(e) => return Err(StoreError::backend("open meta")(e.into())),
            };
            let r = Bytes::new("meta", &[]);
            let version = m
                .get(meta::SCHEMA_VERSION)
                .during("read meta")?
                .ok_or_else(|| StoreError::NotInitialised(path.to_path_buf()))?;
            let found = u32::from_le_bytes(
                version
                    .value()
                    .try_into()
                    .map_err(|_| r.corrupt("schema version is not 4 bytes"))?,
            );
            if found != SCHEMA_VERSION {
                return Err(StoreError::SchemaVersion {
                    found,
                    supported: SCHEMA_VERSION,
                });
            }
            let network = m
                .get(meta::NETWORK_ID)
                .during("read meta")?
                .ok_or_else(|| r.corrupt("no network id"))?;
            if network.value() != store.identity.network.as_bytes() {
                return Err(StoreError::NetworkMismatch {
                    stored: String::from_utf8_lossy(network.value()).into_owned(),
                    configured: store.identity.network.clone(),
                });
            }
            for (shape, configured) in &store.identity.fingerprints {
                match m.get(fingerprint_key(shape).as_str()).during("read meta")? {
                    Some(stored) if stored.value() != &configured[..] => {
                        return Err(StoreError::FingerprintMismatch {
                            shape: *shape,
                            stored: hex(stored.value()),
                            configured: hex(configured),
                        })
                    }
                    Some(_) => {}
                    None => record.push((*shape, *configured)),
                }
            }
        }
        if !record.is_empty() {
            let txn = store.db.begin_write().during("begin write")?;
            {
                let mut m = txn.open_table(tables::META).during("open meta")?;
                for (shape, fp) in &record {
                    m.insert(fingerprint_key(shape).as_str(), &fp[..])
                        .during("write meta")?;
                }
            }
            txn.commit().during("commit meta")?;
        }
        Ok(store)
    }

    /// The identity the store was opened with.
    pub fn identity(&self) -> &StoreIdentity {
        &self.identity
    }

    /// The file the store lives in.
    pub fn path(&self) -> &FsPath {
        &self.path
    }

    /// The header of the last committed block.
    pub fn tip(&self) -> Result<BlockHeader, StoreError> {
        let read = self.db.begin_read().during("begin read")?;
        let blocks = read.open_table(tables::BLOCKS).during("open blocks")?;
        let (_, last) = blocks
            .last()
            .during("read blocks")?
            .ok_or_else(|| Bytes::new("blocks", &[]).corrupt("no genesis block"))?;
        BlockHeader::decode(last.value())
    }

    /// Commits one block in one durable write transaction: its header (height, parent
    /// hash, state digest, timestamp, transaction ids), its transactions' bytes, one
    /// receipt per transaction, and its state diff (objects, notes with memos and the
    /// commitment index, spent key images with the spending transaction's id).
    ///
    /// Refuses, writing nothing: receipts that do not match the transactions, a
    /// transaction id already committed or repeated, and a diff that does not fit the
    /// stored state (notes that do not continue the ledger, a commitment the ledger
    /// holds, a spent key image).
    pub fn commit_block(
        &self,
        timestamp_ms: u64,
        txs: &[(TxId, Vec<u8>)],
        effects: &BlockEffects,
    ) -> Result<BlockHeader, StoreError> {
        if effects.receipts.len() != txs.len() {
            return Err(StoreError::ReceiptCountMismatch {
                txs: txs.len(),
                receipts: effects.receipts.len(),
            });
        }
        let tip = self.tip()?;
        let height = tip.height + 1;
        let parent = tip.hash()?;
        let txn = self.db.begin_write().during("begin write")?;
        let result = self.write_block(
            &txn,
            height,
            parent,
            &tip.state_digest,
            timestamp_ms,
            txs,
            &effects.receipts,
            &effects.diff,
        );
        match result {
            Ok(header) => {
                txn.commit().during("commit block")?;
                Ok(header)
            }
            Err(e) => {
                txn.abort().during("abort")?;
                Err(e)
            }
        }
    }

    /// Writes block `height` into `txn` after checking it fits.
    #[allow(clippy::too_many_arguments)]
    fn write_block(
        &self,
        txn: &WriteTransaction,
        height: u64,
        parent: [u8; 32],
        previous_digest: &Digest,
        timestamp_ms: u64,
        txs: &[(TxId, Vec<u8>)],
        receipts: &[Receipt],
        diff: &StateDiff,
    ) -> Result<BlockHeader, StoreError> {
        let mismatch = |what: String| StoreError::DiffMismatch { what };
        let mut blocks = txn.open_table(tables::BLOCKS).during("open blocks")?;
        if let Some((last, _)) = blocks.last().during("read blocks")? {
            if last.value() + 1 != height {
                return Err(StoreError::HeightMismatch {
                    tip: last.value(),
                    got: height,
                });
            }
        }
        let mut receipts_table = txn.open_table(tables::RECEIPTS).during("open receipts")?;
        let mut seen = std::collections::HashSet::new();
        for (id, _) in txs {
            if !seen.insert(id.0) || receipts_table.get(&id.0).during("read receipts")?.is_some() {
                return Err(StoreError::DuplicateTransaction(id.to_string()));
            }
        }
        let mut notes = txn.open_table(tables::NOTES).during("open notes")?;
        let mut note_index = txn
            .open_table(tables::NOTE_INDEX)
            .during("open note index")?;
        let mut key_images = txn
            .open_table(tables::KEY_IMAGES)
            .during("open key images")?;
        let mut objects = txn.open_table(tables::OBJECTS).during("open objects")?;

        let ledger_len = notes.len().during("count notes")?;
        for (
            k,
            NewNote {
                index, commitment, ..
            },
        ) in diff.notes.iter().enumerate()
        {
            if *index != ledger_len + k as u64 {
                return Err(mismatch(format!(
                    "note index {index} does not continue a ledger of {}",
                    ledger_len + k as u64
                )));
            }
            let cm = field_to_bytes(&commitment.0);
            if note_index.get(&cm).during("read note index")?.is_some() {
                return Err(mismatch(format!(
                    "note {index}: the commitment is already in the ledger"
                )));
            }
            note_index.insert(&cm, *index).during("write note index")?;
        }
        for note in &diff.notes {
            notes
                .insert(
                    note.index,
                    encode_note(&note.commitment, &note.memo).as_slice(),
                )
                .during("write notes")?;
        }
        for SpentKeyImage { key_image, tx } in &diff.key_images {
            let ki = field_to_bytes(&key_image.0);
            if key_images.get(&ki).during("read key images")?.is_some() {
                return Err(mismatch("a key image is already spent".into()));
            }
            let spender = txs.get(*tx).map(|(id, _)| id.0).ok_or_else(|| {
                mismatch(format!(
                    "a key image names transaction {tx}, not in the block"
                ))
            })?;
            key_images
                .insert(&ki, &spender)
                .during("write key images")?;
        }
        for (id, object) in &diff.objects {
            if *id != object.id {
                return Err(mismatch("an object is filed under another id".into()));
            }
            objects
                .insert(&id.0, encode_object(object)?.as_slice())
                .during("write objects")?;
        }
        for (position, ((id, _), receipt)) in txs.iter().zip(receipts).enumerate() {
            let position = u32_len("block", position)?;
            let stored = StoredReceipt::of(receipt, height, position);
            receipts_table
                .insert(&id.0, stored.encode()?.as_slice())
                .during("write receipts")?;
        }
        let header = BlockHeader {
            height,
            parent,
            state_digest: state_digest(previous_digest, diff)?,
            timestamp_ms,
            tx_ids: txs.iter().map(|(id, _)| *id).collect(),
        };
        blocks
            .insert(height, header.encode()?.as_slice())
            .during("write blocks")?;
        let mut block_txs = txn.open_table(tables::BLOCK_TXS).during("open block txs")?;
        block_txs
            .insert(height, encode_txs(txs)?.as_slice())
            .during("write block txs")?;
        let mut m = txn.open_table(tables::META).during("open meta")?;
        m.insert(meta::TIP_HEIGHT, &height.to_le_bytes()[..])
            .during("write meta")?;
        Ok(header)
    }

    /// Block `height` with its transactions, if committed.
    pub fn block(&self, height: u64) -> Result<Option<BlockRecord>, StoreError> {
        let read = self.db.begin_read().during("begin read")?;
        let blocks = read.open_table(tables::BLOCKS).during("open blocks")?;
        let Some(h) = blocks.get(height).during("read blocks")? else {
            return Ok(None);
        };
        let header = BlockHeader::decode(h.value())?;
        let block_txs = read
            .open_table(tables::BLOCK_TXS)
            .during("open block txs")?;
        let txs = match block_txs.get(height).during("read block txs")? {
            Some(b) => decode_txs(b.value(), header.tx_ids.len())?,
            None => {
                return Err(Bytes::new("block_txs", &[])
                    .corrupt(format!("block {height} has no transactions record")))
            }
        };
        Ok(Some(BlockRecord { header, txs }))
    }

    /// The receipt of a committed transaction.
    pub fn receipt(&self, id: &TxId) -> Result<Option<StoredReceipt>, StoreError> {
        let read = self.db.begin_read().during("begin read")?;
        let t = read.open_table(tables::RECEIPTS).during("open receipts")?;
        t.get(&id.0)
            .during("read receipts")?
            .map(|v| StoredReceipt::decode(v.value()))
            .transpose()
    }

    /// Up to `limit` ledger notes from index `start`, in index order.
    pub fn notes(&self, start: u64, limit: usize) -> Result<Vec<LedgerNote>, StoreError> {
        let read = self.db.begin_read().during("begin read")?;
        let t = read.open_table(tables::NOTES).during("open notes")?;
        let mut out = Vec::with_capacity(limit.min(4096));
        for entry in t.range(start..).during("read notes")?.take(limit) {
            let (k, v) = entry.during("read notes")?;
            out.push(decode_note(k.value(), v.value())?);
        }
        Ok(out)
    }

    /// Number of notes in the ledger.
    pub fn note_count(&self) -> Result<u64, StoreError> {
        let read = self.db.begin_read().during("begin read")?;
        let t = read.open_table(tables::NOTES).during("open notes")?;
        t.len().during("count notes")
    }

    /// The id of the transaction that spent `key_image`, if it is spent.
    pub fn key_image_spent(&self, key_image: &KeyImage) -> Result<Option<TxId>, StoreError> {
        let read = self.db.begin_read().during("begin read")?;
        let t = read
            .open_table(tables::KEY_IMAGES)
            .during("open key images")?;
        Ok(t.get(&field_to_bytes(&key_image.0))
            .during("read key images")?
            .map(|v| TxId(*v.value())))
    }

    /// Rebuilds the in-memory state: every object, the ledger in index order and the
    /// spent key images. Refuses a store whose contents do not rebuild.
    pub fn load_state(&self) -> Result<State, StoreError> {
        let read = self.db.begin_read().during("begin read")?;
        let mut diff = StateDiff::default();
        let objects = read.open_table(tables::OBJECTS).during("open objects")?;
        for entry in objects.iter().during("read objects")? {
            let (_, v) = entry.during("read objects")?;
            let object = decode_object(v.value())?;
            diff.objects.insert(object.id, object);
        }
        let notes = read.open_table(tables::NOTES).during("open notes")?;
        for entry in notes.iter().during("read notes")? {
            let (k, v) = entry.during("read notes")?;
            let r = Bytes::new("notes", v.value());
            let raw: [u8; 32] = v
                .value()
                .get(..32)
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| r.corrupt("note shorter than a commitment"))?;
            let commitment = field_from_bytes(&raw)
                .map(NoteCommitment)
                .ok_or_else(|| r.corrupt("commitment is not a field element"))?;
            diff.notes.push(NewNote {
                index: k.value(),
                commitment,
                memo: Vec::new(),
                tx: 0,
            });
        }
        let kis = read
            .open_table(tables::KEY_IMAGES)
            .during("open key images")?;
        for entry in kis.iter().during("read key images")? {
            let (k, _) = entry.during("read key images")?;
            let key_image = field_from_bytes(k.value()).map(KeyImage).ok_or_else(|| {
                Bytes::new("key_images", &[]).corrupt("key image is not a field element")
            })?;
            diff.key_images.push(SpentKeyImage { key_image, tx: 0 });
        }
        let mut state = State::new();
        state.apply(&diff)?;
        Ok(state)
    }

    /// Bytes the store's file takes on disk.
    pub fn size_bytes(&self) -> Result<u64, StoreError> {
        std::fs::metadata(&self.path)
            .map(|m| m.len())
            .map_err(|e| StoreError::Backend {
                op: "stat",
                source: redb::Error::Io(e),
            })
    }

    /// The tip height recorded in `meta` (equals [`Store::tip`]'s height).
    pub fn tip_height(&self) -> Result<u64, StoreError> {
        let read = self.db.begin_read().during("begin read")?;
        let m = read.open_table(tables::META).during("open meta")?;
        let v = m
            .get(meta::TIP_HEIGHT)
            .during("read meta")?
            .ok_or_else(|| Bytes::new("meta", &[]).corrupt("no tip height"))?;
        u64_le(&Bytes::new("meta", &[]), v.value())
    }
}
