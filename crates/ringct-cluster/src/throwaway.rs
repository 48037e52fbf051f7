//! A throwaway PostgreSQL for tests and benchmarks: `initdb` and `pg_ctl` in
//! a temporary directory, on a free loopback port, as an unprivileged user
//! (PostgreSQL refuses to run as root), stopped and deleted on drop.
//!
//! Binaries are looked up on `PATH`, then in Debian's
//! `/usr/lib/postgresql/<version>/bin`. When the process runs as root, the
//! server runs as `nobody` (through `runuser`).

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
    running: bool,
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
    /// Starts a server (`fsync` off unless `durable`).
    pub fn start(durable: bool) -> Result<Self, ClusterError> {
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
        let conf = format!(
            "listen_addresses = '127.0.0.1'\nport = {}\nunix_socket_directories = '{}'\nfsync = {}\nmax_connections = 200\n",
            pg.port,
            path_str(&pg.dir)?,
            if durable { "on" } else { "off" },
        );
        let conf_path = data.join("postgresql.auto.conf");
        let mut existing = std::fs::read_to_string(&conf_path).unwrap_or_default();
        existing.push_str(&conf);
        std::fs::write(&conf_path, existing).map_err(fail)?;
        pg.start_server()?;
        Ok(pg)
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn run(&self, tool: &str, args: &[&str]) -> Result<(), ClusterError> {
        let exe = self.bin.join(tool);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
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

    /// The port it listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A URL for the `postgres` database, without TLS.
    pub fn url(&self) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/postgres?sslmode=disable",
            self.port
        )
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
