//! Connecting to PostgreSQL, with TLS.
//!
//! The URL is libpq's (`postgres://user:password@host:port/db?sslmode=...`).
//! `sslmode=disable` connects in the clear; `prefer` (the default) tries TLS
//! and falls back; `require` refuses a server without TLS. With TLS the
//! server's certificate chain and host name are verified against the
//! system's roots plus, when given, the CA file ([`DbConfig::ca_file`], PEM),
//! through the platform's TLS library (OpenSSL on Linux). That is libpq's
//! `verify-full`, whatever the mode says: `sslmode=verify-full` and
//! `sslmode=verify-ca` are accepted and mean `require` with full
//! verification (`verify-ca` is therefore stricter here than in libpq: the
//! host name is checked too).
//!
//! A server whose certificate does not verify gives
//! [`ClusterError::TlsRefused`]; a server without TLS when the URL requires
//! it gives [`ClusterError::TlsUnavailable`].
//!
//! Dead links are noticed by TCP keepalives (idle 15 s, then 3 probes 5 s
//! apart) and, while data is unacknowledged, by `TCP_USER_TIMEOUT` (20 s).

use crate::error::ClusterError;
use std::path::PathBuf;
use std::time::Duration;

/// The connect timeout used when the URL does not set one.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long sent data may stay unacknowledged before the connection is
/// dropped (`TCP_USER_TIMEOUT`), when the URL does not set one.
pub const DEFAULT_TCP_USER_TIMEOUT: Duration = Duration::from_secs(20);

/// The text tokio-postgres gives when a server answers a TLS request with
/// "no" and the mode requires TLS (its error type has no kind to match).
const NO_TLS_TEXT: &str = "server does not support TLS";

/// The URL with `sslmode=verify-full` / `verify-ca` (libpq's names, which
/// the Rust client does not parse) as `require`: our connector always
/// verifies the chain and the host name.
fn normalise_sslmode(url: &str) -> String {
    url.replace("sslmode=verify-full", "sslmode=require")
        .replace("sslmode=verify-ca", "sslmode=require")
}

fn host_of(config: &postgres::Config) -> String {
    config
        .get_hosts()
        .iter()
        .map(|h| match h {
            postgres::config::Host::Tcp(name) => name.clone(),
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// A connection error as our typed TLS error when it is one.
fn classify(err: postgres::Error, host: String) -> ClusterError {
    use std::error::Error as _;
    match err.source() {
        Some(cause) if cause.downcast_ref::<native_tls::Error>().is_some() => {
            ClusterError::TlsRefused {
                host,
                reason: cause.to_string(),
            }
        }
        Some(cause) if cause.to_string() == NO_TLS_TEXT => ClusterError::TlsUnavailable { host },
        _ => ClusterError::Database(err),
    }
}

/// Where the queue lives.
#[derive(Clone)]
pub struct DbConfig {
    /// A libpq URL (`postgres://...`).
    pub url: String,
    /// A PEM file of extra CA certificates to trust for TLS.
    pub ca_file: Option<PathBuf>,
}

impl std::fmt::Debug for DbConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password.
        f.debug_struct("DbConfig")
            .field("url", &redact(&self.url))
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

/// The URL with any password replaced by `***`, for logs.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or("");
            let hidden = if user_info.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{tail}")
        }
        None => url.to_string(),
    }
}

impl DbConfig {
    /// A configuration for `url` without an extra CA.
    pub fn new(url: impl Into<String>) -> Self {
        DbConfig {
            url: url.into(),
            ca_file: None,
        }
    }

    /// Opens one connection.
    pub fn connect(&self) -> Result<postgres::Client, ClusterError> {
        let mut config: postgres::Config = normalise_sslmode(&self.url).parse()?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
        }
        if config.get_tcp_user_timeout().is_none() {
            config.tcp_user_timeout(DEFAULT_TCP_USER_TIMEOUT);
        }
        // Notice a dead peer (a link down, a host gone) within about 30 s.
        config.keepalives(true);
        config.keepalives_idle(Duration::from_secs(15));
        config.keepalives_interval(Duration::from_secs(5));
        config.keepalives_retries(3);
        let mut tls = native_tls::TlsConnector::builder();
        if let Some(path) = &self.ca_file {
            let pem = std::fs::read(path).map_err(|source| ClusterError::Io {
                path: path.display().to_string(),
                source,
            })?;
            let cert = native_tls::Certificate::from_pem(&pem)
                .map_err(|e| ClusterError::Tls(format!("{}: {e}", path.display())))?;
            tls.add_root_certificate(cert);
        }
        let tls = tls.build().map_err(|e| ClusterError::Tls(e.to_string()))?;
        config
            .connect(postgres_native_tls::MakeTlsConnector::new(tls))
            .map_err(|e| classify(e, host_of(&config)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_logs() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/q?sslmode=require"),
            "postgres://app:***@db:5432/q?sslmode=require"
        );
        assert_eq!(redact("postgres://app@db/q"), "postgres://app@db/q");
        assert_eq!(redact("postgres://db/q"), "postgres://db/q");
        let shown = format!("{:?}", DbConfig::new("postgres://a:pw@h/d"));
        assert!(!shown.contains("pw"), "{shown}");
    }

    #[test]
    fn libpq_verify_modes_mean_require_with_full_verification() {
        for mode in ["verify-full", "verify-ca"] {
            let url = format!("postgres://u@db/q?sslmode={mode}");
            let config: postgres::Config = normalise_sslmode(&url).parse().unwrap();
            assert_eq!(config.get_ssl_mode(), postgres::config::SslMode::Require);
        }
        assert_eq!(
            normalise_sslmode("host=db sslmode=verify-full"),
            "host=db sslmode=require"
        );
        assert_eq!(
            normalise_sslmode("postgres://db/q?sslmode=disable"),
            "postgres://db/q?sslmode=disable"
        );
    }

    #[test]
    fn a_bad_url_is_a_typed_error() {
        let Err(err) = DbConfig::new("postgres://h:notaport/d").connect() else {
            panic!("a bad URL connected")
        };
        assert!(matches!(err, ClusterError::Database(_)), "{err}");
    }

    #[test]
    fn a_missing_ca_file_is_a_typed_error() {
        let config = DbConfig {
            url: "postgres://127.0.0.1:1/d".into(),
            ca_file: Some("/nonexistent/ca.pem".into()),
        };
        assert!(matches!(config.connect(), Err(ClusterError::Io { .. })));
    }
}
