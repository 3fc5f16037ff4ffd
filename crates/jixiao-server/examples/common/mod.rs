//! What the load examples share (`mod common;` in each): latency percentiles and the seed form
//! made into one form per fiscal year.

#![allow(dead_code)] // each example uses part of it

use std::time::Duration;

use serde_json::{Value, json};

/// The `p` quantile (0–1) of sorted latencies, in milliseconds; 0 for none.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

/// The demo's seed form as JSON.
pub fn seed_form() -> Value {
    serde_json::from_str(jixiao_server::demo::SEED_FORM_JSON).expect("the seed form is JSON")
}

/// The seed form for another fiscal year (its funding's year columns follow), so that one unit
/// can hold many forms: one per load-test client.
pub fn form_for_year(seed: &Value, year: i64) -> Value {
    let mut f = seed.clone();
    f["header"]["fiscal_year"] = json!(year);
    f["funding"]["last_year"] = json!(year - 1);
    f["funding"]["year_before"] = json!(year - 2);
    f
}
