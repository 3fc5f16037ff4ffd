//! The life of a form through the API: save with optimistic concurrency, submit refused while
//! errors remain, return with a comment, resubmit, approve with grades, publish, adjust, history,
//! diff, audit, export, and the next year's rollover.

use crate::common;

use axum::http::StatusCode;
use common::{Kind, TestApp};
use serde_json::{Value, json};

fn grades(g: &str) -> Value {
    json!({"completeness": g, "relevance": g, "suitability": g, "feasibility": g})
}

/// The codes of the error findings in an answer.
fn error_codes(body: &Value) -> Vec<String> {
    body["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["severity"] == "error")
                .map(|f| f["code"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn lifecycle(kind: Kind) {
    let Some(t) = TestApp::with(kind, |app| app).await else {
        return;
    };
    let filler = t.login("xingguo_filler").await;
    let reviewer = t.login("reviewer").await;

    let list = filler.get("/api/forms").await;
    assert_eq!(list.status, StatusCode::OK);
    let items = list.body.as_array().unwrap();
    assert_eq!(items.len(), 1);
    let id = items[0]["id"].as_i64().unwrap();
    assert_eq!(items[0]["unit_name"], "阳新县兴国镇人民政府");
    assert_eq!(items[0]["status"], "draft");
    assert_eq!(items[0]["income_total"], "1679.6");

    let got = filler.get(&format!("/api/forms/{id}")).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body["version"], 1);
    assert_eq!(
        got.body["form"]["header"]["phone"], "15172093138",
        "the unit sees its phone"
    );
    let mut form = got.body["form"].clone();

    // Save with the unit name removed: version 2, with an error (H003).
    form["header"]["unit_name"] = json!("");
    let saved = filler
        .put(
            &format!("/api/forms/{id}"),
            &json!({"base_version": 1, "form": form}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.body["version"], 2);
    assert_eq!(error_codes(&saved.body), ["H003"], "{}", saved.body);

    // A save on the stale base gets 409 with the current version.
    let stale = filler
        .put(
            &format!("/api/forms/{id}"),
            &json!({"base_version": 1, "form": form}),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stale.body["error"], "stale_version");
    assert_eq!(stale.body["current_version"], 2);
    assert!(stale.body["current"]["header"].is_object());
    assert!(stale.body["message"].as_str().unwrap().contains("第 2 版"));

    // Submission refused while errors remain.
    let refused = filler
        .post(
            &format!("/api/forms/{id}/submit"),
            &json!({"base_version": 2}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_codes(&refused.body), ["H003"], "{}", refused.body);

    form["header"]["unit_name"] = json!("阳新县兴国镇人民政府");
    let saved = filler
        .put(
            &format!("/api/forms/{id}"),
            &json!({"base_version": 2, "form": form}),
        )
        .await;
    assert_eq!(saved.body["version"], 3);
    let sub = filler
        .post(
            &format!("/api/forms/{id}/submit"),
            &json!({"base_version": 3}),
        )
        .await;
    assert_eq!(sub.status, StatusCode::OK, "{}", sub.body);
    assert_eq!(sub.body["status"], "submitted");

    // A submitted form is read-only for the unit; the reviewer cannot edit it either.
    let locked = filler
        .put(
            &format!("/api/forms/{id}"),
            &json!({"base_version": 3, "form": form}),
        )
        .await;
    assert_eq!(locked.status, StatusCode::CONFLICT);
    assert_eq!(locked.body["error"], "wrong_status");
    let rev_edit = reviewer
        .put(
            &format!("/api/forms/{id}"),
            &json!({"base_version": 3, "form": form}),
        )
        .await;
    assert_eq!(rev_edit.status, StatusCode::FORBIDDEN);
    // The unit cannot approve its own form.
    let self_approve = filler
        .post(
            &format!("/api/forms/{id}/review"),
            &json!({"decision": "approve", "grades": grades("优")}),
        )
        .await;
    assert_eq!(self_approve.status, StatusCode::FORBIDDEN);

    // The reviewer sees the phone masked.
    let rv = reviewer.get(&format!("/api/forms/{id}")).await;
    assert_eq!(rv.body["form"]["header"]["phone"], "151****3138");

    // Return needs a reason; comments must point into the form.
    let no_reason = reviewer
        .post(
            &format!("/api/forms/{id}/review"),
            &json!({"decision": "return", "grades": grades("中")}),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_path = reviewer
        .post(
            &format!("/api/forms/{id}/review"),
            &json!({"decision": "return", "reason": "指标不够细", "grades": grades("中"),
                    "comments": [{"path": "/nowhere/9", "text": "?"}]}),
        )
        .await;
    assert_eq!(bad_path.status, StatusCode::UNPROCESSABLE_ENTITY);
    let cannot_pass = reviewer
        .post(
            &format!("/api/forms/{id}/review"),
            &json!({"decision": "approve", "grades": grades("中")}),
        )
        .await;
    assert_eq!(cannot_pass.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ret = reviewer
        .post(
            &format!("/api/forms/{id}/review"),
            &json!({"decision": "return", "reason": "年度指标需细化", "grades": grades("中"),
                    "comments": [{"path": "/indicators/annual/rows/0/target", "text": "请给出依据"}]}),
        )
        .await;
    assert_eq!(ret.status, StatusCode::OK, "{}", ret.body);
    assert_eq!(ret.body["status"], "returned");

    // The unit sees the comment in place; fixes; resubmits.
    let back = filler.get(&format!("/api/forms/{id}")).await;
    assert_eq!(back.body["status"], "returned");
    assert_eq!(
        back.body["comments"][0]["path"],
        "/indicators/annual/rows/0/target"
    );
    assert_eq!(back.body["comments"][0]["text"], "请给出依据");
    assert_eq!(back.body["grades"]["completeness"], "中");
    let before = form["indicators"]["annual"]["rows"][0]["basis"].clone();
    assert_ne!(before, json!("历史标准"));
    form["indicators"]["annual"]["rows"][0]["basis"] = json!("历史标准");
    let saved = filler
        .put(
            &format!("/api/forms/{id}"),
            &json!({"base_version": 3, "form": form}),
        )
        .await;
    assert_eq!(saved.body["version"], 4);
    let sub = filler
        .post(
            &format!("/api/forms/{id}/submit"),
            &json!({"base_version": 4}),
        )
        .await;
    assert_eq!(sub.status, StatusCode::OK);

    // Approve, publish.
    let ok = reviewer
        .post(
            &format!("/api/forms/{id}/review"),
            &json!({"decision": "approve", "reason": "", "grades": grades("优")}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.body["status"], "approved");
    let approved_edit = filler
        .put(
            &format!("/api/forms/{id}"),
            &json!({"base_version": 4, "form": form}),
        )
        .await;
    assert_eq!(
        approved_edit.status,
        StatusCode::CONFLICT,
        "approved forms are read-only"
    );
    let publish_by_unit = filler
        .post(&format!("/api/forms/{id}/publish"), &json!({}))
        .await;
    assert_eq!(publish_by_unit.status, StatusCode::FORBIDDEN);
    let publ = reviewer
        .post(&format!("/api/forms/{id}/publish"), &json!({}))
        .await;
    assert_eq!(publ.body["status"], "published");

    // Adjust: a new draft version; the approved one stays on record.
    let adj = filler
        .post(&format!("/api/forms/{id}/adjust"), &json!({}))
        .await;
    assert_eq!(adj.status, StatusCode::OK, "{}", adj.body);
    assert_eq!(adj.body["version"], 5);
    let now = filler.get(&format!("/api/forms/{id}")).await;
    assert_eq!(now.body["status"], "draft");
    assert_eq!(now.body["approved_version"], 4);

    // History, diff, audit, export.
    let versions = filler.get(&format!("/api/forms/{id}/versions")).await;
    let v: Vec<i64> = versions
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["version"].as_i64().unwrap())
        .collect();
    assert_eq!(v, [1, 2, 3, 4, 5]);
    assert_eq!(versions.body[1]["saved_by"], "xingguo_filler");
    let v1 = filler.get(&format!("/api/forms/{id}/versions/1")).await;
    assert_eq!(v1.body["form"]["header"]["filler"], "刘洋");
    let d = filler
        .get(&format!("/api/forms/{id}/diff?from=3&to=4"))
        .await;
    assert_eq!(d.status, StatusCode::OK);
    assert_eq!(
        d.body,
        json!([{"path": "/indicators/annual/rows/0/basis", "before": before, "after": "历史标准"}])
    );
    let audit = reviewer.get(&format!("/api/forms/{id}/audit")).await;
    let actions: Vec<&str> = audit
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "create", "save", "save", "submit", "return", "save", "submit", "approve", "publish",
            "adjust"
        ]
    );
    let missing = filler.get(&format!("/api/forms/{id}/versions/99")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let exp = reviewer
        .get(&format!("/api/forms/{id}/export?format=json&version=4"))
        .await;
    assert_eq!(exp.status, StatusCode::OK);
    assert_eq!(exp.headers["content-type"], "application/json");
    assert!(
        exp.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(
        exp.body["header"]["phone"], "151****3138",
        "exports outside the unit are masked"
    );
    let pdf = reviewer
        .get(&format!("/api/forms/{id}/export?format=pdf"))
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(pdf.bytes.starts_with(b"%PDF-"), "a PDF");
    let unknown = reviewer
        .get(&format!("/api/forms/{id}/export?format=docx"))
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Analytics rows are stored for submitted versions (3 and 4), not for drafts.
    assert_eq!(t.state.db.indicator_count(id, 4).await.unwrap(), 78);
    assert_eq!(t.state.db.indicator_count(id, 3).await.unwrap(), 78);
    assert_eq!(t.state.db.indicator_count(id, 2).await.unwrap(), 0);
    t.cleanup().await;
}
on_both!(lifecycle);

async fn rollover(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let filler = t.login("xingguo_filler").await;
    let reviewer = t.login("reviewer").await;
    let id = filler.get("/api/forms").await.body[0]["id"]
        .as_i64()
        .unwrap();

    let early = filler
        .post(
            "/api/forms",
            &json!({"fiscal_year": 2027, "from": "last_year"}),
        )
        .await;
    assert_eq!(
        early.status,
        StatusCode::NOT_FOUND,
        "nothing approved yet: {}",
        early.body
    );

    assert_eq!(
        filler
            .post(
                &format!("/api/forms/{id}/submit"),
                &json!({"base_version": 1})
            )
            .await
            .status,
        StatusCode::OK
    );
    let ok = reviewer
        .post(
            &format!("/api/forms/{id}/review"),
            &json!({"decision": "approve", "grades": grades("良")}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);

    let made = filler
        .post(
            "/api/forms",
            &json!({"fiscal_year": 2027, "from": "last_year"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let new_id = made.body["id"].as_i64().unwrap();
    let new = filler.get(&format!("/api/forms/{new_id}")).await.body;
    assert_eq!(new["fiscal_year"], 2027);
    let f = &new["form"];
    assert_eq!(f["funding"]["last_year"], 2026);
    assert_eq!(f["funding"]["year_before"], 2025);
    assert_eq!(f["funding"]["income"]["total"]["last_year"], "1679.6");
    assert_eq!(f["funding"]["income"]["total"]["year_before"], "1170.2");
    assert_eq!(f["funding"]["income"]["total"]["current"], Value::Null);

    let again = filler
        .post(
            "/api/forms",
            &json!({"fiscal_year": 2027, "from": "last_year"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.body["id"], new_id);

    let blank = filler
        .post(
            "/api/forms",
            &json!({"fiscal_year": 2028, "template_id": "hubei-dept-2026"}),
        )
        .await;
    assert_eq!(blank.status, StatusCode::CREATED);
    let b = filler
        .get(&format!("/api/forms/{}", blank.body["id"]))
        .await
        .body;
    assert_eq!(b["form"]["header"]["unit_name"], "阳新县兴国镇人民政府");
    assert_eq!(
        b["form"]["funding"]["income"]["rows"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    let from_reviewer = reviewer
        .post("/api/forms", &json!({"fiscal_year": 2029}))
        .await;
    assert_eq!(from_reviewer.status, StatusCode::FORBIDDEN);
    t.cleanup().await;
}
on_both!(rollover);

/// The everyday steps around submission: internal sign-off where the region asks for it (the
/// filler submits to the unit approver, who returns or signs off), withdrawal before anyone
/// decides, comments resolved by the next submission, and deleting a draft never submitted.
async fn sign_off_withdraw_discard(kind: Kind) {
    let Some(t) = TestApp::with(kind, |app| app).await else {
        return;
    };
    let filler = t.login("xingguo_filler").await;
    let approver = t.login("xingguo_approver").await;
    let reviewer = t.login("reviewer").await;
    let admin = t.login("admin").await;
    let id = filler.get("/api/forms").await.body[0]["id"]
        .as_i64()
        .unwrap();
    let region = admin.get("/api/admin/regions").await.body[0]["id"]
        .as_i64()
        .unwrap();
    let on = admin
        .call(
            axum::http::Method::PATCH,
            &format!("/api/admin/regions/{region}"),
            Some(&json!({"unit_sign_off": true})),
        )
        .await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    assert_eq!(on.body["unit_sign_off"], true);

    // The filler submits: it waits for the unit approver, and the reviewer cannot review it.
    let sub = filler
        .post(
            &format!("/api/forms/{id}/submit"),
            &json!({"base_version": 1}),
        )
        .await;
    assert_eq!(sub.status, StatusCode::OK, "{}", sub.body);
    assert_eq!(sub.body["status"], "awaiting_sign_off");
    let early = reviewer
        .post(
            &format!("/api/forms/{id}/review"),
            &json!({"decision": "approve", "grades": grades("优")}),
        )
        .await;
    assert_eq!(
        early.status,
        StatusCode::NOT_FOUND,
        "before sign-off the form has not reached the finance side: {}",
        early.body
    );
    // Only the approver signs off; the filler is told who may.
    let own = filler
        .post(
            &format!("/api/forms/{id}/sign-off"),
            &json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    assert!(own.body["message"].as_str().unwrap().contains("单位审核人"));
    // The approver returns it without a reason: refused; with one: returned.
    let bare = approver
        .post(
            &format!("/api/forms/{id}/sign-off"),
            &json!({"decision": "return"}),
        )
        .await;
    assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
    let back = approver
        .post(
            &format!("/api/forms/{id}/sign-off"),
            &json!({"decision": "return", "reason": "请补充年度工作任务"}),
        )
        .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    assert_eq!(back.body["status"], "returned");
    // Resubmitted and signed off: now the finance bureau has it.
    filler
        .post(
            &format!("/api/forms/{id}/submit"),
            &json!({"base_version": 1}),
        )
        .await;
    let signed = approver
        .post(
            &format!("/api/forms/{id}/sign-off"),
            &json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    assert_eq!(signed.body["status"], "submitted");

    // The reviewer returns it with a comment; the unit revises and submits again: the comment
    // is resolved by that version and stays on record.
    let ret = reviewer
        .post(
            &format!("/api/forms/{id}/review"),
            &json!({"decision": "return", "reason": "请核对", "grades": grades("中"),
                    "comments": [{"path": "/funding", "text": "运转类支出请核实"}]}),
        )
        .await;
    assert_eq!(ret.status, StatusCode::OK, "{}", ret.body);
    let got = filler.get(&format!("/api/forms/{id}")).await.body;
    assert_eq!(got["comments"][0]["resolved_version"], Value::Null);
    assert_eq!(got["comments"][0]["author_name"], "县财政局绩效股 张敏");
    let saved = filler
        .put(
            &format!("/api/forms/{id}"),
            &json!({"base_version": 1, "form": got["form"]}),
        )
        .await;
    assert_eq!(saved.body["version"], 2, "{}", saved.body);
    // Where the region asks for sign-off, filler and approver are different people: the
    // approver cannot send the form to finance on their own.
    let own = approver
        .post(
            &format!("/api/forms/{id}/submit"),
            &json!({"base_version": 2}),
        )
        .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN, "{}", own.body);
    assert_eq!(own.body["message"], "只有本单位的填报人可以提交申报表");
    let sub = filler
        .post(
            &format!("/api/forms/{id}/submit"),
            &json!({"base_version": 2}),
        )
        .await;
    assert_eq!(sub.body["status"], "awaiting_sign_off", "{}", sub.body);
    let signed = approver
        .post(
            &format!("/api/forms/{id}/sign-off"),
            &json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(signed.body["status"], "submitted", "{}", signed.body);
    let got = filler.get(&format!("/api/forms/{id}")).await.body;
    assert_eq!(got["comments"][0]["resolved_version"], 2);

    // Withdrawn before the reviewer decides: a draft again, every version kept.
    let w = filler
        .post(&format!("/api/forms/{id}/withdraw"), &json!({}))
        .await;
    assert_eq!(w.status, StatusCode::OK, "{}", w.body);
    assert_eq!(w.body["status"], "draft");
    let again = filler
        .post(&format!("/api/forms/{id}/withdraw"), &json!({}))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    // A form submitted once is not deleted.
    let del = filler
        .call(
            axum::http::Method::DELETE,
            &format!("/api/forms/{id}"),
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::CONFLICT, "{}", del.body);
    assert_eq!(del.body["error"], "submitted_before");

    // A new blank draft of another year is deleted, and the deletion is audited.
    let created = filler
        .post(
            "/api/forms",
            &json!({"from": "blank", "fiscal_year": 2031, "template_id": "hubei-dept-2026"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let new_id = created.body["id"].as_i64().unwrap();
    let not_yours = reviewer
        .call(
            axum::http::Method::DELETE,
            &format!("/api/forms/{new_id}"),
            None,
        )
        .await;
    assert_eq!(
        not_yours.status,
        StatusCode::NOT_FOUND,
        "a new draft is the unit's own: the reviewer does not see it"
    );
    let del = filler
        .call(
            axum::http::Method::DELETE,
            &format!("/api/forms/{new_id}"),
            None,
        )
        .await;
    assert_eq!(del.status, StatusCode::NO_CONTENT, "{}", del.body);
    assert_eq!(
        filler.get(&format!("/api/forms/{new_id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let log = t.login("auditor").await.get("/api/admin/audit").await.body;
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "discard"
                && a["detail"]
                    .as_str()
                    .unwrap()
                    .contains("2031 年度申报表草稿")),
        "{log}"
    );
    t.cleanup().await;
}

on_both!(sign_off_withdraw_discard);

/// A typed value the form cannot hold (a year out of range) is a finding on its field, not a
/// parser message with a line and column; a save of it says the same and keeps nothing.
#[tokio::test]
async fn refused_values_are_located_findings() {
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let filler = t.login("xingguo_filler").await;
    let id = filler.get("/api/forms").await.body[0]["id"]
        .as_i64()
        .unwrap();
    let mut form = filler.get(&format!("/api/forms/{id}")).await.body["form"].clone();
    form["goals"]["long_term"]["deadline_year"] = json!(1800);
    for (answer, what) in [
        (
            filler.post("/api/validate", &json!({"form": form})).await,
            "validate",
        ),
        (
            filler
                .put(
                    &format!("/api/forms/{id}"),
                    &json!({"base_version": 1, "form": form}),
                )
                .await,
            "save",
        ),
    ] {
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}");
        let f = &answer.body["findings"][0];
        assert_eq!(
            f["path"], "/goals/long_term/deadline_year",
            "{what}: {}",
            answer.body
        );
        assert_eq!(f["code"], "INPUT");
        let message = answer.body["message"].as_str().unwrap();
        assert!(
            !message.contains(" line ")
                && !message.contains("column")
                && !message.contains("/form"),
            "{message}"
        );
        assert!(f["message"].as_str().unwrap().contains("1800"), "{f}");
    }
    assert_eq!(
        filler.get(&format!("/api/forms/{id}")).await.body["version"],
        1
    );
    // Findings name their place as the pages do.
    let ok = filler
        .post(
            "/api/validate",
            &json!({"form": filler.get(&format!("/api/forms/{id}")).await.body["form"]}),
        )
        .await;
    let labels: Vec<&str> = ok.body["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["label"].as_str().unwrap())
        .collect();
    assert!(labels.iter().all(|l| !l.is_empty()), "{labels:?}");
    t.cleanup().await;
}
