//! The authorization matrix: every route of the route table, called by every role, on a
//! document of the caller's own unit or region and on one of another unit, against one table of
//! expected outcomes. A route added to the server without a row here fails the test.
//!
//! Outcomes are classes, not statuses: `A` — authorized (any answer but 401, 403 and 404; a
//! 409 for a status or a 422 for a body means the rights check passed), `F` — forbidden (403),
//! `N` — not found (404: outside the caller's scope, so its existence does not leak). Bodies are
//! valid, so the rights check is reached, and chosen so that no call changes what later calls
//! see (the document is published, where every step but `adjust` meets a wrong status; `adjust`
//! runs last).

use crate::common;

use axum::http::{Method, StatusCode};
use common::{Client, Kind, TestApp};
use jixiao_server::ServerConfig;
use serde_json::{Value, json};

/// The roles, in the order of the table's columns, with their demo accounts.
pub(crate) const ROLES: [(&str, &str); 7] = [
    ("filler", "xingguo_filler"),
    ("unit_approver", "xingguo_approver"),
    ("reviewer", "reviewer"),
    ("admin", "admin"),
    ("security_admin", "security"),
    ("audit_admin", "auditor"),
    ("department_reviewer", "jiaoyu_dept"),
];

/// (method, path, expected outcome per role on the own unit's or region's document).
/// Columns: filler, unit_approver, reviewer, admin, security_admin, audit_admin,
/// department_reviewer (of 教育局, which is not the department of the document's unit).
#[rustfmt::skip]
const TABLE: &[(&str, &str, &str)] = &[
    ("get", "/healthz", "AAAAAAA"),
    ("get", "/api/openapi.json", "AAAAAAA"),
    ("post", "/api/login", "AAAAAAA"),
    ("post", "/api/logout", "AAAAAAA"),
    ("get", "/api/me", "AAAAAAA"),
    ("post", "/api/me/password", "AAAAAAA"),
    ("get", "/api/me/sessions", "AAAAAAA"),
    ("delete", "/api/me/sessions/{id}", "NNNNNNN"),
    ("get", "/api/templates", "AAAAAAA"),
    ("get", "/api/templates/{id}", "AAAAAAA"),
    ("post", "/api/validate", "AAAAAAA"),
    ("post", "/api/import", "AAAAAAA"),
    // A JSON body, not multipart: refused with 400 after the session check.
    ("post", "/api/import/ocr", "AAAAAAA"),
    // A job is its uploader's only; none exists here.
    ("get", "/api/import/ocr/{id}", "NNNNNNN"),
    ("get", "/api/forms", "AAAFFFA"),
    ("post", "/api/forms", "AAFFFFF"),
    ("get", "/api/forms/{id}", "AAANNNN"),
    ("put", "/api/forms/{id}", "AAFNNNN"),
    ("delete", "/api/forms/{id}", "AAFNNNN"),
    ("post", "/api/forms/{id}/submit", "AAFNNNN"),
    ("post", "/api/forms/{id}/sign-off", "FAFNNNN"),
    ("post", "/api/forms/{id}/withdraw", "AAFNNNN"),
    ("post", "/api/forms/{id}/review", "FFANNNN"),
    ("post", "/api/forms/{id}/publish", "FFANNNN"),
    ("post", "/api/forms/{id}/adjust", "AAFNNNN"),
    ("get", "/api/forms/{id}/versions", "AAANNNN"),
    ("get", "/api/forms/{id}/versions/{v}", "AAANNNN"),
    ("get", "/api/forms/{id}/diff", "AAANNNN"),
    ("get", "/api/forms/{id}/library/suggestions", "AAANNNN"),
    ("get", "/api/library", "FFAFFFF"),
    ("post", "/api/library/curations", "FFAFFFF"),
    ("get", "/api/library/curations", "FFAFFFF"),
    ("get", "/api/forms/{id}/audit", "AAANNNN"),
    ("get", "/api/forms/{id}/export", "AAANNNN"),
    ("get", "/api/summary", "AAAFFFA"),
    ("get", "/api/summary.csv", "AAAFFFA"),
    ("post", "/api/rounds", "FFAAFFF"),
    ("get", "/api/rounds", "AAAAAAA"),
    ("get", "/api/rounds/{id}", "NNANNNN"),
    ("get", "/api/rounds/{id}/board.xlsx", "NNANNNN"),
    ("post", "/api/rounds/{id}/close", "NNANNNN"),
    ("post", "/api/rounds/{id}/reopen", "NNANNNN"),
    ("post", "/api/rounds/{id}/batch", "NNANNNN"),
    ("get", "/api/rounds/{id}/summary.xlsx", "NNANNNN"),
    ("get", "/api/notices", "AAFFFFF"),
    ("post", "/api/notices/read", "AAFFFFF"),
    ("get", "/api/reports", "AAAAAAA"),
    ("get", "/api/reports/{id}", "AANNNNN"),
    ("put", "/api/reports/{id}", "AANNNNN"),
    ("post", "/api/reports/{id}/submit", "AANNNNN"),
    ("post", "/api/reports/{id}/sign-off", "FANNNNN"),
    ("post", "/api/reports/{id}/withdraw", "AANNNNN"),
    ("post", "/api/reports/{id}/review", "FFNNNNN"),
    ("post", "/api/reports/{id}/publish", "FFNNNNN"),
    ("get", "/api/reports/{id}/audit", "AANNNNN"),
    ("get", "/api/reports/{id}/export", "AANNNNN"),
    ("get", "/api/units", "AAAAAAA"),
    ("get", "/api/admin/regions", "FFFAAAF"),
    ("post", "/api/admin/regions", "FFFAFFF"),
    ("patch", "/api/admin/regions/{id}", "FFFAFFF"),
    ("get", "/api/admin/units", "FFFAAAF"),
    ("post", "/api/admin/units", "FFFAFFF"),
    ("patch", "/api/admin/units/{id}", "FFFAFFF"),
    ("get", "/api/admin/audit", "FFFFFAF"),
    ("get", "/api/admin/audit.csv", "FFFFFAF"),
    ("get", "/api/admin/audit/verify", "FFFFFAF"),
    ("get", "/api/admin/security-policy", "FFFFAFF"),
    ("put", "/api/admin/security-policy", "FFFFAFF"),
    ("get", "/api/admin/users", "FFFAAFF"),
    ("post", "/api/admin/users", "FFFAFFF"),
    ("patch", "/api/admin/users/{id}", "FFFAAFF"),
];

