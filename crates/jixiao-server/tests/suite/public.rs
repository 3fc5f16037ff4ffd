//! The public portal and the open data: only published versions, never personal data, fixed
//! public versions after an adjustment, conditional requests, searches with metacharacters,
//! unknown addresses and the per-address limit.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Answer, Kind, TestApp, send};
use jixiao_server::{AppState, ServerConfig};
use serde_json::{Value, json};

const YEAR: &str = "/public/420222/2026";
const FORM: &str = "/public/420222/2026/units/420222001";

/// What must never be on a public page or file: the filler's name and the phone, whole or
/// masked, and the demo's draft markers.
const PERSONAL: [&str; 3] = ["刘洋", "15172093138", "151****3138"];

fn grades(g: &str) -> Value {
    json!({"completeness": g, "relevance": g, "suitability": g, "feasibility": g})
}

async fn public_get(t: &TestApp, path: &str) -> Answer {
    public_with(t, path, &[]).await
}

async fn public_with(t: &TestApp, path: &str, headers: &[(header::HeaderName, &str)]) -> Answer {
    let mut b = Request::get(path);
    for (k, v) in headers {
        b = b.header(k, *v);
    }
    send(&t.app, b.body(Body::empty()).unwrap()).await
}

fn text(a: &Answer) -> String {
    String::from_utf8_lossy(&a.bytes).into_owned()
}

