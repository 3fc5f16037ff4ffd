//! Metrics for operators in the Prometheus text format (`GET /metrics`): requests by route
//! (the route's pattern, not the address: `/api/forms/{id}`), method and status class, with a
//! latency histogram; saves of forms and reports; the database pool's connections; the heavy
//! jobs running. Not public: the route answers only when a token is configured
//! (`--metrics-token`), and only to `Authorization: Bearer <token>` (404 otherwise, as for an
//! unknown address). Counting is a short lock per request; rendering reads a copy.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Default, Clone)]
struct RouteStats {
    /// Answers by status class: 1xx … 5xx.
    classes: [u64; 5],
    /// Requests at or under each bucket's bound (not cumulative here; summed when rendered).
    buckets: [u64; BUCKETS.len()],
    /// Requests in all.
    count: u64,
    /// Seconds in all.
    sum: f64,
}

/// The counters of one app server (each server of a cluster keeps its own; Prometheus adds
/// them up by instance).
#[derive(Debug)]
pub struct Metrics {
    started: Instant,
    routes: Mutex<BTreeMap<(String, String), RouteStats>>,
    saves: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            started: Instant::now(),
            routes: Mutex::default(),
            saves: AtomicU64::new(0),
        }
    }
}

impl Metrics {
    /// Counts one answered request.
    pub fn record(&self, method: &str, route: &str, status: StatusCode, took: Duration) {
        let secs = took.as_secs_f64();
        let mut routes = self
            .routes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let stats = routes
            .entry((route.to_string(), method.to_string()))
            .or_default();
        let class = usize::from(status.as_u16() / 100).clamp(1, 5) - 1;
        stats.classes[class] += 1;
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            stats.buckets[i] += 1;
        }
        stats.count += 1;
        stats.sum += secs;
    }

    /// Counts a stored save (a new version of a form or a report).
    pub fn saved(&self) {
        self.saves.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text of the counters and of the pool and job gauges given.
    pub fn render(&self, pool_size: u32, pool_idle: usize, jobs_running: usize) -> String {
        let routes = self
            .routes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let mut out = String::with_capacity(4096 + routes.len() * 1024);
        let label = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        out.push_str("# HELP jixiao_http_requests_total Requests answered, by route pattern, method and status class.\n");
        out.push_str("# TYPE jixiao_http_requests_total counter\n");
        for ((route, method), s) in &routes {
            for (i, n) in s.classes.iter().enumerate() {
                if *n > 0 {
                    let _ = writeln!(
                        out,
                        "jixiao_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{}xx\"}} {n}",
                        label(route),
                        i + 1
                    );
                }
            }
        }
        out.push_str("# HELP jixiao_http_request_duration_seconds Time from the request's headers to its answer.\n");
        out.push_str("# TYPE jixiao_http_request_duration_seconds histogram\n");
        for ((route, method), s) in &routes {
            let route = label(route);
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(s.buckets.iter()) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "jixiao_http_request_duration_seconds_bucket{{route=\"{route}\",method=\"{method}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "jixiao_http_request_duration_seconds_bucket{{route=\"{route}\",method=\"{method}\",le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "jixiao_http_request_duration_seconds_sum{{route=\"{route}\",method=\"{method}\"}} {:.6}",
                s.sum
            );
            let _ = writeln!(
                out,
                "jixiao_http_request_duration_seconds_count{{route=\"{route}\",method=\"{method}\"}} {}",
                s.count
            );
        }
        let gauges = [
            (
                "jixiao_saves_total",
                "counter",
                "Versions of forms and reports saved.",
                self.saves.load(Ordering::Relaxed) as f64,
            ),
            (
                "jixiao_db_pool_connections",
                "gauge",
                "Connections the database pool holds.",
                f64::from(pool_size),
            ),
            (
                "jixiao_db_pool_idle_connections",
                "gauge",
                "Connections of the pool not in use.",
                pool_idle as f64,
            ),
            (
                "jixiao_jobs_running",
                "gauge",
                "Heavy jobs (imports, exports, password hashing) running now.",
                jobs_running as f64,
            ),
            (
                "jixiao_uptime_seconds",
                "gauge",
                "Seconds since this app server started.",
                self.started.elapsed().as_secs_f64().floor(),
            ),
        ];
        for (name, kind, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
        out
    }
}

/// Counts every request under its route pattern (`unmatched` for addresses no route serves, so
/// that scanners cannot grow the table).
pub(crate) async fn count(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let resp = next.run(req).await;
    state
        .metrics
        .record(&method, &route, resp.status(), started.elapsed());
    resp
}

/// `GET /metrics`: the counters, for a scraper holding the token.
pub(crate) async fn metrics(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Response {
    let Some(token) = state.config.metrics_token.as_deref() else {
        return crate::error::ApiError::not_found("页面或接口不存在").into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let same = given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        let mut resp = crate::error::ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "需要监控令牌（Authorization: Bearer …）",
        )
        .into_response();
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"jixiao metrics\""),
        );
        return resp;
    }
    let pool = state.db.pool();
    let body = state
        .metrics
        .render(pool.size(), pool.num_idle(), state.jobs.running());
    let mut resp = body.into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    resp
}
