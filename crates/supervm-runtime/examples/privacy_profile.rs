//! A block of private 2x2-r16 transactions for instruction counting: where the Privacy
//! path's work goes, step by step, under `valgrind --tool=callgrind`.
//!
//! Proving is far too slow under valgrind, so the fixture is made natively first:
//!
//! ```text
//! cargo run --example privacy_profile -- write DIR [TXS]
//! valgrind --tool=callgrind --callgrind-out-file=DIR/callgrind.out \
//!     target/debug/examples/privacy_profile run DIR
//! callgrind_annotate --inclusive=yes DIR/callgrind.out
//! ```
//!
//! `privacy_profile poseidon plain|optimised N` runs N width-5 permutations (the ring
//! tree's H4) with `permute_plain` or `permute`, after generating the parameters, so the
//! difference of two callgrind totals is the permutations' own instruction count.
//!
//! `write` makes insecure fixed-seed keys (benchmark only) and writes the verifying key to
//! DIR (`ringct_prover::keyfile`), then a ledger of 4,096 random decoy commitments plus two
//! notes per transaction, and TXS (default 16) proven transactions whose rings are 15
//! decoys and the real note (as `cargo xtask bench` builds them), to `DIR/fixture.bin`.
//! `write DIR TXS binned` draws rings as the wallet does for rings of 16 instead: four
//! whole aligned bins of the ledger, one of them the real note's (each spent note is
//! followed by three random notes, so its bin is complete). `run` mints the ledger (which
//! computes the bin nodes, as a node does when it commits notes) before the block.
//! `run` loads both, checks the verifying key, builds the genesis state and runs the
//! block once on one thread; every transaction must be accepted. `load` does all of
//! that but the block, so the difference of the two callgrind totals is the block's own
//! instruction count.
//!
//! `fixture.bin`: `u32` count of commitments, each 32 bytes (canonical little-endian), then
//! `u32` count of transactions, each a `u32` length and the transaction's canonical bytes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rand::seq::index::sample;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use ringct_circuit::poseidon::{hash4, params, permute, permute_plain, Tag, Width};
use ringct_circuit::{build_witness, Fr, KeyPair, Note, Ring, RingCtWitness, SpendInput};
use ringct_prover::keyfile::{load_verifying_key, write_keys};
use ringct_prover::{ParallelProveConfig, RingCtKeys, RingCtParallelProver};
use ringct_verifier::decode::{decode_public_input, encode_public_input, PUBLIC_INPUT_LEN};
use ringct_verifier::BatchVerifier;
use supervm_runtime::{
    tx_binding, NetworkId, NoteCommitment, PrivateTx, Shape, State, SuperVM, Transaction, TxBody,
    TxOutput,
};

const KEY_SEED: u64 = 2024;
const DECOYS: usize = 4_096;

type Res<T> = Result<T, String>;

fn shape() -> Shape {
    Shape::default()
}

/// Ring `k` of a transaction: 15 uniform decoys from the first [`DECOYS`] notes and the
/// real note at a random position (`binned == false`), or, as the wallet draws rings of
/// 16, four whole aligned bins of four notes in random order, one of them the real
/// note's (the real note then sits at `4 * slot + real % 4`).
fn ring_refs(rng: &mut ChaCha20Rng, ledger: u64, real: u64, binned: bool) -> (Vec<u64>, usize) {
    let ring_size = shape().ring_size() as usize;
    if !binned {
        let mut refs: Vec<u64> = sample(rng, DECOYS, ring_size - 1)
            .into_iter()
            .map(|i| i as u64)
            .collect();
        let position = rng.gen_range(0..ring_size);
        refs.insert(position, real);
        return (refs, position);
    }
    let bins = ring_size / 4;
    let mut chosen = vec![real / 4];
    while chosen.len() < bins {
        let b = rng.gen_range(0..ledger / 4);
        if !chosen.contains(&b) {
            chosen.push(b);
        }
    }
    chosen.shuffle(rng);
    let slot = chosen
        .iter()
        .position(|&b| b == real / 4)
        .expect("the real bin");
    let refs = chosen.iter().flat_map(|&b| 4 * b..4 * b + 4).collect();
    (refs, 4 * slot + (real % 4) as usize)
}

