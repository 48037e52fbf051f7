//! Shared fixtures for the node's tests: keys written to a keys dir, a genesis with
//! objects, decoys and owned notes, proven private spends of the owned notes, public
//! transfers, and helpers to run a node (in this process or as the real binary).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use ringct_circuit::encoding::field_to_bytes;
use ringct_circuit::{
    build_witness, KeyImage, KeyPair, Note, NoteCommitment, Ring, RingCtWitness, SpendInput,
    SpendingKey,
};
use ringct_prover::{ParallelProveConfig, RingCtKeys, RingCtParallelProver};
use supervm_node::{Genesis, NodeConfig};
use supervm_runtime::{
    Address, Instruction, NetworkId, ObjectId, ObjectRef, PrivateTx, Program, PublicTx, Shape,
    State, Transaction, TxBody, TxOutput,
};

pub const ALICE: Address = Address::from_u64(0xA);
pub const A1: ObjectId = ObjectId::from_u64(1);
pub const A2: ObjectId = ObjectId::from_u64(2);
pub const POOL: ObjectId = ObjectId::from_u64(4);

/// Owned notes, hence private spends, in the fixture (unless [`set_owned`] asks for
/// more).
pub const OWNED: usize = 10;

/// Owned notes the fixture is built with.
static OWNED_NOTES: AtomicUsize = AtomicUsize::new(OWNED);

/// Builds the fixture with `n` owned notes (at least [`OWNED`]): a long crash run needs
/// more private spends. Call it before the first [`fixture`] of the test binary; panics
/// if the fixture was already built with another number.
pub fn set_owned(n: usize) {
    let n = n.max(OWNED);
    OWNED_NOTES.store(n, Ordering::Release);
    assert_eq!(owned(), n, "the fixture was built before set_owned");
}

/// Owned notes in the fixture's genesis.
pub fn owned() -> usize {
    fixture().key_images.len()
}

/// Decoys in the genesis ledger.
pub const DECOYS: u64 = 12;

pub fn shape() -> Shape {
    "1x1-r4".parse().unwrap()
}

pub struct Fixture {
    /// Holds `ringct-1x1-r4.vk` (and the proving key).
    pub keys_dir: PathBuf,
    /// The genesis file's text.
    pub genesis_json: String,
    /// `private[i]` spends owned note i (distinct key images), one output each, for the
    /// first [`OWNED`] owned notes.
    pub private: Vec<PrivateTx>,
    /// Spends owned note 0 again: the key image of `private[0]`, another ring and output.
    pub conflict: PrivateTx,
    /// The key image of every owned note's spend, in owned order (the first [`OWNED`]
    /// are `private`'s; the rest are [`Fixture::prove_later`]'s).
    pub key_images: Vec<KeyImage>,
    /// Spends of the owned notes past [`OWNED`] (see [`set_owned`]): witnesses and
    /// bodies, proven on demand so that a long crash run does not wait for them.
    later: Vec<(RingCtWitness, TxBody)>,
    prover: RingCtParallelProver,
}

impl Fixture {
    /// Spends past [`OWNED`] that [`Fixture::prove_later`] can prove.
    pub fn later(&self) -> usize {
        self.later.len()
    }

    /// Proves the spends `range` of those past [`OWNED`] (spend `OWNED + i` for `i` in
    /// `range`), in order.
    pub fn prove_later(&self, range: std::ops::Range<usize>) -> Vec<PrivateTx> {
        let (witnesses, bodies): (Vec<_>, Vec<_>) = self.later[range].iter().cloned().unzip();
        prove(&self.prover, &witnesses, bodies)
    }
}

fn prove(
    prover: &RingCtParallelProver,
    witnesses: &[RingCtWitness],
    bodies: Vec<TxBody>,
) -> Vec<PrivateTx> {
    prover
        .prove_batch(witnesses)
        .results
        .into_iter()
        .zip(bodies)
        .map(|(r, body)| {
            let p = r.unwrap();
            PrivateTx {
                body,
                key_images: p.statement.key_images.clone(),
                proof: p.proof.to_bytes(),
            }
        })
        .collect()
}

fn hex_fe(cm: &NoteCommitment) -> String {
    hex::encode(field_to_bytes(&cm.0))
}

