//! Writes Groth16 keys for one shape into a directory.
//!
//! ```text
//! ringct-keygen --out DIR [--shape 2x2-r16] [--insecure-dev-seed SEED]
//! ```
//!
//! Without `--insecure-dev-seed` the setup draws from the OS's randomness and
//! the toxic waste is dropped when the process exits.
//!
//! Exit status: 0 written; 1 the setup or writing the files failed; 2 bad
//! arguments (unknown, missing, not UTF-8, or a value that does not parse).

use rand::SeedableRng;
use ringct_circuit::Shape;
use ringct_prover::{keyfile, ProverError, RingCtKeys};
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: ringct-keygen --out DIR [--shape MxN-rK] [--insecure-dev-seed SEED]";

/// Why keygen stopped.
#[derive(Debug, thiserror::Error)]
enum KeygenError {
    /// Bad command line (exit status 2).
    #[error("{0}\n{USAGE}")]
    Usage(String),
    /// Setup or writing failed (exit status 1, or 2 for a configuration error).
    #[error(transparent)]
    Prover(#[from] ProverError),
}

impl KeygenError {
    fn exit_code(&self) -> u8 {
        match self {
            KeygenError::Usage(_) => 2,
            KeygenError::Prover(e) if e.is_configuration() => 2,
            KeygenError::Prover(_) => 1,
        }
    }
}

/// `Ok(None)` for `--help`.
fn parse(
    args: impl IntoIterator<Item = OsString>,
) -> Result<Option<(PathBuf, Shape, Option<u64>)>, KeygenError> {
    let usage = |m: String| KeygenError::Usage(m);
    let mut args = args.into_iter().enumerate();
    let (mut out, mut shape, mut seed) = (None, Shape::default(), None);
    while let Some((i, arg)) = args.next() {
        let arg = arg
            .into_string()
            .map_err(|a| usage(format!("argument {} is not valid UTF-8: {a:?}", i + 1)))?;
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--out" | "--shape" | "--insecure-dev-seed" => {}
            other => return Err(usage(format!("unknown argument {other}"))),
        }
        let (_, value) = args
            .next()
            .ok_or_else(|| usage(format!("{arg} needs a value")))?;
        if arg == "--out" {
            // A path may be any bytes.
            out = Some(PathBuf::from(value));
            continue;
        }
        let value = value
            .into_string()
            .map_err(|v| usage(format!("{arg}: not valid UTF-8: {v:?}")))?;
        if arg == "--shape" {
            shape = value.parse().map_err(|e| usage(format!("--shape: {e}")))?;
        } else {
            seed = Some(
                value
                    .parse::<u64>()
                    .map_err(|e| usage(format!("--insecure-dev-seed: {e}")))?,
            );
        }
    }
    let out = out.ok_or_else(|| usage("--out is required".into()))?;
    Ok(Some((out, shape, seed)))
}

fn run() -> Result<(), KeygenError> {
    let Some((out, shape, seed)) = parse(std::env::args_os().skip(1))? else {
        println!("{USAGE}");
        return Ok(());
    };
    let keys = match seed {
        Some(seed) => {
            eprintln!("WARNING: INSECURE development keys from public seed {seed}: anyone can forge proofs.");
            RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, seed)
        }
        None => RingCtKeys::setup(shape, &mut rand_chacha::ChaCha20Rng::from_entropy()),
    }?;
    let (pk, vk) = keyfile::write_keys(&out, &keys)?;
    println!("shape        {shape}");
    println!("fingerprint  {}", keys.fingerprint());
    println!("proving key  {}", pk.display());
    println!("verifying key {}", vk.display());
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ringct-keygen: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStringExt;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[test]
    fn good_arguments() {
        let (out, shape, seed) = parse(args(&[
            "--out",
            "k",
            "--shape",
            "1x1-r4",
            "--insecure-dev-seed",
            "7",
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(out, PathBuf::from("k"));
        assert_eq!(shape.to_string(), "1x1-r4");
        assert_eq!(seed, Some(7));
        assert!(parse(args(&["--help"])).unwrap().is_none());
        // A non-UTF-8 output path is a valid path.
        let (out, ..) = parse(vec!["--out".into(), OsString::from_vec(vec![b'k', 0xff])])
            .unwrap()
            .unwrap();
        assert_eq!(out.as_os_str().len(), 2);
    }

    #[test]
    fn bad_arguments_exit_2() {
        for bad in [
            args(&[]),
            args(&["--bogus"]),
            args(&["--out"]),
            args(&["--out", "k", "--shape", "0x1-r4"]),
            args(&["--out", "k", "--insecure-dev-seed", "-1"]),
            vec![OsString::from_vec(vec![0xff])],
            vec![
                "--out".into(),
                "k".into(),
                "--shape".into(),
                OsString::from_vec(vec![b'1', 0xff]),
            ],
        ] {
            let err = parse(bad.clone()).unwrap_err();
            assert!(matches!(err, KeygenError::Usage(_)), "{bad:?}: {err}");
            assert_eq!(err.exit_code(), 2);
        }
        assert_eq!(
            KeygenError::Prover(ProverError::Synthesis("x".into())).exit_code(),
            1
        );
    }
}
