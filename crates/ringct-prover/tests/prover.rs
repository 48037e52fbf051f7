//! The prover end to end: keys, batches, statistics, metrics, key files.

use ark_bls12_381::{Bls12_381, Fr};
use ark_ff::One;
use ark_groth16::{Groth16, Proof, VerifyingKey};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use ringct_circuit::{sample::random_spend, RingCtStatement, RingCtWitness, Shape};
#[allow(unused_imports)]
use ringct_prover::BatchStats as _;
use ringct_prover::*;
use std::sync::{Arc, OnceLock};

fn small() -> Shape {
    "1x1-r4".parse().unwrap()
}

fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// Keys for the small shape, made once per test binary.
fn small_keys() -> Arc<RingCtKeys> {
    static KEYS: OnceLock<Arc<RingCtKeys>> = OnceLock::new();
    KEYS.get_or_init(|| {
        Arc::new(RingCtKeys::insecure_dev_setup_from_fixed_seed(small(), 1).unwrap())
    })
    .clone()
}

fn witnesses(shape: Shape, n: usize, seed: u64) -> Vec<RingCtWitness> {
    let mut r = rng(seed);
    (0..n)
        .map(|_| random_spend(shape, &mut r).unwrap().0)
        .collect()
}

fn config(threads: usize) -> ParallelProveConfig {
    ParallelProveConfig {
        threads,
        ..ParallelProveConfig::default()
    }
}

/// Verification with the input-count check ark-groth16 leaves out.
fn verifies(
    vk: &VerifyingKey<Bls12_381>,
    proof: &Proof<Bls12_381>,
    statement: &RingCtStatement,
) -> bool {
    let inputs = statement.to_public_inputs();
    if inputs.len() + 1 != vk.gamma_abc_g1.len() {
        return false;
    }
    let pvk = ark_groth16::prepare_verifying_key(vk);
    Groth16::<Bls12_381>::verify_proof(&pvk, proof, &inputs).unwrap_or(false)
}

#[test]
fn batch_proofs_verify_under_their_key_and_not_under_another_setup() {
    let keys = small_keys();
    let other = RingCtKeys::insecure_dev_setup_from_fixed_seed(small(), 2).unwrap();
    assert_ne!(keys.fingerprint(), other.fingerprint());
    let prover = RingCtParallelProver::new(keys.clone(), config(2)).unwrap();
    let out = prover.prove_batch(&witnesses(small(), 4, 10));
    assert_eq!((out.stats.total, out.stats.ok, out.stats.failed), (4, 4, 0));
    for r in &out.results {
        let p = r.as_ref().unwrap();
        assert_eq!(p.proof.to_bytes().len(), PROOF_BYTES);
        assert!(verifies(keys.verifying_key(), &p.proof.0, &p.statement));
        assert!(!verifies(other.verifying_key(), &p.proof.0, &p.statement));
    }
}

#[test]
fn proofs_are_bound_to_every_public_input() {
    let keys = small_keys();
    let prover = RingCtParallelProver::new(keys.clone(), config(1)).unwrap();
    let p = prover.prove_one(&witnesses(small(), 1, 11)[0]).unwrap();
    let vk = keys.verifying_key();
    assert!(verifies(vk, &p.proof.0, &p.statement));
    let mut s = p.statement.clone();
    s.ctx.0 += Fr::one();
    assert!(!verifies(vk, &p.proof.0, &s), "ctx");
    let mut s = p.statement.clone();
    s.fee += 1;
    assert!(!verifies(vk, &p.proof.0, &s), "fee");
    let mut s = p.statement.clone();
    s.key_images[0].0 += Fr::one();
    assert!(!verifies(vk, &p.proof.0, &s), "key image");
}

#[test]
fn an_invalid_witness_fails_alone() {
    let prover = RingCtParallelProver::new(small_keys(), config(2)).unwrap();
    let mut ws = witnesses(small(), 3, 12);
    ws[1].fee += Fr::one(); // unbalanced
    let out = prover.prove_batch(&ws);
    assert!(out.results[0].is_ok() && out.results[2].is_ok());
    assert!(matches!(
        out.results[1],
        Err(ProverError::InvalidWitness(
            ringct_circuit::CircuitError::Unbalanced { .. }
        ))
    ));
    assert_eq!((out.stats.ok, out.stats.failed), (2, 1));
}

#[test]
fn a_witness_for_another_shape_is_refused() {
    let prover = RingCtParallelProver::new(small_keys(), config(1)).unwrap();
    let w = witnesses("1x2-r4".parse().unwrap(), 1, 13);
    assert!(matches!(
        prover.prove_one(&w[0]),
        Err(ProverError::WitnessShapeMismatch { .. })
    ));
}

