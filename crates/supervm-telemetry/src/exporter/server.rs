//! The blocking HTTP endpoint: `/metrics`, `/summary`, `/healthz`.

use std::fmt::Write as _;
use std::net::{SocketAddr, TcpListener};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use metrics_exporter_prometheus::PrometheusHandle;
use tiny_http::{Header, Method, Request, Response, Server};

use super::TelemetryError;
use crate::catalog::{MetricKind, CATALOG};

/// `Content-Type` of `/metrics`: the Prometheus text exposition format.
pub const METRICS_CONTENT_TYPE: &str = "text/plain; version=0.0.4";
const TEXT_CONTENT_TYPE: &str = "text/plain; charset=utf-8";

/// Produces the body of `/summary`. Called once per request, on the server thread.
pub type SummaryFn = Arc<dyn Fn() -> String + Send + Sync>;

/// A running metrics endpoint.
///
/// Routes (GET or HEAD): `/metrics` (Prometheus text format), `/summary`
/// (human-readable text), `/healthz` (`ok`); anything else is 404, other
/// methods 405. Requests are served one at a time on one thread; a scrape is
/// cheap, so this is plenty for Prometheus and a curious operator.
///
/// [`MetricsServer::shutdown`] (or drop) unblocks the server thread, joins it and
/// closes the listening socket.
pub struct MetricsServer {
    local_addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    server: Option<Arc<Server>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for MetricsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsServer")
            .field("local_addr", &self.local_addr)
            .field("running", &self.thread.is_some())
            .finish()
    }
}

impl MetricsServer {
    /// Serves `handle` on `addr`, with [`default_summary`] on `/summary`.
    /// Port 0 picks a free port; read it back with [`MetricsServer::local_addr`].
    ///
    /// # Errors
    /// [`TelemetryError::Bind`] (naming `addr`) if the address cannot be bound,
    /// [`TelemetryError::Spawn`] if the server thread cannot start.
    pub fn start(addr: SocketAddr, handle: PrometheusHandle) -> Result<Self, TelemetryError> {
        let summary_handle = handle.clone();
        Self::start_with_summary(addr, handle, move || default_summary(&summary_handle))
    }

    /// Serves `handle` on `addr`, with `summary` producing the body of `/summary`.
    /// A panic inside `summary` becomes a 500 response; the server keeps running.
    ///
    /// # Errors
    /// As [`MetricsServer::start`].
    pub fn start_with_summary<F>(
        addr: SocketAddr,
        handle: PrometheusHandle,
        summary: F,
    ) -> Result<Self, TelemetryError>
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        let bind_error = |source| TelemetryError::Bind { addr, source };
        let listener = TcpListener::bind(addr).map_err(bind_error)?;
        let local_addr = listener.local_addr().map_err(bind_error)?;
        let server = Server::from_listener(listener, None)
            .map_err(|e| bind_error(std::io::Error::other(e.to_string())))?;
        let server = Arc::new(server);
        let stopping = Arc::new(AtomicBool::new(false));
        let summary: SummaryFn = Arc::new(summary);

        let thread = {
            let server = Arc::clone(&server);
            let stopping = Arc::clone(&stopping);
            std::thread::Builder::new()
                .name("metrics-http".into())
                .spawn(move || serve(&server, &stopping, &handle, &summary))
                .map_err(|source| TelemetryError::Spawn {
                    thread: "http",
                    source,
                })?
        };
        Ok(MetricsServer {
            local_addr,
            stopping,
            server: Some(server),
            thread: Some(thread),
        })
    }

    /// The address actually bound (differs from the requested one for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops serving, joins the server thread and closes the socket.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        if let Some(server) = &self.server {
            server.unblock();
        }
        if let Some(thread) = self.thread.take() {
            // Handler panics are caught per request; a join error cannot carry news.
            let _ = thread.join();
        }
        // Last reference: dropping the tiny_http server stops its accept loop,
        // which releases the port.
        self.server.take();
    }
}

