//! The editor page of the seed form through the real route (`GET /forms/{id}/edit`): session
//! lookup, access check, the form read and validated as `GET /api/forms/{id}` does, and the
//! page rendered — in-process (tower `oneshot`), a temporary SQLite database with the demo data.
//!
//! `cargo bench -p jixiao-server --bench editor_page`

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use jixiao_server::{AppState, ServerConfig};
use jixiao_storage::{ConnectOptions, Db};
use tower::ServiceExt;

fn editor_page(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("jixiao-bench-editor-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (app, cookie, path) = rt.block_on(async {
        let db = Db::connect(&Db::sqlite_url(&dir.join("jixiao.db")), &ConnectOptions::default())
            .await
            .unwrap();
        db.migrate().await.unwrap();
        let state = AppState::new(db, ServerConfig::default());
        jixiao_server::demo::seed(&state).await.unwrap();
        let app = jixiao_server::app(state);
        let body = serde_json::json!({"username": "xingguo_filler", "password": jixiao_server::demo::DEMO_PASSWORD});
        let req = Request::post("/api/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        let cookie = resp
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("; ");
        let list = Request::get("/api/forms").header(header::COOKIE, &cookie).body(Body::empty()).unwrap();
        let bytes = app.clone().oneshot(list).await.unwrap().into_body().collect().await.unwrap().to_bytes();
        let forms: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        (app, cookie, format!("/forms/{}/edit", forms[0]["id"]))
    });
    let get = || async {
        let req = Request::get(&path)
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        resp.into_body().collect().await.unwrap().to_bytes().len()
    };
    let size = rt.block_on(get());
    println!("editor page of the seed form: {size} bytes of HTML");
    c.bench_function("GET /forms/{id}/edit (seed form, SQLite)", |b| {
        b.iter(|| rt.block_on(get()))
    });
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = editor_page
}
criterion_main!(benches);
