//! A delaying TCP relay for the network tests, for kernels without netem
//! (`CONFIG_NET_SCH_NETEM` unset): it accepts connections on a listening
//! address, opens one to its target for each, and forwards each direction
//! after holding every chunk for a fixed one-way delay.
//!
//! Per connection and direction, a reader thread timestamps each chunk it
//! reads and queues it (a bounded queue, so a slow reader pushes back on
//! TCP), and a writer thread sleeps until `arrival + delay` before writing
//! it: bytes keep their order, and an end of stream (FIN) is delayed like
//! data and passed on as a half close. An error on either side closes both.
//! At most `max_connections` connections are relayed at once; one more is
//! accepted and closed at once. Dropping the relay stops accepting, closes
//! every connection and joins every thread.
//!
//! It models a fixed delay only: no loss, no jitter, no reordering, no rate
//! limit.
#![allow(dead_code)] // the unit tests and the network tests use different parts

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Largest chunk read at once.
const CHUNK: usize = 16 * 1024;
/// Chunks queued per direction before the reader waits (at most 1 MiB).
const QUEUED_CHUNKS: usize = 64;
/// Longest delay accepted.
pub const MAX_DELAY: Duration = Duration::from_secs(10);
/// Most connections a relay may be asked to carry at once.
pub const MAX_CONNECTIONS: usize = 64;
/// How long opening the connection to the target may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How often the idle acceptor looks for a new connection or a stop.
const ACCEPT_POLL: Duration = Duration::from_millis(5);

/// What a reader hands its writer.
enum Segment {
    /// Bytes read at this instant.
    Data(Instant, Vec<u8>),
    /// The end of the stream, read at this instant.
    End(Instant),
}

/// One relayed connection: both sockets (to close them) and its 4 threads.
struct Connection {
    sockets: [TcpStream; 2],
    threads: Vec<JoinHandle<()>>,
}

impl Connection {
    fn finished(&self) -> bool {
        self.threads.iter().all(JoinHandle::is_finished)
    }

    fn close_and_join(self) {
        for s in &self.sockets {
            let _ = s.shutdown(Shutdown::Both);
        }
        for t in self.threads {
            let _ = t.join();
        }
    }
}

/// A running relay; stopped and joined on drop.
pub struct DelayRelay {
    addr: SocketAddr,
    delay: Duration,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl DelayRelay {
    /// Listens on `listen` (port 0 for any) and relays every connection to
    /// `target`, each direction delayed by `delay`.
    pub fn start(
        listen: impl ToSocketAddrs,
        target: SocketAddr,
        delay: Duration,
        max_connections: usize,
    ) -> io::Result<Self> {
        if delay > MAX_DELAY {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("delay {delay:?} is above the bound {MAX_DELAY:?}"),
            ));
        }
        if !(1..=MAX_CONNECTIONS).contains(&max_connections) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("max_connections {max_connections} is not in 1..={MAX_CONNECTIONS}"),
            ));
        }
        let listener = TcpListener::bind(listen)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let acceptor = {
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("relay-accept".into())
                .spawn(move || accept_loop(listener, target, delay, max_connections, &stop))?
        };
        Ok(Self {
            addr,
            delay,
            stop,
            acceptor: Some(acceptor),
        })
    }

    /// Where the relay listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The one-way delay.
    pub fn delay(&self) -> Duration {
        self.delay
    }
}

impl Drop for DelayRelay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.acceptor.take() {
            let _ = t.join();
        }
    }
}

fn accept_loop(
    listener: TcpListener,
    target: SocketAddr,
    delay: Duration,
    max_connections: usize,
    stop: &AtomicBool,
) {
    let mut live: Vec<Connection> = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        let (finished, running): (Vec<_>, Vec<_>) = std::mem::take(&mut live)
            .into_iter()
            .partition(Connection::finished);
        live = running;
        finished.into_iter().for_each(Connection::close_and_join);
        match listener.accept() {
            Ok((client, _)) => {
                if live.len() >= max_connections {
                    // Refused: closed at once, before any byte is relayed.
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                if let Ok(c) = relay_one(client, target, delay) {
                    live.push(c);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(ACCEPT_POLL),
            Err(_) => std::thread::sleep(ACCEPT_POLL),
        }
    }
    live.into_iter().for_each(Connection::close_and_join);
}

/// Opens the target and starts both directions of one connection.
fn relay_one(client: TcpStream, target: SocketAddr, delay: Duration) -> io::Result<Connection> {
    client.set_nonblocking(false)?;
    let server = match TcpStream::connect_timeout(&target, CONNECT_TIMEOUT) {
        Ok(s) => s,
        Err(e) => {
            let _ = client.shutdown(Shutdown::Both);
            return Err(e);
        }
    };
    // No Nagle delay on top of the configured one.
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    let mut threads = Vec::with_capacity(4);
    for (from, to, name) in [(&client, &server, "up"), (&server, &client, "down")] {
        let (tx, rx) = sync_channel(QUEUED_CHUNKS);
        let (src, both_r) = (from.try_clone()?, [from.try_clone()?, to.try_clone()?]);
        let (dst, both_w) = (to.try_clone()?, [from.try_clone()?, to.try_clone()?]);
        threads.push(
            std::thread::Builder::new()
                .name(format!("relay-{name}-read"))
                .spawn(move || read_side(src, &tx, &both_r))?,
        );
        threads.push(
            std::thread::Builder::new()
                .name(format!("relay-{name}-write"))
                .spawn(move || write_side(dst, &rx, delay, &both_w))?,
        );
    }
    Ok(Connection {
        sockets: [client, server],
        threads,
    })
}

fn close_both(both: &[TcpStream; 2]) {
    for s in both {
        let _ = s.shutdown(Shutdown::Both);
    }
}

/// Reads chunks and queues them with their arrival time, then the end.
fn read_side(mut src: TcpStream, tx: &SyncSender<Segment>, both: &[TcpStream; 2]) {
    let mut buf = vec![0u8; CHUNK];
    loop {
        match src.read(&mut buf) {
            Ok(0) => {
                let _ = tx.send(Segment::End(Instant::now()));
                return;
            }
            Ok(n) => {
                if tx
                    .send(Segment::Data(Instant::now(), buf[..n].to_vec()))
                    .is_err()
                {
                    // The writer is gone (it failed and closed both sides).
                    return;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => {
                close_both(both);
                return;
            }
        }
    }
}

/// Writes each queued chunk once `arrival + delay` has come; passes the
/// end on as a half close.
fn write_side(mut dst: TcpStream, rx: &Receiver<Segment>, delay: Duration, both: &[TcpStream; 2]) {
    // The reader drops its sender when it stops: the loop then ends.
    for segment in rx.iter() {
        let at = match &segment {
            Segment::Data(t, _) | Segment::End(t) => *t + delay,
        };
        std::thread::sleep(at.saturating_duration_since(Instant::now()));
        match segment {
            Segment::Data(_, bytes) => {
                if dst.write_all(&bytes).is_err() {
                    close_both(both);
                    return;
                }
            }
            Segment::End(_) => {
                let _ = dst.shutdown(Shutdown::Write);
                return;
            }
        }
    }
}