/// Every public page and file of the unit's 2026 form and of the year, as text (PDF and XLSX as
/// their status and size only: their text is checked through `pdftotext` elsewhere).
async fn everything_public(t: &TestApp, markers: &[&str]) -> Vec<(String, Answer)> {
    let mut paths = vec![
        "/public".to_string(),
        YEAR.to_string(),
        format!("{YEAR}/open-data.csv"),
        format!("{YEAR}/open-data.json"),
        FORM.to_string(),
    ];
    for m in markers {
        paths.push(format!("{YEAR}?indicator={}", urlencode(m)));
        paths.push(format!("{YEAR}?q={}", urlencode(m)));
    }
    let mut out = Vec::new();
    for p in paths {
        let a = public_get(t, &p).await;
        assert!(
            a.headers.get(header::SET_COOKIE).is_none(),
            "{p} sets no cookie"
        );
        out.push((p, a));
    }
    out
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// No public answer contains any of `never`.
async fn assert_never_public(t: &TestApp, never: &[&str], when: &str) {
    for (path, a) in everything_public(t, never).await {
        let body = text(&a);
        // A search page repeats the text searched for in its field and headings: look at its
        // result tables only.
        let shown = if path.contains('?') {
            body.split("<tbody>")
                .skip(1)
                .filter_map(|part| part.split("</tbody>").next())
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            body.clone()
        };
        for n in never.iter().chain(PERSONAL.iter()) {
            assert!(!shown.contains(n), "{when}: {path} shows «{n}»");
        }
    }
}

async fn portal(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let filler = t.login("xingguo_filler").await;
    let reviewer = t.login("reviewer").await;

    // Nothing published yet: the portal says so; the year and the form are not found.
    let index = public_get(&t, "/public").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(text(&index).contains("目前还没有公开的申报表"));
    for p in [YEAR, FORM, &format!("{YEAR}/open-data.csv")] {
        let a = public_get(&t, p).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{p}");
        assert!(
            text(&a).contains("找不到公开的内容"),
            "{p}: the portal's 404 page"
        );
    }

    // A draft with a marker, then submitted, then approved: never public.
    let list = filler.get("/api/forms").await;
    let id = list.body[0]["id"].as_i64().unwrap();
    let mut form = filler.get(&format!("/api/forms/{id}")).await.body["form"].clone();
    form["goals"]["annual"][0] = json!("草稿标记甲：保障职工待遇，确保及时拨付到位。");
    form["indicators"]["annual"]["rows"][0]["name"] = json!("草稿指标乙控制率");
    let saved = filler
        .put(
            &format!("/api/forms/{id}"),
            &json!({"base_version": 1, "form": form}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_never_public(&t, &["草稿标记甲", "草稿指标乙"], "draft").await;
    let sub = filler
        .post(
            &format!("/api/forms/{id}/submit"),
            &json!({"base_version": 2}),
        )
        .await;
    assert_eq!(sub.status, StatusCode::OK, "{}", sub.body);
    assert_never_public(&t, &["草稿标记甲", "草稿指标乙"], "submitted").await;
    let ok = reviewer
        .post(
            &format!("/api/forms/{id}/review"),
            &json!({"decision": "approve", "reason": "", "grades": grades("优")}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_never_public(&t, &["草稿标记甲", "草稿指标乙"], "approved, not published").await;

    // Published: every public place shows it, none shows personal data.
    let publ = reviewer
        .post(&format!("/api/forms/{id}/publish"), &json!({}))
        .await;
    assert_eq!(publ.status, StatusCode::OK, "{}", publ.body);
    assert_never_public(&t, &[], "published").await;
    let index = text(&public_get(&t, "/public").await);
    assert!(
        index.contains("阳新县") && index.contains("/public/420222/2026"),
        "{index}"
    );
    let year = public_get(&t, YEAR).await;
    assert_eq!(year.status, StatusCode::OK);
    assert!(text(&year).contains("阳新县兴国镇人民政府"));
    let page = public_get(&t, FORM).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = text(&page);
    assert!(body.contains("草稿标记甲") && body.contains("草稿指标乙控制率"));
    assert!(!body.contains("填报人") && !body.contains("联系电话"));
    assert!(!body.contains("id=\"superseded\""));
    assert_eq!(
        page.headers[header::CACHE_CONTROL],
        "public, no-cache",
        "public pages may be stored but are checked again on every use"
    );

    let pdf = public_get(&t, &format!("{FORM}/form.pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    let xlsx = public_get(&t, &format!("{FORM}/form.xlsx")).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.bytes.starts_with(b"PK"));
    let disposition = xlsx.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.contains("%EF%BC%88%E5%85%AC%E5%BC%80%EF%BC%89"),
        "named （公开）: {disposition}"
    );

    // The open data: one CSV line per indicator (39 + 39 in the seed), parsed fields; the JSON
    // has the same indicators.
    let csv = public_get(&t, &format!("{YEAR}/open-data.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let csv_text = text(&csv);
    let csv_text = csv_text
        .strip_prefix('\u{feff}')
        .expect("a byte-order mark");
    let lines: Vec<&str> = csv_text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        jixiao_server::service::public::CSV_COLUMNS.join(",")
    );
    assert_eq!(lines.len(), 1 + 78);
    let first: Vec<&str> = lines
        .iter()
        .find(|l| l.contains("草稿指标乙控制率"))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!(
        &first[..16],
        [
            "420222",
            "阳新县",
            "2026",
            "420222001",
            "阳新县兴国镇人民政府",
            "1",
            first[6],
            "年度绩效指标",
            "1",
            "运行成本",
            "公用经费控制",
            "草稿指标乙控制率",
            "100%",
            "",
            "100",
            "%"
        ]
    );
    let json_a = public_get(&t, &format!("{YEAR}/open-data.json")).await;
    assert_eq!(json_a.status, StatusCode::OK);
    let data = &json_a.body;
    assert_eq!(data["region_code"], "420222");
    assert_eq!(data["fiscal_year"], 2026);
    assert_eq!(data["forms"].as_array().unwrap().len(), 1);
    let f0 = &data["forms"][0];
    assert_eq!(f0["unit_code"], "420222001");
    assert_eq!(f0["public_version"], 1);
    assert_eq!(f0["url"], format!("{FORM}?version=1"));
    assert_eq!(f0["indicators"].as_array().unwrap().len(), 78);
    let annual0 = f0["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["table"] == "annual" && i["row"] == 1)
        .unwrap();
    assert_eq!(annual0["level3"], "草稿指标乙控制率");
    assert_eq!(annual0["number"], "100");
    assert_eq!(annual0["unit_of_measure"], "%");

    // Conditional requests: the ETag and Last-Modified answer 304 until something is published.
    let etag = csv.headers[header::ETAG].to_str().unwrap().to_string();
    let modified = csv.headers[header::LAST_MODIFIED]
        .to_str()
        .unwrap()
        .to_string();
    let again = public_with(
        &t,
        &format!("{YEAR}/open-data.csv"),
        &[(header::IF_NONE_MATCH, &etag)],
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.bytes.is_empty());
    assert_eq!(again.headers[header::ETAG].to_str().unwrap(), etag);
    let since = public_with(
        &t,
        &format!("{YEAR}/open-data.csv"),
        &[(header::IF_MODIFIED_SINCE, &modified)],
    )
    .await;
    assert_eq!(since.status, StatusCode::NOT_MODIFIED);
    let other = public_with(
        &t,
        &format!("{YEAR}/open-data.csv"),
        &[(header::IF_NONE_MATCH, "W/\"csv-0-0\"")],
    )
    .await;
    assert_eq!(other.status, StatusCode::OK);

    // Searches: by indicator text, with LIKE metacharacters taken literally and SQL as text.
    let hits = text(&public_get(&t, &format!("{YEAR}?indicator={}", urlencode("控制率"))).await);
    assert!(hits.contains("草稿指标乙控制率"), "indicator search");
    let percent_rows = f0["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            ["level1", "level2", "level3", "target"]
                .iter()
                .any(|k| i[*k].as_str().unwrap_or("").contains('%'))
        })
        .count();
    let percent = text(&public_get(&t, &format!("{YEAR}?indicator=%25")).await);
    let hits_table = percent.split("id=\"hits\"").nth(1).unwrap();
    let hits_table = hits_table.split("id=\"units\"").next().unwrap();
    let listed = hits_table.matches("<tr><td>").count();
    assert_eq!(
        listed, percent_rows,
        "`%` matches only a literal percent sign"
    );
    for probe in ["_", "\\", "' OR '1'='1", "%' --", "\"><script>"] {
        let a = public_get(
            &t,
            &format!(
                "{YEAR}?indicator={}&q={}",
                urlencode(probe),
                urlencode(probe)
            ),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{probe}");
        let body = text(&a);
        assert!(!body.contains("<script>"), "escaped: {probe}");
        assert!(body.contains("没有名称含"), "no unit matches {probe}");
    }
    let unit = text(&public_get(&t, &format!("{YEAR}?q={}", urlencode("兴国"))).await);
    assert!(unit.contains("/units/420222001\""), "unit-name search");

    // Adjusted: the new draft never shows; the old public version stays until the next
    // publication, which adds a second public version and keeps the first reachable.
    let adj = filler
        .post(&format!("/api/forms/{id}/adjust"), &json!({}))
        .await;
    assert_eq!(adj.status, StatusCode::OK, "{}", adj.body);
    let v = adj.body["version"].as_i64().unwrap();
    let mut form = filler.get(&format!("/api/forms/{id}")).await.body["form"].clone();
    form["goals"]["annual"][0] = json!("调整标记丙：保障职工待遇，确保及时拨付到位。");
    let saved = filler
        .put(
            &format!("/api/forms/{id}"),
            &json!({"base_version": v, "form": form}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_never_public(&t, &["调整标记丙"], "adjusted draft").await;
    assert!(
        text(&public_get(&t, FORM).await).contains("草稿标记甲"),
        "the published version stays"
    );
    let sub = filler
        .post(
            &format!("/api/forms/{id}/submit"),
            &json!({"base_version": v + 1}),
        )
        .await;
    assert_eq!(sub.status, StatusCode::OK, "{}", sub.body);
    let ok = reviewer
        .post(
            &format!("/api/forms/{id}/review"),
            &json!({"decision": "approve", "reason": "", "grades": grades("优")}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_never_public(&t, &["调整标记丙"], "adjustment approved, not published").await;
    let publ = reviewer
        .post(&format!("/api/forms/{id}/publish"), &json!({}))
        .await;
    assert_eq!(publ.status, StatusCode::OK, "{}", publ.body);
    assert_never_public(&t, &[], "published again").await;
    let latest = text(&public_get(&t, FORM).await);
    assert!(latest.contains("调整标记丙") && !latest.contains("草稿标记甲"));
    assert!(latest.contains("id=\"public-versions\"") && latest.contains("第 2 次公开"));
    let first = public_get(&t, &format!("{FORM}?version=1")).await;
    assert_eq!(first.status, StatusCode::OK);
    let first = text(&first);
    assert!(first.contains("草稿标记甲") && first.contains("id=\"superseded\""));
    let old_pdf = public_get(&t, &format!("{FORM}/form.pdf?version=1")).await;
    assert_eq!(old_pdf.status, StatusCode::OK);
    let changed = public_with(
        &t,
        &format!("{YEAR}/open-data.csv"),
        &[(header::IF_NONE_MATCH, &etag)],
    )
    .await;
    assert_eq!(
        changed.status,
        StatusCode::OK,
        "a new publication changes the ETag"
    );
    assert_ne!(changed.headers[header::ETAG].to_str().unwrap(), etag);
    let json_b = public_get(&t, &format!("{YEAR}/open-data.json")).await;
    assert_eq!(json_b.body["forms"][0]["public_version"], 2);

    // Unknown or malformed addresses: the portal's 404 page, never a trace.
    for p in [
        "/public/999999/2026",
        "/public/420222/2024",
        "/public/420222/20x6",
        "/public/420222/99999999999999999999",
        "/public/420222/2026/units/nobody",
        "/public/420222/2026/units/420222002",
        "/public/420222/2026/units/420222001?version=0",
        "/public/420222/2026/units/420222001?version=3",
        "/public/420222/2026/units/420222001?version=-1",
        "/public/420222/2026/units/420222001/form.doc",
        "/public/420222/2026/units/420222001/form.pdf/x/y",
        "/public/420222/2026/open-data.xml",
        "/public/%27%3B--/2026",
        "/public/nowhere",
    ] {
        let a = public_get(&t, p).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{p}");
        let body = text(&a);
        assert!(body.contains("找不到公开的内容"), "{p}: {body}");
        assert!(!body.contains("panicked") && !body.contains("sqlx"), "{p}");
    }
    let region = public_get(&t, "/public/420222").await;
    assert_eq!(region.status, StatusCode::SEE_OTHER);
    assert_eq!(region.headers[header::LOCATION], YEAR);

    t.cleanup().await;
}
on_both!(portal);

/// More requests than the limit from one address: 429 with `Retry-After` and the portal's
/// page; other routes are not limited by it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_requests_are_limited_per_address() {
    let Some(t) = TestApp::with(Kind::Sqlite, |s: AppState| {
        AppState::new(
            s.db.clone(),
            ServerConfig {
                public_requests_per_minute: 5,
                ..ServerConfig::default()
            },
        )
    })
    .await
    else {
        return;
    };
    for i in 0..5 {
        assert_eq!(
            public_get(&t, "/public").await.status,
            StatusCode::OK,
            "request {i}"
        );
    }
    let over = public_get(&t, "/public").await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = over.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert!(text(&over).contains("访问过于频繁"));
    assert_eq!(
        public_get(&t, "/public/420222/2026/open-data.csv")
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(public_get(&t, "/healthz").await.status, StatusCode::OK);
    t.cleanup().await;
}

/// Malformed public addresses and queries, many of them: never a 5xx, never a trace, always the
/// portal's page (or a file, a redirect or a 304 for the well-formed ones).
async fn public_fuzz(kind: Kind) {
    let Some(t) = TestApp::with(kind, |s: AppState| {
        AppState::new(
            s.db.clone(),
            ServerConfig {
                public_requests_per_minute: 0,
                ..ServerConfig::default()
            },
        )
    })
    .await
    else {
        return;
    };
    // One published form, so that well-formed addresses lead to real pages and files.
    let filler = t.login("xingguo_filler").await;
    let reviewer = t.login("reviewer").await;
    let id = filler.get("/api/forms").await.body[0]["id"]
        .as_i64()
        .unwrap();
    let steps = [
        (&filler, "submit", json!({"base_version": 1})),
        (
            &reviewer,
            "review",
            json!({"decision": "approve", "reason": "", "grades": grades("良")}),
        ),
        (&reviewer, "publish", json!({})),
    ];
    for (who, step, body) in steps {
        let a = who.post(&format!("/api/forms/{id}/{step}"), &body).await;
        assert_eq!(a.status, StatusCode::OK, "{step}: {}", a.body);
    }
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let segments = [
        "420222",
        "2026",
        "420222001",
        "units",
        "open-data.csv",
        "open-data.json",
        "form.pdf",
        "",
        "%00",
        "%FF%FE",
        "..",
        "%2e%2e",
        "99999999999999999999999",
        "-1",
        "0",
        "2026.5",
        "%E2%80%AE",
        "a%20b",
        "%27%20OR%201%3D1",
        "%25",
        "_",
        "%5C",
        "%3Cscript%3E",
        &"9".repeat(300),
        &"x".repeat(5000),
    ];
    let queries = [
        "",
        "?q=",
        "?q=%25%25",
        "?indicator=_",
        "?version=",
        "?version=1",
        "?version=abc",
        "?version=99999999999999999999",
        "?version=-5",
        "?q=%FF",
        "?indicator=%00",
        "?q=a&q=b",
        "?version=1&version=2",
        &format!("?q={}", "a".repeat(10_000)),
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut sent = 0;
    for _ in 0..600 {
        // Half random paths, half a real address with one segment replaced (or none).
        let mut path = String::from("/public");
        if next(2) == 0 {
            for _ in 0..1 + next(5) {
                path.push('/');
                path.push_str(segments[next(segments.len())]);
            }
        } else {
            let real = [
                "420222/2026",
                "420222/2026/open-data.csv",
                "420222/2026/open-data.json",
                "420222/2026/units/420222001",
                "420222/2026/units/420222001/form.xlsx",
            ];
            let mut parts: Vec<&str> = real[next(real.len())].split('/').collect();
            let at = next(parts.len() * 2);
            if at < parts.len() {
                parts[at] = segments[next(segments.len())];
            }
            path.push('/');
            path.push_str(&parts.join("/"));
        }
        path.push_str(queries[next(queries.len())]);
        let Ok(req) = Request::get(path.as_str()).body(Body::empty()) else {
            continue;
        };
        let a = send(&t.app, req).await;
        sent += 1;
        assert!(
            !a.status.is_server_error(),
            "{path}: {} {}",
            a.status,
            text(&a)
        );
        assert!(
            matches!(a.status.as_u16(), 200 | 303 | 304 | 404 | 400),
            "{path}: {}",
            a.status
        );
        let body = text(&a);
        assert!(
            !body.contains("panicked") && !body.contains("sqlx"),
            "{path}"
        );
        *statuses.entry(a.status.as_u16()).or_default() += 1;
    }
    assert!(sent > 500);
    assert!(
        statuses.get(&200).is_some_and(|n| *n > 10),
        "some reach real pages: {statuses:?}"
    );
    t.cleanup().await;
}
on_both!(public_fuzz);
