//! The verification queue: every submitter gets its own verdict, flushes happen by
//! size, by latency and at shutdown, and nothing is accepted after shutdown.

use ark_bls12_381::{Bls12_381, Fr};
use ark_groth16::{Groth16, Proof, VerifyingKey};
use ark_snark::SNARK;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use ringct_circuit::sample::random_spend;
use ringct_circuit::{RingCtCircuit, Shape};
use ringct_verifier::queue::{QueueStats, DEFAULT_MAX_BATCH, DEFAULT_MAX_LATENCY};
use ringct_verifier::{BatchVerifier, Item, QueueConfig, Verdict, VerifierError, VerifyQueue};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

const DISTINCT: usize = 3;

struct Fixture {
    vk: VerifyingKey<Bls12_381>,
    proofs: Vec<(Proof<Bls12_381>, Vec<Fr>)>,
}

/// One setup for the small shape 1x1-r4 and a few honest proofs, once per binary.
fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let shape: Shape = "1x1-r4".parse().unwrap();
        let mut rng = ChaCha20Rng::seed_from_u64(7);
        let (pk, vk) =
            Groth16::<Bls12_381>::circuit_specific_setup(RingCtCircuit::blank(shape), &mut rng)
                .unwrap();
        let proofs = (0..DISTINCT)
            .map(|_| {
                let (witness, statement) = random_spend(shape, &mut rng).unwrap();
                let proof = Groth16::<Bls12_381>::prove(
                    &pk,
                    RingCtCircuit::new(witness).unwrap(),
                    &mut rng,
                )
                .unwrap();
                (proof, statement.to_public_inputs())
            })
            .collect();
        Fixture { vk, proofs }
    })
}

fn verifier() -> Arc<BatchVerifier> {
    Arc::new(BatchVerifier::new(fixture().vk.clone()).unwrap())
}

/// What a test item is, and the verdict it must get.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Valid,
    /// A public input changed: the pairing equation fails.
    TamperedInput,
    /// `extra` public inputs too many: a verdict that names this very item.
    ExtraInputs(usize),
}

fn item<R: Rng>(kind: Kind, k: usize, rng: &mut R) -> (Item, Verdict) {
    let f = fixture();
    let (proof, inputs) = &f.proofs[k % DISTINCT];
    // Re-randomised, so no two submissions carry the same proof bytes.
    let proof = Groth16::<Bls12_381>::rerandomize_proof(&f.vk, proof, rng);
    let mut inputs = inputs.clone();
    match kind {
        Kind::Valid => (Item::new(proof, inputs), Verdict::Valid),
        Kind::TamperedInput => {
            let at = rng.gen_range(0..inputs.len());
            inputs[at] += Fr::from(1u64);
            (
                Item::new(proof, inputs),
                Verdict::Invalid(VerifierError::EquationFailed),
            )
        }
        Kind::ExtraInputs(extra) => {
            let expected = inputs.len();
            inputs.extend((0..extra).map(|_| Fr::from(0u64)));
            (
                Item::new(proof, inputs),
                Verdict::Invalid(VerifierError::InputCountMismatch {
                    expected,
                    got: expected + extra,
                }),
            )
        }
    }
}

#[test]
fn defaults_are_64_items_and_100_ms() {
    let c = QueueConfig::default();
    assert_eq!(c.max_batch, 64);
    assert_eq!(c.max_latency, Duration::from_millis(100));
    assert_eq!(
        (DEFAULT_MAX_BATCH, DEFAULT_MAX_LATENCY),
        (64, c.max_latency)
    );
    assert_eq!(
        VerifyQueue::new(verifier(), QueueConfig { max_batch: 0, ..c }).unwrap_err(),
        VerifierError::QueueZeroBatch
    );
}

#[test]
fn concurrent_submitters_each_get_their_own_verdicts() {
    const THREADS: usize = 8;
    const PER_THREAD: usize = 6;
    let queue = Arc::new(
        VerifyQueue::new(
            verifier(),
            QueueConfig {
                max_batch: 8,
                max_latency: Duration::from_millis(20),
            },
        )
        .unwrap(),
    );
    fixture();
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let queue = Arc::clone(&queue);
            std::thread::spawn(move || {
                let mut rng = ChaCha20Rng::seed_from_u64(1_000 + t as u64);
                let mut mine = Vec::new();
                for k in 0..PER_THREAD {
                    let kind = match rng.gen_range(0..3) {
                        0 => Kind::Valid,
                        1 => Kind::TamperedInput,
                        // Unique per (thread, k): a misrouted verdict would show.
                        _ => Kind::ExtraInputs(1 + t * PER_THREAD + k),
                    };
                    let (item, want) = item(kind, t + k, &mut rng);
                    mine.push((queue.submit(item).unwrap(), want, kind));
                    if rng.gen_bool(0.3) {
                        std::thread::sleep(Duration::from_millis(rng.gen_range(1..15)));
                    }
                }
                let mut kinds = [0usize; 3];
                for (handle, want, kind) in mine {
                    assert_eq!(handle.wait().unwrap(), want, "thread {t}, {kind:?}");
                    kinds[match kind {
                        Kind::Valid => 0,
                        Kind::TamperedInput => 1,
                        Kind::ExtraInputs(_) => 2,
                    }] += 1;
                }
                kinds
            })
        })
        .collect();
    let mut totals = [0usize; 3];
    for w in workers {
        let kinds = w.join().expect("a submitter saw a wrong verdict");
        for (t, k) in totals.iter_mut().zip(kinds) {
            *t += k;
        }
    }
    assert!(totals.iter().all(|&n| n > 0), "mix {totals:?}");
    let stats = queue.stats();
    let n = (THREADS * PER_THREAD) as u64;
    assert_eq!((stats.submitted, stats.verified), (n, n));
    assert!(stats.largest_batch <= 8);
    assert!(stats.batches() >= n / 8);
    queue.shutdown().unwrap();
}

