//! How the store opens its database: the bound on the memory it caches pages in.
//!
//! redb caches the pages it reads and writes, up to a budget that defaults to
//! 1 GiB. A node that writes every block would grow towards that budget for
//! hours (a 5-minute soak showed about 450 bytes of resident memory per
//! committed transaction). The store sets the budget explicitly instead:
//! [`DEFAULT_CACHE_BYTES`] unless the caller chooses another value within
//! [`MIN_CACHE_BYTES`]..=[`MAX_CACHE_BYTES`].

use crate::error::StoreError;

/// Default page-cache budget: 64 MiB.
pub const DEFAULT_CACHE_BYTES: usize = 64 << 20;
/// Smallest page-cache budget accepted: 1 MiB.
pub const MIN_CACHE_BYTES: usize = 1 << 20;
/// Largest page-cache budget accepted: 64 GiB.
pub const MAX_CACHE_BYTES: usize = 64 << 30;

/// Options for [`crate::Store::open_with`] and [`crate::Store::init_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    cache_bytes: usize,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            cache_bytes: DEFAULT_CACHE_BYTES,
        }
    }
}

impl StoreOptions {
    /// Options with a page-cache budget of `bytes`; refused outside
    /// [`MIN_CACHE_BYTES`]..=[`MAX_CACHE_BYTES`].
    pub fn with_cache_bytes(bytes: usize) -> Result<Self, StoreError> {
        if !(MIN_CACHE_BYTES..=MAX_CACHE_BYTES).contains(&bytes) {
            return Err(StoreError::CacheSize {
                bytes,
                min: MIN_CACHE_BYTES,
                max: MAX_CACHE_BYTES,
            });
        }
        Ok(StoreOptions { cache_bytes: bytes })
    }

    /// The page-cache budget, in bytes.
    pub fn cache_bytes(&self) -> usize {
        self.cache_bytes
    }

    pub(crate) fn builder(&self) -> redb::Builder {
        let mut b = redb::Builder::new();
        b.set_cache_size(self.cache_bytes);
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_the_documented_budget() {
        assert_eq!(StoreOptions::default().cache_bytes(), DEFAULT_CACHE_BYTES);
    }

    #[test]
    fn budgets_outside_the_bounds_are_refused() {
        for bad in [0, MIN_CACHE_BYTES - 1, MAX_CACHE_BYTES + 1] {
            let err = StoreOptions::with_cache_bytes(bad).unwrap_err();
            assert!(
                matches!(err, StoreError::CacheSize { bytes, .. } if bytes == bad),
                "{err}"
            );
        }
        for good in [MIN_CACHE_BYTES, 8 << 20, MAX_CACHE_BYTES] {
            assert_eq!(
                StoreOptions::with_cache_bytes(good).unwrap().cache_bytes(),
                good
            );
        }
    }
}
