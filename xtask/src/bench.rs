//! `cargo xtask bench [--quick] [--only SECTION]`: the project's main job.
//! Measures proving, verification, the runtime and the node's store on the
//! default shape, prints a table, and writes `target/bench/summary.json`
//! (`--only` runs one section and writes `summary-SECTION.json`), and SVG charts
//! of the proving and verification figures next to it (see [`plots`]).

mod cluster;
mod node_api;
mod plots;
mod prove;
mod runtime;
mod store;
mod verify;
mod wallet;

use crate::XtaskError;
use serde_json::{json, Value};
use std::path::Path;

/// `cargo xtask bench --compare FILE [--against FILE]`: every numeric figure of
/// `against` (default `target/bench/summary.json`, the last run) next to the same
/// figure in the saved summary `FILE`, as a ratio new / old. Keys are matched by their
/// path (`prove.batch_ms`); figures present on one side only are listed as such.
fn compare(saved: &Path, against: &Path) -> Result<(), XtaskError> {
    let read = |p: &Path| -> Result<Value, XtaskError> {
        let text = std::fs::read_to_string(p).map_err(|source| XtaskError::Io {
            path: p.to_path_buf(),
            source,
        })?;
        Ok(serde_json::from_str(&text)?)
    };
    let (old, new) = (read(saved)?, read(against)?);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    flatten("", &old, &mut a);
    flatten("", &new, &mut b);
    let old_map: std::collections::BTreeMap<_, _> = a.into_iter().collect();
    let new_map: std::collections::BTreeMap<_, _> = b.into_iter().collect();
    println!(
        "{:<56} {:>14} {:>14} {:>8}",
        "figure", "saved", "now", "now/saved"
    );
    for (key, now) in &new_map {
        match old_map.get(key) {
            Some(before) if *before != 0.0 => {
                println!("{key:<56} {before:>14.4} {now:>14.4} {:>8.3}", now / before)
            }
            Some(before) => println!("{key:<56} {before:>14.4} {now:>14.4} {:>8}", "-"),
            None => println!("{key:<56} {:>14} {now:>14.4} {:>8}", "(absent)", "new"),
        }
    }
    for (key, before) in old_map.iter().filter(|(k, _)| !new_map.contains_key(*k)) {
        println!("{key:<56} {before:>14.4} {:>14} {:>8}", "(absent)", "gone");
    }
    Ok(())
}

/// Every number in `v`, with its dotted path (array elements as `[i]`).
fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, f64)>) {
    match v {
        Value::Number(n) => {
            if let Some(x) = n.as_f64() {
                out.push((prefix.to_string(), x));
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&path, v, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), v, out);
            }
        }
        _ => {}
    }
}

/// Sections `--only` accepts, in the order a full run measures them.
const SECTIONS: &[&str] = &["prove", "verify", "runtime", "node", "wallet", "cluster"];

pub fn run(args: &[String]) -> Result<(), XtaskError> {
    let mut quick = false;
    let mut only: Option<String> = None;
    let mut saved: Option<std::path::PathBuf> = None;
    let mut against: Option<std::path::PathBuf> = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--compare" | "--against" => {
                let file = args
                    .next()
                    .ok_or_else(|| XtaskError::Usage(format!("{arg} needs a summary.json file")))?;
                let slot = if arg == "--compare" {
                    &mut saved
                } else {
                    &mut against
                };
                *slot = Some(file.into());
            }
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
    if let Some(saved) = saved {
        let against = against.unwrap_or_else(|| {
            crate::project_root()
                .join("target")
                .join("bench")
                .join("summary.json")
        });
        return compare(&saved, &against);
    }
    if against.is_some() {
        return Err(XtaskError::Usage("--against needs --compare".into()));
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
        // The store's figures, then the node's through its HTTP API, in one object.
        let mut node = store::run(quick).map_err(XtaskError::Bench)?;
        let api = node_api::run(quick).map_err(XtaskError::Bench)?;
        if let (Some(node), Some(api)) = (node.as_object_mut(), api.as_object()) {
            node.extend(api.clone());
        }
        summary["node"] = node;
    }
    if wanted("wallet") {
        summary["wallet"] = wallet::run(quick)?;
    }
    if wanted("cluster") {
        summary["cluster"] = cluster::run(quick).map_err(XtaskError::Bench)?;
    }

    let dir = crate::project_root().join("target").join("bench");
    let name = match &only {
        // A partial run never overwrites the full summary.
        Some(section) => format!("summary-{section}.json"),
        None => "summary.json".to_string(),
    };
    write_summary(&dir, &name, &summary)?;
    let (charts, skipped) = plots::write_all(&summary, &dir).map_err(XtaskError::Bench)?;
    for path in charts {
        println!("wrote {}", path.display());
    }
    for line in skipped {
        println!("chart skipped: {line}");
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flatten_names_every_number_by_its_path() {
        let v = serde_json::json!({
            "prove": { "batch_ms": 2.5, "label": "x", "sweep": [ { "n": 8 }, { "n": 16 } ] },
            "schema": 1
        });
        let mut out = Vec::new();
        flatten("", &v, &mut out);
        out.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            out,
            vec![
                ("prove.batch_ms".to_string(), 2.5),
                ("prove.sweep[0].n".to_string(), 8.0),
                ("prove.sweep[1].n".to_string(), 16.0),
                ("schema".to_string(), 1.0),
            ]
        );
    }
}
