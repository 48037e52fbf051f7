//! Receipts and final state do not depend on the thread count, and a block equals running
//! its Fast transactions, then its Consensus transactions, one by one in block order.

mod common;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use supervm_runtime::{
    route, Address, ExecLimits, FallbackPolicy, Instruction, Object, ObjectId, ObjectRef, Owner,
    Path, Program, PublicTx, Receipt, State, SuperVM, Transaction,
};

const SENDERS: u64 = 8;
const OWNED_PER_SENDER: u64 = 6;
const SHARED: u64 = 6;
const IMMUTABLE: u64 = 4;

fn owned(sender: u64, k: u64) -> ObjectId {
    ObjectId::from_u64(1_000 * (sender + 1) + k)
}
fn shared(k: u64) -> ObjectId {
    ObjectId::from_u64(100 + k)
}
fn immutable(k: u64) -> ObjectId {
    ObjectId::from_u64(200 + k)
}

fn genesis(rng: &mut ChaCha8Rng) -> State {
    let mut s = State::new();
    for sender in 0..SENDERS {
        for k in 0..OWNED_PER_SENDER {
            s.insert(Object::new(
                owned(sender, k),
                Owner::Address(Address::from_u64(sender)),
                rng.gen_range(0..2_000),
                vec![],
            ));
        }
    }
    for k in 0..SHARED {
        s.insert(Object::new(shared(k), Owner::Shared, 5_000, vec![]));
    }
    for k in 0..IMMUTABLE {
        s.insert(Object::new(
            immutable(k),
            Owner::Immutable,
            1,
            vec![k as u8],
        ));
    }
    s
}

fn random_tx(rng: &mut ChaCha8Rng) -> Transaction {
    let sender = rng.gen_range(0..SENDERS);
    let mut objects: Vec<ObjectRef> = Vec::new();
    for _ in 0..rng.gen_range(1..=3) {
        let id = match rng.gen_range(0..100) {
            0..=69 => owned(sender, rng.gen_range(0..OWNED_PER_SENDER)),
            70..=81 => shared(rng.gen_range(0..SHARED)),
            82..=93 => immutable(rng.gen_range(0..IMMUTABLE)),
            94..=97 => owned((sender + 1) % SENDERS, 0),
            _ => ObjectId::from_u64(9_999_999),
        };
        if objects.iter().all(|r| r.id != id) || rng.gen_bool(0.1) {
            let expected_version = rng.gen_bool(0.1).then(|| rng.gen_range(0..4));
            objects.push(ObjectRef {
                id,
                expected_version,
            });
        }
    }
    let pick = |rng: &mut ChaCha8Rng| {
        if rng.gen_bool(0.03) {
            owned(
                rng.gen_range(0..SENDERS),
                rng.gen_range(0..OWNED_PER_SENDER),
            )
        } else {
            objects[rng.gen_range(0..objects.len())].id
        }
    };
    let program = (0..rng.gen_range(1..=4))
        .map(|_| match rng.gen_range(0..100) {
            0..=44 => Instruction::Transfer {
                from: pick(rng),
                to: pick(rng),
                amount: rng.gen_range(0..400),
            },
            45..=74 => Instruction::Write {
                object: pick(rng),
                data: (0..rng.gen_range(0..48)).map(|_| rng.gen()).collect(),
            },
            75..=87 => Instruction::Alloc {
                bytes: rng.gen_range(0..=ExecLimits::FAST_DEFAULT.memory_bytes + 4_000),
            },
            _ => Instruction::Burn {
                units: rng.gen_range(0..=ExecLimits::FAST_DEFAULT.gas + 2_000),
            },
        })
        .collect();
    Transaction::Public(PublicTx {
        sender: Address::from_u64(sender),
        objects,
        program: Program::new(program),
    })
}

fn fixture(seed: u64, n: usize) -> (State, Vec<Transaction>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let state = genesis(&mut rng);
    let block = (0..n).map(|_| random_tx(&mut rng)).collect();
    (state, block)
}

fn run(vm: SuperVM, block: &[Transaction]) -> (Vec<Receipt>, State) {
    let mut vm = vm;
    let receipts = vm.execute_block(block);
    (receipts, vm.into_state())
}

#[test]
fn results_do_not_depend_on_thread_count() {
    let (state, block) = fixture(0x5eed, 4_000);
    let policy = FallbackPolicy::enabled_default();
    let make = || SuperVM::new(state.clone()).with_fallback(policy.clone());

    let (base_receipts, base_state) = run(make().with_threads(1).unwrap(), &block);
    // The block must exercise every outcome, or this test proves little.
    let count = |f: &dyn Fn(&Receipt) -> bool| base_receipts.iter().filter(|r| f(r)).count();
    assert!(count(&|r| r.path == Some(Path::Fast) && r.is_success()) > 200);
    assert!(count(&|r| r.path == Some(Path::Fast) && !r.is_success()) > 50);
    assert!(count(&|r| r.path == Some(Path::Consensus) && r.is_success() && !r.fallback) > 50);
    assert!(count(&|r| r.fallback && r.is_success()) > 50);
    assert!(count(&|r| r.fallback && !r.is_success()) > 5);
    assert!(count(&|r| r.path.is_none()) > 50);
    assert_ne!(base_state, state);

    for threads in [2, 4, 7] {
        let (receipts, final_state) = run(make().with_threads(threads).unwrap(), &block);
        assert!(
            receipts == base_receipts,
            "receipts differ with {threads} threads"
        );
        assert!(
            final_state == base_state,
            "state differs with {threads} threads"
        );
    }
    let (receipts, final_state) = run(make(), &block);
    assert!(
        receipts == base_receipts,
        "receipts differ on the global pool"
    );
    assert!(
        final_state == base_state,
        "state differs on the global pool"
    );
}