impl Drop for MetricsServer {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

fn serve(server: &Server, stopping: &AtomicBool, handle: &PrometheusHandle, summary: &SummaryFn) {
    loop {
        match server.recv() {
            Ok(request) => respond(request, handle, summary),
            // `unblock()` surfaces as an error; so do failed accepts.
            Err(_) if stopping.load(Ordering::SeqCst) => break,
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

fn respond(request: Request, handle: &PrometheusHandle, summary: &SummaryFn) {
    let path = request
        .url()
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    let response = match (request.method(), path.as_str()) {
        (Method::Get | Method::Head, "/metrics") => {
            text(200, handle.render(), METRICS_CONTENT_TYPE)
        }
        (Method::Get | Method::Head, "/summary") => {
            match catch_unwind(AssertUnwindSafe(|| summary())) {
                Ok(body) => text(200, body, TEXT_CONTENT_TYPE),
                Err(_) => text(500, "summary callback panicked\n".into(), TEXT_CONTENT_TYPE),
            }
        }
        (Method::Get | Method::Head, "/healthz") => text(200, "ok\n".into(), TEXT_CONTENT_TYPE),
        (Method::Get | Method::Head, _) => text(
            404,
            "not found; try /metrics, /summary or /healthz\n".into(),
            TEXT_CONTENT_TYPE,
        ),
        _ => text(405, "method not allowed\n".into(), TEXT_CONTENT_TYPE),
    };
    // The client may have gone away; nothing useful to do about it.
    let _ = request.respond(response);
}

fn text(status: u16, body: String, content_type: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let response = Response::from_string(body).with_status_code(status);
    match Header::from_bytes(&b"Content-Type"[..], content_type.as_bytes()) {
        Ok(header) => response.with_header(header),
        Err(()) => response,
    }
}

/// The default `/summary` body: every catalogued metric that has been recorded,
/// its current value(s) and its help text; histograms as count, sum and mean.
pub fn default_summary(handle: &PrometheusHandle) -> String {
    let rendered = handle.render();
    let mut out = String::from("SuperVM telemetry summary\n");
    let mut any = false;
    for def in CATALOG {
        let lines: Vec<String> = match def.kind {
            MetricKind::Histogram => histogram_lines(&rendered, def.name),
            MetricKind::Counter | MetricKind::Gauge => samples(&rendered, def.name)
                .map(|(series, value)| format!("  {series} = {value}"))
                .collect(),
        };
        if lines.is_empty() {
            continue;
        }
        any = true;
        let _ = writeln!(out, "\n{} ({})", def.name, def.help);
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
    }
    if !any {
        out.push_str("\nno metrics recorded yet\n");
    }
    out
}

/// `(series, value)` pairs of the exposition lines for exactly `name`
/// (`name 3` or `name{labels} 3`).
fn samples<'a>(rendered: &'a str, name: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
    rendered.lines().filter_map(move |line| {
        let rest = line.strip_prefix(name)?;
        if !(rest.starts_with(' ') || rest.starts_with('{')) {
            return None;
        }
        line.rsplit_once(' ')
    })
}

fn histogram_lines(rendered: &str, name: &str) -> Vec<String> {
    let count_name = format!("{name}_count");
    let sum_name = format!("{name}_sum");
    samples(rendered, &count_name)
        .map(|(series, count)| {
            let labels = &series[count_name.len()..];
            let sum = samples(rendered, &sum_name)
                .find(|(s, _)| &s[sum_name.len()..] == labels)
                .and_then(|(_, v)| v.parse::<f64>().ok());
            let count_value = count.parse::<f64>().ok();
            match (sum, count_value) {
                (Some(sum), Some(n)) if n > 0.0 => format!(
                    "  {name}{labels}: count = {count}, sum = {sum:.6} s, mean = {:.6} s",
                    sum / n
                ),
                _ => format!("  {name}{labels}: count = {count}"),
            }
        })
        .collect()
}
