//! `cargo xtask bench [--quick] [--only SECTION]`: the project's main job.
//! Measures proving, verification, the runtime and the node's store on the
//! default shape, prints a table, and writes `target/bench/summary.json`
//! (`--only` runs one section and writes `summary-SECTION.json`).

mod prove;
mod runtime;
mod store;
mod verify;

use crate::XtaskError;
use serde_json::{json, Value};
use std::path::Path;

/// Sections `--only` accepts, in the order a full run measures them.
const SECTIONS: &[&str] = &["prove", "verify", "runtime", "node"];

pub fn run(args: &[String]) -> Result<(), XtaskError> {
    let mut quick = false;
    let mut only: Option<String> = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--only" => {
                let section = args.next().ok_or_else(|| {
                    XtaskError::Usage(format!("--only needs a section: {}", SECTIONS.join(", ")))
                })?;
                if !SECTIONS.contains(&section.as_str()) {
                    return Err(XtaskError::Usage(format!(
                        "unknown section `{section}`; sections: {}",
                        SECTIONS.join(", ")
                    )));
                }
                only = Some(section.clone());
            }
            other => {
                return Err(XtaskError::Usage(format!(
                    "unknown flag `{other}` for bench"
                )))
            }
        }
    }
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = rayon::current_num_threads();
    println!(
        "machine: {cpus} cpus, {threads} threads, {}",
        rustc_version()
    );
    println!("mode: {}", if quick { "quick" } else { "full" });

    let mut summary = json!({
        "schema": 1,
        "machine": { "cpus": cpus, "threads": threads, "rustc": rustc_version() },
    });
    let wanted = |section: &str| only.as_deref().is_none_or(|o| o == section);
    if wanted("prove") {
        let (circuit, prove) = prove::run(quick).map_err(XtaskError::Bench)?;
        summary["circuit"] = circuit;
        summary["prove"] = prove;
    }
    if wanted("verify") {
        summary["verify"] = verify::run(quick).map_err(XtaskError::Bench)?;
    }
    if wanted("runtime") {
        summary["runtime"] = runtime::run(quick).map_err(XtaskError::Bench)?;
    }
    if wanted("node") {
        // The node's figures that exist before the node: its store. The node adds the
        // rest of the `node` object (transactions per second, submit-to-commit latency).
        summary["node"] = store::run(quick).map_err(XtaskError::Bench)?;
    }

    let dir = crate::project_root().join("target").join("bench");
    let name = match &only {
        // A partial run never overwrites the full summary.
        Some(section) => format!("summary-{section}.json"),
        None => "summary.json".to_string(),
    };
    write_summary(&dir, &name, &summary)
}

fn write_summary(dir: &Path, name: &str, summary: &Value) -> Result<(), XtaskError> {
    let io = |source| XtaskError::Io {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let path = dir.join(name);
    let text = serde_json::to_string_pretty(summary)?;
    std::fs::write(&path, text + "\n").map_err(|source| XtaskError::Io {
        path: path.clone(),
        source,
    })?;
    println!("\nwrote {}", path.display());
    Ok(())
}

fn rustc_version() -> String {
    std::process::Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map_or_else(|| "unknown".into(), |s| s.trim().to_string())
}

/// Peak resident set size of this process, from /proc (0 where unavailable).
pub fn peak_rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// Median of the timings of `reps` runs of `f`, in milliseconds.
pub fn median_ms(reps: usize, mut f: impl FnMut()) -> f64 {
    let mut samples: Vec<f64> = (0..reps.max(1))
        .map(|_| {
            let t = std::time::Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}
