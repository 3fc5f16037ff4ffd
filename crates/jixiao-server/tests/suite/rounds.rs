//! After approval, through the API: the finance reviewer opens a monitoring round for the
//! region's approved declarations; the unit enters values, is refused while a red light has no
//! reason, submits; the reviewer accepts and publishes; a self-evaluation round starts from the
//! monitoring actuals and reaches a total and a grade; the round boards count colours and
//! grades and download as workbooks. On SQLite and on PostgreSQL.

use crate::common;

use axum::http::StatusCode;
use common::{Client, Kind, TestApp};
use serde_json::{Value, json};

/// A date `days` from today (Beijing), as `YYYY-MM-DD`.
fn in_days(days: i64) -> String {
    let (y, m, d) = jixiao_storage::beijing_date(jixiao_storage::now_ms() + days * 86_400_000);
    format!("{y}-{m:02}-{d:02}")
}

/// Submits the demo draft of 兴国镇 and approves it; returns the form id.
pub async fn approve_demo_draft(filler: &Client, reviewer: &Client) -> i64 {
    let list = filler.get("/api/forms").await;
    let id = list.body[0]["id"].as_i64().unwrap();
    let version = list.body[0]["version"].as_i64().unwrap();
    let sub = filler
        .post(
            &format!("/api/forms/{id}/submit"),
            &json!({"base_version": version}),
        )
        .await;
    assert_eq!(sub.status, StatusCode::OK, "{}", sub.body);
    let g =
        json!({"completeness": "优", "relevance": "优", "suitability": "良", "feasibility": "优"});
    let ok = reviewer
        .post(
            &format!("/api/forms/{id}/review"),
            &json!({"decision": "approve", "reason": "", "grades": g}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    id
}

/// A value that meets the target in full (`share` = 1) or its time-proportioned share.
fn value_for(target: &Value, share: f64) -> String {
    match target["kind"].as_str() {
        Some("quantity") => {
            let t: f64 = target["number"].as_str().unwrap().parse().unwrap();
            let unit = target["unit"].as_str().unwrap_or("");
            let reverse = matches!(target["comparator"].as_str(), Some("≤" | "<"));
            let a = if reverse { t } else { t * share };
            format!("{}{unit}", (a * 100.0).round() / 100.0)
        }
        _ => "达成".into(),
    }
}

fn error_paths(body: &Value) -> Vec<(String, String)> {
    body["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["severity"] == "error")
                .map(|f| {
                    (
                        f["code"].as_str().unwrap().to_string(),
                        f["path"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn monitoring_then_self_evaluation(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let filler = t.login("xingguo_filler").await;
    let reviewer = t.login("reviewer").await;
    let other_unit = t.login("jiaoyu_filler").await;
    let round = |kind: &str, month: Option<i64>, deadline: String| json!({"kind": kind, "fiscal_year": 2026, "month": month, "deadline": deadline});

    // Nothing approved yet: nothing to monitor.
    let early = reviewer
        .post("/api/rounds", &round("monitoring", Some(6), in_days(30)))
        .await;
    assert_eq!(
        early.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        early.body
    );
    assert!(
        early.body["message"]
            .as_str()
            .unwrap()
            .contains("还没有已批复")
    );

    let form_id = approve_demo_draft(&filler, &reviewer).await;

    // Only finance opens rounds; bad input is refused with a reason.
    let by_unit = filler
        .post("/api/rounds", &round("monitoring", Some(6), in_days(30)))
        .await;
    assert_eq!(by_unit.status, StatusCode::FORBIDDEN);
    for (body, says) in [
        (round("monitoring", Some(13), in_days(30)), "1–12"),
        (round("monitoring", Some(6), in_days(-2)), "已经过去"),
        (round("monitoring", Some(6), "七月中旬".into()), "无法识别"),
        (round("declaration", Some(6), in_days(30)), "截止月份"),
        (round("audit", Some(6), in_days(30)), "任务种类"),
    ] {
        let refused = reviewer.post("/api/rounds", &body).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            refused.body["message"].as_str().unwrap().contains(says),
            "{}",
            refused.body
        );
    }

    let opened = reviewer
        .post("/api/rounds", &round("monitoring", Some(6), in_days(30)))
        .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    assert_eq!(opened.body["created"], 1);
    let skipped: Vec<&str> = opened.body["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(skipped.iter().any(|s| s.contains("教育局")), "{skipped:?}");
    let round_id = opened.body["round"]["id"].as_i64().unwrap();
    let again = reviewer
        .post("/api/rounds", &round("monitoring", Some(6), in_days(30)))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.body["error"], "round_exists");

    // The unit finds its report, made from the approved version.
    let mine = filler.get("/api/reports").await;
    assert_eq!(mine.status, StatusCode::OK);
    let reports = mine.body["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 1);
    let id = reports[0]["id"].as_i64().unwrap();
    assert_eq!(reports[0]["declaration_id"], form_id);
    assert_eq!(reports[0]["status"], "draft");
    assert_eq!(
        other_unit.get(&format!("/api/reports/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other_unit.get("/api/reports").await.body["reports"],
        json!([])
    );

    let got = filler.get(&format!("/api/reports/{id}")).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    let mut doc = got.body["document"].clone();
    assert_eq!(doc["kind"], "monitoring");
    assert_eq!(doc["header"]["month"], 6);
    assert!(doc["declaration"]["version"].as_i64().is_some());
    let rows = doc["indicators"].as_array().unwrap().len();
    assert_eq!(rows, 39);
    assert!(got.body["evaluation"]["colour"].is_null());

    // Fill every value on schedule, but one far behind: a red light.
    for i in 0..rows {
        let target = doc["indicators"][i]["target"].clone();
        doc["indicators"][i]["actual"] = json!(value_for(&target, 0.5));
        doc["indicators"][i]["likelihood"] = json!("certain");
    }
    let red_row = (0..rows)
        .find(|&i| {
            doc["indicators"][i]["target"]["comparator"] == "≥"
                && doc["indicators"][i]["target"]["unit"] == "项"
        })
        .unwrap();
    let unit = doc["indicators"][red_row]["target"]["unit"]
        .as_str()
        .unwrap()
        .to_string();
    doc["indicators"][red_row]["actual"] = json!(format!("0{unit}"));
    for b in doc["budget"].as_array_mut().unwrap() {
        let adjusted: f64 = b["adjusted"].as_str().unwrap_or("0").parse().unwrap();
        b["executed"] = json!(format!("{:.2}", adjusted / 2.0));
    }
    let saved = filler
        .put(
            &format!("/api/reports/{id}"),
            &json!({"base_version": 1, "document": doc}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.body["version"], 2);
    let ev = &saved.body["evaluation"];
    assert_eq!(ev["colour"], "red", "{ev}");
    assert_eq!(ev["indicators"][red_row]["colour"], "red");
    assert_eq!(
        ev["indicators"][0]["colour"], "green",
        "{}",
        ev["indicators"][0]
    );
    assert_eq!(ev["budget"]["colour"], "green", "{}", ev["budget"]);
    let reason_path = format!("/indicators/{red_row}/reasons");
    assert!(
        error_paths(ev).contains(&("M006".into(), reason_path.clone())),
        "{:?}",
        error_paths(ev)
    );

    // Stale base: 409 with the current document; targets are not the unit's to change.
    let stale = filler
        .put(
            &format!("/api/reports/{id}"),
            &json!({"base_version": 1, "document": doc}),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stale.body["current_version"], 2);
    let mut moved = doc.clone();
    moved["indicators"][0]["target"]["number"] = json!("1");
    let refused = filler
        .put(
            &format!("/api/reports/{id}"),
            &json!({"base_version": 2, "document": moved}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("年度指标值")
    );
    let garbled = filler
        .put(
            &format!("/api/reports/{id}"),
            &json!({"base_version": 2, "document": {"kind": "monitoring", "header": 5}}),
        )
        .await;
    assert_eq!(
        garbled.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        garbled.body
    );

    // Refused until the red row has its reason.
    let refused = filler
        .post(
            &format!("/api/reports/{id}/submit"),
            &json!({"base_version": 2}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_paths(&refused.body).contains(&("M006".into(), reason_path)));
    doc["indicators"][red_row]["reasons"] = json!(["funding"]);
    doc["indicators"][red_row]["reason_text"] = json!("上级资金下半年到位");
    doc["indicators"][red_row]["likelihood"] = json!("possible");
    doc["analysis"] = json!("部分项目资金下半年到位，预计年底完成。");
    let saved = filler
        .put(
            &format!("/api/reports/{id}"),
            &json!({"base_version": 2, "document": doc}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(error_paths(&saved.body["evaluation"]), vec![]);
    let sub = filler
        .post(
            &format!("/api/reports/{id}/submit"),
            &json!({"base_version": 3}),
        )
        .await;
    assert_eq!(sub.status, StatusCode::OK, "{}", sub.body);
    assert_eq!(sub.body["status"], "submitted");

    // The reviewer's board: one unit, red; the unit cannot accept its own report.
    let board = reviewer.get(&format!("/api/rounds/{round_id}")).await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.body);
    assert_eq!(board.body["rows"][0]["colour"], "red");
    assert_eq!(board.body["counts"]["units"], 1);
    assert!(
        board.body["counts"]["colours"]
            .as_array()
            .unwrap()
            .contains(&json!(["red", 1]))
    );
    assert_eq!(
        filler.get(&format!("/api/rounds/{round_id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let xlsx = reviewer
        .get(&format!("/api/rounds/{round_id}/board.xlsx"))
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.bytes.starts_with(b"PK"));
    let self_accept = filler
        .post(
            &format!("/api/reports/{id}/review"),
            &json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(self_accept.status, StatusCode::FORBIDDEN);
    let no_reason = reviewer
        .post(
            &format!("/api/reports/{id}/review"),
            &json!({"decision": "return"}),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let accepted = reviewer
        .post(
            &format!("/api/reports/{id}/review"),
            &json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert_eq!(accepted.body["status_label"], "已审核");
    let published = reviewer
        .post(&format!("/api/reports/{id}/publish"), &json!({}))
        .await;
    assert_eq!(published.body["status"], "published", "{}", published.body);
    let audit = filler.get(&format!("/api/reports/{id}/audit")).await;
    let actions: Vec<&str> = audit.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["create", "save", "save", "submit", "approve", "publish"]
    );
    let file = reviewer
        .get(&format!("/api/reports/{id}/export?format=xlsx"))
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.bytes.starts_with(b"PK"));
    let pdf = filler
        .get(&format!("/api/reports/{id}/export?format=pdf"))
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    let page = reviewer
        .get(&format!("/api/reports/{id}/export?format=html"))
        .await;
    let page = String::from_utf8_lossy(&page.bytes).into_owned();
    assert!(
        page.contains("红灯") && page.contains("阳新县兴国镇人民政府"),
        "{page}"
    );
    assert!(
        !page.contains("15172093138"),
        "finance's copy masks the phone"
    );
    let odd = reviewer
        .get(&format!("/api/reports/{id}/export?format=docx"))
        .await;
    assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Self-evaluation: made from the declaration, starting from the monitoring actuals.
    let opened = reviewer
        .post("/api/rounds", &round("self_evaluation", None, in_days(60)))
        .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    let round_id = opened.body["round"]["id"].as_i64().unwrap();
    let mine = filler.get("/api/reports").await;
    let eval = mine.body["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "self_evaluation")
        .unwrap()
        .clone();
    let eid = eval["id"].as_i64().unwrap();
    let got = filler.get(&format!("/api/reports/{eid}")).await;
    let mut doc = got.body["document"].clone();
    assert_eq!(doc["kind"], "self_evaluation");
    assert_eq!(
        doc["indicators"][0]["actual"],
        json!(value_for(&doc["indicators"][0]["target"], 0.5)),
        "taken from the monitoring report"
    );
    for i in 0..rows {
        let target = doc["indicators"][i]["target"].clone();
        doc["indicators"][i]["actual"] = json!(value_for(&target, 1.0));
    }
    for b in doc["budget"].as_array_mut().unwrap() {
        b["executed"] = b["full_year"].clone();
    }
    doc["goal"]["actual"] = json!("全年目标均已完成");
    doc["declared_total"] = json!("95");
    let saved = filler
        .put(
            &format!("/api/reports/{eid}"),
            &json!({"base_version": 1, "document": doc}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let ev = &saved.body["evaluation"];
    assert_eq!(ev["total"], "100", "{ev}");
    assert_eq!(ev["grade"], "优");
    assert_eq!(ev["declared_total"], "95");
    assert!(
        ev["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "S010"),
        "declared total differs: {ev}"
    );
    let sub = filler
        .post(
            &format!("/api/reports/{eid}/submit"),
            &json!({"base_version": 2}),
        )
        .await;
    assert_eq!(sub.status, StatusCode::OK, "{}", sub.body);
    let board = reviewer.get(&format!("/api/rounds/{round_id}")).await;
    assert_eq!(board.body["rows"][0]["total"], "100");
    assert_eq!(board.body["rows"][0]["grade"], "优");
    assert!(
        board.body["counts"]["grades"]
            .as_array()
            .unwrap()
            .contains(&json!(["优", 1]))
    );
    let rounds = reviewer.get("/api/rounds").await;
    assert_eq!(rounds.body["rounds"].as_array().unwrap().len(), 2);
    t.cleanup().await;
}

on_both!(monitoring_then_self_evaluation);

/// The same journey through the pages, without JavaScript: the reviewer opens a round from the
/// rounds page; the unit finds its task, posts values (a red light without reason is saved but
/// not submitted), adds the reason and submits; the reviewer sees the board sorted by light and
/// accepts the report.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_without_javascript() {
    use crate::page_helpers::{form_post, html, location, page_get};
    let Some(t) = TestApp::new(Kind::Sqlite).await else {
        return;
    };
    let filler = t.login("xingguo_filler").await;
    let reviewer = t.login("reviewer").await;
    approve_demo_draft(&filler, &reviewer).await;

    let page = page_get(&reviewer, "/rounds", "").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = html(&page);
    assert!(body.contains("id=\"open-round\""), "{body}");
    let deadline = in_days(20);
    let fields = [
        ("_csrf", reviewer.csrf.as_str()),
        ("kind", "monitoring"),
        ("fiscal_year", "2026"),
        ("month", "6"),
        ("deadline", deadline.as_str()),
    ];
    let opened = form_post(&reviewer, "/rounds", &fields, "").await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", html(&opened));
    let board_path = location(&opened);
    assert!(board_path.starts_with("/rounds/"), "{board_path}");

    let tasks = html(&page_get(&filler, "/rounds", "").await);
    assert!(tasks.contains("2026年1-6月绩效运行监控表"), "{tasks}");
    assert!(tasks.contains("还剩 20 天"), "{tasks}");
    let id = filler.get("/api/reports").await.body["reports"][0]["id"]
        .as_i64()
        .unwrap();
    let report_path = format!("/reports/{id}");
    let page = html(&page_get(&filler, &report_path, "").await);
    assert!(page.contains("name=\"a.0\""), "the unit gets inputs");
    assert!(page.contains("/assets/lifecycle.js"));
    assert!(page.contains("data-rules="));

    // Row 0 on schedule; row 8 (≥4项) at zero: red, and no reason yet.
    let doc = filler.get(&format!("/api/reports/{id}")).await.body["document"].clone();
    let target0 = value_for(&doc["indicators"][0]["target"], 0.5);
    let red_row = (0..39)
        .find(|&i| doc["indicators"][i]["target"]["unit"] == "项")
        .unwrap();
    let red_name = format!("a.{red_row}");
    let mut fields: Vec<(String, String)> = vec![
        ("_csrf".into(), filler.csrf.clone()),
        ("base_version".into(), "1".into()),
        ("a.0".into(), target0),
        (red_name.clone(), "0项".into()),
        ("then".into(), "submit".into()),
    ];
    let as_refs = |f: &Vec<(String, String)>| -> Vec<(String, String)> { f.clone() };
    let post = |f: Vec<(String, String)>| {
        let c = &filler;
        let path = format!("{report_path}/save");
        async move {
            let refs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            form_post(c, &path, &refs, "").await
        }
    };
    let saved = post(as_refs(&fields)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", html(&saved));
    let shown = html(&page_get(&filler, &report_path, "; jixiao_flash=x").await);
    assert!(
        shown.contains("id=\"light-0\">绿灯") || shown.contains("light green\" id=\"light-0\""),
        "row 0 green"
    );
    assert!(
        shown.contains(&format!("light red\" id=\"light-{red_row}\"")),
        "the red row"
    );
    assert!(shown.contains("M006"), "the missing reason is listed");
    assert_eq!(
        filler.get(&format!("/api/reports/{id}")).await.body["row"]["status"],
        "draft",
        "not submitted"
    );
    // An amount that is not a number is refused with its name; nothing is saved.
    let bad = post(vec![
        ("_csrf".into(), filler.csrf.clone()),
        ("base_version".into(), "2".into()),
        ("b.0.executed".into(), "很多".into()),
    ])
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&bad).contains("不是金额"));

    fields[1].1 = "2".into();
    fields.push((format!("r.{red_row}"), "funding".into()));
    fields.push((format!("rt.{red_row}"), "资金未到位".into()));
    let saved = post(as_refs(&fields)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let after = filler.get(&format!("/api/reports/{id}")).await;
    // Other rows are still empty (M004), so the submission is still refused, and says why.
    assert_eq!(after.body["row"]["status"], "draft");
    assert_eq!(
        after.body["document"]["indicators"][red_row]["reasons"],
        json!(["funding"])
    );
    assert_eq!(
        after.body["document"]["indicators"][red_row]["reason_text"],
        "资金未到位"
    );

    // Fill every row through the API's document, then submit through the page.
    let mut doc = after.body["document"].clone();
    for i in 0..39 {
        if i != red_row {
            let target = doc["indicators"][i]["target"].clone();
            doc["indicators"][i]["actual"] = json!(value_for(&target, 0.5));
        }
    }
    let saved = filler
        .put(
            &format!("/api/reports/{id}"),
            &json!({"base_version": 3, "document": doc}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let submitted = post(vec![
        ("_csrf".into(), filler.csrf.clone()),
        ("base_version".into(), "4".into()),
        ("then".into(), "submit".into()),
    ])
    .await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER);
    let row = &filler.get(&format!("/api/reports/{id}")).await.body["row"];
    assert_eq!(row["status"], "submitted", "{row}");

    let board = html(&page_get(&reviewer, &format!("{board_path}?sort=colour"), "").await);
    assert!(board.contains("阳新县兴国镇人民政府"), "{board}");
    assert!(board.contains("红灯 1"), "{board}");
    assert!(board.contains("已提交 1"), "{board}");
    let page = html(&page_get(&reviewer, &report_path, "").await);
    assert!(page.contains("id=\"accept-btn\""));
    assert!(
        !page.contains("name=\"a.0\""),
        "finance reads, it does not fill in"
    );
    let accept = form_post(
        &reviewer,
        &format!("{report_path}/step"),
        &[("_csrf", reviewer.csrf.as_str()), ("action", "approve")],
        "",
    )
    .await;
    assert_eq!(accept.status, StatusCode::SEE_OTHER, "{}", html(&accept));
    let row = &reviewer.get(&format!("/api/reports/{id}")).await.body["row"];
    assert_eq!(row["status"], "approved");
    t.cleanup().await;
}

/// Where the region asks for the unit approver's sign-off, a report goes filler → approver →
/// finance like a declaration; the approver may return it with a reason; a submission nobody has
/// decided on can be withdrawn; a returned report shows its reason.
async fn sign_off_withdraw_and_return(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let filler = t.login("xingguo_filler").await;
    let approver = t.login("xingguo_approver").await;
    let reviewer = t.login("reviewer").await;
    let admin = t.login("admin").await;
    approve_demo_draft(&filler, &reviewer).await;
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
    assert_eq!(on.status, StatusCode::OK);
    let opened = reviewer
        .post(
            "/api/rounds",
            &json!({"kind": "monitoring", "fiscal_year": 2026, "month": 9, "deadline": in_days(5)}),
        )
        .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    let id = filler.get("/api/reports").await.body["reports"][0]["id"]
        .as_i64()
        .unwrap();
    let mut doc = filler.get(&format!("/api/reports/{id}")).await.body["document"].clone();
    assert_eq!(doc["header"]["month"], 9);
    for i in 0..doc["indicators"].as_array().unwrap().len() {
        let target = doc["indicators"][i]["target"].clone();
        doc["indicators"][i]["actual"] = json!(value_for(&target, 0.75));
    }
    let saved = filler
        .put(
            &format!("/api/reports/{id}"),
            &json!({"base_version": 1, "document": doc}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(error_paths(&saved.body["evaluation"]), vec![]);
    let step = |c: &Client, what: &str, body: Value| {
        let path = format!("/api/reports/{id}/{what}");
        let c = c.clone();
        async move { c.post(&path, &body).await }
    };
    let sub = step(&filler, "submit", json!({"base_version": 2})).await;
    assert_eq!(sub.body["status"], "awaiting_sign_off", "{}", sub.body);
    assert_eq!(
        step(&reviewer, "review", json!({"decision": "approve"}))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "before the unit's sign-off the document has not reached the finance side"
    );
    let back = step(&filler, "withdraw", json!({})).await;
    assert_eq!(back.body["status"], "draft", "{}", back.body);
    step(&filler, "submit", json!({})).await;
    let returned = step(
        &approver,
        "sign-off",
        json!({"decision": "return", "reason": "请补充说明"}),
    )
    .await;
    assert_eq!(returned.body["status"], "returned", "{}", returned.body);
    let read = filler.get(&format!("/api/reports/{id}")).await;
    assert_eq!(read.body["reviews"][0]["reason"], "请补充说明");
    step(&filler, "submit", json!({})).await;
    // Without a department in charge the report page's button says where the report goes.
    let page = crate::page_helpers::page_get(&approver, &format!("/reports/{id}"), "").await;
    assert!(
        crate::page_helpers::html(&page).contains(r#"id="sign-off-btn">签批，报送财政</button>"#),
        "{}",
        crate::page_helpers::html(&page)
    );
    let signed = step(&approver, "sign-off", json!({"decision": "approve"})).await;
    assert_eq!(signed.body["status"], "submitted", "{}", signed.body);
    let bad = step(&reviewer, "review", json!({"decision": "maybe"})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = step(&reviewer, "review", json!({"decision": "approve"})).await;
    assert_eq!(ok.body["status"], "approved", "{}", ok.body);
    t.cleanup().await;
}

on_both!(sign_off_withdraw_and_return);
