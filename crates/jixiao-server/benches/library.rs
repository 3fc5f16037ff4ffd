//! The indicator library in the server at province scale, through the real routes, in-process,
//! on SQLite and (when it answers at 127.0.0.1:5432) PostgreSQL:
//!
//! 1. `JIXIAO_BENCH_APPROVED` (default 500) approved forms of new units in the demo region, made
//!    through the storage layer, then the demo draft submitted and approved over HTTP: the
//!    approve request's time includes the synchronous rebuild over every approved form;
//! 2. a library of `JIXIAO_BENCH_FORMS` (default 20,000) variant forms built in memory and stored
//!    as the region's library (`put_library`, as a rebuild does); with `JIXIAO_BENCH_OWN=N` each
//!    form has N indicators no other form has (N × 20,000 more entries);
//! 3. the first suggestion request (the app server reads and parses the new generation), then
//!    2,000 `GET /api/forms/{id}/library/suggestions` with rotating nodes and search texts, and
//!    500 `POST /api/validate` of the seed with and without `form_id` (with it, the library's
//!    aids run; the difference is their cost). Latencies as p50 / p99 / max.
//!
//! `cargo bench -p jixiao-server --bench library` (goals of issue 15: suggestions p99 < 20 ms,
//! the aids on one form < 5 ms, with a 20,000-form library).

use std::time::{Duration, Instant};

mod common;

use axum::Router;
use axum::http::{Method, StatusCode};
use common::{call, login};
use jixiao_domain::library::build;
use jixiao_domain::{Form, TargetValue};
use jixiao_server::{AppState, ServerConfig};
use jixiao_storage::forms::{NewForm, VersionData, indicator_rows};
use jixiao_storage::{ConnectOptions, Db};
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// A unit's form: the seed with its own unit name, core-business indicators drawn from 400
/// names and targets spread per unit (as `jixiao-domain`'s library bench makes them); the first
/// `own` of them named after the unit instead (indicators no other unit has).
fn variant(seed: &Form, k: usize, own: usize) -> Form {
    let mut f = seed.clone();
    f.header.unit_name = format!("测试单位{k:05}");
    for table in [&mut f.indicators.annual, &mut f.indicators.long_term] {
        let mut mine = 0;
        for (i, row) in table.rows.iter_mut().enumerate() {
            if row.level1 == "履职效能" {
                row.name = if mine < own {
                    mine += 1;
                    format!("测试单位{k:05}专项指标{mine}")
                } else {
                    format!("核心业务指标{}", (k * 7 + i) % 400)
                };
            }
            if let Some(TargetValue::Quantity { number, .. }) = row.target.as_mut()
                && *number > Decimal::ONE
            {
                *number += Decimal::from((k % 9) as i64);
            }
        }
    }
    f
}

fn quantiles(mut ms: Vec<f64>) -> String {
    ms.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| ms[((q * ms.len() as f64).ceil() as usize).clamp(1, ms.len()) - 1];
    format!(
        "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} requests)",
        at(0.5),
        at(0.99),
        ms[ms.len() - 1],
        ms.len()
    )
}

