//! Connecting to PostgreSQL, with TLS.
//!
//! The URL is libpq's (`postgres://user:password@host:port/db?sslmode=...`).
//! `sslmode=disable` connects in the clear; `prefer` (the default) tries TLS
//! and falls back; `require` refuses a server without TLS. With TLS the
//! server's certificate chain and host name are verified against the
//! system's roots plus, when given, the CA file ([`DbConfig::ca_file`], PEM),
//! through the platform's TLS library (OpenSSL on Linux).

use crate::error::ClusterError;
use std::path::PathBuf;
use std::time::Duration;

/// The connect timeout used when the URL does not set one.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

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
        let mut config: postgres::Config = self.url.parse()?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
        }
        // Notice a dead peer (a link down, a host gone) within about a minute.
        config.keepalives(true);
        config.keepalives_idle(Duration::from_secs(15));
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
        Ok(config.connect(postgres_native_tls::MakeTlsConnector::new(tls))?)
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