fn write(dir: &Path, count: usize, binned: bool) -> Res<()> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let keys = Arc::new(
        RingCtKeys::insecure_dev_setup_from_fixed_seed(shape(), KEY_SEED)
            .map_err(|e| e.to_string())?,
    );
    write_keys(dir, &keys).map_err(|e| e.to_string())?;
    let mut rng = ChaCha20Rng::seed_from_u64(0x00b1_0c4e);
    let mut ledger: Vec<NoteCommitment> = (0..DECOYS)
        .map(|_| NoteCommitment(Fr::from(rng.gen::<u128>())))
        .collect();
    let mut bodies = Vec::with_capacity(count);
    let mut witnesses: Vec<RingCtWitness> = Vec::with_capacity(count);
    for _ in 0..count {
        let mut inputs = Vec::new();
        let mut ring_members = Vec::new();
        let mut total = 0u64;
        for _ in 0..shape().inputs {
            let kp = KeyPair::random(&mut rng);
            let note = Note::new(rng.gen_range(1_000..1_000_000), kp.public_key, &mut rng);
            total += note.value;
            let index = ledger.len() as u64;
            ledger.push(note.commitment());
            if binned {
                // The real note's bin: it and three random notes (the ledger stays a
                // multiple of four long).
                for _ in 1..4 {
                    ledger.push(NoteCommitment(Fr::from(rng.gen::<u128>())));
                }
            }
            let (refs, position) = ring_refs(&mut rng, ledger.len() as u64, index, binned);
            let members = refs.iter().map(|&i| ledger[i as usize]).collect();
            inputs.push(SpendInput {
                note,
                spending_key: kp.spending_key,
                ring: Ring::new(members).map_err(|e| e.to_string())?,
                position,
            });
            ring_members.push(refs);
        }
        let fee = rng.gen_range(0..100);
        let outputs =
            ringct_circuit::sample::random_outputs(shape().outputs, total - fee, &mut rng);
        let body = TxBody {
            shape: shape(),
            ring_members,
            outputs: outputs
                .iter()
                .map(|n| TxOutput {
                    commitment: n.commitment(),
                    memo: (0..64).map(|_| rng.gen()).collect(),
                })
                .collect(),
            fee,
        };
        let ctx = tx_binding(&NetworkId::devnet(), &body).map_err(|e| e.to_string())?;
        let (witness, _) =
            build_witness(shape(), &inputs, &outputs, fee, ctx).map_err(|e| e.to_string())?;
        witnesses.push(witness);
        bodies.push(body);
    }
    let prover = RingCtParallelProver::new(
        Arc::clone(&keys),
        ParallelProveConfig {
            shape: shape(),
            ..ParallelProveConfig::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    out.extend_from_slice(&(ledger.len() as u32).to_le_bytes());
    for cm in &ledger {
        out.extend_from_slice(&encode_public_input(&cm.0));
    }
    out.extend_from_slice(&(count as u32).to_le_bytes());
    for (r, body) in prover
        .prove_batch(&witnesses)
        .results
        .into_iter()
        .zip(bodies)
    {
        let proved = r.map_err(|e| e.to_string())?;
        let tx = Transaction::from(PrivateTx {
            body,
            key_images: proved.statement.key_images.clone(),
            proof: proved.proof.to_bytes(),
        });
        let bytes = tx.to_bytes().map_err(|e| e.to_string())?;
        out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(&bytes);
    }
    std::fs::write(dir.join("fixture.bin"), out).map_err(|e| e.to_string())
}

/// Reads `n` bytes at `*at`.
fn take<'a>(bytes: &'a [u8], at: &mut usize, n: usize) -> Res<&'a [u8]> {
    let end = at.checked_add(n).filter(|&e| e <= bytes.len());
    let end = end.ok_or("fixture.bin is truncated")?;
    let out = &bytes[*at..end];
    *at = end;
    Ok(out)
}

