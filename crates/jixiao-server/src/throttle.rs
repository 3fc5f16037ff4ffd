//! A small in-memory fixed-window counter per key (client address), for login throttling.
//! The lock-out after repeated failures is per user and lives in the database, so it holds
//! across app servers; this throttle only slows down one client guessing many names.

use std::collections::HashMap;
use std::sync::Mutex;

use jixiao_storage::now_ms;

/// Allows `limit` hits per key per window (no limit when `limit` is 0).
#[derive(Debug)]
pub struct Throttle {
    limit: u32,
    window_ms: i64,
    hits: Mutex<HashMap<String, (i64, u32)>>,
}

/// Most keys kept before old windows are swept (bounded memory).
const MAX_KEYS: usize = 100_000;

impl Throttle {
    /// A throttle of `limit` hits per `window_ms`.
    pub fn new(limit: u32, window_ms: i64) -> Throttle {
        Throttle {
            limit,
            window_ms,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a hit; false when the key is over its limit in the current window.
    pub fn allow(&self, key: &str) -> bool {
        self.retry_after(key).is_none()
    }

    /// Counts a hit; `None` when allowed, else the whole seconds until the key's window ends
    /// (at least 1: the `Retry-After` of a 429).
    pub fn retry_after(&self, key: &str) -> Option<u64> {
        if self.limit == 0 {
            return None;
        }
        let now = now_ms();
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if hits.len() >= MAX_KEYS {
            hits.retain(|_, (start, _)| now - *start < self.window_ms);
            if hits.len() >= MAX_KEYS {
                hits.clear();
            }
        }
        let entry = hits.entry(key.to_string()).or_insert((now, 0));
        if now - entry.0 >= self.window_ms {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        if entry.1 <= self.limit {
            None
        } else {
            let left_ms = (entry.0 + self.window_ms - now).max(0);
            Some((left_ms as u64).div_ceil(1000).max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_key() {
        let t = Throttle::new(2, 60_000);
        assert!(t.allow("a"));
        assert!(t.allow("a"));
        assert!(!t.allow("a"));
        assert!(t.allow("b"));
        let off = Throttle::new(0, 60_000);
        assert!((0..100).all(|_| off.allow("a")));
    }
}
