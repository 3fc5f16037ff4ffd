//! The region's indicator library in the server: an approval rebuilds it (audited), the next
//! save of another unit's form runs the aids with it (here a copied table, L005), the editor's
//! suggestions rank the region's entries for a level-2 node, and the finance bureau reads it.
//! Bad queries are clear 4xx answers.

use crate::common;

use axum::http::StatusCode;
use common::{Kind, TestApp};
use serde_json::{Value, json};

fn codes(body: &Value) -> Vec<String> {
    body["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["code"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn library_from_approvals(kind: Kind) {
    let Some(t) = TestApp::with(kind, |app| app).await else {
        return;
    };
    let filler = t.login("xingguo_filler").await;
    let reviewer = t.login("reviewer").await;
    let education = t.login("jiaoyu_filler").await;

    // Before any approval the region has no library: no aid, no suggestion, generation 0.
    let list = filler.get("/api/forms").await;
    let id = list.body[0]["id"].as_i64().unwrap();
    let got = filler.get(&format!("/api/forms/{id}")).await;
    assert!(
        codes(&got.body).iter().all(|c| !c.starts_with('L')),
        "{:?}",
        codes(&got.body)
    );
    let none = filler
        .get(&format!(
            "/api/forms/{id}/library/suggestions?level2=%E6%A0%B8%E5%BF%83%E4%B8%9A%E5%8A%A1%E4%BA%A7%E5%87%BA1"
        ))
        .await;
    assert_eq!(none.status, StatusCode::OK, "{}", none.body);
    assert_eq!(none.body["suggestions"], json!([]));
    let region_id = list.body[0]["region_id"].as_i64();
    let region_q = region_id.map_or(String::new(), |r| format!("&region_id={r}"));
    let empty = reviewer.get(&format!("/api/library?q={region_q}")).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert_eq!(empty.body["generation"], 0);

    // 兴国镇 submits, the reviewer approves: the library is built from that form.
    let form = got.body["form"].clone();
    assert_eq!(
        crate::rounds::approve_demo_draft(&filler, &reviewer).await,
        id
    );
    let lib = reviewer.get(&format!("/api/library?q={region_q}")).await;
    assert_eq!(lib.status, StatusCode::OK, "{}", lib.body);
    assert_eq!(lib.body["generation"], 1, "{}", lib.body);
    assert_eq!(lib.body["forms"], 1);
    assert_eq!(lib.body["years"], json!([2026]));
    let total = lib.body["total"].as_u64().unwrap();
    assert!(total >= 30, "{total} entries");
    let satisfaction = reviewer
        .get(&format!(
            "/api/library?q=%E6%BB%A1%E6%84%8F%E5%BA%A6{region_q}"
        ))
        .await;
    let names: Vec<&str> = satisfaction.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"群众满意度"), "{names:?}");
    assert!((names.len() as u64) < total);

    // 教育局 declares the same annual table: its save says so, naming 兴国镇.
    let created = education
        .post("/api/forms", &json!({"from": "blank", "fiscal_year": 2026}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let other = created.body["id"].as_i64().unwrap();
    let mut copy = form.clone();
    copy["header"]["unit_name"] = json!("阳新县教育局");
    let saved = education
        .put(
            &format!("/api/forms/{other}"),
            &json!({"base_version": 1, "form": copy}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let l005: Vec<&Value> = saved.body["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "L005")
        .collect();
    assert_eq!(l005.len(), 1, "{:?}", codes(&saved.body));
    assert_eq!(l005[0]["path"], "/indicators/annual");
    assert!(
        l005[0]["message"]
            .as_str()
            .unwrap()
            .contains("「阳新县兴国镇人民政府」"),
        "{}",
        l005[0]["message"]
    );
    // The stored warning count includes it (the lists and the board show it).
    let listed = education.get("/api/forms").await;
    let row = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == other)
        .unwrap()
        .clone();
    let warnings = saved.body["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "warning")
        .count();
    assert_eq!(row["warnings"].as_u64().unwrap() as usize, warnings);

    // Suggestions for a new row under 核心业务产出: the region's entries of that node first.
    let sug = education
        .get(&format!(
            "/api/forms/{other}/library/suggestions?level2=%E6%A0%B8%E5%BF%83%E4%B8%9A%E5%8A%A1%E4%BA%A7%E5%87%BA2"
        ))
        .await;
    assert_eq!(sug.status, StatusCode::OK, "{}", sug.body);
    let list = sug.body["suggestions"].as_array().unwrap();
    assert!(!list.is_empty());
    for s in list {
        assert_eq!(s["entry"]["level2"], "核心业务产出", "{s}");
        assert!(
            s["reasons"][0]
                .as_str()
                .unwrap()
                .contains("1 份申报表在该二级指标下使用"),
            "{s}"
        );
    }
    let projects = list
        .iter()
        .find(|s| s["entry"]["name"] == "服务城市项目数")
        .expect("服务城市项目数 suggested");
    assert_eq!(projects["entry"]["unit"], "项");
    assert_eq!(projects["entry"]["direction"], "≥");
    assert!(projects["typical"].as_str().unwrap().contains("中位数"));

    // Bad queries: clear 4xx, never 500.
    let long = "很".repeat(101);
    let bad = education
        .get(&format!(
            "/api/forms/{other}/library/suggestions?q={}",
            urlencode(&long)
        ))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let unknown = education
        .get(&format!("/api/forms/{other}/library/suggestions?nope=1"))
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.body);
    let not_mine = education
        .get(&format!("/api/forms/{id}/library/suggestions"))
        .await;
    assert_eq!(not_mine.status, StatusCode::NOT_FOUND);
    let filler_lib = filler.get("/api/library").await;
    assert_eq!(filler_lib.status, StatusCode::FORBIDDEN);

    // The rebuild is on the audit log.
    let auditor = t.login("auditor").await;
    let audit = auditor.get("/api/admin/audit?limit=50").await;
    assert_eq!(audit.status, StatusCode::OK, "{}", audit.body);
    let rebuilt = audit
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "library_rebuild")
        .unwrap_or_else(|| panic!("no library_rebuild in {}", audit.body));
    assert!(
        rebuilt["detail"]
            .as_str()
            .unwrap()
            .contains("1 份已审核的申报表"),
        "{rebuilt}"
    );
    t.cleanup().await;
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

on_both!(library_from_approvals);