fn take_u32(bytes: &[u8], at: &mut usize) -> Res<usize> {
    let b = take(bytes, at, 4)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
}

fn run(dir: &Path, execute: bool) -> Res<()> {
    let (vk, _) = load_verifying_key(dir, shape(), None).map_err(|e| e.to_string())?;
    let verifier = BatchVerifier::for_shape(vk, shape()).map_err(|e| e.to_string())?;
    let bytes = std::fs::read(dir.join("fixture.bin")).map_err(|e| e.to_string())?;
    let mut at = 0;
    let mut genesis = State::new();
    for _ in 0..take_u32(&bytes, &mut at)? {
        let raw: [u8; PUBLIC_INPUT_LEN] = take(&bytes, &mut at, PUBLIC_INPUT_LEN)?
            .try_into()
            .map_err(|_| "short commitment")?;
        let cm = decode_public_input(0, &raw).map_err(|e| e.to_string())?;
        genesis
            .mint_note(NoteCommitment(cm))
            .map_err(|e| e.to_string())?;
    }
    let mut block = Vec::new();
    for _ in 0..take_u32(&bytes, &mut at)? {
        let len = take_u32(&bytes, &mut at)?;
        let tx = Transaction::from_bytes(take(&bytes, &mut at, len)?).map_err(|e| e.to_string())?;
        block.push(tx);
    }
    // The Poseidon parameters are generated once per process (the Grain LFSR); a node has
    // done it long before a block, so it is done here before the block too.
    let _ = hash4(Tag::Node, [Fr::from(0u64); 4]);
    let mut vm = SuperVM::new(genesis)
        .with_privacy_verifier(shape(), verifier)
        .map_err(|e| e.to_string())?
        .with_threads(1)
        .map_err(|e| e.to_string())?;
    if !execute {
        println!("{} private transactions loaded, not run", block.len());
        return Ok(());
    }
    let receipts = vm.execute_block(&block);
    match receipts.iter().find(|r| !r.is_success()) {
        Some(r) => Err(format!("a transaction failed: {r:?}")),
        None => {
            println!("{} private transactions accepted", receipts.len());
            Ok(())
        }
    }
}

fn poseidon(optimised: bool, n: usize) {
    let p = params(Width::T5);
    let mut state: Vec<Fr> = (0..p.t as u64).map(Fr::from).collect();
    for _ in 0..n {
        if optimised {
            permute(p, &mut state);
        } else {
            permute_plain(p, &mut state);
        }
    }
    println!("{}", state[0]);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [cmd, dir] if cmd == "run" => run(&PathBuf::from(dir), true),
        [cmd, dir] if cmd == "load" => run(&PathBuf::from(dir), false),
        [cmd, dir] if cmd == "write" => write(&PathBuf::from(dir), 16, false),
        [cmd, which, n] if cmd == "poseidon" => match (which.as_str(), n.parse()) {
            ("plain", Ok(n)) => {
                poseidon(false, n);
                Ok(())
            }
            ("optimised", Ok(n)) => {
                poseidon(true, n);
                Ok(())
            }
            _ => Err("usage: privacy_profile poseidon plain|optimised N".into()),
        },
        [cmd, dir, n] if cmd == "write" => match n.parse() {
            Ok(n) => write(&PathBuf::from(dir), n, false),
            Err(_) => Err(format!("not a count: {n}")),
        },
        [cmd, dir, n, rings] if cmd == "write" => match (n.parse(), rings.as_str()) {
            (Ok(n), "free") => write(&PathBuf::from(dir), n, false),
            (Ok(n), "binned") => write(&PathBuf::from(dir), n, true),
            _ => Err(format!("usage: privacy_profile write DIR TXS free|binned (got {n} {rings})")),
        },
        _ => Err(
            "usage: privacy_profile write DIR [TXS [free|binned]] | run DIR | load DIR | poseidon plain|optimised N"
                .into(),
        ),
    };
    if let Err(e) = result {
        eprintln!("privacy_profile: {e}");
        std::process::exit(1);
    }
}
