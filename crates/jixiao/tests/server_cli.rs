//! The command line: subcommands exist, `migrate`, `user add|passwd|list` and `backup` work on
//! a fresh SQLite data directory, and errors are Chinese with a failing exit code.

mod support;

use std::io::Write;
use std::process::{Output, Stdio};

use support::{Server, Session, TempDir, jixiao};

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = jixiao()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn help_lists_the_subcommands() {
    let o = run(&["--help"], None);
    assert!(o.status.success());
    let t = text(&o);
    for cmd in ["serve", "migrate", "user", "backup"] {
        assert!(t.contains(cmd), "{cmd} missing from help:\n{t}");
    }
    let o = run(&["serve", "--help"], None);
    let t = text(&o);
    for flag in [
        "--listen",
        "--data",
        "--database-url",
        "--demo",
        "JIXIAO_LISTEN",
        "JIXIAO_DATABASE_URL",
    ] {
        assert!(t.contains(flag), "{flag} missing from serve help");
    }
}

/// A database a newer release migrated: `migrate` and `serve` refuse it with both versions
/// named and a failing exit code, and leave it as it was.
#[test]
fn a_newer_schema_is_refused() {
    let dir = TempDir::new("jixiao-newer");
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    assert!(run(&["migrate", "--data", data], None).status.success());
    let url = jixiao_storage::Db::sqlite_url(&dir.path().join("data/jixiao.db"));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let known = rt.block_on(async {
        let db = jixiao_storage::Db::connect(&url, &Default::default()).await.unwrap();
        let known = db.schema_version().await.unwrap().unwrap();
        jixiao_storage::sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES ($1, 'from a newer release', 1, x'00', 0)",
        )
        .bind(known + 1)
        .execute(db.pool())
        .await
        .unwrap();
        db.close().await;
        known
    });
    for args in [
        vec!["migrate", "--data", data],
        vec!["serve", "--data", data, "--listen", "127.0.0.1:0"],
    ] {
        let o = run(&args, None);
        assert!(!o.status.success(), "{args:?}");
        let t = text(&o);
        assert!(
            t.contains(&format!(
                "数据库结构版本为 {}，比本程序支持的版本 {known} 新",
                known + 1
            )),
            "{args:?}: {t}"
        );
    }
}