fn class(status: StatusCode) -> char {
    match status {
        StatusCode::FORBIDDEN => 'F',
        StatusCode::NOT_FOUND => 'N',
        StatusCode::UNAUTHORIZED => 'U',
        _ => 'A',
    }
}

/// The ids a route's placeholders take.
pub(crate) struct Ids {
    pub(crate) form: i64,
    form_version: i64,
    round: i64,
    report: i64,
    region: i64,
    unit: i64,
    user: i64,
}

pub(crate) fn concrete(path: &str, ids: &Ids, form: i64) -> String {
    let id = if path.starts_with("/api/forms/") {
        form.to_string()
    } else if path.starts_with("/api/rounds/") {
        ids.round.to_string()
    } else if path.starts_with("/api/reports/") {
        ids.report.to_string()
    } else if path.starts_with("/api/admin/regions/") {
        ids.region.to_string()
    } else if path.starts_with("/api/admin/units/") {
        ids.unit.to_string()
    } else if path.starts_with("/api/admin/users/") {
        ids.user.to_string()
    } else if path.starts_with("/api/import/ocr/") {
        ids.form.to_string()
    } else {
        "hubei-dept-2026".to_string()
    };
    let query = if path.ends_with("/diff") {
        "?from=1&to=1"
    } else if path.ends_with("/export") {
        "?format=json"
    } else {
        ""
    };
    path.replace("{id}", &id).replace("{v}", "1") + query
}

pub(crate) fn body(path: &str, ids: &Ids, form: &Value) -> Value {
    let grades =
        json!({"completeness": "优", "relevance": "优", "suitability": "优", "feasibility": "优"});
    match path {
        p if p.starts_with("/api/reports/") && p.ends_with("/submit") => json!({"base_version": 0}),
        p if p.ends_with("/submit") => json!({"base_version": ids.form_version}),
        p if p.starts_with("/api/reports/")
            && (p.ends_with("/review") || p.ends_with("/sign-off")) =>
        {
            json!({"decision": "approve"})
        }
        p if p.ends_with("/review") => json!({"decision": "approve", "grades": grades}),
        p if p.ends_with("/sign-off") => json!({"decision": "approve"}),
        "/api/me/password" => {
            json!({"current_password": "not-it", "new_password": "Another-pass-1"})
        }
        "/api/forms/{id}" => json!({"base_version": ids.form_version, "form": form}),
        "/api/reports/{id}" => json!({"base_version": 0, "document": {}}),
        "/api/forms" => json!({"from": "blank", "fiscal_year": 2026}),
        "/api/validate" => json!({"form": form}),
        "/api/rounds" => {
            json!({"kind": "monitoring", "fiscal_year": 2026, "month": 6, "deadline": "2099-12-31", "region_id": ids.region})
        }
        "/api/rounds/{id}/reopen" => json!({"unit_id": 1}),
        "/api/rounds/{id}/batch" => json!({"action": "remind", "unit_ids": [1]}),
        // Rights pass, the body does not (an edit without fields): nothing changes.
        "/api/library/curations" => json!({"action": "edit", "key": "群众满意度", "unit": "%"}),
        "/api/notices/read" => json!({"ids": []}),
        "/api/admin/regions/{id}" => json!({"unit_sign_off": false}),
        "/api/admin/users" => {
            json!({"username": "matrix_user", "password": "Matrix-pass-1", "role": "filler", "unit_id": 1})
        }
        "/api/admin/users/{id}" => json!({"display_name": "王磊"}),
        "/api/admin/units/{id}" => json!({"department_id": null}),
        "/api/admin/units" => json!({"code": "m1", "name": "矩阵单位", "region_id": ids.region}),
        "/api/admin/regions" => json!({"code": "m1", "name": "矩阵区"}),
        "/api/admin/security-policy" => json!({}),
        _ => json!({}),
    }
}

