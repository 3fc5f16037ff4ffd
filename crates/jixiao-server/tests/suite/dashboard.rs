//! The finance bureau's dashboard: every chart with its table, numbers that follow the forms,
//! amounts only from forms that reached the finance bureau, and no dashboard for other roles.

use crate::common;

use axum::http::StatusCode;
use common::{Kind, TestApp};
use serde_json::json;

const CHARTS: [&str; 10] = [
    "chart-progress",
    "chart-status",
    "chart-budget",
    "chart-composition",
    "chart-level1",
    "chart-units-indicators",
    "chart-rules",
    "chart-unit-errors",
    "chart-lights",
    "chart-grades",
];

/// The rows of a chart's table: (label, values).
fn table(page: &str, id: &str) -> Vec<(String, Vec<String>)> {
    let figure = page
        .split(&format!("id=\"{id}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("no {id}"))
        .split("</figure>")
        .next()
        .unwrap();
    let Some(body) = figure.split("<tbody>").nth(1) else {
        return Vec::new();
    };
    body.split("</tbody>")
        .next()
        .unwrap()
        .split("<tr>")
        .skip(1)
        .map(|row| {
            let label = row
                .split("<th>")
                .nth(1)
                .and_then(|t| t.split("</th>").next())
                .unwrap_or("")
                .to_string();
            let values = row
                .split("<td class=\"num\">")
                .skip(1)
                .map(|t| t.split("</td>").next().unwrap().to_string())
                .collect();
            (label, values)
        })
        .collect()
}

fn value(rows: &[(String, Vec<String>)], label: &str) -> Vec<String> {
    rows.iter()
        .find(|r| r.0 == label)
        .map(|r| r.1.clone())
        .unwrap_or_else(|| panic!("no row {label} in {rows:?}"))
}

async fn dashboard(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let reviewer = t.login("reviewer").await;
    let filler = t.login("xingguo_filler").await;

    // Only finance roles have a dashboard.
    for name in ["xingguo_filler", "admin"] {
        let c = t.login(name).await;
        let a = c.get("/dashboard").await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{name}");
    }

    // The demo's draft: counted as a status, its amounts not shown.
    let page = reviewer.get("/dashboard").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = String::from_utf8(page.bytes.clone()).unwrap();
    for id in CHARTS {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(html.contains("<svg") && !html.contains("<script>"));
    assert_eq!(html.matches("<svg").count(), CHARTS.len());
    let status = table(&html, "chart-status");
    assert_eq!(value(&status, "草稿"), ["1"]);
    assert_eq!(
        value(&status, "未开始"),
        ["2"],
        "three demo units, one form"
    );
    assert!(
        table(&html, "chart-budget").is_empty(),
        "a draft's amounts stay the unit's"
    );
    assert!(table(&html, "chart-progress").is_empty());

    // Submitted: the amounts, the indicators and the rules follow.
    let id = filler.get("/api/forms").await.body[0]["id"]
        .as_i64()
        .unwrap();
    let sub = filler
        .post(
            &format!("/api/forms/{id}/submit"),
            &json!({"base_version": 1}),
        )
        .await;
    assert_eq!(sub.status, StatusCode::OK, "{}", sub.body);
    let html = String::from_utf8(reviewer.get("/dashboard?year=2026").await.bytes).unwrap();
    let status = table(&html, "chart-status");
    assert_eq!(value(&status, "草稿"), ["0"]);
    assert_eq!(value(&status, "已提交"), ["1"]);
    assert_eq!(
        value(&table(&html, "chart-budget"), "2026 年"),
        ["1679.6", "1679.6"]
    );
    let level1 = table(&html, "chart-level1");
    let total: usize = level1
        .iter()
        .map(|r| r.1[0].parse::<usize>().unwrap())
        .sum();
    assert_eq!(total, 78, "39 + 39 level-3 rows of the seed");
    assert_eq!(
        value(
            &table(&html, "chart-units-indicators"),
            "阳新县兴国镇人民政府"
        ),
        ["78"]
    );
    let composition = table(&html, "chart-composition");
    assert_eq!(composition.len(), 1);
    let parts: f64 = composition[0]
        .1
        .iter()
        .map(|v| v.parse::<f64>().unwrap_or(0.0))
        .sum();
    assert!(
        (parts - 1679.6).abs() < 0.01,
        "the parts add up to the income total: {parts}"
    );
    let progress = table(&html, "chart-progress");
    assert_eq!(progress.last().unwrap().1, ["1", "3"]);
    // The seed has warnings (no errors): they are the most common problems.
    let rules = table(&html, "chart-rules");
    assert!(
        !rules.is_empty() && rules.iter().all(|r| r.1 == ["1"]),
        "{rules:?}"
    );
    assert!(table(&html, "chart-unit-errors").is_empty(), "no errors");

    // After approval: no monitoring round yet, then one whose report is still with the unit
    // (未评), as on the round board.
    assert!(table(&html, "chart-lights").is_empty());
    assert!(html.contains("本年度还没有开启监控任务"));
    let g = "优";
    let ok = reviewer
        .post(
            &format!("/api/forms/{id}/review"),
            &json!({"decision": "approve", "grades": {"completeness": g, "relevance": g, "suitability": g, "feasibility": g}}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let opened = reviewer
        .post(
            "/api/rounds",
            &json!({"kind": "monitoring", "fiscal_year": 2026, "month": 6, "deadline": "2099-12-31"}),
        )
        .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    let html = String::from_utf8(reviewer.get("/dashboard?year=2026").await.bytes).unwrap();
    let lights = table(&html, "chart-lights");
    assert_eq!(value(&lights, "未评"), ["1"]);
    assert_eq!(value(&lights, "红灯"), ["0"]);
    assert!(html.contains("2026年1-6月监控的预警灯"));
    assert!(table(&html, "chart-grades").is_empty());

    // A year with nothing says so; a year out of range falls back to the latest.
    let empty = String::from_utf8(reviewer.get("/dashboard?year=2031").await.bytes).unwrap();
    assert!(empty.contains("暂无数据"));
    let junk = reviewer.get("/dashboard?year=abc").await;
    assert_eq!(junk.status, StatusCode::OK);
    t.cleanup().await;
}
on_both!(dashboard);
