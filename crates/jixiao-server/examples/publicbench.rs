//! Benchmark of the public portal (`docs/benchmarks.md`, issue 13's speed goals).
//!
//! `publicbench [UNITS] [CLIENTS] [SECONDS]` (defaults 500, 200, 10):
//! 1. makes a fresh SQLite database in a temporary directory with one region of UNITS units,
//!    each with the seed form (its unit name and a few targets varied) for 2024, 2025 and 2026,
//!    stored, approved and published through the storage calls the server's publish step makes;
//!    times the finance dashboard of 2026 (service and page rendering: the three years are read
//!    for the budget chart; 2026's forms are parsed and validated), cold and the median of 5;
//! 2. serves the whole application on a loopback port with `jixiao_server::serve::serve` (the
//!    `jixiao serve` connection loop), with no per-address limit (every client is 127.0.0.1);
//! 3. times the open-data CSV and JSON of the region (cold, then the median of 5), the year's
//!    unit list and the portal's first page;
//! 4. runs CLIENTS keep-alive connections for SECONDS, each asking for the public page of a
//!    unit after another as soon as the last answer arrived (closed loop), and prints the
//!    throughput and the p50/p95/p99/max latency.
//!
//! Client and server share the machine; run with `--release`.

use std::time::{Duration, Instant};

use jixiao_domain::{Form, FormStatus};
use jixiao_server::{AppState, ServerConfig};
use jixiao_storage::Db;
use jixiao_storage::forms::{NewForm, VersionData, indicator_rows};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// One keep-alive GET; (status, body length).
async fn get(stream: &mut BufReader<TcpStream>, path: &str) -> (u16, usize) {
    let head = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    stream.get_mut().write_all(head.as_bytes()).await.unwrap();
    let mut line = String::new();
    stream.read_line(&mut line).await.unwrap();
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status line");
    let (mut len, mut chunked) = (0usize, false);
    loop {
        line.clear();
        stream.read_line(&mut line).await.unwrap();
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().unwrap();
            } else if k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked") {
                chunked = true;
            }
        }
    }
    if !chunked {
        let mut buf = vec![0; len];
        stream.read_exact(&mut buf).await.unwrap();
        return (status, len);
    }
    let mut total = 0;
    loop {
        line.clear();
        stream.read_line(&mut line).await.unwrap();
        let size = usize::from_str_radix(line.trim(), 16).unwrap();
        let mut buf = vec![0; size + 2];
        stream.read_exact(&mut buf).await.unwrap();
        total += size;
        if size == 0 {
            return (status, total);
        }
    }
}

async fn connect(port: u16) -> BufReader<TcpStream> {
    let s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    s.set_nodelay(true).unwrap();
    BufReader::new(s)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    ms(sorted[i])
}