#[test]
fn the_empty_batch_works() {
    let prover = RingCtParallelProver::new(small_keys(), config(1)).unwrap();
    let out = prover.prove_batch(&[]);
    assert!(out.results.is_empty());
    let s = out.stats;
    assert_eq!((s.total, s.ok, s.failed), (0, 0, 0));
    assert_eq!(
        (s.latency_p50, s.latency_max, s.proofs_per_sec),
        (Default::default(), Default::default(), 0.0)
    );
}

#[test]
fn pool_size_follows_the_config() {
    for threads in [1, 3] {
        let prover = RingCtParallelProver::new(small_keys(), config(threads)).unwrap();
        assert_eq!(prover.threads(), threads);
        assert_eq!(prover.install(rayon::current_num_threads), threads);
    }
    assert!(matches!(
        RingCtParallelProver::new(small_keys(), config(0)),
        Err(ProverError::EnvZero { .. })
    ));
}

#[test]
fn metrics_move_by_the_right_amounts() {
    let prover = RingCtParallelProver::new(small_keys(), config(2)).unwrap();
    let mut ws = witnesses(small(), 3, 14);
    ws[0].fee += Fr::one();
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        prover.prove_batch(&ws);
        prover.prove_batch(&ws[1..]);
    });
    let mut seen = std::collections::HashMap::new();
    let mut failed_by_reason = std::collections::BTreeMap::new();
    for (key, _, _, value) in snapshotter.snapshot().into_vec() {
        let name = key.key().name().to_string();
        let def = supervm_telemetry::find(&name);
        assert!(def.is_some(), "{name} is not in the catalog");
        let labels: Vec<(String, String)> = key
            .key()
            .labels()
            .map(|l| (l.key().to_owned(), l.value().to_owned()))
            .collect();
        let declared: Vec<&str> = def.unwrap().labels.to_vec();
        assert_eq!(
            labels.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            declared,
            "{name}: labels"
        );
        if name == supervm_telemetry::names::ZK_PARALLEL_PROOF_FAILED_TOTAL {
            let DebugValue::Counter(n) = value else {
                panic!("{name} is not a counter")
            };
            failed_by_reason.insert(labels[0].1.clone(), n);
            continue;
        }
        seen.insert(name, value);
    }
    use supervm_telemetry::names::*;
    assert_eq!(seen[ZK_PARALLEL_PROOF_TOTAL], DebugValue::Counter(5));
    // The invalid witness is a client error, not a prover fault; both series exist.
    assert_eq!(
        failed_by_reason,
        std::collections::BTreeMap::from([
            ("invalid_witness".to_string(), 1),
            ("prover_error".to_string(), 0),
        ])
    );
    assert_eq!(seen[ZK_PARALLEL_BATCHES_TOTAL], DebugValue::Counter(2));
    match &seen[ZK_PARALLEL_PROOF_DURATION_SECONDS] {
        DebugValue::Histogram(v) => assert_eq!(v.len(), 4),
        other => panic!("{other:?}"),
    }
    match &seen[ZK_PARALLEL_BATCH_DURATION_SECONDS] {
        DebugValue::Histogram(v) => assert_eq!(v.len(), 2),
        other => panic!("{other:?}"),
    }
    for gauge in [
        ZK_PARALLEL_TPS,
        ZK_PARALLEL_BATCH_LATENCY_MS,
        ZK_PARALLEL_AVG_LATENCY_MS,
    ] {
        assert!(
            matches!(seen[gauge], DebugValue::Gauge(v) if v.into_inner() > 0.0),
            "{gauge}"
        );
    }
}

#[test]
fn the_shared_cache_initialises_once_per_shape() {
    let cache = cache::KeyCache::default();
    let calls = std::sync::atomic::AtomicUsize::new(0);
    let init = || {
        calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        RingCtKeys::insecure_dev_setup_from_fixed_seed(small(), 1)
    };
    let a = cache.get_or_try_init(small(), init).unwrap();
    let b = cache.get_or_try_init(small(), init).unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    // A failed initialisation is not cached.
    let shape2: Shape = "1x2-r4".parse().unwrap();
    assert!(cache
        .get_or_try_init(shape2, || Err(ProverError::ThreadPool("x".into())))
        .is_err());
    assert!(cache
        .get_or_try_init(shape2, || RingCtKeys::insecure_dev_setup_from_fixed_seed(
            shape2, 1
        ))
        .is_ok());
}