#[test]
fn migrate_users_and_backup() {
    let dir = TempDir::new("jixiao-cli");
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let o = run(&["migrate", "--data", data], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(dir.path().join("data/jixiao.db").exists());

    let o = run(
        &[
            "user",
            "add",
            "chief",
            "--role",
            "admin",
            "--password-stdin",
            "--data",
            data,
        ],
        Some("chief-password-1\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("已新建用户 chief（系统管理员）"));
    let o = run(
        &["user", "add", "chief", "--role", "admin", "--data", data],
        None,
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("用户名「chief」已存在"), "{}", text(&o));
    let o = run(
        &[
            "user",
            "add",
            "weak",
            "--role",
            "admin",
            "--password-stdin",
            "--data",
            data,
        ],
        Some("short\n"),
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("密码至少需要 8 个字符"));
    let o = run(
        &["user", "add", "x", "--role", "boss", "--data", data],
        None,
    );
    assert!(text(&o).contains("未知角色「boss」"));
    let o = run(
        &["user", "add", "f", "--role", "filler", "--data", data],
        None,
    );
    assert!(text(&o).contains("须指定所属单位"));

    // A generated password is printed once and works.
    let o = run(&["user", "passwd", "chief", "--data", data], None);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    let new_pw = out
        .lines()
        .find_map(|l| l.strip_prefix("新密码："))
        .unwrap()
        .trim()
        .to_string();
    assert_eq!(new_pw.len(), 20);
    let o = run(&["user", "list", "--data", data], None);
    assert!(text(&o).contains("chief\t系统管理员"));

    // The audit chain is whole; a row changed behind the application's back is named.
    let o = run(&["audit", "verify", "--data", data], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("操作日志完整"), "{}", text(&o));
    // Archiving keeps at least the policy's retention (180 days).
    let archive = std::path::Path::new(data).join("old-audit.jsonl");
    let archive = archive.to_str().unwrap();
    let o = run(
        &[
            "audit",
            "archive",
            "--keep-days",
            "10",
            "-o",
            archive,
            "--data",
            data,
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("少于安全策略的 180 天"), "{}", text(&o));
    let o = run(&["audit", "archive", "-o", archive, "--data", data], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("无需归档"), "{}", text(&o));
    let db = std::path::Path::new(data).join("jixiao.db");
    let tamper = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); \
             c.execute(\"UPDATE audit_log SET detail = 'x' WHERE seq = 1\"); c.commit()",
            db.to_str().unwrap(),
        ])
        .status()
        .expect("python3 runs");
    assert!(tamper.success());
    let o = run(&["audit", "verify", "--data", data, "--json"], None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["broken"]["seq"], 1, "{v}");
    assert!(v["broken"]["reason"].as_str().unwrap().contains("被修改"));

    let server = Server::start(&["--data", data]);
    let admin = Session::login(server.port, "chief", &new_pw);
    let me = admin.call("GET", "/api/me", None).unwrap();
    assert_eq!(me.body["role"], "admin");

    // An online backup while the server runs, then refused onto an existing file.
    let out = dir.path().join("backup.db");
    let out = out.to_str().unwrap();
    let o = run(&["backup", out, "--data", data], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(std::fs::metadata(out).unwrap().len() > 0);
    let o = run(&["backup", out, "--data", data], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("已存在"));
    server.kill9();

    // The backup is a working database with the same users.
    let restored = dir.path().join("restored");
    std::fs::create_dir_all(&restored).unwrap();
    std::fs::copy(out, restored.join("jixiao.db")).unwrap();
    let o = run(
        &["user", "list", "--data", restored.to_str().unwrap()],
        None,
    );
    assert!(text(&o).contains("chief"), "{}", text(&o));

    let o = run(
        &[
            "backup",
            "/tmp/never.db",
            "--database-url",
            "postgres://u:secret@db/x",
        ],
        None,
    );
    assert!(!o.status.success());
    let t = text(&o);
    assert!(t.contains("pg_dump"));
    assert!(!t.contains("secret"), "the password is not echoed");
}

#[test]
fn serve_reads_its_settings_from_the_environment() {
    let dir = TempDir::new("jixiao-env");
    let data = dir.path().join("envdata");
    let server = Server::start_with_env(
        &[],
        &[
            ("JIXIAO_LISTEN", "127.0.0.1:0"),
            ("JIXIAO_DATA", data.to_str().unwrap()),
            ("JIXIAO_DEMO", "true"),
        ],
    );
    assert!(
        data.join("jixiao.db").exists(),
        "JIXIAO_DATA names the data directory"
    );
    assert!(
        server.stdout.iter().any(|l| l.contains("演示模式")),
        "JIXIAO_DEMO turns demo mode on"
    );
    let s = Session::login(server.port, "reviewer", "jixiao-demo-2026");
    let forms = s.call("GET", "/api/forms", None).unwrap();
    // The demo: this year's draft (the unit's own until submitted, so the reviewer does not see
    // it); last year's forms of 兴国镇 (published) and 教育局 (approved) with a monitoring round
    // on them; and 兴国镇's of the year before, published; and this year's forms of the units the
    // declaration round shows in each status.
    let forms = forms.body.as_array().unwrap();
    let mut seen: Vec<(i64, &str, &str)> = forms
        .iter()
        .map(|f| {
            (
                f["fiscal_year"].as_i64().unwrap(),
                f["unit_name"].as_str().unwrap(),
                f["status"].as_str().unwrap(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            (2024, "阳新县兴国镇人民政府", "published"),
            (2025, "阳新县兴国镇人民政府", "published"),
            (2025, "阳新县教育局", "approved"),
            (2026, "阳新县农业农村局", "submitted"),
            (2026, "阳新县卫生健康局", "submitted"),
            (2026, "阳新县文化和旅游局", "published"),
            (2026, "阳新县民政局", "approved"),
            (2026, "阳新县水利和湖泊局", "returned"),
        ]
    );
    // This year's declaration round over the region's eight units, one in each status (the
    // school's form waits for its department in charge, 教育局, so finance does not list it).
    let rounds = s.call("GET", "/api/rounds", None).unwrap();
    let round = rounds.body["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "declaration")
        .expect("a declaration round")["id"]
        .as_i64()
        .unwrap();
    let board = s
        .call("GET", &format!("/api/rounds/{round}"), None)
        .unwrap();
    let counts: Vec<(String, i64)> = board.body["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["status"].as_str().unwrap().to_string(),
                c["n"].as_i64().unwrap(),
            )
        })
        .collect();
    for (status, n) in [
        ("not_started", 1),
        ("draft", 1),
        ("awaiting_department", 1),
        ("submitted", 2),
        ("returned", 1),
        ("approved", 1),
        ("published", 1),
    ] {
        assert!(
            counts.contains(&(status.to_string(), n)),
            "{status}: {counts:?}"
        );
    }
    let public = s
        .call("GET", "/public/420222/2025/open-data.json", None)
        .unwrap();
    assert_eq!(
        public.body["forms"].as_array().unwrap().len(),
        1,
        "only the published one"
    );
    let rounds = s.call("GET", "/api/rounds", None).unwrap();
    assert_eq!(
        rounds.body["rounds"][1]["kind"], "monitoring",
        "{}",
        rounds.body
    );
    server.kill9();
}

/// A wrong `--database-url` is one line naming what is wrong, with the password hidden: no
/// server listening, a database that does not exist, a user the server does not know.
#[test]
fn a_wrong_database_url_is_named_in_one_line() {
    let cases = [
        ("postgres://root:hunter2@127.0.0.1:1/test", "连接被拒绝"),
        (
            "postgres://root:hunter2@127.0.0.1:5432/jixiao_no_such_db",
            "数据库不存在",
        ),
        (
            "postgres://jixiao_no_such_user:hunter2@127.0.0.1:5432/test",
            "用户名或密码错误",
        ),
        ("mysql://root:hunter2@127.0.0.1/test", "只支持"),
    ];
    for (url, says) in cases {
        let o = run(&["user", "list", "--database-url", url], None);
        assert!(!o.status.success(), "{url}");
        let t = text(&o);
        if says != "只支持" && t.contains("连接被拒绝") && says != "连接被拒绝" {
            // No PostgreSQL on this machine: the server's answers cannot be checked.
            continue;
        }
        assert!(t.contains(says), "{url}: {t}");
        assert!(!t.contains("hunter2"), "the password is not echoed: {t}");
        assert_eq!(t.trim().lines().count(), 1, "one line: {t}");
    }
}
