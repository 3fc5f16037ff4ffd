//! Test harness: a fresh database per test (a temporary SQLite file, or a fresh schema on the
//! PostgreSQL server named by `JIXIAO_TEST_DATABASE_URL`), the app built on it with the demo
//! data, and a cookie-carrying client that calls the router in-process.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use jixiao_server::{AppState, ServerConfig};
use jixiao_storage::{ConnectOptions, Db};
use serde_json::Value;
use tower::ServiceExt;

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// A fresh, migrated, empty database and how to reach it again.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    pub kind: Kind,
    dir: Option<PathBuf>,
    schema: Option<(String, String)>,
}

impl TestDb {
    /// A fresh database of the kind, or `None` (with the reason printed) when PostgreSQL is
    /// unreachable outside CI. With `CI=true` an unreachable PostgreSQL fails the test.
    pub async fn new(kind: Kind) -> Option<TestDb> {
        match kind {
            Kind::Sqlite => {
                let dir = std::env::temp_dir().join(unique("jixiao-test"));
                std::fs::create_dir_all(&dir).unwrap();
                let url = Db::sqlite_url(&dir.join("jixiao.db"));
                let db = Db::connect(&url, &ConnectOptions::default()).await.unwrap();
                db.migrate().await.unwrap();
                Some(TestDb {
                    db,
                    url,
                    kind,
                    dir: Some(dir),
                    schema: None,
                })
            }
            Kind::Postgres => {
                let base = std::env::var("JIXIAO_TEST_DATABASE_URL")
                    .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
                let admin = match Db::connect(
                    &base,
                    &ConnectOptions {
                        max_connections: 2,
                        acquire_timeout: std::time::Duration::from_secs(3),
                        ..ConnectOptions::default()
                    },
                )
                .await
                {
                    Ok(db) => db,
                    Err(e) => {
                        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
                            panic!("PostgreSQL at {base} is unreachable in CI: {e:?}");
                        }
                        eprintln!(
                            "SKIP: PostgreSQL at {base} is unreachable ({e}: {e:?}); set JIXIAO_TEST_DATABASE_URL"
                        );
                        return None;
                    }
                };
                let schema = unique("t").to_lowercase();
                jixiao_storage::sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(admin.pool())
                    .await
                    .unwrap();
                admin.close().await;
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
                let db = Db::connect(&url, &ConnectOptions::default()).await.unwrap();
                db.migrate().await.unwrap();
                Some(TestDb {
                    db,
                    url,
                    kind,
                    dir: None,
                    schema: Some((base, schema)),
                })
            }
        }
    }

    /// Another handle on the same database (as a second app server would have).
    pub async fn reconnect(&self) -> Db {
        Db::connect(&self.url, &ConnectOptions::default())
            .await
            .unwrap()
    }

    /// Drops the database.
    pub async fn cleanup(self) {
        self.db.close().await;
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((base, schema)) = &self.schema {
            let admin = Db::connect(
                base,
                &ConnectOptions {
                    max_connections: 1,
                    ..ConnectOptions::default()
                },
            )
            .await
            .unwrap();
            jixiao_storage::sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(admin.pool())
                .await
                .unwrap();
            admin.close().await;
        }
    }
}

/// A test app with the demo data.
pub struct TestApp {
    pub tdb: TestDb,
    pub state: AppState,
    pub app: Router,
}

impl TestApp {
    pub async fn new(kind: Kind) -> Option<TestApp> {
        Self::with(kind, |s| s).await
    }

    pub async fn with(kind: Kind, f: impl FnOnce(AppState) -> AppState) -> Option<TestApp> {
        let tdb = TestDb::new(kind).await?;
        let state = f(AppState::new(tdb.db.clone(), ServerConfig::default()));
        jixiao_server::demo::seed(&state).await.unwrap();
        let app = jixiao_server::app(state.clone());
        Some(TestApp { tdb, state, app })
    }

    pub async fn login(&self, username: &str) -> Client {
        Client::login(&self.app, username, jixiao_server::demo::DEMO_PASSWORD).await
    }

    pub async fn cleanup(self) {
        self.tdb.cleanup().await;
    }
}

/// An answer: status, headers and JSON body (`Null` when the body is not JSON).
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
    pub bytes: Vec<u8>,
}

/// Sends one request to a router.
pub async fn send(app: &Router, req: Request<Body>) -> Answer {
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
        bytes,
    }
}

/// A logged-in browser: session and CSRF cookies, CSRF header on writes.
#[derive(Clone)]
pub struct Client {
    pub app: Router,
    pub session: String,
    pub csrf: String,
}

impl Client {
    pub async fn login(app: &Router, username: &str, password: &str) -> Client {
        let a = try_login(app, username, password).await;
        assert_eq!(a.status, StatusCode::OK, "login of {username}: {}", a.body);
        let cookies: Vec<String> = a
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        let get = |name: &str| {
            cookies
                .iter()
                .find_map(|c| {
                    c.strip_prefix(&format!("{name}="))
                        .map(|v| v.split(';').next().unwrap().to_string())
                })
                .unwrap()
        };
        let session_cookie = cookies
            .iter()
            .find(|c| c.starts_with("jixiao_session="))
            .unwrap();
        assert!(session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Lax"));
        Client {
            app: app.clone(),
            session: get("jixiao_session"),
            csrf: get("jixiao_csrf"),
        }
    }

    /// The first login of an account an administrator made: the first password works only to
    /// choose one's own, then the user logs in again with it. The client of that second login.
    pub async fn first_login(app: &Router, username: &str, first: &str, own: &str) -> Client {
        let c = Client::login(app, username, first).await;
        let me = c.get("/api/me").await;
        assert_eq!(me.body["must_change_password"], true, "{}", me.body);
        let blocked = c.get("/api/forms").await;
        assert_eq!(blocked.status, StatusCode::FORBIDDEN);
        assert_eq!(blocked.body["error"], "password_change_required");
        let changed = c
            .post(
                "/api/me/password",
                &serde_json::json!({"current_password": first, "new_password": own}),
            )
            .await;
        assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.body);
        assert_eq!(c.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
        Client::login(app, username, own).await
    }

    /// The same session against another router (another app server).
    pub fn on(&self, app: &Router) -> Client {
        Client {
            app: app.clone(),
            ..self.clone()
        }
    }

    pub fn request(&self, method: Method, path: &str, body: Option<&Value>) -> Request<Body> {
        let mut b = Request::builder().method(method.clone()).uri(path).header(
            header::COOKIE,
            format!("jixiao_session={}; jixiao_csrf={}", self.session, self.csrf),
        );
        if method != Method::GET {
            b = b.header("x-csrf-token", &self.csrf);
        }
        match body {
            Some(v) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        }
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        send(&self.app, self.request(method, path, body)).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Answer {
        self.call(Method::PUT, path, Some(body)).await
    }
}

pub async fn try_login(app: &Router, username: &str, password: &str) -> Answer {
    let body = serde_json::json!({ "username": username, "password": password });
    let req = Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    send(app, req).await
}

/// Runs a scenario on SQLite and (when reachable) on PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($scenario:ident) => {
        mod $scenario {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$scenario(common::Kind::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$scenario(common::Kind::Postgres).await;
            }
        }
    };
}