/// Stores UNITS units with a published form each, as the server's publish step does.
async fn seed(db: &Db, units: usize) {
    let seed: Form = serde_json::from_str(jixiao_server::demo::SEED_FORM_JSON).unwrap();
    let mut tx = db.begin_write().await.unwrap();
    let region = tx.create_region("420222", "阳新县").await.unwrap();
    let filler = tx
        .create_user(&jixiao_storage::users::NewUser {
            username: "bench",
            display_name: "压测",
            office: "",
            password_hash: "!",
            role: jixiao_storage::Role::Reviewer,
            region_id: Some(region.id),
            unit_id: None,
            must_change_password: false,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for n in 0..units {
        let mut tx = db.begin_write().await.unwrap();
        let code = format!("420222{n:04}");
        let name = format!("阳新县第{n}单位");
        let unit = tx.create_unit(region.id, &code, &name).await.unwrap();
        for year in [2024, 2025, 2026] {
            let mut form = seed.clone();
            form.header.fiscal_year = jixiao_domain::form::FiscalYear::new(year).unwrap();
            form.header.unit_name = name.clone();
            // Vary the targets a little, as real tables differ.
            for row in form.indicators.annual.rows.iter_mut().take(n % 7) {
                row.name.push_str("（本单位）");
            }
            let data = VersionData::new(&form, 0, 0).unwrap();
            let id = tx
                .create_form(
                    &NewForm {
                        region_id: region.id,
                        unit_id: unit.id,
                        fiscal_year: year,
                        template_id: &form.template.id,
                        created_by: filler.id,
                    },
                    &data,
                )
                .await
                .unwrap();
            tx.store_indicators(id, 1, &indicator_rows(&form))
                .await
                .unwrap();
            tx.set_status(id, FormStatus::Published, Some(1))
                .await
                .unwrap();
            tx.record_publication(id, 1, Some(filler.id)).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let units: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(500);
    let clients: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(200);
    let secs: u64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(10);

    let dir = std::env::temp_dir().join(format!("publicbench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let db = Db::connect(&url, &jixiao_storage::ConnectOptions::default())
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let t = Instant::now();
    seed(&db, units).await;
    println!(
        "seeded {units} units × 3 years of published forms in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let state = AppState::new(
        db,
        ServerConfig {
            public_requests_per_minute: 0,
            ..ServerConfig::default()
        },
    );
    // Where the open data's time goes: one row per indicator against one row per form.
    let t = Instant::now();
    let rows = state
        .db
        .public_indicators("420222", 2026, None, 0)
        .await
        .unwrap();
    println!(
        "query, one row per indicator: {} rows in {:.1} ms",
        rows.len(),
        ms(t.elapsed())
    );
    let t = Instant::now();
    let rows = state.db.public_forms_json("420222", 2026).await.unwrap();
    println!(
        "query, one row per published form (JSON): {} rows in {:.1} ms",
        rows.len(),
        ms(t.elapsed())
    );
    let (reviewer, _) = state.db.user_for_login("bench").await.unwrap().unwrap();
    let mut times = Vec::new();
    for _ in 0..6 {
        let t = Instant::now();
        let d = jixiao_server::service::dashboard::dashboard(&state, &reviewer, Some(2026))
            .await
            .unwrap();
        let view = jixiao_web::charts::DashboardView {
            chrome: jixiao_web::Chrome {
                user: None,
                csrf_token: String::new(),
                flash: None,
            },
            region_name: d.region_name,
            fiscal_year: d.fiscal_year,
            years: d.years,
            units: d.units,
            seen: d.seen,
            charts: d.charts,
        };
        let html = jixiao_web::charts::render_dashboard(&view).unwrap();
        assert!(html.contains("chart-progress"));
        times.push(t.elapsed());
    }
    let cold = times.remove(0);
    times.sort();
    println!(
        "dashboard ({units} units, 3 years, 2026 shown): cold {:.1} ms, median of 5 {:.1} ms",
        ms(cold),
        ms(times[2])
    );
    let app = jixiao_server::app(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(jixiao_server::serve::serve(
        listener,
        app,
        jixiao_server::serve::ConnLimits {
            max_connections: clients * 2 + 16,
            ..jixiao_server::serve::ConnLimits::default()
        },
        std::future::pending::<()>(),
    ));

    let mut c = connect(port).await;
    for (name, path) in [
        ("open-data.csv", "/public/420222/2026/open-data.csv"),
        ("open-data.json", "/public/420222/2026/open-data.json"),
        ("units page", "/public/420222/2026"),
        (
            "indicator search",
            "/public/420222/2026?indicator=%E6%BB%A1%E6%84%8F%E5%BA%A6",
        ),
        ("portal index", "/public"),
        ("form page", "/public/420222/2026/units/4202220001"),
    ] {
        let t = Instant::now();
        let (status, bytes) = get(&mut c, path).await;
        assert_eq!(status, 200, "{path}");
        let cold = t.elapsed();
        let mut warm = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            get(&mut c, path).await;
            warm.push(t.elapsed());
        }
        warm.sort();
        println!(
            "{name}: {bytes} bytes; cold {:.1} ms, median of 5 {:.1} ms",
            ms(cold),
            ms(warm[2])
        );
    }

    let deadline = Instant::now() + Duration::from_secs(secs);
    let start = Instant::now();
    let mut tasks = Vec::new();
    for n in 0..clients {
        tasks.push(tokio::spawn(async move {
            let mut c = connect(port).await;
            let (mut lat, mut errors, mut k) = (Vec::new(), 0usize, n);
            while Instant::now() < deadline {
                let path = format!("/public/420222/2026/units/420222{:04}", k % units);
                k += clients;
                let t = Instant::now();
                let (status, _) = get(&mut c, &path).await;
                lat.push(t.elapsed());
                if status != 200 {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    let (mut all, mut errors) = (Vec::new(), 0);
    for t in tasks {
        let (lat, e) = t.await.unwrap();
        all.extend(lat);
        errors += e;
    }
    let took = start.elapsed().as_secs_f64();
    all.sort();
    println!(
        "form pages, {clients} clients: {} requests in {took:.1} s = {:.0}/s; latency ms p50 {:.1} p95 {:.1} p99 {:.1} max {:.1}; errors {errors}",
        all.len(),
        all.len() as f64 / took,
        percentile(&all, 0.50),
        percentile(&all, 0.95),
        percentile(&all, 0.99),
        percentile(&all, 1.0),
    );
    std::fs::remove_dir_all(&dir).ok();
}
