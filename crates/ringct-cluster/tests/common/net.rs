//! Hosts of their own for the network tests: network namespaces made by the
//! test (`ip netns add`), joined by veth pairs, removed by a Drop guard
//! (also when the test fails).
//!
//! ```text
//!  this process (root namespace)          DB host (PostgreSQL)          worker host i
//!   cN0 10.A.B.1/30 ──veth── cN1 10.A.B.2/30
//!                                 wN-i-0 10.A.B.(4i+5)/30 ──veth── wN-i-1 10.A.B.(4i+6)/30
//! ```
//!
//! The DB host forwards between its links, so this process can reach the
//! workers' `/metrics` too. Faults are injected on the DB host's end of a
//! worker's link: `ip link set ... down` (the worker's side sees the
//! carrier drop, as with a cut cable), and `tc netem delay` on both ends
//! (where the kernel has no netem, the test puts its delaying TCP relay,
//! `relay.rs`, in this process's namespace instead: the worker's traffic
//! then crosses its link and this process's link to reach PostgreSQL).

use std::ffi::OsString;
use std::net::Ipv4Addr;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

static NEXT: AtomicU32 = AtomicU32::new(0);

fn run(args: &[&str]) -> Result<String, String> {
    let out = Command::new(args[0])
        .args(&args[1..])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{}: {e}", args.join(" ")))?;
    if !out.status.success() {
        return Err(format!(
            "`{}` failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn ip(args: &[&str]) -> Result<String, String> {
    let mut all = vec!["ip"];
    all.extend_from_slice(args);
    run(&all)
}

/// Why network namespaces cannot be used here, if they cannot: not root,
/// no `ip` (iproute2), or no permission to create a namespace.
pub fn unavailable() -> Option<String> {
    let root = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .map(|l| l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false);
    if !root {
        return Some("network namespaces need root".into());
    }
    if let Err(e) = ip(&["-V"]) {
        return Some(format!("`ip` (Debian's iproute2) does not run: {e}"));
    }
    let probe = format!(
        "ringct-probe-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    if let Err(e) = ip(&["netns", "add", &probe]) {
        return Some(format!("cannot create a network namespace: {e}"));
    }
    let _ = ip(&["netns", "del", &probe]);
    None
}

/// How a worker's link was slowed down.
#[derive(Debug, Clone, PartialEq)]
pub enum Shaping {
    /// `tc netem delay`, each way, on both ends of the worker's link.
    Delay(std::time::Duration),
    /// The kernel has no netem: the worker reaches PostgreSQL through the
    /// test's delaying TCP relay (`relay.rs`), which holds every chunk for
    /// this long each way.
    Relay(std::time::Duration),
}

/// The namespaces, links and addresses of one test; removed on drop.
pub struct Net {
    /// The DB host's namespace.
    pub db_ns: String,
    /// The worker hosts' namespaces.
    pub worker_ns: Vec<String>,
    client_link: String,
    worker_links: Vec<(String, String)>,
    /// This process's address on its link to the DB host.
    pub client_addr: Ipv4Addr,
    /// The DB host's address on this process's link.
    pub db_for_client: Ipv4Addr,
    /// The DB host's address on each worker host's link.
    pub db_for_worker: Vec<Ipv4Addr>,
    /// Each worker host's address.
    pub worker_addr: Vec<Ipv4Addr>,
}

impl Net {
    /// A DB host linked to this process and to `workers` worker hosts (at most 8).
    pub fn create(workers: usize) -> Self {
        assert!((1..=8).contains(&workers));
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let tag = format!("{}-{n}", std::process::id());
        // A /24 of 10.64.0.0/10 not used in this namespace yet.
        let used = ip(&["-4", "-o", "addr", "show"]).unwrap_or_default();
        let mut k = (std::process::id().wrapping_mul(16).wrapping_add(n * 7919)) % 16384;
        while used.contains(&format!(" 10.{}.{}.", 64 + k / 256, k % 256)) {
            k = (k + 1) % 16384;
        }
        let net = |host: u8| Ipv4Addr::new(10, (64 + k / 256) as u8, (k % 256) as u8, host);
        // Interface names are at most 15 bytes: "rc" + k (≤ 5) + 3.
        let mut this = Net {
            db_ns: format!("ringct-{tag}-db"),
            worker_ns: (0..workers).map(|i| format!("ringct-{tag}-w{i}")).collect(),
            client_link: format!("rc{k}c0"),
            worker_links: (0..workers)
                .map(|i| (format!("rc{k}w{i}a"), format!("rc{k}w{i}b")))
                .collect(),
            client_addr: net(1),
            db_for_client: net(2),
            db_for_worker: (0..workers).map(|i| net(4 * i as u8 + 5)).collect(),
            worker_addr: (0..workers).map(|i| net(4 * i as u8 + 6)).collect(),
        };
        if let Err(e) = this.build(net(0)) {
            drop(this);
            panic!("setting up the test's network: {e}");
        }
        this
    }

    fn build(&mut self, base: Ipv4Addr) -> Result<(), String> {
        let client_addr = self.client_addr;
        let db = self.db_ns.clone();
        ip(&["netns", "add", &db])?;
        ip(&["-n", &db, "link", "set", "lo", "up"])?;
        let (c0, c1) = (self.client_link.clone(), format!("{}x", &self.client_link));
        ip(&[
            "link", "add", &c0, "type", "veth", "peer", "name", &c1, "netns", &db,
        ])?;
        ip(&["addr", "add", &format!("{client_addr}/30"), "dev", &c0])?;
        ip(&["link", "set", &c0, "up"])?;
        ip(&[
            "-n",
            &db,
            "addr",
            "add",
            &format!("{}/30", self.db_for_client),
            "dev",
            &c1,
        ])?;
        ip(&["-n", &db, "link", "set", &c1, "up"])?;
        run(&[
            "ip",
            "netns",
            "exec",
            &db,
            "sh",
            "-c",
            "echo 1 > /proc/sys/net/ipv4/ip_forward",
        ])?;
        for i in 0..self.worker_ns.len() {
            let w = self.worker_ns[i].clone();
            let (a, b) = self.worker_links[i].clone();
            ip(&["netns", "add", &w])?;
            ip(&["-n", &w, "link", "set", "lo", "up"])?;
            ip(&[
                "-n", &db, "link", "add", &a, "type", "veth", "peer", "name", &b, "netns", &w,
            ])?;
            ip(&[
                "-n",
                &db,
                "addr",
                "add",
                &format!("{}/30", self.db_for_worker[i]),
                "dev",
                &a,
            ])?;
            ip(&["-n", &db, "link", "set", &a, "up"])?;
            ip(&[
                "-n",
                &w,
                "addr",
                "add",
                &format!("{}/30", self.worker_addr[i]),
                "dev",
                &b,
            ])?;
            ip(&["-n", &w, "link", "set", &b, "up"])?;
            let gw = self.db_for_worker[i].to_string();
            ip(&["-n", &w, "route", "add", "default", "via", &gw])?;
        }
        // This process reaches the worker hosts through the DB host.
        let o = base.octets();
        ip(&[
            "route",
            "add",
            &format!("{}.{}.{}.0/24", o[0], o[1], o[2]),
            "via",
            &self.db_for_client.to_string(),
        ])?;
        Ok(())
    }

    /// `argv` run on worker host `i` (`ip netns exec NS argv...`).
    pub fn on_worker_host(&self, i: usize, argv: Vec<OsString>) -> Vec<OsString> {
        let mut all: Vec<OsString> = ["ip", "netns", "exec", self.worker_ns[i].as_str()]
            .map(Into::into)
            .to_vec();
        all.extend(argv);
        all
    }

    /// Cuts worker host `i`'s link (the DB host's end goes down).
    pub fn link_down(&self, i: usize) {
        ip(&[
            "-n",
            &self.db_ns,
            "link",
            "set",
            &self.worker_links[i].0,
            "down",
        ])
        .unwrap();
    }

    /// Restores worker host `i`'s link.
    pub fn link_up(&self, i: usize) {
        ip(&[
            "-n",
            &self.db_ns,
            "link",
            "set",
            &self.worker_links[i].0,
            "up",
        ])
        .unwrap();
    }

    /// Delays worker host `i`'s link by `delay` each way with `tc netem`
    /// on both of its ends; the error says why not (this kernel has no
    /// netem, for one), and then neither end is shaped.
    pub fn netem_delay(&self, i: usize, delay: std::time::Duration) -> Result<(), String> {
        let ends = [
            (&self.db_ns, &self.worker_links[i].0),
            (&self.worker_ns[i], &self.worker_links[i].1),
        ];
        let ms = format!("{}ms", delay.as_millis());
        let netem = ends.iter().try_for_each(|(ns, dev)| {
            run(&[
                "ip", "netns", "exec", ns, "tc", "qdisc", "replace", "dev", dev, "root", "netem",
                "delay", &ms,
            ])
            .map(drop)
        });
        if netem.is_err() {
            for (ns, dev) in ends {
                let _ = run(&[
                    "ip", "netns", "exec", ns, "tc", "qdisc", "del", "dev", dev, "root",
                ]);
            }
        }
        netem
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        // Deleting a namespace deletes its veth ends, and with them their
        // peers and the routes through them.
        for ns in self.worker_ns.iter().chain([&self.db_ns]) {
            let _ = ip(&["netns", "del", ns]);
        }
        let _ = ip(&["link", "del", &self.client_link]);
    }
}

/// `GET /metrics` from `addr`, the body.
pub fn scrape(addr: std::net::SocketAddr) -> String {
    use std::io::{Read, Write};
    // The worker binds its endpoint at startup; retry until it has.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut s = loop {
        match std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(10)) {
            Ok(s) => break s,
            Err(e) => {
                assert!(std::time::Instant::now() < deadline, "{addr}: {e}");
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        }
    };
    s.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    write!(
        s,
        "GET /metrics HTTP/1.0\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// The value of an unlabelled sample `name` in a scrape (0 when absent).
pub fn sample(scrape: &str, name: &str) -> f64 {
    scrape
        .lines()
        .find_map(|l| {
            let mut parts = l.split_whitespace();
            (parts.next() == Some(name)).then(|| parts.next()?.parse().ok())?
        })
        .unwrap_or(0.0)
}
