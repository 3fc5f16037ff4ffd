//! The region's indicator library in the server: an approval rebuilds it (audited), the next
//! save of another unit's form runs the aids with it (here a copied table, L005), the editor's
//! suggestions rank the region's entries for a level-2 node, and the finance bureau reads it.
//! Bad queries are clear 4xx answers.

use crate::common;

use axum::http::{Method, StatusCode};
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
        let reasons: Vec<&str> = s["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        // Both demo units are 行政单位: the same type comes first.
        assert_eq!(
            reasons,
            [
                "同类单位（行政单位）1 份使用",
                "本区划 1 份申报表在该二级指标下使用"
            ],
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

/// The finance bureau curates the library: approve with fields, edit, merge, retire, restore;
/// each a version of the entry with who and when, an audit row, and a rebuild that keeps every
/// decision. Bad requests are clear 4xx answers and change nothing.
async fn library_curation(kind: Kind) {
    let Some(t) = TestApp::with(kind, |app| app).await else {
        return;
    };
    let filler = t.login("xingguo_filler").await;
    let reviewer = t.login("reviewer").await;
    let id = crate::rounds::approve_demo_draft(&filler, &reviewer).await;
    let region_q = filler.get(&format!("/api/forms/{id}")).await.body["region_id"]
        .as_i64()
        .map_or(String::new(), |r| format!("&region_id={r}"));
    let region = region_q
        .strip_prefix("&region_id=")
        .and_then(|r| r.parse::<i64>().ok());
    let generation = |body: &Value| body["generation"].as_i64().unwrap();
    let lib = reviewer.get(&format!("/api/library?q={region_q}")).await;
    let start = generation(&lib.body);
    let seeded = lib.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["common"] == true)
        .count();
    assert!(seeded >= 20, "common indicators marked: {seeded}");
    let curate = |body: Value| {
        let mut body = body;
        if let Some(r) = region {
            body["region_id"] = json!(r);
        }
        body
    };

    // Approve 服务城市项目数 with its 指标解释, 计算公式, basis and tags.
    let approved = reviewer
        .post(
            "/api/library/curations",
            &curate(json!({
                "action": "approve", "key": "服务城市项目数", "unit": "项",
                "fields": {"explanation": "年度内为城市提供服务的项目个数", "formula": "已完成的服务项目个数",
                           "scoring": "完成得满分，每少一项扣 1 分", "basis": "计划标准",
                           "unit_types": ["行政单位"], "tags": ["城市服务"]}
            })),
        )
        .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    assert_eq!(approved.body["version"], 1);
    assert_eq!(generation(&approved.body), start + 1);
    let entry = &approved.body["entry"];
    assert_eq!(entry["status"], "approved", "{entry}");
    assert_eq!(entry["basis"], "计划标准");
    assert_eq!(entry["name"], "服务城市项目数");
    assert_eq!(entry["curated"]["formula"], "已完成的服务项目个数");

    // Edit: a second version naming what changed.
    let edited = reviewer
        .post(
            "/api/library/curations",
            &curate(json!({
                "action": "edit", "key": "服务城市项目数", "unit": "项",
                "fields": {"explanation": "年度内为城市提供服务并验收的项目个数", "formula": "已完成的服务项目个数",
                           "scoring": "完成得满分，每少一项扣 1 分", "basis": "计划标准",
                           "unit_types": ["行政单位"], "tags": ["城市服务"]}
            })),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    assert_eq!(edited.body["version"], 2);
    assert_eq!(edited.body["entry"]["status"], "approved");

    // Merge 招商引进项目数 into it: the merged name now finds it, and it is offered first.
    let merged = reviewer
        .post(
            "/api/library/curations",
            &curate(
                json!({"action": "merge", "key": "招商引进 项目数", "unit": "项",
                           "into": {"key": "服务城市项目数", "unit": "项"}}),
            ),
        )
        .await;
    assert_eq!(merged.status, StatusCode::OK, "{}", merged.body);
    assert_eq!(merged.body["entry"], Value::Null, "merged away");
    let lib = reviewer
        .get(&format!(
            "/api/library?q=%E6%9C%8D%E5%8A%A1%E5%9F%8E%E5%B8%82{region_q}"
        ))
        .await;
    let main = &lib.body["entries"][0];
    assert_eq!(main["name"], "服务城市项目数", "{}", lib.body);
    assert_eq!(
        main["status"], "approved",
        "the edit survived the merge's rebuild"
    );
    assert_eq!(
        main["aliases"],
        json!([{"key": "招商引进项目数", "unit": "项"}])
    );
    let sug = filler
        .get(&format!(
            "/api/forms/{id}/library/suggestions?level2=%E6%A0%B8%E5%BF%83%E4%B8%9A%E5%8A%A1%E4%BA%A7%E5%87%BA2"
        ))
        .await;
    let first = &sug.body["suggestions"][0];
    assert_eq!(first["entry"]["name"], "服务城市项目数", "{}", sug.body);
    assert_eq!(first["reasons"][0], "财政已审定");

    // Retire 农业产业项目数: no longer offered.
    let retired = reviewer
        .post(
            "/api/library/curations",
            &curate(json!({"action": "retire", "key": "农业产业项目数", "unit": "项"})),
        )
        .await;
    assert_eq!(retired.status, StatusCode::OK, "{}", retired.body);
    assert_eq!(retired.body["entry"]["status"], "retired");
    let offered = |body: &Value| -> Vec<String> {
        body["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["entry"]["name"].as_str().unwrap().to_string())
            .collect()
    };
    let sug = filler
        .get(&format!(
            "/api/forms/{id}/library/suggestions?level2=%E6%A0%B8%E5%BF%83%E4%B8%9A%E5%8A%A1%E4%BA%A7%E5%87%BA3"
        ))
        .await;
    assert!(
        !offered(&sug.body).contains(&"农业产业项目数".to_string()),
        "{}",
        sug.body
    );
    // Restore: offered again.
    let restored = reviewer
        .post(
            "/api/library/curations",
            &curate(json!({"action": "restore", "key": "农业产业项目数", "unit": "项"})),
        )
        .await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.body);
    assert_eq!(restored.body["entry"]["status"], "harvested");
    let sug = filler
        .get(&format!(
            "/api/forms/{id}/library/suggestions?level2=%E6%A0%B8%E5%BF%83%E4%B8%9A%E5%8A%A1%E4%BA%A7%E5%87%BA3"
        ))
        .await;
    assert!(
        offered(&sug.body).contains(&"农业产业项目数".to_string()),
        "{}",
        sug.body
    );

    // History of one entry: versions with who and when.
    let history = reviewer
        .get(&format!(
            "/api/library/curations?key=%E6%9C%8D%E5%8A%A1%E5%9F%8E%E5%B8%82%E9%A1%B9%E7%9B%AE%E6%95%B0&unit=%E9%A1%B9{region_q}"
        ))
        .await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.body);
    let items = history.body["curations"].as_array().unwrap();
    let actions: Vec<(&str, i64)> = items
        .iter()
        .map(|i| {
            (
                i["action"].as_str().unwrap(),
                i["version"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(actions, [("approve", 1), ("edit", 2)]);
    assert!(
        items[1]["by"].as_str().is_some_and(|b| !b.is_empty()),
        "{}",
        items[1]
    );
    assert!(items[1]["at"].as_i64().unwrap() > 0);
    let all = reviewer
        .get(&format!(
            "/api/library/curations?{}",
            region_q.trim_start_matches('&')
        ))
        .await;
    assert_eq!(
        all.body["curations"].as_array().unwrap().len(),
        3,
        "{}",
        all.body
    );

    // Bad requests: clear 4xx, nothing recorded.
    let before = reviewer
        .get(&format!(
            "/api/library?{}",
            region_q.trim_start_matches('&')
        ))
        .await;
    for (body, status) in [
        (
            json!({"action": "merge", "key": "服务城市项目数", "unit": "项", "into": {"key": "服务城市项目数", "unit": "项"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"action": "approve", "key": "没有这个指标", "unit": "项"}),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({"action": "merge", "key": "服务城市项目数", "unit": "项", "into": {"key": "没有这个指标"}}),
            StatusCode::NOT_FOUND,
        ),
        (
            json!({"action": "approve", "key": "服务城市项目数", "unit": "项", "fields": {"direction": "越大越好"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"action": "approve", "key": "服务城市项目数", "unit": "项", "fields": {"explanation": "很".repeat(2001)}}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"action": "restore", "key": "群众满意度", "unit": "%"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"action": "edit", "key": "群众满意度", "unit": "%"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"action": "approve", "key": "", "unit": ""}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"action": "burn", "key": "群众满意度"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"action": "approve", "key": "群众满意度", "colour": "red"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let got = reviewer
            .post("/api/library/curations", &curate(body.clone()))
            .await;
        assert_eq!(got.status, status, "{body} → {}", got.body);
        assert!(
            got.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{}",
            got.body
        );
    }
    let after = reviewer
        .get(&format!(
            "/api/library?{}",
            region_q.trim_start_matches('&')
        ))
        .await;
    assert_eq!(generation(&before.body), generation(&after.body));
    let denied = filler
        .post(
            "/api/library/curations",
            &json!({"action": "approve", "key": "群众满意度", "unit": "%"}),
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);

    // Every decision is on the audit log.
    let auditor = t.login("auditor").await;
    let audit = auditor.get("/api/admin/audit?limit=200").await;
    let details: Vec<&str> = audit
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "library_curate")
        .map(|a| a["detail"].as_str().unwrap())
        .collect();
    assert_eq!(details.len(), 5, "{details:?}");
    assert!(
        details
            .iter()
            .any(|d| d.contains("审定指标「服务城市项目数」（项），第 1 版")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.contains("修改指标「服务城市项目数」（项）的指标解释，第 2 版")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.contains("将指标「招商引进项目数」（项）并入「服务城市项目数」（项）")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.contains("停用指标「农业产业项目数」（项）")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.contains("恢复指标「农业产业项目数」（项）为采集状态")),
        "{details:?}"
    );
    t.cleanup().await;
}

on_both!(library_curation);

/// The library pages: the list and an entry for the finance reviewer (403 for a unit), and the
/// entry page's buttons (审定 with the fields typed, then 合并), each a redirect with its flash.
async fn library_pages(kind: Kind) {
    use crate::page_helpers::{form_post, html, location, page_get};
    let Some(t) = TestApp::with(kind, |app| app).await else {
        return;
    };
    let filler = t.login("xingguo_filler").await;
    let reviewer = t.login("reviewer").await;
    let before = reviewer.get("/library").await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(html(&before).contains("本区划还没有指标库"));
    assert_eq!(filler.get("/library").await.status, StatusCode::FORBIDDEN);
    crate::rounds::approve_demo_draft(&filler, &reviewer).await;

    let list = reviewer.get("/library?q=%E9%A1%B9%E7%9B%AE%E6%95%B0").await;
    assert_eq!(list.status, StatusCode::OK);
    let page = html(&list);
    assert!(page.contains("第 1 版：由 1 份已审核的申报表"), "{page}");
    assert!(page.contains("服务城市项目数") && page.contains("招商引进项目数"));
    assert!(!page.contains("群众满意度"), "the search narrows the list");
    let seeded = html(&reviewer.get("/library?status=harvested").await);
    assert!(seeded.contains("data-status=\"harvested\""));
    assert!(!seeded.contains("data-status=\"approved\""));

    let href = "/library/entry?key=%E6%9C%8D%E5%8A%A1%E5%9F%8E%E5%B8%82%E9%A1%B9%E7%9B%AE%E6%95%B0&unit=%E9%A1%B9";
    let entry = html(&reviewer.get(href).await);
    assert!(entry.contains("id=\"approve-btn\""), "{entry}");
    assert!(
        entry.contains("招商引进项目数（项） · 1 份"),
        "a merge target of the same node"
    );
    assert!(entry.contains("尚未维护"));
    assert!(
        entry.contains("<td>行政单位</td><td class=\"num\">1</td>")
            && entry.contains("<td>2026 年</td>"),
        "use per type and year: {entry}"
    );
    let missing = reviewer
        .get("/library/entry?key=%E6%B2%A1%E6%9C%89&unit=")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    // 审定 with what the reviewer typed.
    let approved = form_post(
        &reviewer,
        "/library/curate",
        &[
            ("_csrf", &reviewer.csrf),
            ("action", "approve"),
            ("key", "服务城市项目数"),
            ("unit", "项"),
            ("name", "服务城市项目数"),
            ("direction", "≥"),
            ("explanation", "年度内为城市提供服务的项目个数"),
            ("basis", "计划标准"),
            ("unit_types", "行政单位、 事业单位"),
            ("tags", ""),
        ],
        "",
    )
    .await;
    assert_eq!(
        approved.status,
        StatusCode::SEE_OTHER,
        "{}",
        html(&approved)
    );
    assert_eq!(location(&approved), href);
    let flash = crate::page_helpers::set_cookie(&approved, "jixiao_flash").unwrap();
    let entry = html(&page_get(&reviewer, href, &format!("; {flash}")).await);
    assert!(entry.contains("已审定入库（第 1 版）"), "{entry}");
    assert!(entry.contains("年度内为城市提供服务的项目个数"));
    assert!(entry.contains("行政单位、事业单位"));
    assert!(entry.contains("审定入库</td>"), "history row");
    assert!(entry.contains("id=\"edit-btn\"") && !entry.contains("id=\"approve-btn\""));

    // 合并 招商引进项目数 into it: back on the entry it went into.
    let merged = form_post(
        &reviewer,
        "/library/curate",
        &[
            ("_csrf", &reviewer.csrf),
            ("action", "merge"),
            ("key", "招商引进项目数"),
            ("unit", "项"),
            ("into", "服务城市项目数|项"),
        ],
        "",
    )
    .await;
    assert_eq!(merged.status, StatusCode::SEE_OTHER, "{}", html(&merged));
    assert_eq!(location(&merged), href);
    let entry = html(&reviewer.get(href).await);
    assert!(
        entry.contains("已并入</dt><dd>招商引进项目数（项）"),
        "{entry}"
    );

    // Without the CSRF field: refused, nothing recorded.
    let forged = form_post(
        &reviewer,
        "/library/curate",
        &[
            ("action", "retire"),
            ("key", "服务城市项目数"),
            ("unit", "项"),
        ],
        "",
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let unit_post = form_post(
        &filler,
        "/library/curate",
        &[
            ("_csrf", &filler.csrf),
            ("action", "retire"),
            ("key", "服务城市项目数"),
            ("unit", "项"),
        ],
        "",
    )
    .await;
    assert_eq!(unit_post.status, StatusCode::FORBIDDEN);
    let lib = reviewer
        .get("/api/library?q=%E6%9C%8D%E5%8A%A1%E5%9F%8E%E5%B8%82")
        .await;
    assert_eq!(lib.body["entries"][0]["status"], "approved");
    t.cleanup().await;
}

on_both!(library_pages);

/// Unit types: the administrator sets them (422 for an unknown one), the library counts use per
/// type, and suggestions name the units of the same type.
async fn library_unit_types(kind: Kind) {
    let Some(t) = TestApp::with(kind, |app| app).await else {
        return;
    };
    let admin = t.login("admin").await;
    let filler = t.login("xingguo_filler").await;
    let reviewer = t.login("reviewer").await;
    let units = admin.get("/api/admin/units").await;
    let unit = |name: &str| {
        units
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(unit("阳新县兴国镇人民政府")["unit_type"], "行政单位");
    let health = unit("阳新县卫生健康局")["id"].as_i64().unwrap();
    let bad = admin
        .call(
            Method::PATCH,
            &format!("/api/admin/units/{health}"),
            Some(&json!({"unit_type": "国有企业"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body["message"]
            .as_str()
            .unwrap()
            .contains("单位类型「国有企业」无效")
    );
    let empty = admin
        .call(
            Method::PATCH,
            &format!("/api/admin/units/{health}"),
            Some(&json!({})),
        )
        .await;
    assert_eq!(
        empty.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        empty.body
    );
    let set = admin
        .call(
            Method::PATCH,
            &format!("/api/admin/units/{health}"),
            Some(&json!({"unit_type": "公益一类事业单位"})),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(set.body["unit_type"], "公益一类事业单位");
    assert_eq!(
        set.body["department_id"],
        Value::Null,
        "the department is left as it was"
    );
    let made = admin
        .post(
            "/api/admin/units",
            &json!({"code": "420222009", "name": "阳新县档案馆", "region_id": set.body["region_id"], "unit_type": "公益二类事业单位"}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.body["unit_type"], "公益二类事业单位");
    // The admin home page's unit list: a type set and a bad one refused.
    let archive = made.body["id"].as_i64().unwrap();
    let page = crate::page_helpers::form_post(
        &admin,
        &format!("/admin/units/{archive}/type"),
        &[("_csrf", &admin.csrf), ("unit_type", "其他")],
        "",
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let refused = crate::page_helpers::form_post(
        &admin,
        &format!("/admin/units/{archive}/type"),
        &[("_csrf", &admin.csrf), ("unit_type", "国有企业")],
        "",
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let units = admin.get("/api/admin/units").await;
    let archived = units
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == archive)
        .unwrap();
    assert_eq!(archived["unit_type"], "其他");

    // The library counts 兴国镇's approved form under 行政单位.
    crate::rounds::approve_demo_draft(&filler, &reviewer).await;
    let lib = reviewer
        .get("/api/library?q=%E6%9C%8D%E5%8A%A1%E5%9F%8E%E5%B8%82%E9%A1%B9%E7%9B%AE%E6%95%B0")
        .await;
    let entry = &lib.body["entries"][0];
    assert_eq!(entry["by_type"]["行政单位"]["forms"], 1, "{entry}");
    t.cleanup().await;
}

on_both!(library_unit_types);
