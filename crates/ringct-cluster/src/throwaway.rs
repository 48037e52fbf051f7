//! A throwaway PostgreSQL for tests and benchmarks: `initdb` and `pg_ctl` in
//! a temporary directory, on a free loopback port, as an unprivileged user
//! (PostgreSQL refuses to run as root), stopped and deleted on drop.
//!
//! Binaries are looked up on `PATH`, then in Debian's
//! `/usr/lib/postgresql/<version>/bin`. When the process runs as root, the
//! server runs as `nobody` (through `runuser`).
//!
//! [`ThrowawayOptions`] add what the TLS and network tests need: TLS with a
//! given certificate and key (`ssl = on`), other listen addresses (with
//! `pg_hba.conf` admitting their networks), and a network namespace to run
//! the server in (`ip netns exec NS runuser -u nobody -- pg_ctl ...`).

use crate::error::ClusterError;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A running throwaway server.
#[derive(Debug)]
pub struct ThrowawayPostgres {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    run_as: Option<String>,
    netns: Option<String>,
    host: String,
    running: bool,
}

/// TLS for the server: PEM files of its certificate (chain) and private key.
#[derive(Debug, Clone)]
pub struct ServerTls {
    /// The server's certificate, then any intermediates (PEM).
    pub cert_pem: Vec<u8>,
    /// The server's private key (PEM).
    pub key_pem: Vec<u8>,
}

/// How a throwaway server starts.
#[derive(Debug, Clone)]
pub struct ThrowawayOptions {
    /// `fsync` on (a durable server, for benchmarks) or off (tests).
    pub durable: bool,
    /// `ssl = on` with this certificate; clients may then use TLS (they are
    /// not forced to: `pg_hba.conf` keeps `host` lines).
    pub tls: Option<ServerTls>,
    /// Addresses to listen on (default: 127.0.0.1 only); the first one is
    /// the host of [`ThrowawayPostgres::url`]. Every one's /24 (or /64) is
    /// admitted by `pg_hba.conf` with `trust`.
    pub listen: Vec<std::net::IpAddr>,
    /// A network namespace (`ip netns`) to run the server in.
    pub netns: Option<String>,
}

impl Default for ThrowawayOptions {
    fn default() -> Self {
        ThrowawayOptions {
            durable: false,
            tls: None,
            listen: vec![std::net::IpAddr::from([127, 0, 0, 1])],
            netns: None,
        }
    }
}

/// The directory holding `initdb` and `pg_ctl`, if PostgreSQL is installed.
pub fn find_bin_dir() -> Option<PathBuf> {
    let has = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has(&dir) {
            return Some(dir);
        }
    }
    let mut debian: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|d| has(d))
        .collect();
    debian.sort();
    if let Some(dir) = debian.pop() {
        return Some(dir);
    }
    std::env::var_os("PATH").and_then(|paths| std::env::split_paths(&paths).find(|d| has(d)))
}

fn fail(what: impl std::fmt::Display) -> ClusterError {
    ClusterError::Throwaway(what.to_string())
}

fn free_port() -> Result<u16, ClusterError> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(fail)?;
    Ok(l.local_addr().map_err(fail)?.port())
}

impl ThrowawayPostgres {
    /// Starts a server on 127.0.0.1 without TLS (`fsync` off unless `durable`).
    pub fn start(durable: bool) -> Result<Self, ClusterError> {
        Self::start_with(ThrowawayOptions {
            durable,
            ..ThrowawayOptions::default()
        })
    }

