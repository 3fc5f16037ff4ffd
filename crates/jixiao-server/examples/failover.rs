//! Failover drill client (see `scripts/failover-drill.sh`): simulated users saving forms through
//! a proxy in front of several app servers, one of which the script kills mid-run.
//!
//! `failover PORT USERS FORMS SECONDS THINK_MS`:
//! - logs USERS sessions in (each its own `POST /api/login` as the demo filler) and makes FORMS
//!   forms (the seed under distinct fiscal years; an earlier run's forms are reused);
//! - for SECONDS, each user waits a think time (THINK_MS ± 50 %), reads its form
//!   (`GET /api/forms/{id}`, user `u` works on form `u % FORMS`) and saves it back
//!   (`PUT /api/forms/{id}` with the version it read, which validates and stores a new version).
//!   A 200 is an acknowledged save; a 409 `stale_version` (another user saved the same form
//!   first) is a normal conflict; anything else — another status, a broken connection — is a
//!   failure, counted per second of the run, and the user reconnects and goes on;
//! - then checks that every acknowledged save is in its form's history
//!   (`GET /api/forms/{id}/versions`) and that every session still works (`GET /api/me`).
//!
//! Prints throughput, save latency (p50/p95/p99), conflicts, failures by second, 401s (a
//! session lost), acknowledged saves missing from the history (must be 0) and dead sessions.

use std::collections::BTreeMap;
mod common;

use std::time::{Duration, Instant};

use common::{Client, arg, form_for_year, percentile, port_arg, seed_form};

use serde_json::{Value, json};

/// What one user saw.
#[derive(Default)]
struct Seen {
    saves: Vec<Duration>,
    reads: usize,
    conflicts: usize,
    /// Seconds since the start at which a request failed, with what happened.
    failures: Vec<(u64, String)>,
    unauthorized: usize,
    /// (form id, version) of every acknowledged save.
    acknowledged: Vec<(i64, i64)>,
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = port_arg(&args, "failover PORT USERS FORMS SECONDS THINK_MS");
    let users: usize = arg(&args, 2, 2000);
    let forms_n: usize = arg(&args, 3, 50);
    let secs: u64 = arg(&args, 4, 60);
    let think_ms: u64 = arg(&args, 5, 2000);

    let mut setup = Client::new(port);
    setup.login("xingguo_filler").await;
    let seed = seed_form();
    let mut forms = Vec::new();
    for i in 0..forms_n {
        let f = form_for_year(&seed, 2030 + i as i64);
        let (status, _, body) = setup
            .call(
                "POST",
                "/api/forms",
                Some(json!({"form": f}).to_string().as_bytes()),
            )
            .await
            .expect("create form");
        assert!(
            status == 201 || status == 409,
            "create form: {status} {}",
            String::from_utf8_lossy(&body)
        );
        let id = serde_json::from_slice::<Value>(&body).unwrap()["id"]
            .as_i64()
            .expect("form id");
        forms.push((id, f.to_string()));
    }

    // Sessions first, a few at a time, so that the run starts with every user logged in.
    let login_started = Instant::now();
    let mut clients = Vec::with_capacity(users);
    for chunk in 0..users.div_ceil(50) {
        let n = 50.min(users - chunk * 50);
        let logins = (0..n).map(|_| async move {
            let mut c = Client::new(port);
            c.login("xingguo_filler").await;
            c
        });
        clients.extend(futures_join_all(logins).await);
    }
    println!(
        "{users} sessions logged in in {:.1} s; {forms_n} forms (seed JSON {} bytes); {secs} s, think time {think_ms} ms ± 50 %",
        login_started.elapsed().as_secs_f64(),
        forms[0].1.len()
    );