/// The demo's form published, a monitoring round opened on it (so the unit has a draft
/// report), and a draft of another unit never submitted.
pub(crate) async fn setup(t: &TestApp) -> (Ids, i64, Value) {
    let filler = t.login("xingguo_filler").await;
    let reviewer = t.login("reviewer").await;
    let form = filler.get("/api/forms").await.body[0]["id"]
        .as_i64()
        .unwrap();
    let v = filler.get(&format!("/api/forms/{form}")).await.body["version"].clone();
    let ok = |a: common::Answer| {
        assert!(a.status.is_success(), "{} {}", a.status, a.body);
        a
    };
    ok(filler
        .post(
            &format!("/api/forms/{form}/submit"),
            &json!({"base_version": v}),
        )
        .await);
    let grades =
        json!({"completeness": "优", "relevance": "优", "suitability": "优", "feasibility": "优"});
    ok(reviewer
        .post(
            &format!("/api/forms/{form}/review"),
            &json!({"decision": "approve", "grades": grades}),
        )
        .await);
    ok(reviewer
        .post(&format!("/api/forms/{form}/publish"), &json!({}))
        .await);
    let got = filler.get(&format!("/api/forms/{form}")).await.body;
    let region = got["region_id"].as_i64().unwrap();
    let opened = ok(reviewer
        .post(
            "/api/rounds",
            &json!({"kind": "monitoring", "fiscal_year": got["fiscal_year"], "month": 6, "deadline": "2099-12-31"}),
        )
        .await);
    let round = opened.body["round"]["id"].as_i64().unwrap();
    let report = filler.get("/api/reports").await.body["reports"][0]["id"]
        .as_i64()
        .unwrap();
    let other = t.login("jiaoyu_filler").await;
    let created = ok(other
        .post("/api/forms", &json!({"from": "blank", "fiscal_year": 2026}))
        .await);
    let other_form = created.body["id"].as_i64().unwrap();
    let user = t
        .state
        .db
        .user_for_login("jiaoyu_filler")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let ids = Ids {
        form,
        form_version: got["version"].as_i64().unwrap(),
        round,
        report,
        region,
        unit: got["unit_id"].as_i64().unwrap(),
        user,
    };
    (ids, other_form, got["form"].clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_for_every_role() {
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let (routes_router, routes) = jixiao_server::api_routes(&ServerConfig::default());
    drop(routes_router);
    // Every route has exactly one row, and every row is a route.
    for r in &routes {
        let rows = TABLE
            .iter()
            .filter(|(m, p, _)| *m == r.method && *p == r.path)
            .count();
        assert_eq!(
            rows, 1,
            "{} {} needs one row in the matrix",
            r.method, r.path
        );
    }
    for (m, p, _) in TABLE {
        assert!(
            routes.iter().any(|r| r.method == *m && r.path == *p),
            "the matrix lists {m} {p}, which is not served"
        );
    }

    let (ids, other_form, form) = setup(&t).await;
    let mut clients = Vec::new();
    for (_, account) in ROLES {
        clients.push(t.login(account).await);
    }
    let mut wrong = Vec::new();
    // Calls that end the caller's session run on a session of their own; `adjust` (the one step
    // a published form still takes) runs last.
    let mut order: Vec<&(&str, &str, &str)> = TABLE.iter().collect();
    order.sort_by_key(|(_, p, _)| p.ends_with("/adjust"));
    for (m, path, expected) in order {
        let doc = routes
            .iter()
            .find(|r| r.method == *m && r.path == *path)
            .unwrap();
        if !doc.auth {
            continue;
        }
        let method = Method::from_bytes(m.to_uppercase().as_bytes()).unwrap();
        for (i, (role, account)) in ROLES.iter().enumerate() {
            let fresh;
            let c: &Client = if *path == "/api/logout" || *path == "/api/me/password" {
                fresh = t.login(account).await;
                &fresh
            } else {
                &clients[i]
            };
            let want = expected.chars().nth(i).unwrap();
            let url = concrete(path, &ids, ids.form);
            let a = c
                .call(method.clone(), &url, Some(&body(path, &ids, &form)))
                .await;
            let got = class(a.status);
            if got != want {
                wrong.push(format!(
                    "{m} {url} as {role}: {} ({got}), expected {want} — {}",
                    a.status, a.body
                ));
            }
            // Another unit's draft, never submitted: nobody here sees it.
            if path.starts_with("/api/forms/{id}") {
                let url = concrete(path, &ids, other_form);
                let a = c
                    .call(method.clone(), &url, Some(&body(path, &ids, &form)))
                    .await;
                if class(a.status) != 'N' {
                    wrong.push(format!(
                        "{m} {url} (another unit's draft) as {role}: {}",
                        a.status
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} mismatches:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    t.cleanup().await;
}
