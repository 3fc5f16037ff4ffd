//! Declaration rounds (填报任务) on both databases: opening (and what is refused), the board
//! with its filters, reminders the unit sees once, closing (a submission is then refused) and
//! reopening one unit, batch return and approve that skip and list what cannot go, the board
//! and summary workbooks, the audit trail, and the pages behind a confirmation.

use crate::common;
use crate::page_helpers::{form_post, html, location};

use axum::http::StatusCode;
use common::{Kind, TestApp};
use serde_json::{Value, json};

/// The board's rows as (unit name, status code).
fn statuses(board: &Value) -> Vec<(String, String)> {
    board["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["unit_name"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The cells of a workbook's first sheet, as text.
fn cells(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

async fn declaration_round(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let reviewer = t.login("reviewer").await;
    let filler = t.login("xingguo_filler").await;
    let admin = t.login("admin").await;
    let units = reviewer.get("/api/units").await.body;
    let unit = |name: &str| {
        units["units"]
            .as_array()
            .or(units.as_array())
            .unwrap()
            .iter()
            .find(|u| u["name"].as_str().unwrap().contains(name))
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (xingguo, education, health) = (unit("兴国镇"), unit("教育局"), unit("卫生健康局"));

    // Bad input: each refused with a clear message, nothing opened.
    let open = |body: Value| {
        let reviewer = &reviewer;
        async move { reviewer.post("/api/rounds", &body).await }
    };
    let past =
        open(json!({"kind": "declaration", "fiscal_year": 2026, "deadline": "2020-01-01"})).await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(past.body["message"].as_str().unwrap().contains("已经过去"));
    let region = admin
        .post(
            "/api/admin/regions",
            &json!({"code": "420281", "name": "大冶市"}),
        )
        .await;
    assert!(region.status.is_success(), "{}", region.body);
    let foreign = admin
        .post(
            "/api/admin/units",
            &json!({"code": "420281001", "name": "大冶市教育局", "region_id": region.body["id"]}),
        )
        .await;
    assert!(foreign.status.is_success(), "{}", foreign.body);
    let foreign_id = foreign.body["id"].as_i64().unwrap();
    let other = open(
        json!({"kind": "declaration", "fiscal_year": 2026, "deadline": "2099-12-31",
        "units": [xingguo, foreign_id]}),
    )
    .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        other.body["message"]
            .as_str()
            .unwrap()
            .contains("不属于本区划")
    );
    let empty = open(
        json!({"kind": "declaration", "fiscal_year": 2026, "deadline": "2099-12-31", "units": []}),
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let month = open(
        json!({"kind": "declaration", "fiscal_year": 2026, "month": 6, "deadline": "2099-12-31"}),
    )
    .await;
    assert_eq!(month.status, StatusCode::UNPROCESSABLE_ENTITY);
    let by_filler = filler
        .post(
            "/api/rounds",
            &json!({"kind": "declaration", "fiscal_year": 2026, "deadline": "2099-12-31"}),
        )
        .await;
    assert_eq!(by_filler.status, StatusCode::FORBIDDEN);
    assert!(
        reviewer.get("/api/rounds").await.body["rounds"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Opened over two of the three units; a second round of the year is a conflict.
    let opened = open(
        json!({"kind": "declaration", "fiscal_year": 2026, "deadline": "2099-12-31",
        "units": [xingguo, education]}),
    )
    .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    let round = opened.body["round"]["id"].as_i64().unwrap();
    assert_eq!(opened.body["units"].as_array().unwrap().len(), 2);
    let again =
        open(json!({"kind": "declaration", "fiscal_year": 2026, "deadline": "2099-12-31"})).await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    // The board: the draft's counts stay the unit's; a unit without a form has not started.
    let board = reviewer.get(&format!("/api/rounds/{round}")).await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.body);
    let b = &board.body;
    assert_eq!(b["units"], 2);
    assert_eq!(
        statuses(b),
        [
            ("阳新县兴国镇人民政府".to_string(), "draft".to_string()),
            ("阳新县教育局".to_string(), "not_started".to_string()),
        ]
    );
    assert!(
        b["rows"][0]["errors"].is_null(),
        "a draft's findings stay the unit's"
    );
    assert_eq!(b["overdue"], 0);
    let only = reviewer
        .get(&format!("/api/rounds/{round}?status=not_started"))
        .await;
    assert_eq!(statuses(&only.body).len(), 1);
    let by_name = reviewer
        .get(&format!("/api/rounds/{round}?q=%E5%85%B4%E5%9B%BD"))
        .await;
    assert_eq!(statuses(&by_name.body)[0].0, "阳新县兴国镇人民政府");
    assert_eq!(
        filler.get(&format!("/api/rounds/{round}")).await.status,
        StatusCode::NOT_FOUND
    );

    // A reminder: the unit sees it (with its task) until it is read, once.
    let remind = reviewer
        .post(
            &format!("/api/rounds/{round}/batch"),
            &json!({"action": "remind", "unit_ids": [xingguo, education, health], "comment": "逾期将通报。"}),
        )
        .await;
    assert_eq!(remind.status, StatusCode::OK, "{}", remind.body);
    assert_eq!(remind.body["done"].as_array().unwrap().len(), 2);
    assert_eq!(remind.body["skipped"][0]["reason"], "不在这个填报任务中");
    let notices = filler.get("/api/notices").await.body;
    assert_eq!(notices["notices"].as_array().unwrap().len(), 1);
    assert!(
        notices["notices"][0]["body"]
            .as_str()
            .unwrap()
            .contains("逾期将通报。")
    );
    assert_eq!(notices["tasks"][0]["may_submit"], true);
    assert!(
        notices["tasks"][0]["days_left"]
            .as_str()
            .unwrap()
            .starts_with("还剩")
    );
    let home = html(&filler.get("/").await);
    assert!(home.contains("id=\"notices\"") && home.contains("逾期将通报。"));
    assert!(home.contains("阳新县2026年度绩效目标申报"));
    let home = html(&filler.get("/").await);
    assert!(!home.contains("id=\"notices\""), "seen once");
    assert!(
        filler.get("/api/notices").await.body["notices"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        reviewer.get("/api/notices").await.status,
        StatusCode::FORBIDDEN
    );

    // Closed: the unit can no longer submit; reopened for it, it can.
    let closed = reviewer
        .post(&format!("/api/rounds/{round}/close"), &json!({}))
        .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
    assert_eq!(
        reviewer
            .post(&format!("/api/rounds/{round}/close"), &json!({}))
            .await
            .status,
        StatusCode::CONFLICT
    );
    let form = filler.get("/api/forms").await.body[0]["id"]
        .as_i64()
        .unwrap();
    let submit = || {
        let filler = &filler;
        async move {
            let v = filler.get(&format!("/api/forms/{form}")).await.body["version"].clone();
            filler
                .post(
                    &format!("/api/forms/{form}/submit"),
                    &json!({"base_version": v}),
                )
                .await
        }
    };
    let late = submit().await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
    assert_eq!(late.body["error"], "round_closed");
    assert!(late.body["message"].as_str().unwrap().contains("重新开放"));
    let not_in = reviewer
        .post(
            &format!("/api/rounds/{round}/reopen"),
            &json!({"unit_id": health}),
        )
        .await;
    assert_eq!(not_in.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reopened = reviewer
        .post(
            &format!("/api/rounds/{round}/reopen"),
            &json!({"unit_id": xingguo}),
        )
        .await;
    assert_eq!(reopened.status, StatusCode::OK, "{}", reopened.body);
    assert_eq!(
        reviewer
            .post(
                &format!("/api/rounds/{round}/reopen"),
                &json!({"unit_id": xingguo})
            )
            .await
            .status,
        StatusCode::CONFLICT
    );
    let on_time = submit().await;
    assert_eq!(on_time.status, StatusCode::OK, "{}", on_time.body);

    // Batch return: a comment is required; the unit without a form is skipped and listed.
    let no_comment = reviewer
        .post(
            &format!("/api/rounds/{round}/batch"),
            &json!({"action": "return", "unit_ids": [xingguo]}),
        )
        .await;
    assert_eq!(no_comment.status, StatusCode::UNPROCESSABLE_ENTITY);
    let returned = reviewer
        .post(
            &format!("/api/rounds/{round}/batch"),
            &json!({"action": "return", "unit_ids": [xingguo, education], "comment": "请补充数量指标"}),
        )
        .await;
    assert_eq!(returned.status, StatusCode::OK, "{}", returned.body);
    assert_eq!(returned.body["done"], json!(["阳新县兴国镇人民政府"]));
    assert_eq!(returned.body["skipped"][0]["unit"], "阳新县教育局");
    let got = filler.get(&format!("/api/forms/{form}")).await.body;
    assert_eq!(got["status"], "returned");
    assert!(got.to_string().contains("请补充数量指标"));
    assert_eq!(submit().await.status, StatusCode::OK);

    // Batch approve: 中 is refused; a form with errors is skipped, the rest approved.
    let fair = reviewer
        .post(
            &format!("/api/rounds/{round}/batch"),
            &json!({"action": "approve", "grade": "中", "unit_ids": [xingguo]}),
        )
        .await;
    assert_eq!(fair.status, StatusCode::UNPROCESSABLE_ENTITY);
    jixiao_storage::sqlx::query("UPDATE forms SET errors = 2 WHERE id = $1")
        .bind(form)
        .execute(t.state.db.pool())
        .await
        .unwrap();
    let with_errors = reviewer
        .post(
            &format!("/api/rounds/{round}/batch"),
            &json!({"action": "approve", "grade": "良", "unit_ids": [xingguo]}),
        )
        .await;
    assert_eq!(with_errors.status, StatusCode::OK);
    assert!(with_errors.body["done"].as_array().unwrap().is_empty());
    assert!(
        with_errors.body["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("2 处错误")
    );
    jixiao_storage::sqlx::query("UPDATE forms SET errors = 0 WHERE id = $1")
        .bind(form)
        .execute(t.state.db.pool())
        .await
        .unwrap();
    let approved = reviewer
        .post(
            &format!("/api/rounds/{round}/batch"),
            &json!({"action": "approve", "grade": "良", "unit_ids": [xingguo, education]}),
        )
        .await;
    assert_eq!(approved.body["done"], json!(["阳新县兴国镇人民政府"]));
    let got = filler.get(&format!("/api/forms/{form}")).await.body;
    assert_eq!(got["status"], "approved");
    let board = reviewer
        .get(&format!("/api/rounds/{round}?sort=status"))
        .await
        .body;
    assert_eq!(statuses(&board)[0].1, "not_started");
    assert_eq!(statuses(&board)[1].1, "approved");
    assert_eq!(board["rows"][1]["errors"], 0);

    // The board and the summary as workbooks.
    let xlsx = reviewer
        .get(&format!("/api/rounds/{round}/board.xlsx"))
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let rows = cells(&xlsx.bytes);
    assert_eq!(rows[0][0], "阳新县2026年度绩效目标申报");
    assert!(rows[1][0].contains("已截止"));
    let unit_rows: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r.len() > 2 && r[0].starts_with("42022"))
        .collect();
    assert_eq!(unit_rows.len(), 2);
    assert!(
        unit_rows
            .iter()
            .any(|r| r[1] == "阳新县兴国镇人民政府" && r[2] == "已批复")
    );
    assert!(
        unit_rows
            .iter()
            .any(|r| r[1] == "阳新县教育局" && r[2] == "未开始")
    );
    let summary = reviewer
        .get(&format!("/api/rounds/{round}/summary.xlsx"))
        .await;
    assert_eq!(summary.status, StatusCode::OK);
    assert!(summary.bytes.starts_with(b"PK"));
    assert_eq!(
        filler
            .get(&format!("/api/rounds/{round}/summary.xlsx"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Every step of the round is on record.
    let auditor = t.login("auditor").await;
    let audit = auditor.get("/api/admin/audit").await.body.to_string();
    for action in ["round.open", "round.remind", "round.close", "round.reopen"] {
        assert!(audit.contains(action), "{action}");
    }
    t.cleanup().await;
}
on_both!(declaration_round);

/// The board page, a batch behind its confirmation, and closing from the page.
async fn declaration_pages(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let reviewer = t.login("reviewer").await;
    let filler = t.login("xingguo_filler").await;
    let form = filler.get("/api/forms").await.body[0]["id"]
        .as_i64()
        .unwrap();
    let sub = filler
        .post(
            &format!("/api/forms/{form}/submit"),
            &json!({"base_version": 1}),
        )
        .await;
    assert_eq!(sub.status, StatusCode::OK, "{}", sub.body);

    let rounds = html(&reviewer.get("/rounds").await);
    assert!(rounds.contains("id=\"open-declaration\""));
    let unit_ids: Vec<String> = rounds
        .split("name=\"unit\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect();
    assert_eq!(unit_ids.len(), 3, "every unit of the region, ticked");
    let mut fields = vec![
        ("_csrf", reviewer.csrf.as_str()),
        ("kind", "declaration"),
        ("fiscal_year", "2026"),
        ("deadline", "2099-12-31"),
    ];
    for id in &unit_ids {
        fields.push(("unit", id.as_str()));
    }
    let opened = form_post(&reviewer, "/rounds", &fields, "").await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", html(&opened));
    let board_path = location(&opened);
    let round = board_path.trim_start_matches("/rounds/").to_string();
    let page = html(&reviewer.get(&board_path).await);
    assert!(page.contains("id=\"board\""), "{page}");
    assert!(
        page.contains("未开始 2") && page.contains("已提交 1"),
        "{page}"
    );
    assert_eq!(page.matches("<tr data-unit=").count(), 3);
    let filtered = html(
        &reviewer
            .get(&format!("{board_path}?status=submitted"))
            .await,
    );
    assert_eq!(filtered.matches("<tr data-unit=").count(), 1);

    // The batch: first what will happen, then, confirmed, the step.
    let all: Vec<(&str, &str)> = unit_ids.iter().map(|id| ("unit", id.as_str())).collect();
    let mut ask = vec![
        ("_csrf", reviewer.csrf.as_str()),
        ("action", "approve"),
        ("grade", "优"),
    ];
    ask.extend(all.iter().copied());
    let confirm = form_post(&reviewer, &format!("/rounds/{round}/batch"), &ask, "").await;
    assert_eq!(confirm.status, StatusCode::OK);
    let text = html(&confirm);
    assert!(
        text.contains("将办理 1 个单位") && text.contains("将跳过 2 个单位"),
        "{text}"
    );
    assert_eq!(
        filler.get(&format!("/api/forms/{form}")).await.body["status"],
        "submitted",
        "nothing happens before the confirmation"
    );
    let mut go = ask.clone();
    go.push(("confirmed", "1"));
    let done = form_post(&reviewer, &format!("/rounds/{round}/batch"), &go, "").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(
        filler.get(&format!("/api/forms/{form}")).await.body["status"],
        "approved"
    );
    let none = form_post(
        &reviewer,
        &format!("/rounds/{round}/batch"),
        &[("_csrf", reviewer.csrf.as_str()), ("action", "remind")],
        "",
    )
    .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&none).contains("请先在看板上勾选单位"));

    // Closing asks for the tick.
    let unticked = form_post(
        &reviewer,
        &format!("/rounds/{round}/close"),
        &[("_csrf", reviewer.csrf.as_str())],
        "",
    )
    .await;
    assert_eq!(unticked.status, StatusCode::UNPROCESSABLE_ENTITY);
    let closed = form_post(
        &reviewer,
        &format!("/rounds/{round}/close"),
        &[("_csrf", reviewer.csrf.as_str()), ("confirm", "1")],
        "",
    )
    .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let page = html(&reviewer.get(&board_path).await);
    assert!(page.contains("截止</b>"));
    let home = html(&filler.get("/").await);
    assert!(home.contains("id=\"tasks\"") && home.contains("已截止"));
    t.cleanup().await;
}
on_both!(declaration_pages);
