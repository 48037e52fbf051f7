//! [`Node`]: wiring and lifecycle. Start opens the store, loads the state and the keys,
//! starts the verification queues, the block producer and the two HTTP servers, then
//! reports ready. Shutdown stops admission, waits for the requests in flight, commits
//! every admitted transaction, stops the queues and closes the store.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;

use ringct_circuit::TxId;
use ringct_verifier::{QueueConfig, VerifyQueue};
use supervm_runtime::{Shape, Transaction};
use supervm_store::Store;
use supervm_telemetry::exporter::Scrape;
use tokio::sync::watch;

use crate::admission::{self, Admission};
use crate::api;
use crate::chain::{Chain, Verifiers};
use crate::config::NodeConfig;
use crate::error::NodeError;
use crate::mempool::Mempool;
use crate::metrics;
use crate::producer::{self, Signal};

/// What the handlers and the producer share.
#[derive(Debug)]
pub struct Shared {
    /// The configuration.
    pub config: NodeConfig,
    /// The runtime over the committed state, and the store.
    pub chain: RwLock<Chain>,
    /// The store (also reachable through `chain`; reads need no chain lock).
    pub store: Arc<Store>,
    /// Pending transactions.
    pub mempool: Mutex<Mempool>,
    /// Admission checks and verification queues.
    pub admission: Admission,
    /// Wakes the producer.
    pub signal: Signal,
    /// Set once shutdown began: admission refuses, `/readyz` answers 503.
    pub shutting_down: AtomicBool,
    /// Set once the node serves.
    pub ready: AtomicBool,
    /// Verifying-key fingerprints, by shape.
    pub fingerprints: BTreeMap<Shape, [u8; 32]>,
    /// Renders `/metrics` (the recorder, and the process metrics read on
    /// every scrape), if a recorder is installed.
    pub metrics: Option<Scrape>,
}

impl Shared {
    /// Admits `tx` (see [`crate::admission`]); wakes the producer when a block's worth
    /// waits.
    pub fn submit(&self, tx: Transaction) -> Result<TxId, NodeError> {
        let id = self
            .admission
            .submit(tx, &self.chain, &self.mempool, &self.shutting_down)?;
        if admission::lock(&self.mempool)?.waiting() >= self.config.block_max_txs {
            self.signal.full();
        }
        Ok(id)
    }
}

/// A running node.
#[derive(Debug)]
pub struct Node {
    shared: Arc<Shared>,
    runtime: tokio::runtime::Runtime,
    servers: Vec<tokio::task::JoinHandle<()>>,
    stop_servers: watch::Sender<bool>,
    producer: Option<JoinHandle<()>>,
    api_addr: SocketAddr,
    metrics_addr: SocketAddr,
}

fn bind(addr: SocketAddr) -> Result<std::net::TcpListener, NodeError> {
    let listener =
        std::net::TcpListener::bind(addr).map_err(|source| NodeError::Bind { addr, source })?;
    listener
        .set_nonblocking(true)
        .map_err(|source| NodeError::Bind { addr, source })?;
    Ok(listener)
}

