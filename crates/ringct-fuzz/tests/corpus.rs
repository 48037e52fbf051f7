//! Replays every checked-in corpus file of every fuzz target through its
//! harness (`fuzz/corpus/<target>/*`), so every crash input found once stays
//! fixed, and checks that every target has a non-empty corpus holding its
//! hand-made seeds.

use std::fs;
use std::path::{Path, PathBuf};

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .canonicalize()
        .expect("fuzz/corpus exists at the workspace root")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("corpus directory {} is missing: {e}", dir.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

#[test]
fn every_target_has_a_corpus_and_it_replays() {
    let root = corpus_root();
    for target in ringct_fuzz::TARGETS {
        let dir = root.join(target.name);
        let inputs = files(&dir);
        assert!(!inputs.is_empty(), "corpus {} is empty", dir.display());
        for path in &inputs {
            let data = fs::read(path).expect("readable corpus file");
            let outcome = std::panic::catch_unwind(|| (target.run)(&data));
            assert!(
                outcome.is_ok(),
                "{}: {} fails its harness",
                target.name,
                path.display()
            );
        }
        eprintln!("{}: replayed {} inputs", target.name, inputs.len());
    }
}

#[test]
fn every_seed_is_checked_in() {
    let root = corpus_root();
    for target in ringct_fuzz::TARGETS {
        for seed in ringct_fuzz::seeds::seeds(target.name) {
            let path = root.join(target.name).join(format!("seed-{}", seed.name));
            let on_disk = fs::read(&path).unwrap_or_else(|e| {
                panic!(
                    "{} is missing ({e}); run `cargo xtask fuzz --seeds`",
                    path.display()
                )
            });
            assert_eq!(
                on_disk,
                seed.bytes,
                "{} is stale; run `cargo xtask fuzz --seeds`",
                path.display()
            );
        }
    }
}

#[test]
fn no_target_directory_is_unknown() {
    for entry in fs::read_dir(corpus_root()).expect("fuzz/corpus is a directory") {
        let name = entry.expect("readable entry").file_name();
        let name = name.to_string_lossy();
        assert!(
            ringct_fuzz::target(&name).is_some(),
            "fuzz/corpus/{name} belongs to no target"
        );
    }
}
