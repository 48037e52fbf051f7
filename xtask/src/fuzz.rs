//! `cargo xtask fuzz`: runs one cargo-fuzz (libFuzzer) target of `fuzz/`,
//! lists the targets, writes the hand-made seeds, and minimises a corpus.
//!
//! The harnesses live in `crates/ringct-fuzz` (one function per target); the
//! binaries in `fuzz/fuzz_targets/` only call them. Runs build with
//! `--sanitizer none` (every project crate but ringct-blst forbids `unsafe`,
//! ringct-blst's is single calls into blst's C code, and the address
//! sanitizer needs a nightly-only flag) and cargo-fuzz's defaults otherwise:
//! optimised, with debug assertions and overflow checks. See
//! docs/FUZZING.md.
//!
//! New inputs a run finds go to `target/fuzz/corpus/<target>/` (not checked
//! in); the checked-in corpus `fuzz/corpus/<target>/` is read, never grown,
//! until `--cmin` merges the two and minimises the result.

use crate::XtaskError;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const INSTALL: &str = "\
cargo-fuzz is not installed (or does not run). Install it with

    cargo install --locked cargo-fuzz

It builds with the stable toolchain; it needs a C++ compiler (g++ or clang++)
for libFuzzer. Then run `cargo xtask fuzz --list`.";

/// Per-input time limit handed to libFuzzer, in seconds: anything slower is
/// reported as a hang.
const TIMEOUT_SECS: u64 = 20;

enum Action {
    List,
    Seeds,
    Run {
        target: String,
        seconds: Option<u64>,
        runs: Option<u64>,
    },
    Cmin {
        target: String,
    },
}

fn usage(msg: impl Into<String>) -> XtaskError {
    XtaskError::Usage(msg.into())
}

fn parse(args: &[String]) -> Result<Action, XtaskError> {
    let mut target = None;
    let (mut seconds, mut runs, mut list, mut seeds, mut cmin) = (None, None, false, false, false);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut number = |flag: &str| -> Result<u64, XtaskError> {
            let v = it
                .next()
                .ok_or_else(|| usage(format!("{flag} needs a number")))?;
            match v.parse::<u64>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(usage(format!(
                    "{flag} needs a positive whole number, got `{v}`"
                ))),
            }
        };
        match arg.as_str() {
            "--list" => list = true,
            "--seeds" => seeds = true,
            "--cmin" => cmin = true,
            "--seconds" => seconds = Some(number("--seconds")?),
            "--runs" => runs = Some(number("--runs")?),
            flag if flag.starts_with('-') => {
                return Err(usage(format!("unknown flag `{flag}` for fuzz")))
            }
            name => {
                if ringct_fuzz::target(name).is_none() {
                    return Err(usage(format!(
                        "unknown fuzz target `{name}`; `cargo xtask fuzz --list` shows them"
                    )));
                }
                if target.replace(name.to_string()).is_some() {
                    return Err(usage("name one fuzz target"));
                }
            }
        }
    }
    match (list, seeds, cmin, target) {
        (true, false, false, None) => Ok(Action::List),
        (false, true, false, None) => Ok(Action::Seeds),
        (false, false, true, Some(target)) if seconds.is_none() && runs.is_none() => {
            Ok(Action::Cmin { target })
        }
        (false, false, false, Some(target)) => {
            if seconds.is_none() && runs.is_none() {
                return Err(usage("say how long: --seconds N and/or --runs N"));
            }
            Ok(Action::Run {
                target,
                seconds,
                runs,
            })
        }
        _ => Err(usage(
            "fuzz takes --list, --seeds, `<target> --cmin`, or `<target> --seconds N [--runs N]`",
        )),
    }
}

pub fn run(args: &[String]) -> Result<(), XtaskError> {
    match parse(args)? {
        Action::List => {
            for t in ringct_fuzz::TARGETS {
                println!("{:<14} {}", t.name, t.about);
            }
            Ok(())
        }
        Action::Seeds => write_seeds(&corpus_root()),
        Action::Run {
            target,
            seconds,
            runs,
        } => fuzz(&target, seconds, runs),
        Action::Cmin { target } => cmin(&target),
    }
}

fn corpus_root() -> PathBuf {
    crate::project_root().join("fuzz").join("corpus")
}

fn work_corpus(target: &str) -> PathBuf {
    crate::project_root()
        .join("target")
        .join("fuzz")
        .join("corpus")
        .join(target)
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> XtaskError + '_ {
    move |source| XtaskError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes every target's seeds to `fuzz/corpus/<target>/seed-<name>`.
fn write_seeds(root: &Path) -> Result<(), XtaskError> {
    for t in ringct_fuzz::TARGETS {
        let dir = root.join(t.name);
        fs::create_dir_all(&dir).map_err(io(&dir))?;
        let seeds = ringct_fuzz::seeds::seeds(t.name);
        for s in &seeds {
            let path = dir.join(format!("seed-{}", s.name));
            fs::write(&path, &s.bytes).map_err(io(&path))?;
        }
        println!("{}: {} seeds in {}", t.name, seeds.len(), dir.display());
    }
    Ok(())
}

/// `cargo fuzz ...` for `target` from the workspace root, with the
/// project's build flags. Targets built without comparison tracing use
/// their own target directory, so switching targets never rebuilds.
fn cargo_fuzz(subcommand: &str, target: &str) -> Command {
    let mut cmd =
        Command::new(std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")));
    cmd.current_dir(crate::project_root()).args([
        "fuzz",
        subcommand,
        "--fuzz-dir",
        "fuzz",
        "--sanitizer",
        "none",
        "--release",
        "--debug-assertions",
    ]);
    // One fuzzing job uses one core: the key-file checks run on Rayon.
    cmd.env("RAYON_NUM_THREADS", "1");
    if ringct_fuzz::target(target).is_some_and(|t| !t.trace_compares) {
        cmd.args([
            "--no-trace-compares",
            "--target-dir",
            "fuzz/target/no-trace-compares",
        ]);
    }
    cmd
}

fn check_installed() -> Result<(), XtaskError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let ok = Command::new(cargo)
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        Ok(())
    } else {
        Err(XtaskError::Fuzz(INSTALL.into()))
    }
}

