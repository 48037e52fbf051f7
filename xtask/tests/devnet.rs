//! `cargo xtask devnet` end to end, short: a node on a fresh genesis and two wallets
//! paying each other twice (quick shapes, no monitoring), then everything stopped.

use std::process::Command;

#[test]
fn devnet_pays_and_stops() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["devnet", "--quick", "--payments", "2", "--no-monitoring"])
        .output()
        .expect("cannot run xtask");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "devnet failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("payment 1: alice -> bob"), "{stdout}");
    assert!(stdout.contains("payment 2: bob -> alice"), "{stdout}");
    // Alice paid 1 + 0.001 and got 1 back: 99.999.
    assert!(stdout.contains("alice: balance: 99.999"), "{stdout}");
    assert!(stdout.contains("devnet: stopped"), "{stdout}");
}
