//! The network tests' delaying TCP relay (`tests/common/relay.rs`) on its
//! own: plain std TCP on loopback, no namespace, no root, no PostgreSQL.

#[path = "common/relay.rs"]
mod relay;

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use relay::DelayRelay;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);

fn bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut v = vec![0u8; n];
    ChaCha20Rng::seed_from_u64(seed).fill_bytes(&mut v);
    v
}

/// A target that hands each accepted connection to `serve` on its own thread.
fn target(
    serve: impl Fn(TcpStream) + Send + Sync + 'static,
) -> (SocketAddr, mpsc::Receiver<()>, JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let (accepted, rx) = mpsc::channel();
    let t = std::thread::spawn(move || {
        let serve = std::sync::Arc::new(serve);
        for s in l.incoming() {
            let Ok(s) = s else { return };
            // Nobody may be counting (the receiver dropped): serve anyway.
            let _ = accepted.send(());
            let serve = std::sync::Arc::clone(&serve);
            std::thread::spawn(move || serve(s));
        }
    });
    (addr, rx, t)
}

fn echo(mut s: TcpStream) {
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if s.write_all(&buf[..n]).is_err() {
                    return;
                }
            }
        }
    }
}

fn connect(relay: &DelayRelay) -> TcpStream {
    let s = TcpStream::connect(relay.addr()).unwrap();
    s.set_read_timeout(Some(WAIT)).unwrap();
    s
}

/// Whether `s` sees its peer close (end of stream or reset) within `WAIT`.
fn sees_close(s: &mut TcpStream) -> bool {
    let mut b = [0u8; 1];
    match s.read(&mut b) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
    }
}

#[test]
fn bytes_arrive_intact_and_in_order_both_ways() {
    let up = bytes(700_000, 1);
    let down = bytes(300_001, 2);
    let (got_tx, got_rx) = mpsc::channel();
    let reply = down.clone();
    let (addr, _, _) = target(move |mut s| {
        // Read the whole request (up to the client's half close), then answer.
        let mut got = Vec::new();
        s.read_to_end(&mut got).unwrap();
        got_tx.send(got).unwrap();
        s.write_all(&reply).unwrap();
    });
    let relay = DelayRelay::start("127.0.0.1:0", addr, Duration::from_millis(5), 4).unwrap();
    let mut c = connect(&relay);
    // Writes of uneven sizes, so the relay's chunks do not line up with them.
    let mut rest = &up[..];
    let mut k = 1;
    while !rest.is_empty() {
        let n = (k * 7919 % 20_000 + 1).min(rest.len());
        c.write_all(&rest[..n]).unwrap();
        rest = &rest[n..];
        k += 1;
    }
    c.shutdown(Shutdown::Write).unwrap();
    let mut back = Vec::new();
    c.read_to_end(&mut back).unwrap();
    let got = got_rx.recv_timeout(WAIT).unwrap();
    assert_eq!(got.len(), up.len());
    assert!(got == up, "the request was altered on the way");
    assert_eq!(back.len(), down.len());
    assert!(back == down, "the answer was altered on the way");
}

#[test]
fn a_round_trip_takes_at_least_two_delays() {
    let (addr, _, _) = target(echo);
    let delay = Duration::from_millis(40);
    let relay = DelayRelay::start("127.0.0.1:0", addr, delay, 4).unwrap();
    assert_eq!(relay.delay(), delay);
    let mut c = connect(&relay);
    for i in 0..3u8 {
        let t = Instant::now();
        c.write_all(&[i, i + 1]).unwrap();
        let mut b = [0u8; 2];
        c.read_exact(&mut b).unwrap();
        let rtt = t.elapsed();
        assert_eq!(b, [i, i + 1]);
        assert!(rtt >= 2 * delay, "round trip {rtt:?} < 2 x {delay:?}");
    }
}

#[test]
fn a_closed_side_closes_the_other() {
    // The client closes: the target sees the end of the stream.
    let (closed_tx, closed_rx) = mpsc::channel();
    let (addr, _, _) = target(move |mut s| {
        s.set_read_timeout(Some(WAIT)).unwrap();
        closed_tx.send(sees_close(&mut s)).unwrap();
    });
    let relay = DelayRelay::start("127.0.0.1:0", addr, Duration::from_millis(10), 4).unwrap();
    let c = connect(&relay);
    drop(c);
    assert!(
        closed_rx.recv_timeout(WAIT).unwrap(),
        "the target saw no close"
    );

    // The target closes: the client sees the end of the stream.
    let (addr, _, _) = target(|s| {
        std::thread::sleep(Duration::from_millis(20));
        drop(s);
    });
    let relay = DelayRelay::start("127.0.0.1:0", addr, Duration::from_millis(10), 4).unwrap();
    let mut c = connect(&relay);
    assert!(sees_close(&mut c), "the client saw no close");
}

#[test]
fn a_connection_beyond_the_bound_is_refused() {
    let (addr, accepted, _) = target(echo);
    let relay = DelayRelay::start("127.0.0.1:0", addr, Duration::from_millis(1), 1).unwrap();
    let mut first = connect(&relay);
    first.write_all(b"a").unwrap();
    let mut b = [0u8; 1];
    first.read_exact(&mut b).unwrap();
    assert_eq!(&b, b"a");
    accepted.recv_timeout(WAIT).unwrap();

    let mut second = connect(&relay);
    let _ = second.write_all(b"b");
    assert!(sees_close(&mut second), "a second connection was relayed");
    assert!(
        accepted.recv_timeout(Duration::from_millis(200)).is_err(),
        "the target got a second connection"
    );
    // The first one is still relayed.
    first.write_all(b"c").unwrap();
    first.read_exact(&mut b).unwrap();
    assert_eq!(&b, b"c");

    // Once it is closed, a new connection is relayed again.
    drop(first);
    let deadline = Instant::now() + WAIT;
    loop {
        let mut again = connect(&relay);
        let relayed = again.write_all(b"d").is_ok() && again.read_exact(&mut b).is_ok();
        if relayed {
            assert_eq!(&b, b"d");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no connection relayed after the first closed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn dropping_the_relay_closes_its_connections_and_stops_listening() {
    let (addr, _, _) = target(echo);
    let relay = DelayRelay::start("127.0.0.1:0", addr, Duration::from_millis(5), 4).unwrap();
    let listen = relay.addr();
    let mut c = connect(&relay);
    c.write_all(b"x").unwrap();
    let mut b = [0u8; 1];
    c.read_exact(&mut b).unwrap();
    let t = Instant::now();
    drop(relay);
    assert!(t.elapsed() < WAIT, "drop took {:?}", t.elapsed());
    assert!(sees_close(&mut c), "an open connection survived the relay");
    assert!(TcpStream::connect(listen).is_err(), "still listening");
}

#[test]
fn out_of_bound_settings_are_refused() {
    let (addr, _, _) = target(echo);
    let too_slow = DelayRelay::start("127.0.0.1:0", addr, relay::MAX_DELAY * 2, 4);
    assert_eq!(too_slow.err().unwrap().kind(), ErrorKind::InvalidInput);
    for n in [0, relay::MAX_CONNECTIONS + 1] {
        let r = DelayRelay::start("127.0.0.1:0", addr, Duration::from_millis(1), n);
        assert_eq!(r.err().unwrap().kind(), ErrorKind::InvalidInput, "{n}");
    }
}
