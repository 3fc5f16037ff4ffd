//! Fresh databases for the storage tests: a SQLite file in a temporary directory, and a fresh
//! schema on the PostgreSQL server of `JIXIAO_TEST_DATABASE_URL` (default: the local test
//! server). In CI an unreachable PostgreSQL fails the test; elsewhere the test is skipped.

#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use jixiao_storage::{ConnectOptions, Db};

/// A SQLite database in its own directory, removed by [`Sqlite::finish`].
pub struct Sqlite {
    pub db: Db,
    dir: PathBuf,
}

impl Sqlite {
    pub async fn new(name: &str) -> Sqlite {
        let dir =
            std::env::temp_dir().join(format!("jixiao-storage-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = Db::connect(
            &Db::sqlite_url(&dir.join("t.db")),
            &ConnectOptions::default(),
        )
        .await
        .unwrap();
        Sqlite { db, dir }
    }

    pub async fn finish(self) {
        self.db.close().await;
        std::fs::remove_dir_all(&self.dir).unwrap();
    }
}

/// A fresh schema on the test PostgreSQL server, dropped by [`Postgres::finish`].
pub struct Postgres {
    pub db: Db,
    admin: Db,
    schema: String,
}

impl Postgres {
    /// `None` when the server is unreachable outside CI.
    pub async fn new(name: &str) -> Option<Postgres> {
        let base = std::env::var("JIXIAO_TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let options = ConnectOptions {
            max_connections: 1,
            acquire_timeout: Duration::from_secs(3),
            ..ConnectOptions::default()
        };
        let admin = match Db::connect(&base, &options).await {
            Ok(db) => db,
            Err(e) => {
                assert!(
                    !std::env::var("CI").is_ok_and(|v| v == "true" || v == "1"),
                    "PostgreSQL unreachable in CI: {e}"
                );
                eprintln!("SKIP: PostgreSQL at {base} is unreachable ({e}: {e:?})");
                return None;
            }
        };
        let schema = format!("{name}_{}", std::process::id());
        jixiao_storage::sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .execute(admin.pool())
            .await
            .unwrap();
        jixiao_storage::sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(admin.pool())
            .await
            .unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let db = Db::connect(
            &format!("{base}{sep}options=-c%20search_path%3D{schema}"),
            &ConnectOptions::default(),
        )
        .await
        .unwrap();
        Some(Postgres { db, admin, schema })
    }

    pub async fn finish(self) {
        self.db.close().await;
        jixiao_storage::sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.schema))
            .execute(self.admin.pool())
            .await
            .unwrap();
        self.admin.close().await;
    }
}
