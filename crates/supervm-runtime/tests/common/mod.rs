//! Shared fixtures for the integration tests.
#![allow(dead_code)]

pub mod ringct;

use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use supervm_runtime::{
    Address, Instruction, Object, ObjectId, ObjectRef, Owner, Program, PublicTx, Receipt, State,
    SuperVM, Transaction,
};

pub const ALICE: Address = Address::from_u64(0xA);
pub const BOB: Address = Address::from_u64(0xB);

/// Alice's objects.
pub const A1: ObjectId = ObjectId::from_u64(1);
pub const A2: ObjectId = ObjectId::from_u64(2);
/// Bob's object.
pub const B1: ObjectId = ObjectId::from_u64(3);
/// A shared object.
pub const POOL: ObjectId = ObjectId::from_u64(4);
/// An immutable object.
pub const CONFIG: ObjectId = ObjectId::from_u64(5);
/// Not in the state.
pub const MISSING: ObjectId = ObjectId::from_u64(99);

pub fn state() -> State {
    let mut s = State::new();
    s.insert(Object::new(
        A1,
        Owner::Address(ALICE),
        1_000,
        b"a1".to_vec(),
    ));
    s.insert(Object::new(
        A2,
        Owner::Address(ALICE),
        1_000,
        b"a2".to_vec(),
    ));
    s.insert(Object::new(B1, Owner::Address(BOB), 1_000, b"b1".to_vec()));
    s.insert(Object::new(POOL, Owner::Shared, 1_000, b"pool".to_vec()));
    s.insert(Object::new(CONFIG, Owner::Immutable, 0, b"config".to_vec()));
    s
}

pub fn tx(sender: Address, objects: &[ObjectId], program: Vec<Instruction>) -> Transaction {
    Transaction::Public(PublicTx {
        sender,
        objects: objects.iter().copied().map(ObjectRef::any).collect(),
        program: Program::new(program),
    })
}

pub fn transfer(from: ObjectId, to: ObjectId, amount: u64) -> Instruction {
    Instruction::Transfer { from, to, amount }
}

pub fn write(object: ObjectId, data: &[u8]) -> Instruction {
    Instruction::Write {
        object,
        data: data.to_vec(),
    }
}

/// Runs `f` with a fresh local recorder; returns its result and the counters it saw.
pub fn with_metrics<T>(f: impl FnOnce() -> T) -> (T, Metrics) {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let out = metrics::with_local_recorder(&recorder, f);
    let entries = snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .map(|(key, _, _, value)| {
            let (_, key) = key.into_parts();
            let labels = key
                .labels()
                .map(|l| (l.key().to_owned(), l.value().to_owned()))
                .collect();
            Entry {
                name: key.name().to_owned(),
                labels,
                value,
            }
        })
        .collect();
    (out, Metrics { entries })
}

pub struct Entry {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub value: DebugValue,
}

pub struct Metrics {
    pub entries: Vec<Entry>,
}

impl Metrics {
    /// The counter's value (0 if never emitted). `labels` must match exactly.
    pub fn counter(&self, name: &str, labels: &[(&str, &str)]) -> u64 {
        self.entries
            .iter()
            .filter(|e| e.name == name)
            .filter(|e| {
                e.labels.len() == labels.len()
                    && labels
                        .iter()
                        .all(|(k, v)| e.labels.iter().any(|(ek, ev)| ek == k && ev == v))
            })
            .map(|e| match e.value {
                DebugValue::Counter(n) => n,
                _ => panic!("{name} is not a counter"),
            })
            .sum()
    }

    /// Number of samples recorded in a histogram.
    pub fn histogram_samples(&self, name: &str) -> usize {
        self.entries
            .iter()
            .filter(|e| e.name == name)
            .map(|e| match &e.value {
                DebugValue::Histogram(v) => v.len(),
                _ => panic!("{name} is not a histogram"),
            })
            .sum()
    }
}

/// Runs one block on a fresh runtime and returns receipts, final state and metrics.
pub fn run(vm: SuperVM, block: &[Transaction]) -> (Vec<Receipt>, State, Metrics) {
    let mut vm = vm;
    let (receipts, metrics) = with_metrics(|| vm.execute_block(block));
    (receipts, vm.into_state(), metrics)
}