impl Node {
    /// Starts a node on an initialised data dir. `metrics` renders `/metrics` (the
    /// binary installs the global recorder and passes its scrape).
    pub fn start(config: NodeConfig, metrics: Option<Scrape>) -> Result<Node, NodeError> {
        let verifiers = Verifiers::load(&config)?;
        let fingerprints: BTreeMap<Shape, [u8; 32]> = verifiers
            .by_shape
            .iter()
            .map(|(s, v)| (*s, v.fingerprint().0))
            .collect();
        let mut queues = BTreeMap::new();
        for (shape, v) in &verifiers.by_shape {
            let verifier =
                v.clone()
                    .with_threads(config.threads)
                    .map_err(|source| NodeError::Verifier {
                        shape: *shape,
                        source,
                    })?;
            let queue = VerifyQueue::new(
                Arc::new(verifier),
                QueueConfig {
                    max_batch: config.verify_max_batch,
                    max_latency: config.verify_max_latency,
                },
            )
            .map_err(|source| NodeError::Verifier {
                shape: *shape,
                source,
            })?;
            queues.insert(*shape, queue);
        }
        let chain = Chain::open(&config, verifiers)?;
        let store = Arc::clone(chain.store());
        let tip = store.tip()?;
        metrics::init(config.network.as_str(), &fingerprints);
        metrics::height(tip.height);
        if let Ok(size) = store.size_bytes() {
            metrics::store_size(size);
        }
        let api_listener = bind(config.api_listen)?;
        let metrics_listener = bind(config.metrics_listen)?;
        let local = |l: &std::net::TcpListener, addr| {
            l.local_addr()
                .map_err(|source| NodeError::Bind { addr, source })
        };
        let api_addr = local(&api_listener, config.api_listen)?;
        let metrics_addr = local(&metrics_listener, config.metrics_listen)?;

        let max_verifying = config
            .mempool_max_txs
            .min(config.api_max_concurrent_requests);
        let shared = Arc::new(Shared {
            chain: RwLock::new(chain),
            store,
            mempool: Mutex::new(Mempool::new(
                config.mempool_max_txs,
                config.mempool_max_bytes,
            )),
            admission: Admission {
                queues,
                verifying: AtomicUsize::new(0),
                max_verifying,
                max_tx_bytes: config.block_max_bytes,
            },
            signal: Signal::default(),
            shutting_down: AtomicBool::new(false),
            ready: AtomicBool::new(false),
            fingerprints,
            metrics,
            config,
        });
        metrics::mempool(&*admission::lock(&shared.mempool)?);

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(shared.config.threads.clamp(1, 4))
            .max_blocking_threads(shared.config.api_max_concurrent_requests + 8)
            .thread_name("supervm-http")
            .enable_all()
            .build()
            .map_err(|source| NodeError::Spawn {
                what: "the HTTP runtime",
                source,
            })?;
        let (stop_servers, stop_rx) = watch::channel(false);
        let mut servers = Vec::new();
        for (listener, router) in [
            (api_listener, api::api_router(Arc::clone(&shared))),
            (metrics_listener, api::metrics_router(Arc::clone(&shared))),
        ] {
            let addr = listener.local_addr().ok();
            let listener = {
                let _guard = runtime.enter();
                tokio::net::TcpListener::from_std(listener).map_err(|source| NodeError::Bind {
                    addr: addr.unwrap_or(api_addr),
                    source,
                })?
            };
            let mut stop = stop_rx.clone();
            servers.push(runtime.spawn(async move {
                let shutdown = async move {
                    let _ = stop.wait_for(|s| *s).await;
                };
                if let Err(e) = axum::serve(listener, router)
                    .with_graceful_shutdown(shutdown)
                    .await
                {
                    eprintln!("supervm-node: HTTP server stopped: {e}");
                }
            }));
        }
        let producer = producer::spawn(Arc::clone(&shared))?;
        shared.ready.store(true, Ordering::Release);
        Ok(Node {
            shared,
            runtime,
            servers,
            stop_servers,
            producer: Some(producer),
            api_addr,
            metrics_addr,
        })
    }

    /// Where the API listens.
    pub fn api_addr(&self) -> SocketAddr {
        self.api_addr
    }

    /// Where `/metrics` listens.
    pub fn metrics_addr(&self) -> SocketAddr {
        self.metrics_addr
    }

    /// The shared state (for embedding and tests).
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Stops gracefully: refuses new transactions and reports not ready, lets the
    /// requests in flight finish (at most the request timeout), commits every admitted
    /// transaction, stops the verification queues, and closes the store.
    pub fn shutdown(mut self) -> Result<(), NodeError> {
        self.shared.shutting_down.store(true, Ordering::Release);
        let _ = self.stop_servers.send(true);
        let timeout = self.shared.config.api_request_timeout;
        let servers = std::mem::take(&mut self.servers);
        self.runtime.block_on(async move {
            let _ = tokio::time::timeout(timeout, async {
                for s in servers {
                    let _ = s.await;
                }
            })
            .await;
        });
        self.shared.signal.stop();
        if let Some(p) = self.producer.take() {
            p.join()
                .map_err(|_| NodeError::Internal("the block producer panicked".into()))?;
        }
        for queue in self.shared.admission.queues.values() {
            let _ = queue.shutdown();
        }
        self.shared.ready.store(false, Ordering::Release);
        Ok(())
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        // A node dropped without shutdown still stops its producer.
        self.shared.shutting_down.store(true, Ordering::Release);
        let _ = self.stop_servers.send(true);
        self.shared.signal.stop();
        if let Some(p) = self.producer.take() {
            let _ = p.join();
        }
    }
}
