//! The round board of a county: 500 units with approved declarations (the seed form under each
//! unit's name), a monitoring round over them, and the board through the real routes — the page
//! `GET /rounds/{id}`, its JSON `GET /api/rounds/{id}` and its workbook — in-process, a temporary
//! SQLite database. Also times opening the round (500 reports made from their declarations),
//! then opens a declaration round (填报任务) over the same units and times its board the same way.
//!
//! `cargo bench -p jixiao-server --bench round_board` (`JIXIAO_BENCH_UNITS` changes 500)

use std::time::Instant;

mod common;

use axum::http::{Method, StatusCode};
use common::{call, login};
use criterion::{Criterion, criterion_group, criterion_main};
use jixiao_server::{AppState, ServerConfig};
use jixiao_storage::forms::{NewForm, VersionData, indicator_rows};
use jixiao_storage::{ConnectOptions, Db};
use serde_json::{Value, json};

fn round_board(c: &mut Criterion) {
    let units: usize = std::env::var("JIXIAO_BENCH_UNITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("jixiao-bench-board-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (app, cookie, round, declaration) = rt.block_on(async {
        let db = Db::connect(&Db::sqlite_url(&dir.join("jixiao.db")), &ConnectOptions::default())
            .await
            .unwrap();
        db.migrate().await.unwrap();
        let state = AppState::new(db, ServerConfig::default());
        jixiao_server::demo::seed(&state).await.unwrap();
        let app = jixiao_server::app(state.clone());
        let admin = login(&app, "admin").await;
        let reviewer = login(&app, "reviewer").await;
        let (_, regions) = call(&app, &admin, Method::GET, "/api/admin/regions", None).await;
        let regions: Value = serde_json::from_slice(&regions).unwrap();
        let region = regions.as_array().unwrap()[0]["id"].as_i64().unwrap();
        let seed: Value = serde_json::from_str(jixiao_server::demo::SEED_FORM_JSON).unwrap();
        let reviewer_id = state.db.user_for_login("reviewer").await.unwrap().unwrap().0.id;
        let started = Instant::now();
        for i in 0..units {
            let name = format!("阳新县测试单位{i:04}");
            let (s, unit) = call(&app, &admin, Method::POST, "/api/admin/units",
                Some(&json!({"code": format!("9{i:08}"), "name": name, "region_id": region}))).await;
            assert_eq!(s, StatusCode::CREATED, "{}", String::from_utf8_lossy(&unit));
            let unit: Value = serde_json::from_slice(&unit).unwrap();
            let mut form: jixiao_domain::Form = serde_json::from_value(seed.clone()).unwrap();
            form.header.unit_name = name.clone();
            // Forms are the units' own: made through the storage layer, as the workflow would
            // leave them once approved (the administrators see no form content).
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
            tx.store_indicators(id, 1, &indicator_rows(&form)).await.unwrap();
            tx.mark_submitted(id).await.unwrap();
            tx.set_status(id, jixiao_domain::FormStatus::Approved, Some(1))
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        println!("{units} approved declarations made in {:.1} s", started.elapsed().as_secs_f64());
        let (y, m, d) = jixiao_storage::beijing_date(jixiao_storage::now_ms() + 30 * 86_400_000);
        let started = Instant::now();
        let (s, opened) = call(&app, &reviewer, Method::POST, "/api/rounds",
            Some(&json!({"kind": "monitoring", "fiscal_year": 2026, "month": 6, "deadline": format!("{y}-{m:02}-{d:02}")}))).await;
        assert_eq!(s, StatusCode::CREATED, "{}", String::from_utf8_lossy(&opened));
        let opened: Value = serde_json::from_slice(&opened).unwrap();
        println!("round opened for {} units in {:.0} ms", opened["created"], started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        let (s, declaration) = call(&app, &reviewer, Method::POST, "/api/rounds",
            Some(&json!({"kind": "declaration", "fiscal_year": 2026, "deadline": format!("{y}-{m:02}-{d:02}")}))).await;
        assert_eq!(s, StatusCode::CREATED, "{}", String::from_utf8_lossy(&declaration));
        let declaration: Value = serde_json::from_slice(&declaration).unwrap();
        println!("declaration round opened for {} units in {:.0} ms",
            declaration["units"].as_array().unwrap().len(), started.elapsed().as_secs_f64() * 1000.0);
        (app, reviewer, opened["round"]["id"].as_i64().unwrap(), declaration["round"]["id"].as_i64().unwrap())
    });
    let get = |path: String| {
        let app = app.clone();
        let cookie = cookie.clone();
        async move {
            let (s, body) = call(&app, &cookie, Method::GET, &path, None).await;
            assert_eq!(s, StatusCode::OK);
            body.len()
        }
    };
    let size = rt.block_on(get(format!("/rounds/{round}")));
    println!("board page of {units} units: {size} bytes of HTML");
    c.bench_function(
        &format!("GET /rounds/{{id}} ({units} units, SQLite)"),
        |b| b.iter(|| rt.block_on(get(format!("/rounds/{round}?sort=colour")))),
    );
    c.bench_function(
        &format!("GET /api/rounds/{{id}} ({units} units, SQLite)"),
        |b| b.iter(|| rt.block_on(get(format!("/api/rounds/{round}")))),
    );
    c.bench_function(
        &format!("GET /api/rounds/{{id}}/board.xlsx ({units} units, SQLite)"),
        |b| b.iter(|| rt.block_on(get(format!("/api/rounds/{round}/board.xlsx")))),
    );
    let size = rt.block_on(get(format!("/rounds/{declaration}")));
    println!("declaration board page of {units} units: {size} bytes of HTML");
    c.bench_function(
        &format!("GET /rounds/{{id}} declaration ({units} units, SQLite)"),
        |b| b.iter(|| rt.block_on(get(format!("/rounds/{declaration}?sort=status")))),
    );
    c.bench_function(
        &format!("GET /api/rounds/{{id}} declaration ({units} units, SQLite)"),
        |b| b.iter(|| rt.block_on(get(format!("/api/rounds/{declaration}")))),
    );
    c.bench_function(
        &format!("GET /api/rounds/{{id}}/board.xlsx declaration ({units} units, SQLite)"),
        |b| b.iter(|| rt.block_on(get(format!("/api/rounds/{declaration}/board.xlsx")))),
    );
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = round_board
}
criterion_main!(benches);
