//! TLS end to end: a throwaway PostgreSQL with `ssl = on` and a server
//! certificate made by the test's own CA (the `openssl` command), the queue
//! client and a real `ringct-prover-worker` connecting with
//! `sslmode=verify-full` against that CA, and the refusals: a client that
//! trusts another CA, a certificate for another host, and a client that
//! requires TLS from a server without it.
//!
//! Without PostgreSQL or `openssl` these tests fail under CI (`CI=true`) and
//! skip with a notice elsewhere.

mod common;

use common::*;
use ringct_cluster::throwaway::{ServerTls, ThrowawayOptions};
use ringct_cluster::*;
use ringct_prover::BatchProver;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn openssl_installed() -> bool {
    let works = Command::new("openssl")
        .arg("version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    require(
        "openssl",
        (!works).then(|| "the openssl command is not installed (apt-get install openssl)".into()),
    )
}

/// A test CA and a server certificate it signed, in a temporary directory.
struct Pki {
    dir: TempDir,
}

impl Pki {
    /// A CA named `ca`, and a server certificate for `server_ip` signed by it.
    fn new(server_ip: &str) -> Self {
        let dir = TempDir::new("pki");
        let ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
        let run = |line: String| {
            let args: Vec<&str> = line.split_whitespace().collect();
            openssl(&dir.0, &args);
        };
        for ca in ["ca", "other-ca"] {
            // `-subj` has no spaces, so the line splits on whitespace.
            run(format!(
                "req -x509 {ec} -keyout {ca}.key -out {ca}.crt -days 2 -subj /CN=ringct-test-{ca} \
                 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign"
            ));
        }
        run(format!(
            "req -new {ec} -keyout server.key -out server.csr -subj /CN=ringct-test-server"
        ));
        std::fs::write(
            dir.0.join("server.ext"),
            format!(
                "subjectAltName=IP:{server_ip}\nbasicConstraints=CA:FALSE\n\
                 keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
            ),
        )
        .unwrap();
        run(
            "x509 -req -in server.csr -CA ca.crt -CAkey ca.key -set_serial 2 -days 2 \
             -extfile server.ext -out server.crt"
                .to_string(),
        );
        Pki { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.0.join(name)
    }

    fn server_tls(&self) -> ServerTls {
        ServerTls {
            cert_pem: std::fs::read(self.path("server.crt")).unwrap(),
            key_pem: std::fs::read(self.path("server.key")).unwrap(),
        }
    }
}

/// Whether every client session of the server runs over TLS, and how many there are.
fn sessions_over_tls(q: &mut Queue) -> (bool, i64) {
    let row = q
        .client()
        .query_one(
            "SELECT coalesce(bool_and(s.ssl), false), count(*)
             FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid
             WHERE a.backend_type = 'client backend'",
            &[],
        )
        .unwrap();
    (row.get(0), row.get(1))
}

#[test]
fn a_worker_and_the_client_prove_over_verified_tls_and_other_cas_and_hosts_are_refused() {
    if !postgres_installed() || !openssl_installed() {
        return;
    }
    let pki = Pki::new("127.0.0.1");
    // 127.0.0.2 is loopback too, but the certificate does not name it.
    let listen: Vec<IpAddr> = vec![[127, 0, 0, 1].into(), [127, 0, 0, 2].into()];
    let pg = postgres_with(ThrowawayOptions {
        tls: Some(pki.server_tls()),
        listen,
        ..ThrowawayOptions::default()
    })
    .unwrap();
    let url = pg.url_at("127.0.0.1", "verify-full");
    let db = DbConfig {
        url: url.clone(),
        ca_file: Some(pki.path("ca.crt")),
    };
    let mut q = Queue::connect(&db).unwrap();
    assert_eq!(sessions_over_tls(&mut q), (true, 1), "the session is TLS");

    // A client that trusts another CA is refused, before any query.
    let other = DbConfig {
        url: url.clone(),
        ca_file: Some(pki.path("other-ca.crt")),
    };
    let err = Queue::connect(&other).unwrap_err();
    assert!(matches!(err, ClusterError::TlsRefused { .. }), "{err}");
    assert!(err.is_configuration());
    // Only the system's roots: refused too.
    let err = Queue::connect(&DbConfig::new(url.clone())).unwrap_err();
    assert!(matches!(err, ClusterError::TlsRefused { .. }), "{err}");
    // The right CA, but a host the certificate does not name.
    let wrong_host = DbConfig {
        url: pg.url_at("127.0.0.2", "verify-full"),
        ca_file: Some(pki.path("ca.crt")),
    };
    let err = Queue::connect(&wrong_host).unwrap_err();
    assert!(matches!(err, ClusterError::TlsRefused { .. }), "{err}");

    // A worker that trusts another CA stops at once with a configuration error.
    let dir = KeyDir::new();
    let mut argv = worker_argv(&url, &dir.0, "wrong-ca", 10);
    argv.extend(["--ca-file".into(), pki.path("other-ca.crt").into()]);
    let out = Command::new(&argv[0]).args(&argv[1..]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("TLS to PostgreSQL at 127.0.0.1 refused"),
        "{stderr}"
    );

    // A worker with the test CA proves a batch the client submits over TLS.
    let mut argv = worker_argv(&url, &dir.0, "tls", 10);
    argv.extend(["--ca-file".into(), pki.path("ca.crt").into()]);
    let workers = Workers::start(vec![("tls".into(), argv)]);
    let mut config = ClientConfig::new(db.clone());
    config.timeout = Duration::from_secs(120);
    let client = ClusterProver::for_keys(config, &keys()).unwrap();
    let ws = witnesses(3, 31);
    let outcome = client.prove_batch(&ws);
    assert_eq!((outcome.stats.ok, outcome.stats.failed), (3, 0));
    for (w, r) in ws.iter().zip(&outcome.results) {
        assert!(verifies(&r.as_ref().unwrap().proof.to_bytes(), w));
    }
    // Every session (this one, the client's, the worker's slot and
    // heartbeat) is TLS.
    let (all_tls, sessions) = sessions_over_tls(&mut q);
    assert!(all_tls && sessions >= 4, "{all_tls} {sessions}");
    workers.drain();
}

#[test]
fn a_client_that_requires_tls_refuses_a_server_without_it() {
    let Some(pg) = postgres() else { return };
    for mode in ["require", "verify-full"] {
        let err = Queue::connect(&DbConfig::new(pg.url_at("127.0.0.1", mode))).unwrap_err();
        assert!(
            matches!(&err, ClusterError::TlsUnavailable { host } if host == "127.0.0.1"),
            "{mode}: {err}"
        );
    }
    // `prefer` falls back to a clear connection, and `disable` never asks.
    for mode in ["prefer", "disable"] {
        Queue::connect(&DbConfig::new(pg.url_at("127.0.0.1", mode))).unwrap();
    }
}
