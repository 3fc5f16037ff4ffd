//! Migrations apply on a fresh SQLite file and on PostgreSQL (fresh schema), twice without
//! harm, and give the same tables on both; a write transaction rolls back when dropped.

mod support;

use jixiao_storage::{Backend, Db};

const TABLES: [&str; 24] = [
    "audit_head",
    "audit_log",
    "comments",
    "form_versions",
    "forms",
    "indicators",
    "libraries",
    "library_curations",
    "login_failures",
    "notices",
    "ocr_jobs",
    "password_history",
    "publications",
    "regions",
    "report_reviews",
    "report_versions",
    "reports",
    "reviews",
    "round_units",
    "rounds",
    "sessions",
    "settings",
    "units",
    "users",
];

async fn check(db: &Db) {
    db.migrate().await.unwrap();
    db.migrate().await.unwrap();
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_%' ORDER BY table_name"
        }
    };
    let names: Vec<(String,)> = jixiao_storage::sqlx::query_as(sql)
        .fetch_all(db.pool())
        .await
        .unwrap();
    let names: Vec<&str> = names.iter().map(|n| n.0.as_str()).collect();
    assert_eq!(names, TABLES);

    {
        let mut tx = db.begin_write().await.unwrap();
        tx.create_region("999", "回滚区").await.unwrap();
        // dropped without commit
    }
    assert!(
        db.regions().await.unwrap().is_empty(),
        "an uncommitted step leaves nothing behind"
    );
    let mut tx = db.begin_write().await.unwrap();
    tx.create_region("420222", "阳新县").await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.begin_write().await.unwrap();
    let dup = tx.create_region("420222", "又一个").await.unwrap_err();
    assert_eq!(dup.to_string(), "区划代码「420222」已存在");
    drop(tx);
    assert_eq!(db.regions().await.unwrap().len(), 1);
}

/// A database a newer release migrated: refused before anything is applied, with both versions
/// named; the data stays as it was.
async fn refuse_newer(db: &Db) {
    db.migrate().await.unwrap();
    let known = db.schema_version().await.unwrap().unwrap();
    assert!(known >= 5);
    jixiao_storage::sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(known + 1)
    .bind("from a newer release")
    .bind(true)
    .bind(vec![0u8; 4])
    .bind(0i64)
    .execute(db.pool())
    .await
    .unwrap();
    let e = db.migrate().await.unwrap_err();
    assert!(
        matches!(e, jixiao_storage::StorageError::SchemaTooNew { found, known: k } if found == known + 1 && k == known),
        "{e:?}"
    );
    let m = e.to_string();
    assert!(
        m.contains(&format!("{}", known + 1)) && m.contains("更新版本"),
        "{m}"
    );
    assert_eq!(db.schema_version().await.unwrap(), Some(known + 1));
}

#[tokio::test]
async fn sqlite_migrates() {
    let t = support::Sqlite::new("migrate").await;
    check(&t.db).await;
    assert_eq!(t.db.integrity_check().await.unwrap(), "ok");
    let journal: (String,) = jixiao_storage::sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(journal.0, "wal");
    t.finish().await;
}

#[tokio::test]
async fn sqlite_refuses_a_newer_schema() {
    let t = support::Sqlite::new("newer").await;
    assert_eq!(t.db.schema_version().await.unwrap(), None);
    refuse_newer(&t.db).await;
    t.finish().await;
}

#[tokio::test]
async fn postgres_refuses_a_newer_schema() {
    let Some(t) = support::Postgres::new("n").await else {
        return;
    };
    refuse_newer(&t.db).await;
    t.finish().await;
}

#[tokio::test]
async fn postgres_migrates() {
    let Some(t) = support::Postgres::new("m").await else {
        return;
    };
    check(&t.db).await;
    t.finish().await;
}
