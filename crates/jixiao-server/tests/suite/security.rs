//! Security basics: 401 without a session on every route that needs one, CSRF on every
//! state-changing request, lock-out, body limits, honest statuses, security headers, and a user
//! of one unit (or one region) that cannot reach another's form through any route.

use crate::common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Client, Kind, TestApp, send, try_login};
use jixiao_server::ServerConfig;
use serde_json::{Value, json};

fn method(m: &str) -> Method {
    Method::from_bytes(m.to_uppercase().as_bytes()).unwrap()
}

fn body_for(path: &str) -> Value {
    let grades =
        json!({"completeness": "优", "relevance": "优", "suitability": "优", "feasibility": "优"});
    let form: Value = serde_json::from_str(jixiao_server::demo::SEED_FORM_JSON).unwrap();
    match path {
        p if p.ends_with("/submit") => json!({"base_version": 1}),
        p if p.ends_with("/review") => json!({"decision": "approve", "grades": grades}),
        p if p.ends_with("/sign-off") => json!({"decision": "approve"}),
        "/api/admin/regions/{id}" => json!({"unit_sign_off": true}),
        "/api/forms/{id}" => json!({"base_version": 1, "form": form}),
        "/api/forms" => json!({"form": form, "unit_id": 1}),
        "/api/validate" => json!({"form": form}),
        "/api/admin/users" => json!({"username": "x1", "password": "longenough1", "role": "admin"}),
        "/api/admin/units" => json!({"code": "x", "name": "x", "region_id": 1}),
        "/api/admin/regions" => json!({"code": "x", "name": "x"}),
        "/api/admin/users/{id}" => json!({"disabled": true}),
        _ => json!({}),
    }
}

fn concrete(path: &str, form_id: i64) -> String {
    path.replace("{id}", &form_id.to_string())
        .replace("{v}", "1")
        .replace("/api/templates/1", "/api/templates/hubei-dept-2026")
        + if path.ends_with("/diff") {
            "?from=1&to=1"
        } else if path.ends_with("/export") {
            "?format=json"
        } else {
            ""
        }
}

async fn unauthenticated(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let (_, routes) = jixiao_server::api_routes(&ServerConfig::default());
    for r in routes.iter().filter(|r| r.auth) {
        let path = concrete(r.path, 1);
        let req = Request::builder()
            .method(method(r.method))
            .uri(&path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body_for(r.path).to_string()))
            .unwrap();
        let a = send(&t.app, req).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{} {path}", r.method);
        assert_eq!(a.body["error"], "unauthorized");
        assert_eq!(a.body["message"], "请先登录");
    }
    // A forged cookie is no session either.
    let req = Request::get("/api/forms")
        .header(header::COOKIE, "jixiao_session=00ff")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&t.app, req).await.status, StatusCode::UNAUTHORIZED);
    // Public routes answer without a session.
    let health = send(
        &t.app,
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(health.status, StatusCode::OK);
    t.cleanup().await;
}
on_both!(unauthenticated);

async fn csrf_and_headers(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let c = t.login("xingguo_filler").await;
    let cookie = format!("jixiao_session={}; jixiao_csrf={}", c.session, c.csrf);
    let post = |cookie: String, token: Option<&str>| {
        let mut b = Request::post("/api/validate")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, cookie);
        if let Some(tok) = token {
            b = b.header("x-csrf-token", tok);
        }
        b.body(Body::from(body_for("/api/validate").to_string()))
            .unwrap()
    };
    let no_header = send(&t.app, post(cookie.clone(), None)).await;
    assert_eq!(no_header.status, StatusCode::FORBIDDEN);
    assert_eq!(no_header.body["error"], "csrf");
    let wrong = send(&t.app, post(cookie.clone(), Some("0000"))).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let no_cookie = send(
        &t.app,
        post(format!("jixiao_session={}", c.session), Some(&c.csrf)),
    )
    .await;
    assert_eq!(
        no_cookie.status,
        StatusCode::FORBIDDEN,
        "double submit needs the cookie too"
    );
    let ok = send(&t.app, post(cookie.clone(), Some(&c.csrf))).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        ("cache-control", "no-store"),
    ] {
        assert_eq!(ok.headers[name], value);
    }
    assert!(
        ok.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );

    // Honest statuses for bad requests, all as JSON with a Chinese message.
    let raw = |ct: &str, body: String| {
        Request::post("/api/validate")
            .header(header::CONTENT_TYPE, ct)
            .header(header::COOKIE, cookie.clone())
            .header("x-csrf-token", &c.csrf)
            .body(Body::from(body))
            .unwrap()
    };
    let a = send(&t.app, raw("application/json", "{not json".into())).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let a = send(&t.app, raw("text/plain", "{}".into())).await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let a = send(
        &t.app,
        raw("application/json", json!({"form": {"nope": 1}}).to_string()),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        a.body["message"]
            .as_str()
            .unwrap()
            .starts_with("请求内容不符合要求")
    );
    let big = format!("{{\"form\": \"{}\"}}", "x".repeat(3 * 1024 * 1024));
    let a = send(&t.app, raw("application/json", big)).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(a.body["error"], "too_large");
    let a = c.get("/api/no/such/route").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.body["error"], "not_found");
    let a = c.call(Method::DELETE, "/api/forms", None).await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED);
    let a = c.get("/api/forms/abc").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.body["message"], "地址中的编号无效");
    let a = c
        .get("/api/forms?q=%27%25%3B%20DROP%20TABLE%20forms%3B--")
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        c.get("/api/forms").await.body.as_array().unwrap().len(),
        1,
        "the forms table is intact"
    );

    // Logout ends the session everywhere.
    let out = c.post("/api/logout", &json!({})).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(c.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    t.cleanup().await;
}
on_both!(csrf_and_headers);

