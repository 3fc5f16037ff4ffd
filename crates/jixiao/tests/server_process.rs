//! The real binary as a process: killed with SIGKILL in the middle of saves, the SQLite
//! database is intact and every acknowledged save is there; and two processes on one
//! PostgreSQL share sessions and keep racing saves consistent.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jixiao_storage::{ConnectOptions, Db};
use serde_json::{Value, json};
use support::{Server, Session, TempDir};

const PASSWORD: &str = "jixiao-demo-2026";

fn new_form(s: &Session, year: i64) -> i64 {
    let r = s
        .call(
            "POST",
            "/api/forms",
            Some(&json!({"fiscal_year": year, "template_id": "hubei-dept-2026"})),
        )
        .unwrap();
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["id"].as_i64().unwrap()
}

#[test]
fn kill_dash_nine_loses_no_acknowledged_save() {
    let dir = TempDir::new("jixiao-crash");
    let data = dir.path().to_str().unwrap().to_string();
    let server = Server::start(&["--demo", "--data", &data]);
    let session = Session::login(server.port, "xingguo_filler", PASSWORD);
    let forms: Vec<i64> = (2027..2031).map(|y| new_form(&session, y)).collect();

    // (form id, version, marker) of every save the server acknowledged with 200.
    let acked: Arc<Mutex<Vec<(i64, i64, String)>>> = Arc::default();
    let workers: Vec<_> = forms
        .iter()
        .enumerate()
        .map(|(w, &id)| {
            let (s, acked) = (session.clone(), acked.clone());
            std::thread::spawn(move || {
                let got = s.call("GET", &format!("/api/forms/{id}"), None).unwrap();
                let mut form = got.body["form"].clone();
                let mut base = got.body["version"].as_i64().unwrap();
                for n in 0.. {
                    let marker = format!("worker{w}-save{n}");
                    form["header"]["filler"] = json!(marker);
                    match s.call(
                        "PUT",
                        &format!("/api/forms/{id}"),
                        Some(&json!({"base_version": base, "form": form})),
                    ) {
                        Ok(r) if r.status == 200 => {
                            base = r.body["version"].as_i64().unwrap();
                            acked.lock().unwrap().push((id, base, marker));
                        }
                        Ok(r) => panic!("unexpected answer {}: {}", r.status, r.body),
                        Err(_) => break, // the server is gone
                    }
                }
            })
        })
        .collect();

    let deadline = Instant::now() + Duration::from_secs(120);
    while acked.lock().unwrap().len() < 60 {
        assert!(Instant::now() < deadline, "too few saves acknowledged");
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill9();
    for w in workers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 60);

    // Restart on the same data: the server comes up and every acknowledged save is there.
    let server = Server::start(&["--data", &data]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = Db::connect(
            &Db::sqlite_url(&dir.path().join("jixiao.db")),
            &ConnectOptions {
                max_connections: 2,
                ..ConnectOptions::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(db.integrity_check().await.unwrap(), "ok");
        for (id, version, marker) in &acked {
            let text = db.version_json(*id, *version).await.unwrap();
            let form: Value =
                serde_json::from_str(&text.unwrap_or_else(|| panic!("form {id} v{version} lost")))
                    .unwrap();
            assert_eq!(form["header"]["filler"], json!(marker));
        }
        for id in &forms {
            let max_acked = acked
                .iter()
                .filter(|a| a.0 == *id)
                .map(|a| a.1)
                .max()
                .unwrap_or(1);
            let row = db.form(*id).await.unwrap().unwrap();
            assert!(
                row.version >= max_acked,
                "form {id}: version {} < acknowledged {max_acked}",
                row.version
            );
            assert!(
                row.version <= max_acked + 1,
                "at most the one unacknowledged save in flight"
            );
            assert_eq!(
                db.versions(*id).await.unwrap().len() as i64,
                row.version,
                "no gaps in the versions"
            );
        }
        db.close().await;
    });
    let s2 = Session::login(server.port, "xingguo_filler", PASSWORD);
    let list = s2.call("GET", "/api/forms", None).unwrap();
    // The forms saved above, the demo's draft and the demo's published forms of the two years
    // before (the unit's own; 教育局's approved one is another unit's).
    assert_eq!(list.body.as_array().unwrap().len(), 7);
    server.kill9();
}

/// A fresh schema on the test PostgreSQL server, or `None` outside CI when it is unreachable.
fn pg_url() -> Option<String> {
    let base = std::env::var("JIXIAO_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let admin = match Db::connect(
            &base,
            &ConnectOptions {
                max_connections: 1,
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
                eprintln!("SKIP: PostgreSQL at {base} is unreachable ({e}: {e:?})");
                return None;
            }
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let schema = format!("p_{}_{nanos}", std::process::id());
        jixiao_storage::sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(admin.pool())
            .await
            .unwrap();
        admin.close().await;
        let sep = if base.contains('?') { '&' } else { '?' };
        Some(format!("{base}{sep}options=-c%20search_path%3D{schema}"))
    })
}

#[test]
fn two_processes_share_one_postgres() {
    let Some(url) = pg_url() else { return };
    let dir = TempDir::new("jixiao-pg2");
    let data = dir.path().to_str().unwrap().to_string();
    let a = Server::start(&["--demo", "--data", &data, "--database-url", &url]);
    let b = Server::start(&["--data", &data, "--database-url", &url]);
    let on_a = Session::login(a.port, "xingguo_filler", PASSWORD);
    let on_b = on_a.on(b.port);
    let me = on_b.call("GET", "/api/me", None).unwrap();
    assert_eq!(
        me.status, 200,
        "a session made by process A works on process B"
    );
    let approver_b = Session::login(b.port, "xingguo_approver", PASSWORD);

    // The demo's draft (the demo also holds last year's approved form).
    let forms = on_a.call("GET", "/api/forms", None).unwrap().body;
    let id = forms
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["status"] == "draft")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let form = on_a
        .call("GET", &format!("/api/forms/{id}"), None)
        .unwrap()
        .body["form"]
        .clone();
    for round in 0..5i64 {
        let base = 1 + round;
        let path = format!("/api/forms/{id}");
        let (fa, fb) = (form.clone(), form.clone());
        let (sa, sb) = (on_a.clone(), approver_b.clone());
        let pa = path.clone();
        let ta = std::thread::spawn(move || {
            sa.call("PUT", &pa, Some(&json!({"base_version": base, "form": fa})))
                .unwrap()
                .status
        });
        let tb = std::thread::spawn(move || {
            sb.call(
                "PUT",
                &path,
                Some(&json!({"base_version": base, "form": fb})),
            )
            .unwrap()
            .status
        });
        let mut st = [ta.join().unwrap(), tb.join().unwrap()];
        st.sort();
        assert_eq!(
            st,
            [200, 409],
            "round {round}: exactly one of two racing saves wins"
        );
    }
    let versions = on_b
        .call("GET", &format!("/api/forms/{id}/versions"), None)
        .unwrap();
    assert_eq!(versions.body.as_array().unwrap().len(), 6);
    a.kill9();
    b.kill9();
    drop_schema(&url);
}

fn drop_schema(url: &str) {
    let schema = url.rsplit("search_path%3D").next().unwrap().to_string();
    let base = url
        .split("options=")
        .next()
        .unwrap()
        .trim_end_matches(['?', '&'])
        .to_string();
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let admin = Db::connect(
            &base,
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
    });
}
