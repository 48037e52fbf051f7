//! The configuration's layering, bounds and refusals.

use super::*;

fn no_env(_: &str) -> Option<OsString> {
    None
}

fn load_text(toml: &str, env: &[(&str, &str)], flags: &Overrides) -> Result<NodeConfig, NodeError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("node.toml");
    std::fs::write(&path, toml).unwrap();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    NodeConfig::load(
        Some(&path),
        |k| {
            env.iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| OsString::from(v))
        },
        flags,
    )
}

#[test]
fn file_then_env_then_flags() {
    let toml =
        "data_dir = \"/tmp/a\"\nnetwork = \"file-net\"\n[block]\ninterval_ms = 500\nmax_txs = 10\n";
    let c = load_text(toml, &[], &Overrides::default()).unwrap();
    assert_eq!(c.data_dir, PathBuf::from("/tmp/a"));
    assert_eq!(c.network.as_str(), "file-net");
    assert_eq!(c.block_interval, Duration::from_millis(500));
    assert_eq!(c.block_max_txs, 10);

    let c = load_text(
        toml,
        &[(env::NETWORK, "env-net"), (env::BLOCK_MAX_TXS, "20")],
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(c.network.as_str(), "env-net");
    assert_eq!(c.block_max_txs, 20);

    let flags = Overrides {
        network: Some("flag-net".into()),
        block_max_txs: Some("30".into()),
        ..Overrides::default()
    };
    let c = load_text(toml, &[(env::NETWORK, "env-net")], &flags).unwrap();
    assert_eq!(c.network.as_str(), "flag-net");
    assert_eq!(c.block_max_txs, 30);
}

#[test]
fn unknown_keys_are_refused() {
    let err = load_text(
        "data_dir = \"/x\"\n[block]\ninterval = 5\n",
        &[],
        &Overrides::default(),
    )
    .unwrap_err();
    assert!(matches!(err, NodeError::ConfigSyntax { .. }), "{err}");
    assert!(err.to_string().contains("interval"), "{err}");
}

#[test]
fn bounds_and_bad_values_name_their_source() {
    let base = "data_dir = \"/x\"\n";
    for (env_var, value) in [
        (env::BLOCK_MAX_TXS, "0"),
        (env::BLOCK_MAX_TXS, "10001"),
        (env::THREADS, "100000"),
        (env::BLOCK_INTERVAL_MS, "soon"),
        (env::API_LISTEN, "localhost"),
        (env::NETWORK, "Bad Net!"),
        (env::SHAPES, "2x2-r5"),
        (env::MEMPOOL_MAX_BYTES, "12"),
        (env::DATA_DIR, "  "),
        (env::STORE_CACHE_BYTES, "1048575"),
        (env::STORE_CACHE_BYTES, "68719476737"),
    ] {
        let err = load_text(base, &[(env_var, value)], &Overrides::default()).unwrap_err();
        match &err {
            NodeError::InvalidSetting { setting, .. } => assert_eq!(setting, env_var, "{err}"),
            other => panic!("{env_var}={value}: {other}"),
        }
    }
    let err = load_text(
        &format!("{base}[block]\nmax_txs = 0\n"),
        &[],
        &Overrides::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, NodeError::InvalidSetting { setting, .. } if setting == "block.max_txs"),
        "{err}"
    );
}

#[test]
fn store_cache_defaults_to_64_mib_and_follows_file_then_env() {
    let base = "data_dir = \"/x\"\n";
    let c = load_text(base, &[], &Overrides::default()).unwrap();
    assert_eq!(c.store_cache_bytes, 64 << 20);
    let c = load_text(
        &format!("{base}[store]\ncache_bytes = 8388608\n"),
        &[],
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(c.store_cache_bytes, 8 << 20);
    assert_eq!(c.store_options().unwrap().cache_bytes(), 8 << 20);
    let c = load_text(
        &format!("{base}[store]\ncache_bytes = 8388608\n"),
        &[(env::STORE_CACHE_BYTES, "2097152")],
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(c.store_cache_bytes, 2 << 20);
    let err = load_text(
        &format!("{base}[store]\ncache_bytes = 1\n"),
        &[],
        &Overrides::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, NodeError::InvalidSetting { setting, .. } if setting == "store.cache_bytes"),
        "{err}"
    );
}

#[test]
fn non_unicode_env_is_an_error() {
    use std::os::unix::ffi::OsStringExt;
    let err = NodeConfig::load(
        None,
        |k| (k == env::DATA_DIR).then(|| OsString::from_vec(vec![0x66, 0xff])),
        &Overrides::default(),
    )
    .unwrap_err();
    assert!(matches!(err, NodeError::EnvNotUnicode { var } if var == env::DATA_DIR));
}

#[test]
fn data_dir_is_required() {
    let err = NodeConfig::load(None, no_env, &Overrides::default()).unwrap_err();
    assert!(
        matches!(&err, NodeError::InvalidSetting { setting, .. } if setting == "data_dir"),
        "{err}"
    );
}

#[test]
fn pins_need_shapes_and_keys_need_a_dir() {
    let pin = "ab".repeat(32);
    let err = load_text(
        &format!("data_dir = \"/x\"\n[keys]\ndir = \"/k\"\n[keys.pins]\n\"1x1-r4\" = \"{pin}\"\n"),
        &[],
        &Overrides::default(),
    )
    .unwrap_err();
    assert!(matches!(err, NodeError::PinWithoutShape { .. }), "{err}");
    let c = load_text(
        &format!("data_dir = \"/x\"\n[keys]\ndir = \"/k\"\nshapes = [\"1x1-r4\"]\n[keys.pins]\n\"1x1-r4\" = \"{pin}\"\n"),
        &[],
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(c.keys.shapes.values().next(), Some(&Some([0xab; 32])));
    let err = load_text(
        "data_dir = \"/x\"\n[keys]\nshapes = [\"1x1-r4\"]\n",
        &[],
        &Overrides::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, NodeError::InvalidSetting { setting, .. } if setting == "keys.dir"),
        "{err}"
    );
    let err = load_text(
        "data_dir = \"/x\"\n[keys]\ndir = \"/k\"\nshapes = [\"1x1-r4\"]\n[keys.pins]\n\"1x1-r4\" = \"xyz\"\n",
        &[],
        &Overrides::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, NodeError::InvalidSetting { setting, .. } if setting == "keys.pins.1x1-r4"),
        "{err}"
    );
}

#[test]
fn defaults_match_deploy() {
    let c = NodeConfig::load(
        None,
        |k| (k == env::DATA_DIR).then(|| "/d".into()),
        &Overrides::default(),
    )
    .unwrap();
    assert_eq!(c.metrics_listen.to_string(), "127.0.0.1:9100");
    assert_eq!(c.store_path(), PathBuf::from("/d/state.redb"));
}