async fn lockout(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    // Five failures are free; the sixth holds the name back from this address. A name that
    // does not exist is treated the same way, so the answers do not tell which names exist.
    for name in ["xingguo_filler", "nobody"] {
        for _ in 0..6 {
            let a = try_login(&t.app, name, "wrong-password").await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{name}");
            assert_eq!(a.body["message"], "用户名或密码错误");
        }
    }
    let held = try_login(&t.app, "xingguo_filler", jixiao_server::demo::DEMO_PASSWORD).await;
    let unknown = try_login(&t.app, "nobody", "whatever-pass").await;
    assert_eq!(held.status, StatusCode::TOO_MANY_REQUESTS, "{}", held.body);
    assert_eq!(unknown.status, held.status, "the same answer for both");
    assert_eq!(unknown.body["error"], held.body["error"]);
    assert!(
        held.body["message"].as_str().unwrap().contains("秒后再试"),
        "{}",
        held.body
    );
    // The other names from this address are not held back.
    t.login("jiaoyu_filler").await;

    let uid = {
        let security = t.login("security").await;
        let users = security.get("/api/admin/users").await.body;
        let u = users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == "xingguo_filler")
            .unwrap()
            .clone();
        assert_eq!(u["failed_logins"], 6);
        u["id"].clone()
    };
    // The system administrator cannot clear it: that is the security administrator's duty.
    let admin = t.login("admin").await;
    let r = admin
        .call(
            Method::PATCH,
            &format!("/api/admin/users/{uid}"),
            Some(&json!({"unlock": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let security = t.login("security").await;
    let r = security
        .call(
            Method::PATCH,
            &format!("/api/admin/users/{uid}"),
            Some(&json!({"unlock": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let filler = t.login("xingguo_filler").await;

    // Disabling a user ends their sessions and refuses their logins.
    let r = admin
        .call(
            Method::PATCH,
            &format!("/api/admin/users/{uid}"),
            Some(&json!({"disabled": true})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(filler.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    let a = try_login(&t.app, "xingguo_filler", jixiao_server::demo::DEMO_PASSWORD).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);

    // Only the audit administrator reads the log; it holds each step with its outcome.
    assert_eq!(
        admin.get("/api/admin/audit").await.status,
        StatusCode::FORBIDDEN
    );
    let auditor = t.login("auditor").await;
    let log = auditor.get("/api/admin/audit?limit=200").await.body;
    let rows = log.as_array().unwrap();
    let find = |action: &str, detail: &str| {
        rows.iter()
            .filter(|a| a["action"] == action && a["detail"].as_str().unwrap().contains(detail))
            .count()
    };
    assert_eq!(
        find("login.failed", "用户名「nobody」：用户名不存在"),
        6,
        "unknown names are audited"
    );
    assert_eq!(
        find("login.failed", "用户名「xingguo_filler」：密码错误"),
        6
    );
    assert_eq!(
        find("login.held", "xingguo_filler"),
        1,
        "an attempt while held back"
    );
    assert_eq!(find("login.disabled", "停用"), 1);
    assert_eq!(find("user.update", "解除登录限制"), 1);
    assert_eq!(find("user.update", "停用"), 1);
    let failed = rows.iter().find(|a| a["action"] == "login.failed").unwrap();
    assert_eq!(failed["outcome"], "refused");
    assert_eq!(
        failed["address"], "unknown",
        "in-process requests have no address"
    );
    t.cleanup().await;
}
on_both!(lockout);

/// Every route, called by a user of another unit and by a reviewer of another region, on unit
/// A's form: never a success, never a leak.
async fn cross_unit(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let owner = t.login("xingguo_filler").await;
    let form_id = owner.get("/api/forms").await.body[0]["id"]
        .as_i64()
        .unwrap();
    let unit_a = owner.get("/api/me").await.body["unit_id"].as_i64().unwrap();

    // A reviewer of another region, made by the administrator.
    let admin = t.login("admin").await;
    let region = admin
        .post(
            "/api/admin/regions",
            &json!({"code": "420281", "name": "大冶市"}),
        )
        .await;
    assert_eq!(region.status, StatusCode::CREATED, "{}", region.body);
    let r = admin
        .post(
            "/api/admin/users",
            &json!({"username": "daye_reviewer", "password": "daye-password-1", "role": "reviewer", "region_id": region.body["id"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let dup = admin
        .post(
            "/api/admin/users",
            &json!({"username": "daye_reviewer", "password": "daye-password-1", "role": "reviewer", "region_id": region.body["id"]}),
        )
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);

    let other_unit = t.login("jiaoyu_filler").await;
    let other_region = Client::first_login(
        &t.app,
        "daye_reviewer",
        "daye-password-1",
        "Daye-own-pass-2",
    )
    .await;
    let (_, routes) = jixiao_server::api_routes(&ServerConfig::default());
    for who in [&other_unit, &other_region] {
        assert!(
            who.get("/api/forms")
                .await
                .body
                .as_array()
                .unwrap()
                .is_empty()
        );
        assert!(
            who.get(&format!("/api/forms?unit_id={unit_a}"))
                .await
                .body
                .as_array()
                .unwrap()
                .is_empty()
        );
        for r in routes
            .iter()
            .filter(|r| r.auth && r.path.starts_with("/api/forms/{id}"))
        {
            let path = concrete(r.path, form_id);
            let a = who
                .call(method(r.method), &path, Some(&body_for(r.path)))
                .await;
            assert_eq!(
                a.status,
                StatusCode::NOT_FOUND,
                "{} {path}: {}",
                r.method,
                a.body
            );
        }
        for r in routes.iter().filter(|r| r.path.starts_with("/api/admin")) {
            let a = who
                .call(
                    method(r.method),
                    &concrete(r.path, 1),
                    Some(&body_for(r.path)),
                )
                .await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{} {}", r.method, r.path);
        }
    }
    let make = other_unit
        .post(
            "/api/forms",
            &json!({"fiscal_year": 2026, "unit_id": unit_a}),
        )
        .await;
    assert_eq!(make.status, StatusCode::FORBIDDEN);
    let units = other_unit.get("/api/units").await.body;
    assert_eq!(units.as_array().unwrap().len(), 1);
    assert_eq!(units[0]["name"], "阳新县教育局");
    // Nothing changed for the owner.
    let f = owner.get(&format!("/api/forms/{form_id}")).await.body;
    assert_eq!(
        (f["version"].as_i64(), f["status"].as_str()),
        (Some(1), Some("draft"))
    );
    t.cleanup().await;
}
on_both!(cross_unit);

/// `POST /api/import` of one file, as the client's session.
fn import_request(c: &Client, name: &str, content: &[u8]) -> Request<Body> {
    let (ct, body) = multipart(name, content);
    Request::post("/api/import")
        .header(header::CONTENT_TYPE, ct)
        .header(
            header::COOKIE,
            format!("jixiao_session={}; jixiao_csrf={}", c.session, c.csrf),
        )
        .header("x-csrf-token", &c.csrf)
        .body(Body::from(body))
        .unwrap()
}

fn multipart(name: &str, content: &[u8]) -> (String, Vec<u8>) {
    let boundary = "jixiaoBOUNDARY42";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn import(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let c = t.login("jiaoyu_filler").await;
    let send_file = |name: &str, content: &[u8]| import_request(&c, name, content);
    let seed = jixiao_server::demo::SEED_FORM_JSON.as_bytes();
    let a = send(&t.app, send_file("../../etc/seed.json", seed)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(
        a.body["form"]["header"]["unit_name"],
        "阳新县兴国镇人民政府"
    );
    assert!(a.body["findings"].is_array());
    let a = send(&t.app, send_file("seed.txt", b"some text")).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let a = send(&t.app, send_file("big.json", &vec![b' '; 21 * 1024 * 1024])).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);

    // The imported form becomes the unit's own form (unit name kept as imported).
    let mut form: Value = serde_json::from_slice(seed).unwrap();
    form["header"]["unit_name"] = json!("阳新县教育局");
    let made = c.post("/api/forms", &json!({"form": form})).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let list = c.get("/api/forms?year=2026").await.body;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["unit_name"], "阳新县教育局");
    t.cleanup().await;
}
on_both!(import);

#[tokio::test]
async fn openapi_lists_every_route_and_api_md_is_true() {
    let Some(t) = TestApp::new(Kind::Sqlite).await else {
        return;
    };
    let doc = send(
        &t.app,
        Request::get("/api/openapi.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .body;
    assert_eq!(doc["openapi"], "3.1.0");
    let (_, routes) = jixiao_server::api_routes(&ServerConfig::default());
    assert!(routes.len() >= 25);
    for r in &routes {
        assert!(
            doc["paths"][r.path][r.method]["summary"].is_string(),
            "{} {} missing",
            r.method,
            r.path
        );
    }
    let n_ops: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(n_ops, routes.len());
    assert!(doc["components"]["schemas"]["Form"].is_object());
    let refs = doc.to_string();
    assert!(
        !refs.contains("#/$defs/"),
        "all schema references resolve into components"
    );

    // Every endpoint row of docs/api.md names a real route, and every route is documented there.
    let md =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api.md")).unwrap();
    let mut documented = Vec::new();
    for line in md.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() > 3 && ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&cells[1]) {
            let path = cells[2].split('?').next().unwrap().to_string();
            documented.push((cells[1].to_lowercase(), path));
        }
    }
    for (m, p) in &documented {
        assert!(
            routes.iter().any(|r| r.method == m && r.path == p),
            "docs/api.md lists {m} {p}, not served"
        );
    }
    for r in &routes {
        assert!(
            documented.iter().any(|(m, p)| m == r.method && p == r.path),
            "{} {} not in docs/api.md",
            r.method,
            r.path
        );
    }
    t.cleanup().await;
}

/// The extension point for HTML pages: a page router merged with `app_with`, whose form post
/// checks the `_csrf` field through `FormPostUser`, gets the same session and headers.
#[tokio::test]
async fn html_form_posts_check_the_csrf_field() {
    use axum::routing::{get, post};
    use jixiao_server::{CurrentUser, FormPostUser};

    #[derive(serde::Deserialize)]
    struct Posted {
        _csrf: String,
        note: String,
    }
    let Some(t) = TestApp::new(Kind::Sqlite).await else {
        return;
    };
    let pages = axum::Router::new()
        .route(
            "/page",
            get(|u: CurrentUser| async move { format!("你好，{}", u.user.display_name) }),
        )
        .route(
            "/page/note",
            post(
                |u: FormPostUser, axum::Form(p): axum::Form<Posted>| async move {
                    let user = u.check_csrf(&p._csrf)?;
                    Ok::<_, jixiao_server::ApiError>((
                        StatusCode::SEE_OTHER,
                        [(header::LOCATION, "/page")],
                        format!("{}:{}", user.user.username, p.note),
                    ))
                },
            ),
        );
    let app = jixiao_server::app_with(t.state.clone(), pages);
    let c = t.login("xingguo_filler").await.on(&app);
    let page = c.get("/page").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(String::from_utf8(page.bytes).unwrap(), "你好，刘洋");
    assert_eq!(page.headers["x-frame-options"], "DENY");
    let form_post = |token: &str| {
        Request::post("/page/note")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(
                header::COOKIE,
                format!("jixiao_session={}; jixiao_csrf={}", c.session, c.csrf),
            )
            .body(Body::from(format!("_csrf={token}&note=ok")))
            .unwrap()
    };
    let good = send(&app, form_post(&c.csrf)).await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let bad = send(&app, form_post("forged")).await;
    assert_eq!(bad.status, StatusCode::FORBIDDEN);
    assert_eq!(bad.body["error"], "csrf");
    let anonymous = send(
        &app,
        Request::post("/page/note")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("_csrf=x&note=ok"))
            .unwrap(),
    )
    .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    t.cleanup().await;
}

/// Demo mode never resets an existing account's password, and refuses a database that holds
/// real data (it would add accounts whose password is published).
async fn demo_mode_keeps_real_data_safe(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    // The filler changes the demo password; a second demo start must not reset it.
    let db = &t.state.db;
    let filler = db
        .user_for_login("xingguo_filler")
        .await
        .unwrap()
        .unwrap()
        .0;
    jixiao_server::api::admin::set_password_in(db, filler.id, "a-new-secret-2026!", None)
        .await
        .unwrap();
    let again = jixiao_server::demo::seed(&t.state).await.unwrap();
    let f = again
        .iter()
        .find(|a| a.username == "xingguo_filler")
        .unwrap();
    assert_eq!(
        f.password, None,
        "an existing account is reported, not reset"
    );
    let old = try_login(&t.app, "xingguo_filler", jixiao_server::demo::DEMO_PASSWORD).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    // A real user appears: demo mode now refuses to start, naming what it found.
    let input = jixiao_server::api::admin::NewUserInput {
        username: "wang_real".into(),
        display_name: Some("王会计".into()),
        office: None,
        password: "Another-secret-2026".into(),
        role: jixiao_storage::Role::Reviewer,
        unit_id: None,
        region_id: db.regions().await.unwrap().first().map(|r| r.id),
    };
    jixiao_server::api::admin::create_user_in(db, &input, None, false)
        .await
        .unwrap();
    let e = jixiao_server::demo::seed(&t.state).await.unwrap_err();
    assert_eq!(e.status, StatusCode::CONFLICT);
    assert!(e.message.contains("wang_real"), "{}", e.message);
    t.cleanup().await;
}
on_both!(demo_mode_keeps_real_data_safe);

/// An administrator's edit written after logins were held back (read before it) keeps them
/// held back: the hold lives apart from what the edit writes.
async fn admin_edit_does_not_undo_a_lock(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let db = &t.state.db;
    let stale = db.user_for_login("jiaoyu_filler").await.unwrap().unwrap().0;
    assert_eq!(
        db.login_blocked("jiaoyu_filler", "10.9.9.9").await.unwrap(),
        None
    );
    // Meanwhile, failed logins from one address hold the name back there.
    for _ in 0..4 {
        db.record_login_failure(
            "jiaoyu_filler",
            "10.9.9.9",
            Some(stale.id),
            3,
            60_000,
            "密码错误",
        )
        .await
        .unwrap();
    }
    let mut edit = stale.clone();
    edit.display_name = "教育局填报人（改名）".into();
    let mut tx = db.begin_write().await.unwrap();
    tx.update_user(&edit).await.unwrap();
    tx.commit().await.unwrap();
    let now = db.user(stale.id).await.unwrap().unwrap();
    assert_eq!(now.display_name, "教育局填报人（改名）");
    assert_eq!(now.failed_logins, 4, "the count kept");
    assert!(
        db.login_blocked("jiaoyu_filler", "10.9.9.9")
            .await
            .unwrap()
            .is_some(),
        "the hold set meanwhile stays in force"
    );
    assert_eq!(
        db.login_blocked("jiaoyu_filler", "10.1.1.1").await.unwrap(),
        None,
        "the owner elsewhere is not held back"
    );
    t.cleanup().await;
}
on_both!(admin_edit_does_not_undo_a_lock);

/// A finding that quotes an invalid phone number shows it masked to the finance side, as the
/// form itself does; the unit still reads it whole.
async fn findings_do_not_leak_the_phone(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let filler = t.login("xingguo_filler").await;
    let id = filler.get("/api/forms").await.body[0]["id"]
        .as_i64()
        .unwrap();
    // Submitted once and withdrawn: the finance side sees the form (and its later drafts).
    let v = filler.get(&format!("/api/forms/{id}")).await.body["version"].clone();
    let sub = filler
        .post(
            &format!("/api/forms/{id}/submit"),
            &json!({"base_version": v}),
        )
        .await;
    assert_eq!(sub.status, StatusCode::OK, "{}", sub.body);
    let back = filler
        .post(&format!("/api/forms/{id}/withdraw"), &json!({}))
        .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    let got = filler.get(&format!("/api/forms/{id}")).await;
    let mut form = got.body["form"].clone();
    form["header"]["phone"] = json!("1517209313888");
    let saved = filler
        .put(
            &format!("/api/forms/{id}"),
            &json!({"base_version": got.body["version"], "form": form}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let quoting = |body: &Value| -> Vec<String> {
        body["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["path"] == "/header/phone")
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect()
    };
    let own = quoting(&filler.get(&format!("/api/forms/{id}")).await.body);
    assert!(own.iter().any(|m| m.contains("1517209313888")), "{own:?}");
    // The administrators see no form content at all.
    for who in ["admin", "security", "auditor"] {
        let c = t.login(who).await;
        assert_eq!(
            c.get(&format!("/api/forms/{id}")).await.status,
            StatusCode::NOT_FOUND,
            "{who}"
        );
    }
    for who in ["reviewer"] {
        let c = t.login(who).await;
        let seen = quoting(&c.get(&format!("/api/forms/{id}")).await.body);
        assert!(!seen.is_empty(), "{who} sees the finding");
        assert!(
            seen.iter()
                .all(|m| !m.contains("1517209313888") && m.contains("151******3888")),
            "{who}: {seen:?}"
        );
    }
    t.cleanup().await;
}
on_both!(findings_do_not_leak_the_phone);

/// Heavy work has a bound: with one place held by a running import, a second upload that
/// cannot start in time is refused with 503 and `Retry-After`, and the first one completes.
async fn heavy_jobs_are_bounded(kind: Kind) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let started = Arc::new(AtomicBool::new(false));
    let release = Arc::new(AtomicBool::new(false));
    let (s2, r2) = (started.clone(), release.clone());
    let Some(t) = TestApp::with(kind, move |mut s| {
        s.jobs = jixiao_server::jobs::Jobs::new(
            1,
            std::time::Duration::from_millis(50),
            std::time::Duration::from_secs(30),
        );
        let inner = s.import.clone();
        s.import = Arc::new(move |name: &str, bytes: &[u8], ocr| {
            // Holds the only place until the test has seen the second upload refused.
            s2.store(true, Ordering::SeqCst);
            let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
            while !r2.load(Ordering::SeqCst) && std::time::Instant::now() < until {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            inner(name, bytes, ocr)
        });
        s
    })
    .await
    else {
        return;
    };
    let c = t.login("jiaoyu_filler").await;
    let upload = || {
        import_request(
            &c,
            "seed.json",
            jixiao_server::demo::SEED_FORM_JSON.as_bytes(),
        )
    };
    let first = {
        let app = t.app.clone();
        let req = upload();
        tokio::spawn(async move { send(&app, req).await })
    };
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !started.load(Ordering::SeqCst) && std::time::Instant::now() < until {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert!(started.load(Ordering::SeqCst), "the first import started");
    let refused = send(&t.app, upload()).await;
    release.store(true, Ordering::SeqCst);
    assert_eq!(
        refused.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        refused.body
    );
    assert_eq!(refused.headers[header::RETRY_AFTER], "5");
    assert_eq!(first.await.unwrap().status, StatusCode::OK);
    t.cleanup().await;
}
on_both!(heavy_jobs_are_bounded);

/// The security policy is the security administrator's: bounds checked, and it governs new
/// passwords. An account an administrator made (or reset) must choose its own password before
/// anything else; the current one is needed, the new one meets the policy and is not one of
/// the last ones, and every session ends after the change.
async fn password_policy_and_forced_change(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let admin = t.login("admin").await;
    let security = t.login("security").await;
    let policy = json!({"min_length": 10, "char_classes": 3, "history": 2, "max_age_days": 90,
        "idle_minutes": 30, "session_hours": 12, "single_session": false,
        "free_failures": 5, "max_hold_minutes": 15});
    let refused = admin.put("/api/admin/security-policy", &policy).await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "only the security administrator"
    );
    let out_of_bounds = security
        .put("/api/admin/security-policy", &json!({"idle_minutes": 1}))
        .await;
    assert_eq!(out_of_bounds.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        out_of_bounds.body["message"]
            .as_str()
            .unwrap()
            .contains("空闲超时")
    );
    let set = security.put("/api/admin/security-policy", &policy).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(
        security.get("/api/admin/security-policy").await.body["min_length"],
        10
    );

    // The system administrator makes a filler with a first password (policy-checked).
    let unit = admin.get("/api/units").await.body[0]["id"].clone();
    let short = admin
        .post(
            "/api/admin/users",
            &json!({"username": "new_one", "password": "Short-1", "role": "filler", "unit_id": unit}),
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        short.body["message"]
            .as_str()
            .unwrap()
            .contains("至少需要 10 个字符")
    );
    let made = admin
        .post(
            "/api/admin/users",
            &json!({"username": "new_one", "password": "First-pass-2026", "role": "filler", "unit_id": unit}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.body["must_change_password"], true);
    // …but not an administrator: that is the security administrator's.
    let no = admin
        .post(
            "/api/admin/users",
            &json!({"username": "new_admin", "password": "First-pass-2026", "role": "security_admin"}),
        )
        .await;
    assert_eq!(no.status, StatusCode::FORBIDDEN);

    // First login: only the password change answers.
    let c = Client::login(&t.app, "new_one", "First-pass-2026").await;
    assert_eq!(
        c.get("/api/forms").await.body["error"],
        "password_change_required"
    );
    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let wrong = c
        .post(
            "/api/me/password",
            &change("not-the-one", "Another-pass-77"),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.body["message"], "当前密码不正确");
    let weak = c
        .post(
            "/api/me/password",
            &change("First-pass-2026", "alllowercase"),
        )
        .await;
    assert!(
        weak.body["message"].as_str().unwrap().contains("至少 3 种"),
        "{}",
        weak.body
    );
    let same = c
        .post(
            "/api/me/password",
            &change("First-pass-2026", "First-pass-2026"),
        )
        .await;
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = c
        .post(
            "/api/me/password",
            &change("First-pass-2026", "Own-pass-2026a"),
        )
        .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.body);
    assert_eq!(
        c.get("/api/me").await.status,
        StatusCode::UNAUTHORIZED,
        "all sessions end"
    );
    let c = Client::login(&t.app, "new_one", "Own-pass-2026a").await;
    let me = c.get("/api/me").await.body;
    assert_eq!(me["must_change_password"], false);
    assert!(me["previous_login"]["at"].is_string(), "{me}");
    assert_eq!(c.get("/api/forms").await.status, StatusCode::OK);

    // A reset by the security administrator forces a change again; the history is kept.
    let id = made.body["id"].clone();
    let reset = security
        .call(
            Method::PATCH,
            &format!("/api/admin/users/{id}"),
            Some(&json!({"password": "Reset-pass-2026"})),
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    assert_eq!(c.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    let c = Client::login(&t.app, "new_one", "Reset-pass-2026").await;
    assert_eq!(c.get("/api/me").await.body["must_change_password"], true);
    let reused = c
        .post(
            "/api/me/password",
            &change("Reset-pass-2026", "Own-pass-2026a"),
        )
        .await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reused.body["message"]
            .as_str()
            .unwrap()
            .contains("最近 2 次"),
        "{}",
        reused.body
    );

    // Role changes are the security administrator's, audited with old → new.
    let promote = admin
        .call(
            Method::PATCH,
            &format!("/api/admin/users/{id}"),
            Some(&json!({"role": "unit_approver", "unit_id": unit})),
        )
        .await;
    assert_eq!(promote.status, StatusCode::FORBIDDEN);
    let promote = security
        .call(
            Method::PATCH,
            &format!("/api/admin/users/{id}"),
            Some(&json!({"role": "unit_approver", "unit_id": unit})),
        )
        .await;
    assert_eq!(promote.status, StatusCode::OK, "{}", promote.body);
    let log = t.login("auditor").await.get("/api/admin/audit").await.body;
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "user.update"
                && a["detail"]
                    .as_str()
                    .unwrap()
                    .contains("角色 单位填报人 → 单位审核人")),
        "{log}"
    );
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "policy.update"
                && a["detail"].as_str().unwrap().contains("min_length: 8 → 10")),
        "{log}"
    );
    t.cleanup().await;
}
on_both!(password_policy_and_forced_change);

/// A session ends after the policy's idle time without a request, and (with one session per
/// user) when the user logs in elsewhere.
async fn sessions_end_when_idle_and_one_per_user(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let first = t.login("xingguo_filler").await;
    assert_eq!(first.get("/api/me").await.status, StatusCode::OK);
    // 31 minutes without a request (the default idle time is 30).
    let ago = jixiao_storage::now_ms() - 31 * 60_000;
    jixiao_storage::sqlx::query("UPDATE sessions SET last_seen_at = $1")
        .bind(ago)
        .execute(t.state.db.pool())
        .await
        .unwrap();
    assert_eq!(first.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    // A request within the idle time keeps the session.
    let busy = t.login("xingguo_filler").await;
    jixiao_storage::sqlx::query("UPDATE sessions SET last_seen_at = $1")
        .bind(jixiao_storage::now_ms() - 29 * 60_000)
        .execute(t.state.db.pool())
        .await
        .unwrap();
    assert_eq!(busy.get("/api/me").await.status, StatusCode::OK);
    assert_eq!(
        busy.get("/api/me").await.status,
        StatusCode::OK,
        "seen again: still live"
    );
    // Past its absolute end, however busy.
    jixiao_storage::sqlx::query("UPDATE sessions SET expires_at = $1")
        .bind(jixiao_storage::now_ms() - 1)
        .execute(t.state.db.pool())
        .await
        .unwrap();
    assert_eq!(busy.get("/api/me").await.status, StatusCode::UNAUTHORIZED);

    // Users see their live sessions and end one they do not recognise (audited).
    let here = t.login("xingguo_filler").await;
    let there = t.login("xingguo_filler").await;
    let list = here.get("/api/me/sessions").await.body;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
    let other = list.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(other.len(), 16, "a short public id, not the token");
    let end = here
        .call(Method::DELETE, &format!("/api/me/sessions/{other}"), None)
        .await;
    assert_eq!(end.status, StatusCode::NO_CONTENT, "{}", end.body);
    assert_eq!(there.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(here.get("/api/me").await.status, StatusCode::OK);
    // Another user's session cannot be ended, nor named.
    let stranger = t.login("jiaoyu_filler").await;
    let theirs = stranger.get("/api/me/sessions").await.body[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let no = here
        .call(Method::DELETE, &format!("/api/me/sessions/{theirs}"), None)
        .await;
    assert_eq!(no.status, StatusCode::NOT_FOUND);
    assert_eq!(stranger.get("/api/me").await.status, StatusCode::OK);

    // One session per user: a new login ends the others.
    let security = t.login("security").await;
    let mut p = security.get("/api/admin/security-policy").await.body;
    p["single_session"] = json!(true);
    assert_eq!(
        security.put("/api/admin/security-policy", &p).await.status,
        StatusCode::OK
    );
    t.state.policy.forget();
    let a = t.login("xingguo_filler").await;
    let b = t.login("xingguo_filler").await;
    assert_eq!(a.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(b.get("/api/me").await.status, StatusCode::OK);
    t.cleanup().await;
}
on_both!(sessions_end_when_idle_and_one_per_user);

/// Behind HTTPS (`--secure-cookies`) every cookie we set is `Secure` — the login form's
/// pre-session CSRF token and the flash message too — and answers carry HSTS.
#[tokio::test]
async fn secure_cookies_and_hsts() {
    let Some(t) = TestApp::with(Kind::Sqlite, |mut s| {
        s.config = std::sync::Arc::new(ServerConfig {
            secure_cookies: true,
            ..ServerConfig::default()
        });
        s
    })
    .await
    else {
        return;
    };
    let cookies = |a: &common::Answer| -> Vec<String> {
        a.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect()
    };
    let page = send(&t.app, Request::get("/login").body(Body::empty()).unwrap()).await;
    assert!(
        page.headers[header::STRICT_TRANSPORT_SECURITY]
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    let set = cookies(&page);
    assert!(
        !set.is_empty() && set.iter().all(|c| c.contains("; Secure")),
        "{set:?}"
    );
    let login = try_login(&t.app, "xingguo_filler", jixiao_server::demo::DEMO_PASSWORD).await;
    let set = cookies(&login);
    assert_eq!(set.len(), 2);
    assert!(set.iter().all(|c| c.contains("; Secure")), "{set:?}");
    // Without the setting: no HSTS.
    let plain = TestApp::new(Kind::Sqlite).await.unwrap();
    let page = send(
        &plain.app,
        Request::get("/login").body(Body::empty()).unwrap(),
    )
    .await;
    assert!(
        page.headers
            .get(header::STRICT_TRANSPORT_SECURITY)
            .is_none()
    );
    plain.cleanup().await;
    t.cleanup().await;
}

/// Downloads, imports (accepted and refused) and logout are on the record, and the audit
/// administrator's CSV export and chain check work on what they wrote.
async fn audit_records_downloads_imports_and_logout(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let c = t.login("xingguo_filler").await;
    let id = c.get("/api/forms").await.body[0]["id"].as_i64().unwrap();
    let file = c.get(&format!("/api/forms/{id}/export?format=json")).await;
    assert_eq!(file.status, StatusCode::OK);
    let seed = jixiao_server::demo::SEED_FORM_JSON.as_bytes();
    assert_eq!(
        send(&t.app, import_request(&c, "seed.json", seed))
            .await
            .status,
        StatusCode::OK
    );
    let bad = send(
        &t.app,
        import_request(&c, "bad.pdf", b"%PDF-1.4 not really"),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        c.post("/api/logout", &json!({})).await.status,
        StatusCode::NO_CONTENT
    );

    let auditor = t.login("auditor").await;
    let log = auditor.get("/api/admin/audit").await.body;
    let rows = log.as_array().unwrap();
    let row = |action: &str, detail: &str| {
        rows.iter()
            .find(|a| a["action"] == action && a["detail"].as_str().unwrap().contains(detail))
            .unwrap_or_else(|| panic!("no {action} {detail}: {log}"))
    };
    assert_eq!(row("download", "下载 JSON")["form_id"], id);
    assert_eq!(row("import", "seed.json")["outcome"], "ok");
    assert_eq!(row("import", "bad.pdf")["outcome"], "refused");
    assert!(row("logout", "")["user"] == "xingguo_filler");
    let csv = auditor.get("/api/admin/audit.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    let text = String::from_utf8(csv.bytes.clone()).unwrap();
    assert!(
        text.starts_with("\u{feff}编号,时间,操作人"),
        "{}",
        &text[..60]
    );
    assert!(text.contains("bad.pdf"));
    let v = auditor.get("/api/admin/audit/verify").await.body;
    assert_eq!(v["broken"], Value::Null, "{v}");
    assert!(v["checked"].as_i64().unwrap() > 10, "{v}");
    // The chain check and the export are on the record too.
    let log = auditor.get("/api/admin/audit").await.body;
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "audit.export")
    );
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "audit.verify")
    );
    t.cleanup().await;
}
on_both!(audit_records_downloads_imports_and_logout);
