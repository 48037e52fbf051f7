//! Writes Groth16 keys for one shape into a directory.
//!
//! ```text
//! ringct-keygen --out DIR [--shape 2x2-r16] [--insecure-dev-seed SEED]
//! ```
//!
//! Without `--insecure-dev-seed` the setup draws from the OS's randomness and
//! the toxic waste is dropped when the process exits.

use ringct_circuit::Shape;
use ringct_prover::{keyfile, RingCtKeys};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: ringct-keygen --out DIR [--shape MxN-rK] [--insecure-dev-seed SEED]";

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (mut out, mut shape, mut seed) = (None, Shape::default(), None);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--out" => out = Some(PathBuf::from(value()?)),
            "--shape" => shape = value()?.parse().map_err(|e| format!("--shape: {e}"))?,
            "--insecure-dev-seed" => {
                seed = Some(
                    value()?
                        .parse::<u64>()
                        .map_err(|e| format!("--insecure-dev-seed: {e}"))?,
                )
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    let out = out.ok_or_else(|| format!("--out is required\n{USAGE}"))?;
    let keys = match seed {
        Some(seed) => {
            eprintln!("WARNING: INSECURE development keys from public seed {seed}: anyone can forge proofs.");
            RingCtKeys::insecure_dev_setup_from_fixed_seed(shape, seed)
        }
        None => RingCtKeys::setup(shape, &mut rand_chacha::ChaCha20Rng::from_entropy()),
    }
    .map_err(|e| e.to_string())?;
    let (pk, vk) = keyfile::write_keys(&out, &keys).map_err(|e| e.to_string())?;
    println!("shape        {shape}");
    println!("fingerprint  {}", keys.fingerprint());
    println!("proving key  {}", pk.display());
    println!("verifying key {}", vk.display());
    Ok(())
}

use rand::SeedableRng;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ringct-keygen: {e}");
            ExitCode::FAILURE
        }
    }
}
