//! A small in-memory fixed-window counter per key (client address), for login throttling.
//! The lock-out after repeated failures is per user and lives in the database, so it holds
//! across app servers; this throttle only slows down one client guessing many names.

use std::collections::HashMap;
use std::sync::Mutex;

use jixiao_storage::now_ms;

/// Allows `limit` hits per key per window.
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
        entry.1 += 1;
        entry.1 <= self.limit
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
    }
}
