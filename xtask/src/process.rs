//! Child processes an xtask starts and must stop: spawned with their output in
//! a log file, waited for until an HTTP endpoint answers 200 (`/readyz`),
//! stopped with SIGTERM then, after a grace period, SIGKILL, and stopped on
//! drop whatever happens. Used by `soak`; `devnet` reuses it.
//!
//! Signals go through the `kill` command (no unsafe code, no libc). A Ctrl-C in
//! the terminal reaches the children too (same process group); the drop guard
//! then reaps them.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A started child: its name (for messages), the process and its log file.
pub struct Managed {
    name: String,
    child: Child,
    log: PathBuf,
}

impl Managed {
    /// Starts `command` with stdin closed and stdout and stderr appended to `log`.
    pub fn spawn(name: &str, mut command: Command, log: &Path) -> Result<Managed, String> {
        let out = std::fs::File::create(log)
            .map_err(|e| format!("{name}: cannot create {}: {e}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("{name}: cannot clone the log handle: {e}"))?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        Ok(Managed {
            name: name.to_owned(),
            child,
            log: log.to_path_buf(),
        })
    }

    /// The operating system's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `Err` with the log's tail if the process has exited.
    pub fn check_running(&mut self) -> Result<(), String> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(format!(
                "{} exited ({status}); last lines of {}:\n{}",
                self.name,
                self.log.display(),
                tail(&self.log, 20)
            )),
            Err(e) => Err(format!("{}: cannot poll the process: {e}", self.name)),
        }
    }

    /// Polls `GET path` on `addr` until it answers 200, the process exits, or
    /// `timeout` passes.
    pub fn wait_ready(
        &mut self,
        addr: SocketAddr,
        path: &str,
        timeout: Duration,
    ) -> Result<(), String> {
        let start = Instant::now();
        loop {
            self.check_running()?;
            if matches!(http_get(addr, path), Ok((200, _))) {
                return Ok(());
            }
            if start.elapsed() > timeout {
                return Err(format!(
                    "{} did not answer 200 on http://{addr}{path} within {timeout:?}",
                    self.name
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// SIGTERM, then SIGKILL after `grace`; returns the exit status.
    pub fn stop(&mut self, grace: Duration) -> Option<ExitStatus> {
        if let Ok(Some(status)) = self.child.try_wait() {
            return Some(status);
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        self.child.wait().ok()
    }
}

impl Drop for Managed {
    fn drop(&mut self) {
        self.stop(Duration::from_secs(10));
    }
}

/// The last `lines` lines of a file.
pub fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A free loopback port (bound, then released).
pub fn free_loopback_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("cannot bind a loopback port: {e}"))
}

/// One HTTP/1.0 request (no keep-alive, so no chunked bodies): status and body.
fn request(addr: SocketAddr, head: &str, body: &[u8]) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("malformed response: {head:?}")))?;
    Ok((status, rest.to_string()))
}

/// `GET path`: status and body.
pub fn http_get(addr: SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    request(
        addr,
        &format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n"),
        &[],
    )
}

/// `POST path` with `body` as `content_type`: status and body.
pub fn http_post(
    addr: SocketAddr,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> std::io::Result<(u16, String)> {
    request(
        addr,
        &format!(
            "POST {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        ),
        body,
    )
}
