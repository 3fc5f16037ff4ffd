//! Province-scale benchmark client (see `scripts/scale-bench.sh` and
//! `docs/benchmarks/scale.md`): the reviewer's and the province's requests against a server
//! holding a data set made by `jixiao demo generate`.
//!
//! `scalebench PORT REGION PARENT YEAR PORTAL_CLIENTS PORTAL_SECONDS`:
//! - as `reviewer_REGION` (the finance reviewer of one 500-unit region): the form list of YEAR
//!   and of all years, a search by unit name, the review home page, the declaration round's
//!   board (API and page; the script's first run opens the round), the round's summary workbook
//!   and the summary workbook of the year;
//! - as `reviewer_PARENT` (the province's reviewer, whose subtree is every generated region):
//!   the streamed CSV summary of YEAR and of all years, with time to the first byte;
//! - the public portal: PORTAL_CLIENTS keep-alive clients for PORTAL_SECONDS, each asking for
//!   the public page of a unit of REGION (the year before YEAR, whose forms are mostly
//!   published) as soon as the last answer arrived; then the region's open-data CSV.
//!
//! With `SCALEBENCH_ONLY=portal` only the portal runs; `SCALEBENCH_PORTAL_REGIONS=N` spreads
//! its readers over the units of the first N generated regions (420101…), and
//! `SCALEBENCH_PORTAL_WARM=1` asks for every unit page once before the clock starts.
//!
//! Each measurement prints one line `name  n  p50  p95  p99  max  (bytes)`, and the last line is
//! a JSON object of them all for the script.

mod common;

use std::time::{Duration, Instant};

use common::{Client, arg, percentile, port_arg};
use serde_json::{Value, json};

/// One measurement: latencies, statuses seen, bytes of the last answer.
struct Measured {
    name: String,
    times: Vec<Duration>,
    bad: Vec<u16>,
    bytes: usize,
    first_byte: Vec<Duration>,
}

impl Measured {
    fn report(&mut self) -> Value {
        self.times.sort();
        self.first_byte.sort();
        let p = |q| (percentile(&self.times, q) * 100.0).round() / 100.0;
        println!(
            "{:<34} n={:<5} p50={:>9.2} ms  p95={:>9.2}  p99={:>9.2}  max={:>9.2}  bytes={}{}",
            self.name,
            self.times.len(),
            p(0.5),
            p(0.95),
            p(0.99),
            p(1.0),
            self.bytes,
            if self.bad.is_empty() {
                String::new()
            } else {
                format!("  NOT 200: {:?}", &self.bad[..self.bad.len().min(5)])
            }
        );
        json!({
            "name": self.name, "n": self.times.len(), "p50": p(0.5), "p95": p(0.95),
            "p99": p(0.99), "max": p(1.0), "bytes": self.bytes, "errors": self.bad.len(),
            "first_byte_p50": (percentile(&self.first_byte, 0.5) * 100.0).round() / 100.0,
        })
    }
}

/// Times `n` GETs of the paths `path(i)` on one connection, after one unmeasured warm-up.
async fn timed(c: &mut Client, name: &str, n: usize, path: impl Fn(usize) -> String) -> Measured {
    let _ = c.call("GET", &path(n), None).await;
    let mut m = Measured {
        name: name.to_string(),
        times: Vec::with_capacity(n),
        bad: Vec::new(),
        bytes: 0,
        first_byte: Vec::new(),
    };
    for i in 0..n {
        let t = Instant::now();
        let (status, _, body) = c.call("GET", &path(i), None).await.expect("connection");
        m.times.push(t.elapsed());
        m.first_byte.push(c.first_byte);
        m.bytes = body.len();
        if status != 200 {
            m.bad.push(status);
        }
    }
    m
}

/// The declaration round of `year` in the reviewer's region, opened when there is none.
async fn round_id(c: &mut Client, year: i64) -> i64 {
    let (_, _, body) = c.call("GET", "/api/rounds", None).await.expect("rounds");
    let rounds: Value = serde_json::from_slice(&body).expect("rounds JSON");
    let found = rounds["rounds"].as_array().and_then(|rs| {
        rs.iter()
            .find(|r| r["kind"] == "declaration" && r["fiscal_year"] == year)
            .and_then(|r| r["id"].as_i64())
    });
    if let Some(id) = found {
        return id;
    }
    let body = json!({"kind": "declaration", "fiscal_year": year, "deadline": format!("{}-12-31", year + 1)});
    let (status, _, resp) = c
        .call("POST", "/api/rounds", Some(body.to_string().as_bytes()))
        .await
        .expect("open round");
    assert_eq!(
        status,
        201,
        "open round: {}",
        String::from_utf8_lossy(&resp)
    );
    serde_json::from_slice::<Value>(&resp).expect("round JSON")["round"]["id"]
        .as_i64()
        .expect("round id")
}

/// The public page of the `i`-th unit address: the units of `region`, or with `spread` > 1 those
/// of the generated regions 420101… in turn (500 each).
fn unit_page(region: &str, spread: usize, year: i64, i: usize) -> String {
    let region = match spread {
        0 | 1 => region.to_string(),
        n => format!("4201{:02}", 1 + (i / 500) % n),
    };
    format!("/public/{region}/{year}/units/{region}{:06}", 1 + i % 500)
}