/// Built once per test binary (keys from a fixed, public seed: INSECURE, tests only).
pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("node-fixture-{}", std::process::id()));
        let keys_dir = dir.join("keys");
        let keys = Arc::new(RingCtKeys::insecure_dev_setup_from_fixed_seed(shape(), 41).unwrap());
        ringct_prover::keyfile::write_keys(&keys_dir, &keys).unwrap();
        let prover = RingCtParallelProver::new(
            Arc::clone(&keys),
            ParallelProveConfig { threads: 2, ..ParallelProveConfig::default() },
        )
        .unwrap();

        let mut rng = ChaCha20Rng::seed_from_u64(77);
        let mut ledger = State::new();
        let mut notes_json = Vec::new();
        for _ in 0..DECOYS {
            let cm = Note::new(rng.gen_range(1..1000), KeyPair::random(&mut rng).public_key, &mut rng).commitment();
            ledger.mint_note(cm).unwrap();
            notes_json.push(format!(r#"{{"commitment":"{}"}}"#, hex_fe(&cm)));
        }
        let owned: Vec<(Note, SpendingKey, u64)> = (0..OWNED_NOTES.load(Ordering::Acquire))
            .map(|_| {
                let kp = KeyPair::random(&mut rng);
                let note = Note::new(rng.gen_range(1000..10_000), kp.public_key, &mut rng);
                let index = ledger.mint_note(note.commitment()).unwrap();
                notes_json.push(format!(r#"{{"commitment":"{}","memo":"6f776e6564"}}"#, hex_fe(&note.commitment())));
                (note, kp.spending_key, index)
            })
            .collect();
        let spend = |(note, key, index): &(Note, SpendingKey, u64), ring: [u64; 4], rng: &mut ChaCha20Rng| {
            let members = ring.iter().map(|&i| *ledger.notes().get(i).unwrap()).collect();
            let output = Note::new(note.value - 1, KeyPair::random(rng).public_key, rng);
            let body = TxBody {
                shape: shape(),
                ring_members: vec![ring.to_vec()],
                outputs: vec![TxOutput { commitment: output.commitment(), memo: b"to bob".to_vec() }],
                fee: 1,
            };
            let ctx = supervm_runtime::tx_binding(&NetworkId::devnet(), &body).unwrap();
            let input = SpendInput {
                note: note.clone(),
                spending_key: key.clone(),
                ring: Ring::new(members).unwrap(),
                position: ring.iter().position(|i| i == index).unwrap(),
            };
            let (w, statement) = build_witness(shape(), &[input], &[output], 1, ctx).unwrap();
            (w, body, statement.key_images[0])
        };
        let mut witnesses = Vec::new();
        let mut bodies = Vec::new();
        let mut key_images = Vec::new();
        let mut later = Vec::new();
        for (k, o) in owned.iter().enumerate() {
            let ring = [k as u64 % DECOYS, o.2, (k as u64 + 4) % DECOYS, (k as u64 + 8) % DECOYS];
            let (w, b, ki) = spend(o, ring, &mut rng);
            key_images.push(ki);
            if k < OWNED {
                witnesses.push(w);
                bodies.push(b);
            } else {
                later.push((w, b));
            }
        }
        let (w, b, _) = spend(&owned[0], [11, 10, 9, owned[0].2], &mut rng);
        witnesses.push(w);
        bodies.push(b);
        let mut private = prove(&prover, &witnesses, bodies);
        let conflict = private.pop().unwrap();
        assert_eq!(conflict.key_images, private[0].key_images);
        assert!(private.iter().zip(&key_images).all(|(p, ki)| p.key_images == [*ki]));

        let addr = hex::encode(ALICE.0);
        let genesis_json = format!(
            r#"{{"network":"supervm-devnet","objects":[{{"id":"{}","owner":"{addr}","balance":1000000000}},{{"id":"{}","owner":"{addr}","balance":0}},{{"id":"{}","owner":"shared","balance":5}}],"notes":[{}]}}"#,
            hex::encode(A1.0),
            hex::encode(A2.0),
            hex::encode(POOL.0),
            notes_json.join(",")
        );
        Fixture { keys_dir, genesis_json, private, conflict, key_images, later, prover }
    })
}

/// A distinct public transfer from A1 to A2 (n picks the amount and a burn, so ids differ).
pub fn public(n: u64) -> Transaction {
    Transaction::Public(PublicTx {
        sender: ALICE,
        objects: vec![ObjectRef::any(A1), ObjectRef::any(A2)],
        program: Program::new(vec![
            Instruction::Transfer {
                from: A1,
                to: A2,
                amount: 1 + n / 1000,
            },
            Instruction::Burn { units: n % 1000 },
        ]),
    })
}

/// A node configuration for `data_dir` on ephemeral loopback ports, with the fixture's key.
pub fn config(data_dir: &Path) -> NodeConfig {
    let mut c = NodeConfig::defaults(data_dir.to_path_buf());
    c.keys.dir = Some(fixture().keys_dir.clone());
    c.keys.shapes.insert(shape(), None);
    c.api_listen = "127.0.0.1:0".parse().unwrap();
    c.metrics_listen = "127.0.0.1:0".parse().unwrap();
    c.block_interval = Duration::from_millis(50);
    c.verify_max_latency = Duration::from_millis(5);
    c
}

/// Writes the genesis file into `dir` and initialises the store.
pub fn init(config: &NodeConfig) -> PathBuf {
    let path = config.data_dir.join("genesis.json");
    std::fs::create_dir_all(&config.data_dir).unwrap();
    std::fs::write(&path, &fixture().genesis_json).unwrap();
    let genesis = Genesis::read(&path, &config.network).unwrap();
    let verifiers = supervm_node::Verifiers::load(config).unwrap();
    supervm_node::Chain::init(config, &verifiers, &genesis).unwrap();
    path
}

/// An HTTP agent that returns error statuses as responses, not errors.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// GET `url`: status and body as JSON (Null if the body is not JSON).
pub fn get(agent: &ureq::Agent, url: &str) -> (u16, serde_json::Value) {
    let mut r = agent.get(url).call().unwrap();
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

/// POST `body` as `content_type`.
pub fn post(
    agent: &ureq::Agent,
    url: &str,
    content_type: &str,
    body: &[u8],
) -> (u16, serde_json::Value) {
    let mut r = agent
        .post(url)
        .header("content-type", content_type)
        .send(body)
        .unwrap();
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

/// Submits canonical bytes.
pub fn submit(agent: &ureq::Agent, base: &str, tx: &Transaction) -> (u16, serde_json::Value) {
    post(
        agent,
        &format!("{base}/v1/transactions"),
        "application/octet-stream",
        &tx.to_bytes().unwrap(),
    )
}

/// Polls until the transaction is committed; returns its receipt.
pub fn wait_committed(agent: &ureq::Agent, base: &str, id: &str) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, body) = get(agent, &format!("{base}/v1/transactions/{id}"));
        if status == 200 && body["status"] == "committed" {
            return body["receipt"].clone();
        }
        assert!(
            Instant::now() < deadline,
            "{id} not committed: {status} {body}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A free loopback port (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The `supervm-node` binary as a child process.
pub struct Proc {
    pub child: std::process::Child,
    pub base: String,
    pub metrics: String,
}

/// The `supervm-node` binary to run: `$SUPERVM_NODE_BIN` if set, else the one cargo
/// built for this test. A long run sets it to a copy, so that another build into a
/// shared target dir cannot swap the binary between two restarts.
pub fn node_binary() -> PathBuf {
    std::env::var_os("SUPERVM_NODE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_supervm-node")))
}

/// `supervm-node` with the fixture's keys and `data_dir`, and these arguments.
pub fn command(data_dir: &Path, args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(node_binary());
    c.arg("--data-dir")
        .arg(data_dir)
        .arg("--keys-dir")
        .arg(&fixture().keys_dir)
        .arg("--shapes")
        .arg(shape().to_string())
        .args(args)
        .env_remove("SUPERVM_NODE_DATA_DIR")
        .stdin(std::process::Stdio::null());
    c
}

/// `supervm-node init` with the fixture's genesis; returns the genesis path.
pub fn init_with_binary(data_dir: &Path) -> PathBuf {
    std::fs::create_dir_all(data_dir).unwrap();
    let genesis = data_dir.join("genesis.json");
    std::fs::write(&genesis, &fixture().genesis_json).unwrap();
    let out = command(data_dir, &["init", "--genesis", genesis.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "init: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    genesis
}

impl Proc {
    /// Starts `supervm-node run` and waits for `/readyz`.
    pub fn start(data_dir: &Path, extra: &[&str]) -> Proc {
        let (api, metrics) = (free_port(), free_port());
        let api_listen = format!("127.0.0.1:{api}");
        let metrics_listen = format!("127.0.0.1:{metrics}");
        let mut args = vec![
            "--api-listen",
            &api_listen,
            "--metrics-listen",
            &metrics_listen,
            "--block-interval-ms",
            "50",
        ];
        args.extend_from_slice(extra);
        args.push("run");
        let child = command(data_dir, &args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .unwrap();
        let p = Proc {
            child,
            base: format!("http://{api_listen}"),
            metrics: format!("http://{metrics_listen}"),
        };
        p.wait_ready();
        p
    }

    fn wait_ready(&self) {
        let a = agent();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = a.get(&format!("{}/readyz", self.base)).call() {
                if r.status().as_u16() == 200 {
                    return;
                }
            }
            assert!(Instant::now() < deadline, "supervm-node not ready");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends `signal` to the process.
    pub fn signal(&self, signal: &str) {
        let ok = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(ok.success());
    }

    /// Waits for the exit status (at most 60 s).
    pub fn wait(mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(Instant::now() < deadline, "supervm-node did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
