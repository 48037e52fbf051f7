//! The scrape configuration in deploy/prometheus agrees with its target files
//! and with the alert rules: every job discovers its targets from a file that
//! exists, and every job an alert rule names is scraped. (`promtool check
//! config`, run by deploy/check.sh, validates the target files' contents.)

use std::path::{Path, PathBuf};

fn prometheus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .join("deploy/prometheus")
}

/// The value of every `key: value` line (YAML, one level of quoting) in `text`.
fn values_of<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    text.lines()
        .filter_map(|l| l.trim_start().trim_start_matches("- ").strip_prefix(key))
        .filter_map(|rest| rest.strip_prefix(':'))
        .map(|v| v.trim().trim_matches(['\'', '"']))
        .collect()
}

#[test]
fn every_job_discovers_targets_from_an_existing_file() {
    let dir = prometheus_dir();
    let config = std::fs::read_to_string(dir.join("prometheus-ringct.yml")).unwrap();
    let jobs = values_of(&config, "job_name");
    assert_eq!(
        jobs,
        vec![
            "ringct-parallel-prover",
            "supervm-runtime",
            "supervm-cluster-worker"
        ]
    );
    assert!(
        !config.contains("static_configs:\n      - targets"),
        "scrape targets belong in targets/*.yml (file_sd_configs), not in static_configs"
    );
    let files: Vec<String> = values_of(&config, "files")
        .into_iter()
        .map(|v| v.trim_matches(['[', ']', '\'', '"']).to_string())
        .collect();
    assert_eq!(
        files.len(),
        jobs.len(),
        "one target file per job: {files:?}"
    );
    for file in files {
        let path = dir.join(&file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{} (named in file_sd_configs): {e}", path.display()));
        assert!(text.starts_with('#'), "{} explains itself", path.display());
    }
}

#[test]
fn every_job_an_alert_names_is_scraped() {
    let dir = prometheus_dir();
    let config = std::fs::read_to_string(dir.join("prometheus-ringct.yml")).unwrap();
    let rules = std::fs::read_to_string(dir.join("prometheus-zk-alerts.yml")).unwrap();
    let jobs = values_of(&config, "job_name");
    let mut named = Vec::new();
    let mut rest = rules.as_str();
    while let Some(start) = rest.find("job=\"") {
        let tail = &rest[start + 5..];
        let end = tail.find('"').expect("closing quote");
        named.push(&tail[..end]);
        rest = &tail[end..];
    }
    assert!(named.len() >= 3, "{named:?}");
    for job in named {
        assert!(
            jobs.contains(&job),
            "alert rules name job {job}, which is not scraped"
        );
    }
}

#[test]
fn yaml_value_reader_reads_keys() {
    let text = "  - job_name: a\n    files: ['t/x.yml']\n  - job_name: 'b'\n";
    assert_eq!(values_of(text, "job_name"), vec!["a", "b"]);
    assert_eq!(values_of(text, "files"), vec!["['t/x.yml']"]);
}