/// The public portal under `clients` closed-loop clients for `secs`: unit pages of the region.
async fn portal(port: u16, region: &str, year: i64, clients: usize, secs: u64) -> Measured {
    let spread: usize = std::env::var("SCALEBENCH_PORTAL_REGIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    if std::env::var("SCALEBENCH_PORTAL_WARM").is_ok() {
        // Every unit page once, by 8 clients, as a portal that has been up for a while.
        let started = Instant::now();
        let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let total = 500 * spread.max(1);
        let warmers: Vec<_> = (0..8)
            .map(|_| {
                let (next, region) = (next.clone(), region.to_string());
                tokio::spawn(async move {
                    let mut c = Client::new(port);
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= total {
                            break;
                        }
                        let _ = c
                            .call("GET", &unit_page(&region, spread, year, i), None)
                            .await;
                    }
                })
            })
            .collect();
        for w in warmers {
            let _ = w.await;
        }
        println!(
            "portal warm-up: {total} unit addresses in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let deadline = Instant::now() + Duration::from_secs(secs);
    let tasks: Vec<_> = (0..clients)
        .map(|k| {
            let region = region.to_string();
            tokio::spawn(async move {
                let mut c = Client::new(port);
                let (mut times, mut bad, mut bytes) = (Vec::new(), Vec::new(), 0);
                let mut i = k * 7919;
                while Instant::now() < deadline {
                    i += 1;
                    let path = unit_page(&region, spread, year, i);
                    let t = Instant::now();
                    match c.call("GET", &path, None).await {
                        Ok((status, _, body)) => {
                            times.push(t.elapsed());
                            // 404: the unit's form of that year is not published.
                            if status != 200 && status != 404 {
                                bad.push(status);
                            }
                            if status == 200 {
                                bytes = body.len();
                            }
                        }
                        Err(_) => bad.push(0),
                    }
                }
                (times, bad, bytes)
            })
        })
        .collect();
    let mut m = Measured {
        name: format!(
            "portal unit page, {clients} clients, {} region(s)",
            spread.max(1)
        ),
        times: Vec::new(),
        bad: Vec::new(),
        bytes: 0,
        first_byte: Vec::new(),
    };
    for t in tasks {
        let (times, bad, bytes) = t.await.expect("portal client");
        m.times.extend(times);
        m.bad.extend(bad);
        m.bytes = m.bytes.max(bytes);
    }
    println!(
        "portal throughput: {:.0} requests/s over {secs} s",
        m.times.len() as f64 / secs as f64
    );
    m
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = port_arg(
        &args,
        "scalebench PORT REGION PARENT YEAR PORTAL_CLIENTS PORTAL_SECONDS",
    );
    let region: String = arg(&args, 2, "420101".to_string());
    let parent: String = arg(&args, 3, "420000".to_string());
    let year: i64 = arg(&args, 4, 2026);
    let clients: usize = arg(&args, 5, 200);
    let secs: u64 = arg(&args, 6, 20);
    let mut all = Vec::new();
    if std::env::var("SCALEBENCH_ONLY").as_deref() == Ok("portal") {
        let mut m = portal(port, &region, year - 1, clients, secs).await;
        println!("{}", json!({"measurements": [m.report()]}));
        return;
    }

    let mut r = Client::new(port);
    r.login(&format!("reviewer_{region}")).await;
    all.push(
        timed(&mut r, "forms list (year)", 200, |_| {
            format!("/api/forms?year={year}")
        })
        .await,
    );
    all.push(
        timed(&mut r, "forms list (all years)", 100, |_| {
            "/api/forms".into()
        })
        .await,
    );
    all.push(
        timed(&mut r, "forms search (unit name)", 200, |i| {
            format!("/api/forms?year={year}&q=%E7%AC%AC{}", 1 + i % 50) // 第N: 11 units or more
        })
        .await,
    );
    all.push(timed(&mut r, "review home page", 100, |_| "/".into()).await);
    let round = round_id(&mut r, year).await;
    all.push(
        timed(&mut r, "round board (API)", 50, |_| {
            format!("/api/rounds/{round}")
        })
        .await,
    );
    all.push(
        timed(&mut r, "round board (page)", 50, |_| {
            format!("/rounds/{round}")
        })
        .await,
    );
    all.push(
        timed(&mut r, "round summary workbook", 5, |_| {
            format!("/api/rounds/{round}/summary.xlsx")
        })
        .await,
    );
    all.push(
        timed(&mut r, "summary workbook (year)", 5, |_| {
            format!("/api/summary?year={year}")
        })
        .await,
    );

    let mut p = Client::new(port);
    p.login(&format!("reviewer_{parent}")).await;
    all.push(
        timed(&mut p, "province summary CSV (year)", 3, |_| {
            format!("/api/summary.csv?year={year}")
        })
        .await,
    );
    all.push(
        timed(&mut p, "province summary CSV (all years)", 1, |_| {
            "/api/summary.csv".into()
        })
        .await,
    );

    let mut public = Client::new(port);
    all.push(
        timed(&mut public, "open data CSV (region, year)", 5, |_| {
            format!("/public/{region}/{}/open-data.csv", year - 1)
        })
        .await,
    );
    all.push(portal(port, &region, year - 1, clients, secs).await);

    let report: Vec<Value> = all.iter_mut().map(Measured::report).collect();
    println!("{}", json!({"measurements": report}));
}