#[test]
fn key_source_follows_ringct_keys_dir() {
    use cache::KeySource;
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;
    assert_eq!(
        KeySource::from_lookup(|_| None).unwrap(),
        KeySource::Ephemeral
    );
    assert_eq!(
        KeySource::from_lookup(|_| Some(" /k ".into())).unwrap(),
        KeySource::Directory("/k".into())
    );
    // Neither a blank value nor one that is not UTF-8 turns into an
    // ephemeral setup: both are errors naming the variable.
    for bad in [
        OsString::from("  "),
        OsString::new(),
        OsString::from_vec(vec![0xff, 0xfe]),
    ] {
        let err = KeySource::from_lookup(|_| Some(bad.clone())).unwrap_err();
        assert!(
            matches!(
                err,
                ProverError::EnvEmpty { var } | ProverError::EnvNotUnicode { var, .. }
                    if var == "RINGCT_KEYS_DIR"
            ),
            "{bad:?}: {err}"
        );
        assert!(err.is_configuration());
    }
    // The lookup is asked for RINGCT_KEYS_DIR and nothing else.
    let asked = std::sync::Mutex::new(Vec::new());
    let _ = KeySource::from_lookup(|k| {
        asked.lock().unwrap().push(k.to_string());
        None
    });
    assert_eq!(*asked.lock().unwrap(), vec!["RINGCT_KEYS_DIR".to_string()]);
}

#[test]
fn the_prover_refuses_out_of_bound_configurations() {
    let keys = small_keys();
    let too_many = ParallelProveConfig {
        threads: config::MAX_THREADS + 1,
        ..ParallelProveConfig::default()
    };
    let err = RingCtParallelProver::new(keys.clone(), too_many).unwrap_err();
    assert!(
        matches!(
            err,
            ProverError::EnvOutOfRange {
                var: "RINGCT_PAR_THREADS",
                ..
            }
        ),
        "{err}"
    );
    let at_bound = ParallelProveConfig {
        batch_size: config::MAX_BATCH,
        ..config(1)
    };
    assert!(RingCtParallelProver::new(keys, at_bound).is_ok());
}

#[test]
fn the_generic_engine_proves_any_circuit() {
    // The RingCT engine reuses for another circuit: a tiny x·y = z circuit.
    use ark_r1cs_std::{alloc::AllocVar, eq::EqGadget, fields::fp::FpVar};
    use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
    #[derive(Clone)]
    struct Mul(Option<(Fr, Fr)>);
    impl ConstraintSynthesizer<Fr> for Mul {
        fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
            let v = self.0;
            let z = FpVar::new_input(cs.clone(), || {
                v.map(|(x, y)| x * y)
                    .ok_or(SynthesisError::AssignmentMissing)
            })?;
            let x = FpVar::new_witness(cs.clone(), || {
                v.map(|p| p.0).ok_or(SynthesisError::AssignmentMissing)
            })?;
            let y = FpVar::new_witness(cs, || {
                v.map(|p| p.1).ok_or(SynthesisError::AssignmentMissing)
            })?;
            (x * y).enforce_equal(&z)
        }
    }
    use ark_snark::SNARK;
    let (pk, vk) = Groth16::<Bls12_381>::circuit_specific_setup(Mul(None), &mut rng(3)).unwrap();
    let engine = Groth16Engine::new(Arc::new(pk), Mul(None)).unwrap();
    let (x, y) = (Fr::from(6u64), Fr::from(7u64));
    let proof = engine.prove(Mul(Some((x, y))), &mut rng(4)).unwrap();
    let pvk = ark_groth16::prepare_verifying_key(&vk);
    assert!(Groth16::<Bls12_381>::verify_proof(&pvk, &proof, &[x * y]).unwrap());
    assert!(!Groth16::<Bls12_381>::verify_proof(&pvk, &proof, &[x * y + Fr::one()]).unwrap());
    // A key for another circuit is refused.
    assert!(matches!(
        Groth16Engine::new(Arc::new(small_keys().proving_key().clone()), Mul(None)),
        Err(ProverError::CircuitKeyMismatch { .. })
    ));
}

#[test]
fn default_shape_end_to_end() {
    let shape = Shape::default();
    let keys = Arc::new(RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, 7).unwrap());
    let prover = RingCtParallelProver::new(keys.clone(), config(2)).unwrap();
    let out = prover.prove_batch(&witnesses(shape, 2, 15));
    assert_eq!(out.stats.ok, 2);
    for r in out.results {
        let p = r.unwrap();
        assert_eq!(p.statement.shape, shape);
        assert!(verifies(keys.verifying_key(), &p.proof.0, &p.statement));
    }
}

