//! Helpers shared by the end-to-end tests: free ports, a guard that kills
//! child processes and removes a temporary directory on every path, polling,
//! and a minimal HTTP GET.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

pub fn free_loopback_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("cannot bind a loopback port")
        .port()
}

/// Kills the processes and removes the temporary directory on every path;
/// on a panic, first shows the tail of each process's log.
pub struct Guard {
    pub children: Vec<(&'static str, Child, PathBuf)>,
    pub dir: PathBuf,
}

impl Guard {
    pub fn spawn(&mut self, name: &'static str, mut command: Command) -> usize {
        let log = self.dir.join(format!("{name}.log"));
        let out = std::fs::File::create(&log).expect("cannot create a log file");
        let err = out.try_clone().expect("cannot clone a log file handle");
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        self.children.push((name, child, log));
        self.children.len() - 1
    }

    /// Panics (with its log) if child `i` has exited.
    pub fn assert_running(&mut self, i: usize) {
        let (name, child, log) = &mut self.children[i];
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "{name} exited early with {status}; its output:\n{}",
                tail(log, 60)
            );
        }
    }

    pub fn log_tail(&self, i: usize, lines: usize) -> String {
        tail(&self.children[i].2, lines)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        for (name, child, log) in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
            if std::thread::panicking() {
                eprintln!("---- last lines of {name}'s output ----\n{}", tail(log, 40));
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A minimal HTTP/1.0 GET (no keep-alive, so no chunked bodies): status and body.
pub fn http_get(addr: SocketAddr, path_and_query: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "GET {path_and_query} HTTP/1.0\r\nHost: {addr}\r\nAccept: */*\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("malformed response: {head:?}")))?;
    Ok((status, body.to_string()))
}

/// A minimal HTTP/1.0 POST of `body` as `content_type`: status and body.
pub fn http_post(
    addr: SocketAddr,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "POST {path} HTTP/1.0\r\nHost: {addr}\r\nAccept: */*\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )?;
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

/// Polls `check` every 500 ms until it returns `Some`, or panics with `what`
/// after `timeout` (after checking `alive` each time).
pub fn wait_for<T>(
    what: &str,
    timeout: Duration,
    mut alive: impl FnMut(),
    mut check: impl FnMut() -> Option<T>,
) -> T {
    let start = Instant::now();
    loop {
        alive();
        if let Some(v) = check() {
            return v;
        }
        if start.elapsed() > timeout {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}