    let start = Instant::now();
    let deadline = start + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for (u, mut c) in clients.into_iter().enumerate() {
        let (id, form_text) = forms[u % forms_n].clone();
        tasks.push(tokio::spawn(async move {
            let mut seen = Seen::default();
            let path = format!("/api/forms/{id}");
            // A cheap deterministic spread of think times per user and turn.
            let mut x = (u as u64).wrapping_mul(6364136223846793005).wrapping_add(1);
            while Instant::now() < deadline {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let think = think_ms / 2 + (x >> 33) % think_ms.max(1);
                tokio::time::sleep(Duration::from_millis(think)).await;
                if Instant::now() >= deadline {
                    break;
                }
                let at = start.elapsed().as_secs();
                let version = match c.call("GET", &path, None).await {
                    Ok((200, _, body)) => {
                        seen.reads += 1;
                        serde_json::from_slice::<Value>(&body)
                            .ok()
                            .and_then(|v| v["version"].as_i64())
                    }
                    Ok((401, _, _)) => {
                        seen.unauthorized += 1;
                        None
                    }
                    Ok((status, _, _)) => {
                        seen.failures.push((at, format!("GET {status}")));
                        None
                    }
                    Err(e) => {
                        seen.failures.push((at, format!("GET {}", e.kind())));
                        None
                    }
                };
                let Some(version) = version else { continue };
                let body = format!("{{\"base_version\":{version},\"form\":{form_text}}}");
                let t = Instant::now();
                match c.call("PUT", &path, Some(body.as_bytes())).await {
                    Ok((200, _, resp)) => {
                        seen.saves.push(t.elapsed());
                        if let Some(v) = serde_json::from_slice::<Value>(&resp)
                            .ok()
                            .and_then(|v| v["version"].as_i64())
                        {
                            seen.acknowledged.push((id, v));
                        }
                    }
                    Ok((409, _, _)) => seen.conflicts += 1,
                    Ok((401, _, _)) => seen.unauthorized += 1,
                    Ok((status, _, _)) => seen
                        .failures
                        .push((start.elapsed().as_secs(), format!("PUT {status}"))),
                    Err(e) => seen
                        .failures
                        .push((start.elapsed().as_secs(), format!("PUT {}", e.kind()))),
                }
            }
            (seen, c)
        }));
    }
    let mut all = Seen::default();
    let mut clients = Vec::new();
    for t in tasks {
        let (seen, c) = t.await.expect("user task");
        all.saves.extend(seen.saves);
        all.reads += seen.reads;
        all.conflicts += seen.conflicts;
        all.failures.extend(seen.failures);
        all.unauthorized += seen.unauthorized;
        all.acknowledged.extend(seen.acknowledged);
        clients.push(c);
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.saves.sort();
    println!(
        "saves acknowledged: {} ({:.1}/s); reads {}; save latency ms p50 {:.1} p95 {:.1} p99 {:.1} max {:.1}; conflicts (409) {}; 401 {}",
        all.saves.len(),
        all.saves.len() as f64 / elapsed,
        all.reads,
        percentile(&all.saves, 0.50),
        percentile(&all.saves, 0.95),
        percentile(&all.saves, 0.99),
        percentile(&all.saves, 1.0),
        all.conflicts,
        all.unauthorized,
    );
    let mut by_second: BTreeMap<u64, (usize, BTreeMap<String, usize>)> = BTreeMap::new();
    for (at, what) in &all.failures {
        let e = by_second.entry(*at).or_default();
        e.0 += 1;
        *e.1.entry(what.clone()).or_default() += 1;
    }
    println!("failed requests: {}", all.failures.len());
    for (at, (n, kinds)) in &by_second {
        println!("  second {at}: {n} ({kinds:?})");
    }

    // Every acknowledged save is in its form's history.
    let mut missing = 0;
    let mut checker = Client::new(port);
    checker.login("xingguo_filler").await;
    for (id, _) in &forms {
        let (status, _, body) = checker
            .call("GET", &format!("/api/forms/{id}/versions"), None)
            .await
            .expect("versions");
        assert_eq!(status, 200, "versions of {id}");
        let stored: Vec<i64> = serde_json::from_slice::<Value>(&body)
            .unwrap()
            .as_array()
            .map(|a| a.iter().filter_map(|v| v["version"].as_i64()).collect())
            .unwrap_or_default();
        missing += all
            .acknowledged
            .iter()
            .filter(|(f, v)| f == id && !stored.contains(v))
            .count();
    }
    println!(
        "acknowledged saves missing from the history: {missing} of {}",
        all.acknowledged.len()
    );
    // Every session is still valid, whichever server answers.
    let mut dead = 0;
    for c in &mut clients {
        match c.call("GET", "/api/me", None).await {
            Ok((200, _, _)) => {}
            _ => dead += 1,
        }
    }
    println!("sessions no longer valid after the run: {dead} of {users}");
}

/// Awaits futures together (a small join_all, so the example needs no futures crate).
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}