#[test]
fn key_fingerprints_match_the_verifier() {
    // Prover key files and verifiers identify keys by the same fingerprint.
    let keys = small_keys();
    let theirs = ringct_verifier::Fingerprint::of(keys.verifying_key()).unwrap();
    assert_eq!(theirs.0, keys.fingerprint().0);
    assert_eq!(theirs.to_string(), keys.fingerprint().to_string());
    let other = RingCtKeys::insecure_dev_setup_from_fixed_seed(small(), 3).unwrap();
    assert_ne!(
        ringct_verifier::Fingerprint::of(other.verifying_key())
            .unwrap()
            .0,
        keys.fingerprint().0
    );
}

#[test]
fn blst_msms_make_arkworks_proofs_byte_for_byte_and_both_verifiers_accept_them() {
    use ark_ff::UniformRand;
    use ark_serialize::CanonicalSerialize;
    use ringct_circuit::RingCtCircuit;
    let keys = small_keys();
    let engine = keys.engine();
    let verifier = ringct_verifier::BatchVerifier::new(keys.verifying_key().clone()).unwrap();
    let mut r = rng(21);
    let mut items = Vec::new();
    for _ in 0..3 {
        let (witness, statement) = random_spend(small(), &mut r).unwrap();
        let circuit = RingCtCircuit::new_unchecked(witness, statement.to_public_inputs());
        let assignment = engine.assignment(circuit).unwrap();
        let (rr, ss) = (Fr::rand(&mut r), Fr::rand(&mut r));
        let fast = engine
            .prove_with_randomness(&assignment, rr, ss, MsmBackend::Blst)
            .unwrap();
        let reference = engine
            .prove_with_randomness(&assignment, rr, ss, MsmBackend::Arkworks)
            .unwrap();
        let bytes = |p: &Proof<Bls12_381>| {
            let mut v = Vec::new();
            p.serialize_compressed(&mut v).unwrap();
            v
        };
        assert_eq!(bytes(&fast), bytes(&reference));
        let plain = engine
            .prove_with_randomness(&assignment, rr, ss, MsmBackend::BlstPlain)
            .unwrap();
        assert_eq!(bytes(&plain), bytes(&reference));
        // r = 0 skips B in G1, as ark-groth16 does.
        assert_eq!(
            engine
                .prove_with_randomness(&assignment, Fr::from(0u64), ss, MsmBackend::Blst)
                .unwrap(),
            engine
                .prove_with_randomness(&assignment, Fr::from(0u64), ss, MsmBackend::Arkworks)
                .unwrap()
        );
        // Fresh randomness: a different proof, still valid for both verifiers.
        let fresh = engine.prove_assignment(&assignment, &mut r).unwrap();
        assert_ne!(fresh, fast);
        assert!(verifies(keys.verifying_key(), &fresh, &statement));
        assert!(verifies(keys.verifying_key(), &fast, &statement));
        items.push(ringct_verifier::Item::from_statement(fresh, &statement));
        // Bound to its statement: another input fails under both verifiers.
        let mut inputs = statement.to_public_inputs();
        inputs[0] += Fr::one();
        let pvk = ark_groth16::prepare_verifying_key(keys.verifying_key());
        assert!(!Groth16::<Bls12_381>::verify_proof(&pvk, &fast, &inputs).unwrap());
        items.push(ringct_verifier::Item::new(fast, inputs));
    }
    for mode in ringct_verifier::Mode::ALL {
        let report = verifier.verify(mode, &items);
        let valid: Vec<bool> = report.verdicts.iter().map(|v| v.is_valid()).collect();
        assert_eq!(valid, vec![true, false, true, false, true, false], "{mode}");
    }
    // A wrong assignment length is refused, not proved.
    let (witness, statement) = random_spend(small(), &mut r).unwrap();
    let circuit = RingCtCircuit::new_unchecked(witness, statement.to_public_inputs());
    let mut assignment = engine.assignment(circuit).unwrap();
    assignment.pop();
    for backend in [
        MsmBackend::Blst,
        MsmBackend::BlstPlain,
        MsmBackend::Arkworks,
    ] {
        assert!(matches!(
            engine.prove_assignment_with(&assignment, &mut r, backend),
            Err(ProverError::CircuitKeyMismatch { .. })
        ));
    }
    assert!(engine.fast_key_bytes() > 0);
}
