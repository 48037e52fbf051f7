//! The soak's steady load: one client thread submitting distinct public
//! transfers to the node's API at a fixed rate, recording each submission's
//! latency; the main thread drains the figures once per sample.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use supervm_runtime::{Address, Instruction, ObjectId, ObjectRef, Program, PublicTx, Transaction};

use crate::process::http_post;

/// The owner of both genesis objects.
pub const OWNER: Address = Address::from_u64(0xA);
/// The object transfers are paid from.
pub const FROM: ObjectId = ObjectId::from_u64(1);
/// The object transfers are paid to.
pub const TO: ObjectId = ObjectId::from_u64(2);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A genesis with two objects of [`OWNER`], enough balance for any soak.
pub fn genesis_json() -> String {
    format!(
        r#"{{"network":"supervm-devnet","objects":[{{"id":"{}","owner":"{o}","balance":1000000000000}},{{"id":"{}","owner":"{o}","balance":0}}],"notes":[]}}"#,
        hex(&FROM.0),
        hex(&TO.0),
        o = hex(&OWNER.0),
    )
}

/// Transfer number `n`: distinct for every `n` (the burn and the amount
/// differ), so no submission is a duplicate.
pub fn transfer(n: u64) -> Result<Vec<u8>, String> {
    Transaction::Public(PublicTx {
        sender: OWNER,
        objects: vec![ObjectRef::any(FROM), ObjectRef::any(TO)],
        program: Program::new(vec![
            Instruction::Transfer {
                from: FROM,
                to: TO,
                amount: 1 + n / 1000,
            },
            Instruction::Burn { units: n % 1000 },
        ]),
    })
    .to_bytes()
    .map_err(|e| format!("cannot encode transfer {n}: {e}"))
}

/// What the client saw since the last drain.
#[derive(Debug, Default)]
pub struct Window {
    /// Submissions the node accepted (HTTP 2xx).
    pub accepted: u64,
    /// Submissions refused or failed (any other outcome).
    pub errors: u64,
    /// Latency of every accepted submission.
    pub latencies: Vec<Duration>,
}

/// The running client.
pub struct Client {
    stop: Arc<AtomicBool>,
    window: Arc<Mutex<Window>>,
    thread: Option<JoinHandle<()>>,
}

impl Client {
    /// Starts submitting to `api` at `rate` transactions per second.
    pub fn start(api: SocketAddr, rate: u32) -> Result<Client, String> {
        let stop = Arc::new(AtomicBool::new(false));
        let window = Arc::new(Mutex::new(Window::default()));
        let period = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
        let thread = {
            let (stop, window) = (Arc::clone(&stop), Arc::clone(&window));
            std::thread::Builder::new()
                .name("soak-client".into())
                .spawn(move || {
                    let start = Instant::now();
                    let mut n: u64 = 0;
                    while !stop.load(Ordering::Relaxed) {
                        let due = start + period.mul_f64(n as f64);
                        if let Some(wait) = due.checked_duration_since(Instant::now()) {
                            std::thread::sleep(wait);
                        }
                        n += 1;
                        let Ok(body) = transfer(n) else {
                            window.lock().map(|mut w| w.errors += 1).ok();
                            continue;
                        };
                        let sent = Instant::now();
                        let result =
                            http_post(api, "/v1/transactions", "application/octet-stream", &body);
                        let took = sent.elapsed();
                        if let Ok(mut w) = window.lock() {
                            match result {
                                Ok((200..=299, _)) => {
                                    w.accepted += 1;
                                    w.latencies.push(took);
                                }
                                _ => w.errors += 1,
                            }
                        }
                    }
                })
                .map_err(|e| format!("cannot start the client thread: {e}"))?
        };
        Ok(Client {
            stop,
            window,
            thread: Some(thread),
        })
    }

    /// Takes what was seen since the last call.
    pub fn drain(&self) -> Window {
        self.window
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