#[test]
fn several_blocks_in_a_row_are_deterministic() {
    let (state, block) = fixture(42, 3_000);
    let chunks: Vec<&[Transaction]> = block.chunks(250).collect();
    let run_all = |threads: usize| {
        let mut vm = SuperVM::new(state.clone())
            .with_fallback(FallbackPolicy::enabled_default())
            .with_threads(threads)
            .unwrap();
        let receipts: Vec<Vec<Receipt>> = chunks.iter().map(|c| vm.execute_block(c)).collect();
        (receipts, vm.into_state())
    };
    let one = run_all(1);
    let four = run_all(4);
    assert!(one == four);
}

#[test]
fn block_equals_fast_then_consensus_one_by_one() {
    // Fallback off: then the documented order is checkable one transaction at a time.
    let (state, block) = fixture(7, 2_000);
    let (receipts, final_state) = run(SuperVM::new(state.clone()).with_threads(4).unwrap(), &block);

    let paths: Vec<Option<Path>> = block.iter().map(|t| route(t, &state).ok()).collect();
    let mut vm = SuperVM::new(state.clone()).with_threads(1).unwrap();
    let mut expected: Vec<Option<Receipt>> = vec![None; block.len()];
    for phase in [Some(Path::Fast), Some(Path::Consensus), None] {
        for (i, t) in block.iter().enumerate() {
            if paths[i] == phase {
                let mut r = vm.execute_block(std::slice::from_ref(t));
                expected[i] = r.pop();
            }
        }
    }
    let expected: Vec<Receipt> = expected.into_iter().map(Option::unwrap).collect();
    for (i, (got, want)) in receipts.iter().zip(&expected).enumerate() {
        assert_eq!(got, want, "transaction {i}");
    }
    assert!(final_state == vm.into_state());
}

/// A block of independent Fast transactions (each sender moves funds between its own two
/// objects and writes one of them), with a few chains on shared-sender objects mixed in
/// so that the scheduler makes several waves.
fn independent_fast_block(n: u64) -> (State, Vec<Transaction>) {
    let mut state = State::new();
    let mut block = Vec::new();
    let mut rng = ChaCha8Rng::seed_from_u64(0xfa57);
    let own = |s: u64, k: u64| ObjectId::from_u64(1_000_000 + 2 * s + k);
    for s in 0..n {
        let sender = Address::from_u64(1_000 + s);
        for k in 0..2 {
            state.insert(Object::new(
                own(s, k),
                Owner::Address(sender),
                rng.gen_range(0..1_000),
                vec![],
            ));
        }
        // Every tenth transaction reuses an earlier sender's objects: a later wave.
        let s_used = if s % 10 == 9 { s - 5 } else { s };
        let (a, b) = (own(s_used, 0), own(s_used, 1));
        block.push(Transaction::Public(PublicTx {
            sender: Address::from_u64(1_000 + s_used),
            objects: vec![ObjectRef::any(a), ObjectRef::any(b)],
            program: Program::new(vec![
                Instruction::Transfer {
                    from: a,
                    to: b,
                    // Some overdraw: failures must be identical too.
                    amount: rng.gen_range(0..1_200),
                },
                Instruction::Write {
                    object: a,
                    data: (0..rng.gen_range(0..32)).map(|_| rng.gen()).collect(),
                },
            ]),
        }));
    }
    (state, block)
}

#[test]
fn independent_fast_block_is_identical_on_1_2_and_4_threads() {
    let (state, block) = independent_fast_block(3_000);
    let run_effects = |threads: usize| {
        let mut vm = SuperVM::new(state.clone()).with_threads(threads).unwrap();
        let effects = vm.execute_block_effects(&block);
        (effects, vm.into_state())
    };
    let (base, base_state) = run_effects(1);
    let ok = base.receipts.iter().filter(|r| r.is_success()).count();
    assert!(base.receipts.iter().all(|r| r.path == Some(Path::Fast)));
    assert!(ok > 600 && ok < block.len(), "{ok} of {}", block.len());
    assert!(base.diff.objects.len() >= ok, "objects written");
    for threads in [2, 4] {
        let (effects, final_state) = run_effects(threads);
        assert!(
            effects.receipts == base.receipts,
            "receipts differ on {threads} threads"
        );
        assert!(
            effects.diff == base.diff,
            "diff differs on {threads} threads"
        );
        assert!(
            final_state == base_state,
            "state differs on {threads} threads"
        );
    }
}

#[test]
fn the_diff_holds_the_last_value_of_every_written_object() {
    let (state, block) = fixture(0xd1ff, 3_000);
    let policy = FallbackPolicy::enabled_default();
    let mut vm = SuperVM::new(state.clone())
        .with_fallback(policy.clone())
        .with_threads(2)
        .unwrap();
    let effects = vm.execute_block_effects(&block);
    let final_state = vm.into_state();
    // Written objects get a new version, so they are exactly those that changed.
    let changed: Vec<ObjectId> = final_state
        .objects()
        .filter(|o| state.get(&o.id) != Some(o))
        .map(|o| o.id)
        .collect();
    let written: Vec<ObjectId> = effects.diff.objects.keys().copied().collect();
    assert!(!changed.is_empty());
    assert_eq!(written, changed);
    for (id, object) in &effects.diff.objects {
        assert_eq!(final_state.get(id), Some(object));
    }
    // Replaying the diff on the block's starting state gives the final state.
    let mut replay = state.clone();
    replay.apply(&effects.diff).unwrap();
    assert!(replay == final_state);
    // And a second block starts from an empty diff.
    let mut vm = SuperVM::new(final_state).with_fallback(policy);
    assert!(vm.execute_block_effects(&[]).diff.is_empty());
}
