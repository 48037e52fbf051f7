//! The Fast path's scaling on one block of independent transactions, for profiling:
//! `n` senders, each moving funds between its own two objects and writing 16 bytes into
//! one (the block `cargo xtask bench` measures as `runtime.fast_*_tx_per_sec`).
//!
//! ```text
//! cargo build -p supervm-runtime --example fast_scaling
//! target/debug/examples/fast_scaling [N=20000] [REPS=7] [THREADS]
//! ```
//!
//! Without `THREADS`, times the block on a 1-thread and a 2-thread runtime, alternately,
//! and prints the medians and their ratio. With `THREADS`, runs that pool size only:
//! for instruction counts, e.g.
//! `valgrind --tool=callgrind --separate-threads=yes target/debug/examples/fast_scaling 5000 1 1`.

use std::time::Instant;
use supervm_runtime::{
    Address, Instruction, Object, ObjectId, ObjectRef, Owner, Program, PublicTx, State, SuperVM,
    Transaction,
};

fn arg(k: usize) -> Option<u64> {
    std::env::args().nth(k).and_then(|s| s.parse().ok())
}

fn main() {
    let n = arg(1).unwrap_or(20_000);
    let reps = arg(2).unwrap_or(7).max(1);
    let threads: Vec<usize> = match arg(3) {
        Some(t) => vec![t as usize],
        None => vec![1, 2],
    };
    let mut state = State::new();
    let mut block = Vec::new();
    for s in 0..n {
        let (a, b) = (ObjectId::from_u64(2 * s + 1), ObjectId::from_u64(2 * s + 2));
        let sender = Address::from_u64(s);
        state.insert(Object::new(a, Owner::Address(sender), 1_000_000, vec![]));
        state.insert(Object::new(b, Owner::Address(sender), 1_000_000, vec![]));
        block.push(Transaction::Public(PublicTx {
            sender,
            objects: vec![ObjectRef::any(a), ObjectRef::any(b)],
            program: Program::new(vec![
                Instruction::Transfer {
                    from: a,
                    to: b,
                    amount: s % 1000 + 1,
                },
                Instruction::Write {
                    object: a,
                    data: vec![(s % 251) as u8; 16],
                },
            ]),
        }));
    }
    let mut samples = vec![Vec::new(); threads.len()];
    for _ in 0..reps {
        for (k, &t) in threads.iter().enumerate() {
            let mut vm = SuperVM::new(state.clone()).with_threads(t).expect("a pool");
            let start = Instant::now();
            let receipts = vm.execute_block(&block);
            samples[k].push(start.elapsed().as_secs_f64());
            assert!(receipts.iter().all(|r| r.is_success()));
        }
    }
    let mut medians = Vec::new();
    for (s, t) in samples.iter_mut().zip(&threads) {
        s.sort_by(f64::total_cmp);
        let m = s[s.len() / 2];
        medians.push(m);
        println!("{t} thread(s): {:.2} ms, {:.0} tx/s", m * 1e3, n as f64 / m);
    }
    if let [one, two] = medians[..] {
        println!("speedup {:.2}x", one / two);
    }
}
