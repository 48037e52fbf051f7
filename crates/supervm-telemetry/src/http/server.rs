//! [`HttpServer`]: serves a router on a thread of its own and shuts down
//! gracefully.

use std::net::SocketAddr;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use axum::Router;
use tokio::sync::oneshot;

use crate::TelemetryError;

/// How long [`HttpServer::shutdown`] waits for open connections.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running HTTP endpoint: its thread and the way to stop it.
///
/// [`HttpServer::shutdown`] (or drop) stops accepting, which closes the
/// listening socket, lets open requests finish, and waits for the thread at
/// most [`SHUTDOWN_GRACE`] (a client holding a connection open cannot keep the
/// process alive).
pub struct HttpServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for HttpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpServer")
            .field("local_addr", &self.addr)
            .field("running", &self.thread.is_some())
            .finish()
    }
}

impl HttpServer {
    /// Binds `addr` (a taken port fails here, before the thread starts) and
    /// serves `router` on a thread named `thread_name`, with a single-threaded
    /// tokio runtime. Pass a router through [`super::harden`] first.
    /// Port 0 picks a free port; read it back with [`HttpServer::local_addr`].
    ///
    /// # Errors
    /// [`TelemetryError::Bind`] (naming `addr`) if the address cannot be bound,
    /// [`TelemetryError::Runtime`] if the runtime cannot be built,
    /// [`TelemetryError::Spawn`] if the thread cannot start.
    pub fn start(
        addr: SocketAddr,
        router: Router,
        thread_name: &str,
    ) -> Result<HttpServer, TelemetryError> {
        let bind_error = |source| TelemetryError::Bind { addr, source };
        let listener = std::net::TcpListener::bind(addr)
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(bind_error)?;
        let local = listener.local_addr().map_err(bind_error)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|source| TelemetryError::Runtime { source })?;
        let (stop, stopped) = oneshot::channel::<()>();
        let name = thread_name.to_owned();
        let thread = std::thread::Builder::new()
            .name(thread_name.to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            eprintln!("{name}: HTTP endpoint: {e}");
                            return;
                        }
                    };
                    let shutdown = async {
                        let _ = stopped.await;
                    };
                    if let Err(e) = axum::serve(listener, router)
                        .with_graceful_shutdown(shutdown)
                        .await
                    {
                        eprintln!("{name}: HTTP endpoint: {e}");
                    }
                })
            })
            .map_err(|source| TelemetryError::Spawn {
                thread: "http",
                source,
            })?;
        Ok(HttpServer {
            addr: local,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The bound address (the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets open requests finish, and waits for the thread
    /// at most [`SHUTDOWN_GRACE`].
    pub fn shutdown(mut self) {
        self.stop_and_wait();
    }

    fn stop_and_wait(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let deadline = Instant::now() + SHUTDOWN_GRACE;
            while !thread.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            if thread.is_finished() {
                // The serving loop reports its own errors; a join error carries no news.
                let _ = thread.join();
            }
        }
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop_and_wait();
    }
}
