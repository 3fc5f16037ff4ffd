//! Faults of the storage under the server: a full disk refuses the save with a clear 507 and
//! loses nothing already saved.

use crate::common;

use axum::http::StatusCode;
use common::Client;
use jixiao_server::{AppState, ServerConfig};
use jixiao_storage::{ConnectOptions, Db};
use serde_json::json;

/// SQLite's `max_page_count` makes the database "full" at its current size, as a full disk
/// would: every write that needs a new page fails with `SQLITE_FULL`. The limit is a setting of
/// each connection: the pool's three connections are all held while it is set.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_the_save_and_loses_nothing() {
    let dir = std::env::temp_dir().join(format!("jixiao-full-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = Db::connect(
        &Db::sqlite_url(&dir.join("jixiao.db")),
        &ConnectOptions {
            max_connections: 3,
            ..ConnectOptions::default()
        },
    )
    .await
    .unwrap();
    db.migrate().await.unwrap();
    let state = AppState::new(db.clone(), ServerConfig::default());
    jixiao_server::demo::seed(&state).await.unwrap();
    let app = jixiao_server::app(state.clone());
    let filler = Client::login(&app, "xingguo_filler", jixiao_server::demo::DEMO_PASSWORD).await;
    let id = filler.get("/api/forms").await.body[0]["id"]
        .as_i64()
        .unwrap();
    let before = filler.get(&format!("/api/forms/{id}")).await.body;

    let (pages,): (i64,) = jixiao_storage::sqlx::query_as("PRAGMA page_count")
        .fetch_one(db.pool())
        .await
        .unwrap();
    limit_pages(&db, pages).await;
    let mut form = before["form"].clone();
    form["functions"] = json!(["很长的职能说明。".repeat(20_000)]);
    let refused = filler
        .put(
            &format!("/api/forms/{id}"),
            &json!({"base_version": before["version"], "form": form}),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::INSUFFICIENT_STORAGE,
        "{}",
        refused.body
    );
    assert_eq!(refused.body["error"], "disk_full");
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("之前保存的内容都在")
    );

    // Room again: the form is as it was, and the save goes through.
    limit_pages(&db, 1_073_741_823).await;
    let after = filler.get(&format!("/api/forms/{id}")).await.body;
    assert_eq!(after["version"], before["version"]);
    assert_eq!(after["form"], before["form"]);
    let saved = filler
        .put(
            &format!("/api/forms/{id}"),
            &json!({"base_version": before["version"], "form": form}),
        )
        .await;
    assert!(saved.status.is_success(), "{}", saved.body);
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Sets `max_page_count` on every connection of the pool (three).
async fn limit_pages(db: &Db, pages: i64) {
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut conn = db.pool().acquire().await.unwrap();
        jixiao_storage::sqlx::query(&format!("PRAGMA max_page_count = {pages}"))
            .execute(&mut *conn)
            .await
            .unwrap();
        held.push(conn);
    }
}