    /// Starts a server as `options` say.
    pub fn start_with(options: ThrowawayOptions) -> Result<Self, ClusterError> {
        let Some(first) = options.listen.first() else {
            return Err(fail("no listen address"));
        };
        let host = first.to_string();
        let bin = find_bin_dir().ok_or_else(|| fail("PostgreSQL is not installed (initdb and pg_ctl not found; Debian: apt-get install postgresql)"))?;
        let root = std::fs::metadata("/proc/self")
            .map(|m| m.uid() == 0)
            .unwrap_or(false);
        let run_as = root.then(|| "nobody".to_string());
        let base = std::env::temp_dir().join(format!(
            "ringct-cluster-pg-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&base).map_err(fail)?;
        if root {
            // nobody:nogroup
            std::os::unix::fs::chown(&base, Some(65534), Some(65534)).map_err(fail)?;
        }
        let mut pg = ThrowawayPostgres {
            bin,
            dir: base,
            port: free_port()?,
            run_as,
            netns: options.netns.clone(),
            host,
            running: false,
        };
        let data = pg.data_dir();
        pg.run(
            "initdb",
            &[
                "-D",
                path_str(&data)?,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )?;
        let listen: Vec<String> = options.listen.iter().map(|a| a.to_string()).collect();
        let mut conf = format!(
            "listen_addresses = '{}'\nport = {}\nunix_socket_directories = '{}'\nfsync = {}\nmax_connections = 200\n",
            listen.join(","),
            pg.port,
            path_str(&pg.dir)?,
            if options.durable { "on" } else { "off" },
        );
        if let Some(tls) = &options.tls {
            let cert = pg.dir.join("server.crt");
            let key = pg.dir.join("server.key");
            pg.write_private(&cert, &tls.cert_pem)?;
            pg.write_private(&key, &tls.key_pem)?;
            conf.push_str(&format!(
                "ssl = on\nssl_cert_file = '{}'\nssl_key_file = '{}'\n",
                path_str(&cert)?,
                path_str(&key)?
            ));
        }
        let conf_path = data.join("postgresql.auto.conf");
        let mut existing = std::fs::read_to_string(&conf_path).map_err(fail)?;
        existing.push_str(&conf);
        std::fs::write(&conf_path, existing).map_err(fail)?;
        let hba_path = data.join("pg_hba.conf");
        let mut hba = std::fs::read_to_string(&hba_path).map_err(fail)?;
        for addr in &options.listen {
            if *addr == std::net::IpAddr::from([127, 0, 0, 1])
                || *addr == std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST)
            {
                continue; // initdb's lines admit these already
            }
            let net = match addr {
                std::net::IpAddr::V4(a) => {
                    let o = a.octets();
                    format!("{}.{}.{}.0/24", o[0], o[1], o[2])
                }
                std::net::IpAddr::V6(a) => {
                    let mut s = a.segments();
                    s[4..].fill(0);
                    format!("{}/64", std::net::Ipv6Addr::from(s))
                }
            };
            hba.push_str(&format!("host all all {net} trust\n"));
        }
        std::fs::write(&hba_path, hba).map_err(fail)?;
        pg.start_server()?;
        Ok(pg)
    }

    /// Writes a file only the server's user may read (PostgreSQL refuses a
    /// key file others can read).
    fn write_private(&self, path: &Path, bytes: &[u8]) -> Result<(), ClusterError> {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(path, bytes).map_err(fail)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(fail)?;
        if self.run_as.is_some() {
            std::os::unix::fs::chown(path, Some(65534), Some(65534)).map_err(fail)?;
        }
        Ok(())
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn run(&self, tool: &str, args: &[&str]) -> Result<(), ClusterError> {
        let exe = self.bin.join(tool);
        let mut argv: Vec<std::ffi::OsString> = Vec::new();
        if let Some(ns) = &self.netns {
            argv.extend(["ip", "netns", "exec", ns.as_str()].map(Into::into));
        }
        if let Some(user) = &self.run_as {
            argv.extend(["runuser", "-u", user.as_str(), "--"].map(Into::into));
        }
        argv.push(exe.into_os_string());
        let mut cmd = Command::new(&argv[0]);
        cmd.args(&argv[1..]);
        let out = cmd
            .args(args)
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| fail(format!("{tool}: {e}")))?;
        if !out.status.success() {
            return Err(fail(format!(
                "{tool} {args:?} failed ({}): {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        Ok(())
    }

    fn start_server(&mut self) -> Result<(), ClusterError> {
        let data = self.data_dir();
        let log = self.dir.join("server.log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                path_str(&data)?,
                "-l",
                path_str(&log)?,
                "-w",
                "-t",
                "60",
                "start",
            ],
        )?;
        self.running = true;
        Ok(())
    }

    /// Stops the server (fast shutdown: clients are disconnected).
    pub fn stop(&mut self) -> Result<(), ClusterError> {
        let data = self.data_dir();
        self.run(
            "pg_ctl",
            &["-D", path_str(&data)?, "-m", "fast", "-w", "stop"],
        )?;
        self.running = false;
        Ok(())
    }

    /// Starts the server again after [`ThrowawayPostgres::stop`], on the same port.
    pub fn restart(&mut self) -> Result<(), ClusterError> {
        self.start_server()
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A URL for the `postgres` database on the first listen address,
    /// without TLS.
    pub fn url(&self) -> String {
        self.url_at(&self.host, "disable")
    }

    /// A URL for the `postgres` database at `host` (one of the listen
    /// addresses, or a name for it) with `sslmode`.
    pub fn url_at(&self, host: &str, sslmode: &str) -> String {
        let host = if host.contains(':') {
            format!("[{host}]")
        } else {
            host.to_string()
        };
        format!(
            "postgres://postgres@{host}:{}/postgres?sslmode={sslmode}",
            self.port
        )
    }

    /// The server's log so far (for a failing test's message).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }
}

fn path_str(p: &Path) -> Result<&str, ClusterError> {
    p.to_str()
        .ok_or_else(|| fail(format!("{} is not UTF-8", p.display())))
}

impl Drop for ThrowawayPostgres {
    fn drop(&mut self) {
        if self.running {
            if let Ok(data) = path_str(&self.data_dir()).map(str::to_owned) {
                let _ = self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
