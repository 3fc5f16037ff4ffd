//! Two review levels (主管部门审核): where the region asks for it, a unit's submission goes to
//! its department in charge, which returns it or passes it on to the finance bureau; the
//! department sees its own units' submitted forms and nothing else.

use crate::common;
use crate::page_helpers;

use axum::http::{Method, StatusCode};
use common::{Client, Kind, TestApp};
use serde_json::{Value, json};

fn grades(g: &str) -> Value {
    json!({"completeness": g, "relevance": g, "suitability": g, "feasibility": g})
}

async fn patch(c: &Client, path: &str, body: Value) -> common::Answer {
    c.call(Method::PATCH, path, Some(&body)).await
}

/// The id of the demo unit with `code`.
async fn unit_id(admin: &Client, code: &str) -> i64 {
    let units = admin.get("/api/admin/units").await.body;
    units
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == code)
        .unwrap_or_else(|| panic!("no unit {code}: {units}"))["id"]
        .as_i64()
        .unwrap()
}

/// A department reviewer account of `unit`, logged in with its own password.
async fn department_reviewer(t: &TestApp, admin: &Client, username: &str, unit: i64) -> Client {
    let made = admin
        .post(
            "/api/admin/users",
            &json!({"username": username, "password": "first-password-1",
                    "role": "department_reviewer", "unit_id": unit}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    Client::first_login(&t.app, username, "first-password-1", "Own-password-22").await
}

async fn unit_department_reviewer_finance(kind: Kind) {
    let Some(t) = TestApp::with(kind, |app| app).await else {
        return;
    };
    let admin = t.login("admin").await;
    let filler = t.login("xingguo_filler").await;
    let reviewer = t.login("reviewer").await;
    let region = admin.get("/api/admin/regions").await.body[0]["id"]
        .as_i64()
        .unwrap();
    let town = unit_id(&admin, "420222001").await;
    let education = unit_id(&admin, "420222002").await;
    let health = unit_id(&admin, "420222003").await;

    // The settings: refused when empty, then on; the tree is one level, inside the region.
    let empty = patch(&admin, &format!("/api/admin/regions/{region}"), json!({})).await;
    assert_eq!(
        empty.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        empty.body
    );
    let on = patch(
        &admin,
        &format!("/api/admin/regions/{region}"),
        json!({"department_review": true}),
    )
    .await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    assert_eq!(on.body["department_review"], true);
    assert_eq!(on.body["unit_sign_off"], false, "the other setting is kept");
    let own = patch(
        &admin,
        &format!("/api/admin/units/{education}"),
        json!({"department_id": education}),
    )
    .await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", own.body);
    let set = patch(
        &admin,
        &format!("/api/admin/units/{town}"),
        json!({"department_id": education}),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(set.body["department_id"], education);
    let chain = patch(
        &admin,
        &format!("/api/admin/units/{education}"),
        json!({"department_id": health}),
    )
    .await;
    assert_eq!(
        chain.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        chain.body
    );
    assert!(chain.body["message"].as_str().unwrap().contains("一级"));
    let missing = patch(
        &admin,
        "/api/admin/units/999999",
        json!({"department_id": education}),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let by_filler = patch(
        &filler,
        &format!("/api/admin/units/{town}"),
        json!({"department_id": null}),
    )
    .await;
    assert_eq!(by_filler.status, StatusCode::FORBIDDEN);

    // A department reviewer needs a unit, and cannot create forms.
    let no_unit = admin
        .post(
            "/api/admin/users",
            &json!({"username": "dept_nounit", "password": "first-password-1",
                    "role": "department_reviewer"}),
        )
        .await;
    assert_eq!(
        no_unit.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        no_unit.body
    );
    // The demo's department reviewer of 教育局; another made here for 卫生健康局.
    let dept = t.login("jiaoyu_dept").await;
    let other_dept = department_reviewer(&t, &admin, "weijian_dept", health).await;
    let create = dept
        .post("/api/forms", &json!({"from": "blank", "fiscal_year": 2026}))
        .await;
    assert_eq!(create.status, StatusCode::FORBIDDEN, "{}", create.body);
    let units = dept.get("/api/units").await.body;
    let ids: Vec<i64> = units
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&education) && ids.contains(&town), "{units}");
    assert!(!ids.contains(&health), "{units}");

    // Before the unit submits, the department does not see the draft.
    let id = filler.get("/api/forms").await.body[0]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        dept.get(&format!("/api/forms/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        dept.get("/api/forms").await.body.as_array().unwrap().len(),
        0
    );

    // Submitted: it waits for the department; the finance bureau does not have it yet.
    let sub = filler
        .post(
            &format!("/api/forms/{id}/submit"),
            &json!({"base_version": 1}),
        )
        .await;
    assert_eq!(sub.status, StatusCode::OK, "{}", sub.body);
    assert_eq!(sub.body["status"], "awaiting_department");
    let early = reviewer
        .post(
            &format!("/api/forms/{id}/review"),
            &json!({"decision": "approve", "grades": grades("优")}),
        )
        .await;
    assert_eq!(early.status, StatusCode::NOT_FOUND, "{}", early.body);
    let listed = dept.get("/api/forms").await.body;
    assert_eq!(listed[0]["id"], id, "{listed}");
    assert_eq!(listed[0]["status"], "awaiting_department");
    // Another department sees nothing of it; the filler cannot pass it on.
    assert_eq!(
        other_dept.get(&format!("/api/forms/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other_dept
            .get("/api/forms")
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let by_unit = filler
        .post(
            &format!("/api/forms/{id}/sign-off"),
            &json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(by_unit.status, StatusCode::FORBIDDEN, "{}", by_unit.body);
    assert!(
        by_unit.body["message"]
            .as_str()
            .unwrap()
            .contains("主管部门审核人"),
        "{}",
        by_unit.body
    );

    // Its pages: the queue on the home page, the step button and its confirmation.
    let home = page_helpers::html(&dept.get("/").await);
    assert!(home.contains(&format!("/forms/{id}")), "{home}");
    let view = page_helpers::html(&dept.get(&format!("/forms/{id}")).await);
    assert!(view.contains("主管部门审核"), "{view}");
    let confirm = page_helpers::html(&dept.get(&format!("/forms/{id}/step/sign-off")).await);
    assert!(confirm.contains("审核通过，报送财政"), "{confirm}");

    // The department returns it (a reason is required), the unit submits again.
    let bare = dept
        .post(
            &format!("/api/forms/{id}/sign-off"),
            &json!({"decision": "return"}),
        )
        .await;
    assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
    let back = dept
        .post(
            &format!("/api/forms/{id}/sign-off"),
            &json!({"decision": "return", "reason": "学生资助指标请补充"}),
        )
        .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    assert_eq!(back.body["status"], "returned");
    // Withdrawn while waiting for the department: a draft again.
    filler
        .post(
            &format!("/api/forms/{id}/submit"),
            &json!({"base_version": 1}),
        )
        .await;
    let w = filler
        .post(&format!("/api/forms/{id}/withdraw"), &json!({}))
        .await;
    assert_eq!(w.body["status"], "draft", "{}", w.body);
    filler
        .post(
            &format!("/api/forms/{id}/submit"),
            &json!({"base_version": 1}),
        )
        .await;

    // The department passes it on: now the finance bureau has it and returns it.
    let passed = dept
        .post(
            &format!("/api/forms/{id}/sign-off"),
            &json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(passed.status, StatusCode::OK, "{}", passed.body);
    assert_eq!(passed.body["status"], "submitted");
    let again = dept
        .post(
            &format!("/api/forms/{id}/sign-off"),
            &json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    let ret = reviewer
        .post(
            &format!("/api/forms/{id}/review"),
            &json!({"decision": "return", "reason": "请核对", "grades": grades("中")}),
        )
        .await;
    assert_eq!(ret.status, StatusCode::OK, "{}", ret.body);
    // The department cannot return what the finance bureau has, nor review it.
    let review = dept
        .post(
            &format!("/api/forms/{id}/review"),
            &json!({"decision": "approve", "grades": grades("优")}),
        )
        .await;
    assert_eq!(review.status, StatusCode::FORBIDDEN, "{}", review.body);

    // Resubmitted, it passes the department again before finance approves it.
    let sub = filler
        .post(
            &format!("/api/forms/{id}/submit"),
            &json!({"base_version": 1}),
        )
        .await;
    assert_eq!(sub.body["status"], "awaiting_department", "{}", sub.body);
    let early = reviewer
        .post(
            &format!("/api/forms/{id}/review"),
            &json!({"decision": "approve", "grades": grades("优")}),
        )
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.body);
    dept.post(
        &format!("/api/forms/{id}/sign-off"),
        &json!({"decision": "approve"}),
    )
    .await;
    let ok = reviewer
        .post(
            &format!("/api/forms/{id}/review"),
            &json!({"decision": "approve", "grades": grades("优")}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.body["status"], "approved");

    // Every step is on record with who took it.
    let audit = filler.get(&format!("/api/forms/{id}/audit")).await.body;
    let text = audit.to_string();
    assert!(
        text.contains("主管部门退回第 1 版：学生资助指标请补充"),
        "{text}"
    );
    assert!(
        text.contains("主管部门审核通过第 1 版，报送财政审核"),
        "{text}"
    );

    // Turned off, a unit's submission goes straight to the finance bureau again.
    let off = patch(
        &admin,
        &format!("/api/admin/regions/{region}"),
        json!({"department_review": false}),
    )
    .await;
    assert_eq!(off.body["department_review"], false, "{}", off.body);
    let cleared = patch(
        &admin,
        &format!("/api/admin/units/{town}"),
        json!({"department_id": null}),
    )
    .await;
    assert_eq!(
        cleared.body["department_id"],
        Value::Null,
        "{}",
        cleared.body
    );
    t.cleanup().await;
}
on_both!(unit_department_reviewer_finance);