async fn timed(
    app: &Router,
    cookie: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> f64 {
    let started = Instant::now();
    let (s, out) = call(app, cookie, method, path, body).await;
    assert_eq!(
        s,
        StatusCode::OK,
        "{path}: {}",
        String::from_utf8_lossy(&out)
    );
    started.elapsed().as_secs_f64() * 1000.0
}

async fn run(label: &str, db: Db) {
    let approved: usize = std::env::var("JIXIAO_BENCH_APPROVED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let forms: usize = std::env::var("JIXIAO_BENCH_FORMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let own: usize = std::env::var("JIXIAO_BENCH_OWN")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    db.migrate().await.unwrap();
    let state = AppState::new(db, ServerConfig::default());
    jixiao_server::demo::seed(&state).await.unwrap();
    let app = jixiao_server::app(state.clone());
    let admin = login(&app, "admin").await;
    let reviewer = login(&app, "reviewer").await;
    let filler = login(&app, "xingguo_filler").await;
    let (_, list) = call(&app, &filler, Method::GET, "/api/forms", None).await;
    let list: Value = serde_json::from_slice(&list).unwrap();
    let form_id = list[0]["id"].as_i64().unwrap();
    let region = list[0]["region_id"].as_i64().unwrap();
    let seed: Form = serde_json::from_str(jixiao_server::demo::SEED_FORM_JSON).unwrap();
    let reviewer_id = state
        .db
        .user_for_login("reviewer")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;

    // 1. Approved forms of other units, then one approval over HTTP (with its rebuild).
    let started = Instant::now();
    for i in 0..approved {
        let name = format!("阳新县测试单位{i:04}");
        let (s, unit) = call(
            &app,
            &admin,
            Method::POST,
            "/api/admin/units",
            Some(&json!({"code": format!("9{i:08}"), "name": name, "region_id": region})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{}", String::from_utf8_lossy(&unit));
        let unit: Value = serde_json::from_slice(&unit).unwrap();
        let mut form = variant(&seed, i, 0);
        form.header.unit_name = name;
        let data = VersionData::new(&form, 0, 0).unwrap();
        let mut tx = state.db.begin_write().await.unwrap();
        let id = tx
            .create_form(
                &NewForm {
                    region_id: region,
                    unit_id: unit["id"].as_i64().unwrap(),
                    fiscal_year: 2026,
                    template_id: &form.template.id,
                    created_by: reviewer_id,
                },
                &data,
            )
            .await
            .unwrap();
        tx.store_indicators(id, 1, &indicator_rows(&form))
            .await
            .unwrap();
        tx.mark_submitted(id).await.unwrap();
        tx.set_status(id, jixiao_domain::FormStatus::Approved, Some(1))
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    println!(
        "[{label}] {approved} approved forms made in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let version = list[0]["version"].as_i64().unwrap();
    timed(
        &app,
        &filler,
        Method::POST,
        &format!("/api/forms/{form_id}/submit"),
        Some(&json!({"base_version": version})),
    )
    .await;
    let grades =
        json!({"completeness": "优", "relevance": "优", "suitability": "良", "feasibility": "优"});
    let ms = timed(
        &app,
        &reviewer,
        Method::POST,
        &format!("/api/forms/{form_id}/review"),
        Some(&json!({"decision": "approve", "reason": "", "grades": grades})),
    )
    .await;
    let (_, lib) = call(&app, &reviewer, Method::GET, "/api/library?limit=1", None).await;
    let lib: Value = serde_json::from_slice(&lib).unwrap();
    println!(
        "[{label}] approve with the library rebuilt over {} approved forms: {ms:.0} ms ({} entries, generation {})",
        lib["forms"], lib["total"], lib["generation"]
    );

    // 2. A province-size library stored as the region's.
    let template = state
        .templates
        .get(&seed.template.id, None)
        .unwrap()
        .clone();
    let started = Instant::now();
    let variants: Vec<Form> = (0..forms).map(|k| variant(&seed, k, own)).collect();
    let big = build(&variants, Some(&template)).unwrap();
    let body = serde_json::to_string(&big).unwrap();
    drop(variants);
    let mut tx = state.db.begin_write().await.unwrap();
    let generation = tx
        .put_library(
            region,
            &seed.template.id,
            big.forms as i64,
            big.entries.len() as i64,
            &body,
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    println!(
        "[{label}] library of {forms} forms built and stored in {:.2} s: {} entries, {} KB, generation {generation}",
        started.elapsed().as_secs_f64(),
        big.entries.len(),
        body.len() / 1024
    );

    // 3. Suggestions and validation against it.
    let nodes = [
        "核心业务产出1",
        "核心业务产出2",
        "服务对象满意度",
        "预算执行",
        "人才支撑",
        "经济效益",
    ];
    let texts = ["", "", "", "项目", "满意度", "核心业务指标1", "率"];
    let path = |i: usize| {
        let q: String = texts[i % texts.len()]
            .bytes()
            .map(|b| format!("%{b:02X}"))
            .collect();
        let n: String = nodes[i % nodes.len()]
            .bytes()
            .map(|b| format!("%{b:02X}"))
            .collect();
        format!("/api/forms/{form_id}/library/suggestions?level2={n}&q={q}")
    };
    let cold = timed(&app, &filler, Method::GET, &path(0), None).await;
    println!(
        "[{label}] first suggestion request after the rebuild (reads and parses the library): {cold:.0} ms"
    );
    let mut ms = Vec::with_capacity(2000);
    for i in 0..2000 {
        ms.push(timed(&app, &filler, Method::GET, &path(i + 1), None).await);
    }
    println!("[{label}] GET suggestions: {}", quantiles(ms));
    let plain = json!({"form": seed});
    let with = json!({"form": seed, "form_id": form_id});
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..500 {
        a.push(timed(&app, &filler, Method::POST, "/api/validate", Some(&plain)).await);
        b.push(timed(&app, &filler, Method::POST, "/api/validate", Some(&with)).await);
    }
    println!(
        "[{label}] POST /api/validate without the library: {}",
        quantiles(a)
    );
    println!(
        "[{label}] POST /api/validate with the library's aids: {}",
        quantiles(b)
    );
    state.db.close().await;
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let dir = std::env::temp_dir().join(format!("jixiao-bench-library-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = Db::connect(
            &Db::sqlite_url(&dir.join("jixiao.db")),
            &ConnectOptions::default(),
        )
        .await
        .unwrap();
        run("SQLite", db).await;
        let _ = std::fs::remove_dir_all(&dir);

        let base = std::env::var("JIXIAO_TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let quick = ConnectOptions {
            max_connections: 1,
            acquire_timeout: Duration::from_secs(3),
            ..ConnectOptions::default()
        };
        let Ok(admin) = Db::connect(&base, &quick).await else {
            println!("PostgreSQL at {base} unreachable: SQLite only");
            return;
        };
        let schema = format!("bench_library_{}", std::process::id());
        jixiao_storage::sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(admin.pool())
            .await
            .unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        let db = Db::connect(&url, &ConnectOptions::default()).await.unwrap();
        run("PostgreSQL", db).await;
        jixiao_storage::sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(admin.pool())
            .await
            .unwrap();
    });
}
