//! `RINGCT_PROVER` in the wallet binary: a value that is neither `local` nor a
//! PostgreSQL URL is refused by `send` before the wallet file, the passphrase
//! or the node are touched, with the rule `prover_backend`, exit status 1 (the
//! wallet's status for every failure) and no password in the message.

use std::process::Command;

fn send(prover: &str) -> (Option<i32>, serde_json::Value, String) {
    let dir = std::env::temp_dir().join(format!("wallet-prover-backend-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_supervm-wallet"))
        .arg("--json")
        .arg("--wallet")
        .arg(dir.join("missing.wallet"))
        .args(["--node", "http://127.0.0.1:9"])
        .args(["send", "--to", "nobody", "--amount", "1", "--no-sync"])
        .env("RINGCT_PROVER", prover)
        .env_remove("RINGCT_PROVER_CA_FILE")
        .env_remove("SUPERVM_WALLET_FILE")
        .env_remove("SUPERVM_WALLET_PASSPHRASE_FILE")
        .output()
        .expect("cannot run supervm-wallet");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json = serde_json::from_str(stdout.lines().last().unwrap_or("null"))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    (
        out.status.code(),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_bad_ringct_prover_is_refused_first_without_leaking_a_password() {
    for bad in [
        "mysql://payer:hunter2@db/ringct",
        "Local",
        "",
        "postgres:/db",
    ] {
        let (code, json, stderr) = send(bad);
        assert_eq!(code, Some(1), "{bad}: {stderr}");
        assert_eq!(json["error"], "prover_backend", "{bad}: {json}");
        let message = json["message"].as_str().unwrap_or_default();
        assert!(message.contains("RINGCT_PROVER"), "{bad}: {message}");
        assert!(
            !message.contains("hunter2") && !stderr.contains("hunter2"),
            "{bad}: {stderr}"
        );
    }
}

#[test]
fn a_valid_ringct_prover_passes_and_the_next_rule_speaks() {
    // `local` and a PostgreSQL URL are accepted; the missing wallet file is
    // the next error, so the backend check did not refuse them.
    for good in ["local", "postgres://payer@db/ringct"] {
        let (code, json, stderr) = send(good);
        assert_eq!(code, Some(1), "{good}: {stderr}");
        assert_ne!(json["error"], "prover_backend", "{good}: {json}");
    }
}
