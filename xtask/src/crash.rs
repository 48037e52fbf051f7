//! `cargo xtask crash --kills N [--seed S]`: the long version of the node's crash test.
//!
//! Runs `crates/supervm-node/tests/crash.rs` (the real `supervm-node` binary, killed
//! with SIGKILL at random moments while a client streams public and private
//! transactions, restarted and checked after every kill) with `SUPERVM_CRASH_KILLS=N`
//! and `SUPERVM_CRASH_SEED=S`. CI runs the same test with 10 kills; record long runs in
//! docs/NODE.md.

use crate::XtaskError;
use std::ffi::OsString;
use std::process::Command;

fn usage(msg: impl Into<String>) -> XtaskError {
    XtaskError::Usage(msg.into())
}

/// Parses `--kills N [--seed S]` (both positive integers).
fn parse(args: &[String]) -> Result<(u64, u64), XtaskError> {
    let (mut kills, mut seed) = (None, 7);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| usage(format!("{arg} needs a number")))?;
        let n: u64 = value
            .parse()
            .map_err(|_| usage(format!("{arg} needs a number, got {value:?}")))?;
        match arg.as_str() {
            "--kills" if n > 0 && n <= 100_000 => kills = Some(n),
            "--kills" => return Err(usage("--kills must be between 1 and 100000")),
            "--seed" => seed = n,
            other => return Err(usage(format!("crash: unknown flag {other}"))),
        }
    }
    let kills = kills.ok_or_else(|| usage("crash needs --kills N"))?;
    Ok((kills, seed))
}

/// Entry point.
pub fn run(args: &[String]) -> Result<(), XtaskError> {
    let (kills, seed) = parse(args)?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let status = Command::new(cargo)
        .current_dir(crate::project_root())
        .args([
            "test",
            "-p",
            "supervm-node",
            "--test",
            "crash",
            "--",
            "--nocapture",
        ])
        .env("SUPERVM_CRASH_KILLS", kills.to_string())
        .env("SUPERVM_CRASH_SEED", seed.to_string())
        .status()
        .map_err(|e| XtaskError::Crash(format!("cannot run cargo: {e}")))?;
    if status.success() {
        println!("crash: {kills} kills (seed {seed}): every check held");
        Ok(())
    } else {
        Err(XtaskError::Crash(format!(
            "the crash test failed ({status}) after at most {kills} kills, seed {seed}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_are_checked() {
        assert_eq!(parse(&args(&["--kills", "50"])).unwrap(), (50, 7));
        assert_eq!(
            parse(&args(&["--kills", "5", "--seed", "9"])).unwrap(),
            (5, 9)
        );
        for bad in [
            &[][..],
            &["--kills"],
            &["--kills", "0"],
            &["--kills", "x"],
            &["--runs", "5"],
        ] {
            assert!(parse(&args(bad)).is_err(), "{bad:?}");
        }
    }
}