#[test]
fn a_full_batch_flushes_without_waiting_for_the_latency() {
    let queue = VerifyQueue::new(
        verifier(),
        QueueConfig {
            max_batch: 4,
            max_latency: Duration::from_secs(3600),
        },
    )
    .unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(2);
    let kinds = [
        Kind::Valid,
        Kind::TamperedInput,
        Kind::Valid,
        Kind::ExtraInputs(2),
    ];
    let handles: Vec<_> = kinds
        .iter()
        .enumerate()
        .map(|(k, &kind)| {
            let (it, want) = item(kind, k, &mut rng);
            (queue.submit(it).unwrap(), want)
        })
        .collect();
    for (h, want) in handles {
        // Far below the hour-long latency: only the size can have flushed it.
        let got = h.wait_timeout(Duration::from_secs(60)).unwrap();
        assert_eq!(got, Some(want));
    }
    let stats = queue.stats();
    assert_eq!(
        (
            stats.flushed_by_size,
            stats.flushed_by_latency,
            stats.largest_batch
        ),
        (1, 0, 4)
    );
}

#[test]
fn a_lone_item_flushes_after_the_latency() {
    let latency = Duration::from_millis(150);
    let queue = VerifyQueue::new(
        verifier(),
        QueueConfig {
            max_batch: 64,
            max_latency: latency,
        },
    )
    .unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    let (it, want) = item(Kind::Valid, 0, &mut rng);
    let start = Instant::now();
    let handle = queue.submit(it).unwrap();
    // Not flushed early.
    assert_eq!(handle.wait_timeout(latency / 3).unwrap(), None);
    assert_eq!(queue.pending(), 1);
    assert_eq!(handle.wait().unwrap(), want);
    assert!(start.elapsed() >= latency, "{:?}", start.elapsed());
    let stats = queue.stats();
    assert_eq!((stats.flushed_by_latency, stats.flushed_by_size), (1, 0));
}

#[test]
fn shutdown_flushes_pending_items_and_refuses_new_ones() {
    let queue = VerifyQueue::new(
        verifier(),
        QueueConfig {
            max_batch: 64,
            max_latency: Duration::from_secs(3600),
        },
    )
    .unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(4);
    let handles: Vec<_> = [Kind::Valid, Kind::TamperedInput, Kind::Valid]
        .into_iter()
        .enumerate()
        .map(|(k, kind)| {
            let (it, want) = item(kind, k, &mut rng);
            (queue.submit(it).unwrap(), want)
        })
        .collect();
    assert_eq!(queue.pending(), 3);
    queue.shutdown().unwrap();
    assert_eq!(queue.pending(), 0);
    for (h, want) in handles {
        assert_eq!(h.try_verdict().unwrap(), Some(want));
    }
    let (it, _) = item(Kind::Valid, 0, &mut rng);
    assert_eq!(queue.submit(it).unwrap_err(), VerifierError::QueueShutDown);
    // Idempotent.
    queue.shutdown().unwrap();
    let stats: QueueStats = queue.stats();
    assert_eq!(
        (stats.flushed_by_shutdown, stats.submitted, stats.verified),
        (1, 3, 3)
    );
}

#[test]
fn dropping_the_queue_flushes_pending_items() {
    let queue = VerifyQueue::new(
        verifier(),
        QueueConfig {
            max_batch: 64,
            max_latency: Duration::from_secs(3600),
        },
    )
    .unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(5);
    let (it, want) = item(Kind::TamperedInput, 1, &mut rng);
    let handle = queue.submit(it).unwrap();
    drop(queue);
    assert_eq!(handle.wait().unwrap(), want);
}

#[test]
fn a_large_backlog_is_flushed_in_batches_of_at_most_max_batch() {
    let queue = VerifyQueue::new(
        verifier(),
        QueueConfig {
            max_batch: 5,
            max_latency: Duration::from_secs(3600),
        },
    )
    .unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(6);
    let handles: Vec<_> = (0..12)
        .map(|k| {
            let kind = if k % 4 == 3 {
                Kind::TamperedInput
            } else {
                Kind::Valid
            };
            let (it, want) = item(kind, k, &mut rng);
            (queue.submit(it).unwrap(), want)
        })
        .collect();
    // 10 flush by size; the last 2 only at shutdown.
    queue.shutdown().unwrap();
    for (h, want) in handles {
        assert_eq!(h.wait().unwrap(), want);
    }
    let stats = queue.stats();
    assert_eq!(stats.largest_batch, 5);
    assert_eq!(stats.verified, 12);
    assert!(stats.flushed_by_size >= 1);
    assert!(stats.flushed_by_shutdown >= 1);
}