fn status(cmd: &mut Command, what: &str) -> Result<(), XtaskError> {
    let st = cmd
        .status()
        .map_err(|e| XtaskError::Fuzz(format!("cannot start {what}: {e}")))?;
    if st.success() {
        Ok(())
    } else {
        Err(XtaskError::Fuzz(format!("{what} failed ({st})")))
    }
}

fn fuzz(target: &str, seconds: Option<u64>, runs: Option<u64>) -> Result<(), XtaskError> {
    check_installed()?;
    let work = work_corpus(target);
    fs::create_dir_all(&work).map_err(io(&work))?;
    let checked_in = corpus_root().join(target);
    let mut cmd = cargo_fuzz("run", target);
    // The first corpus directory receives new inputs; the checked-in one is
    // only read.
    cmd.arg(target).arg(&work).arg(&checked_in).arg("--");
    cmd.arg(format!("-timeout={TIMEOUT_SECS}"))
        .arg("-print_final_stats=1");
    if let Some(s) = seconds {
        cmd.arg(format!("-max_total_time={s}"));
    }
    if let Some(r) = runs {
        cmd.arg(format!("-runs={r}"));
    }
    println!(
        "fuzzing {target} ({}); new inputs go to {}",
        match (seconds, runs) {
            (Some(s), Some(r)) => format!("{s} s or {r} runs, whichever comes first"),
            (Some(s), None) => format!("{s} s"),
            (None, Some(r)) => format!("{r} runs"),
            (None, None) => unreachable!("parse requires a bound"),
        },
        work.display()
    );
    status(&mut cmd, "cargo fuzz run")?;
    println!(
        "no crash. To keep what this run found, minimise it into the checked-in corpus:\n  \
         cargo xtask fuzz {target} --cmin"
    );
    Ok(())
}

/// Merges the work corpus into `fuzz/corpus/<target>/` and minimises it with
/// `cargo fuzz cmin`, keeping every `seed-*` and `crash-*` file as is.
fn cmin(target: &str) -> Result<(), XtaskError> {
    check_installed()?;
    let dir = corpus_root().join(target);
    let kept = crate::project_root()
        .join("target")
        .join("fuzz")
        .join("kept")
        .join(target);
    if kept.exists() {
        fs::remove_dir_all(&kept).map_err(io(&kept))?;
    }
    fs::create_dir_all(&kept).map_err(io(&kept))?;
    for entry in fs::read_dir(&dir).map_err(io(&dir))? {
        let path = entry.map_err(io(&dir))?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        if name.is_some_and(|n| n.starts_with("seed-") || n.starts_with("crash-")) {
            let to = kept.join(path.file_name().unwrap_or_default());
            fs::rename(&path, &to).map_err(io(&path))?;
        }
    }
    let work = work_corpus(target);
    if work.is_dir() {
        for entry in fs::read_dir(&work).map_err(io(&work))? {
            let path = entry.map_err(io(&work))?.path();
            let to = dir.join(path.file_name().unwrap_or_default());
            fs::copy(&path, &to).map_err(io(&path))?;
        }
    }
    let result = status(
        cargo_fuzz("cmin", target).arg(target).arg(&dir),
        "cargo fuzz cmin",
    );
    // Put the seeds and crash inputs back whatever cmin did.
    for entry in fs::read_dir(&kept).map_err(io(&kept))? {
        let path = entry.map_err(io(&kept))?.path();
        let to = dir.join(path.file_name().unwrap_or_default());
        fs::rename(&path, &to).map_err(io(&path))?;
    }
    result?;
    let count = fs::read_dir(&dir).map_err(io(&dir))?.count();
    println!("{target}: {count} files in {}", dir.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_runs_and_refuses_bad_command_lines() {
        assert!(matches!(parse(&args(&["--list"])), Ok(Action::List)));
        assert!(matches!(parse(&args(&["--seeds"])), Ok(Action::Seeds)));
        assert!(matches!(
            parse(&args(&["shape", "--seconds", "5", "--runs", "9"])),
            Ok(Action::Run { ref target, seconds: Some(5), runs: Some(9) }) if target == "shape"
        ));
        assert!(matches!(
            parse(&args(&["shape", "--cmin"])),
            Ok(Action::Cmin { ref target }) if target == "shape"
        ));
        for bad in [
            &[][..],
            &["nope", "--seconds", "1"],
            &["shape"],
            &["shape", "--seconds"],
            &["shape", "--seconds", "0"],
            &["shape", "--seconds", "-3"],
            &["shape", "fingerprint", "--seconds", "1"],
            &["--list", "shape"],
            &["shape", "--cmin", "--seconds", "1"],
            &["shape", "--fast"],
        ] {
            assert!(
                matches!(parse(&args(bad)), Err(XtaskError::Usage(_))),
                "{bad:?}"
            );
        }
    }
}
