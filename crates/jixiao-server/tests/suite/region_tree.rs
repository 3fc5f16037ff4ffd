//! Regions under regions and the streamed summary: the administrator puts a county under its
//! city (cycles and unknown parents refused), the city's finance reviewer downloads the CSV
//! summary of every form that reached the finance bureau in the county, the county's reviewer
//! the same forms, a unit only its own, and the administrators none.

use crate::common;

use axum::http::{Method, StatusCode};
use common::{Kind, TestApp};
use serde_json::{Value, json};

/// The lines of a CSV answer (BOM checked and removed), split into cells (the demo has no
/// quoted commas).
fn csv_lines(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    assert!(text.ends_with("\r\n"), "CRLF line ends");
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

async fn region_tree_summary(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let admin = t.login("admin").await;
    let regions = admin.get("/api/admin/regions").await;
    let county = regions.body.as_array().unwrap()[0].clone();
    let county_id = county["id"].as_i64().unwrap();
    assert_eq!(county["parent_id"], Value::Null);

    // A city, and the county put under it.
    let city = admin
        .post(
            "/api/admin/regions",
            &json!({"code": "420200", "name": "黄石市"}),
        )
        .await;
    assert_eq!(city.status, StatusCode::CREATED, "{}", city.body);
    let city_id = city.body["id"].as_i64().unwrap();
    let patch = |id: i64, body: Value| {
        let admin = admin.clone();
        async move {
            admin
                .call(
                    Method::PATCH,
                    &format!("/api/admin/regions/{id}"),
                    Some(&body),
                )
                .await
        }
    };
    let put = patch(county_id, json!({"parent_id": city_id})).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!(put.body["parent_id"], city_id);
    assert_eq!(
        put.body["unit_sign_off"], county["unit_sign_off"],
        "other settings kept"
    );

    // Refused: a cycle, the region itself, an unknown parent, an unknown region, a unit with a
    // parent, a new region under an unknown one. None of them changes anything.
    for (id, body, status, words) in [
        (city_id, json!({"parent_id": county_id}), 422, "下级区划"),
        (city_id, json!({"parent_id": city_id}), 422, "本区划"),
        (county_id, json!({"parent_id": 999_999}), 422, "不存在"),
        (999_999, json!({"parent_id": city_id}), 404, "区划不存在"),
        (county_id, json!({"parent_id": "黄石市"}), 422, ""),
    ] {
        let a = patch(id, body.clone()).await;
        assert_eq!(a.status.as_u16(), status, "{body}: {}", a.body);
        assert!(
            a.body["message"].as_str().unwrap_or("").contains(words),
            "{body}: {}",
            a.body
        );
    }
    let unit = admin
        .post(
            "/api/admin/units",
            &json!({"code": "x1", "name": "某单位", "region_id": county_id, "parent_id": city_id}),
        )
        .await;
    assert_eq!(
        unit.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unit.body
    );
    let orphan = admin
        .post(
            "/api/admin/regions",
            &json!({"code": "429999", "name": "某县", "parent_id": 999_999}),
        )
        .await;
    assert_eq!(orphan.status, StatusCode::UNPROCESSABLE_ENTITY);
    let after = admin.get("/api/admin/regions").await;
    let parent_of = |id: i64| {
        after
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["parent_id"].clone())
    };
    assert_eq!(parent_of(city_id), Some(Value::Null));
    assert_eq!(parent_of(county_id), Some(json!(city_id)));
    assert!(
        after
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["code"] != "429999")
    );

    // The city's reviewer: no forms of her own region, the county's in her summary.
    let hash = jixiao_server::auth::hash_password(jixiao_server::demo::DEMO_PASSWORD).unwrap();
    let mut tx = t.state.db.begin_write().await.unwrap();
    tx.create_user(&jixiao_storage::users::NewUser {
        username: "city_reviewer",
        display_name: "市审核人",
        office: "市财政局绩效科",
        password_hash: &hash,
        role: jixiao_storage::Role::Reviewer,
        region_id: Some(city_id),
        unit_id: None,
        must_change_password: false,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let city_reviewer = t.login("city_reviewer").await;
    let own = city_reviewer.get("/api/forms").await;
    assert_eq!(
        own.body.as_array().unwrap().len(),
        0,
        "the list stays per region"
    );

    let county_reviewer = t.login("reviewer").await;
    let filler = t.login("xingguo_filler").await;
    crate::rounds::approve_demo_draft(&filler, &county_reviewer).await;
    let finance_forms = county_reviewer.get("/api/forms").await;
    let expected: Vec<&Value> = finance_forms.body.as_array().unwrap().iter().collect();
    assert!(
        !expected.is_empty(),
        "the demo has forms at the finance bureau"
    );

    let check = |a: &common::Answer, who: &str| {
        assert_eq!(a.status, StatusCode::OK, "{who}: {}", a.body);
        assert_eq!(
            a.headers["content-type"], "text/csv; charset=utf-8",
            "{who}"
        );
        assert!(
            a.headers["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment;"),
            "{who}"
        );
        let lines = csv_lines(&a.bytes);
        let count: usize = a.headers["x-form-count"].to_str().unwrap().parse().unwrap();
        assert_eq!(
            lines.len(),
            count + 1,
            "{who}: header and one line per form"
        );
        lines
    };
    for (who, client) in [("city", &city_reviewer), ("county", &county_reviewer)] {
        let a = client.get("/api/summary.csv").await;
        let lines = check(&a, who);
        let header = &lines[0];
        assert_eq!(
            &header[..4],
            ["区划代码", "区划名称", "单位编码", "单位名称"]
        );
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        assert_eq!(lines.len() - 1, expected.len(), "{who}: every finance form");
        for row in &lines[1..] {
            assert_eq!(row.len(), header.len(), "{who}: {row:?}");
            assert_eq!(row[col("区划名称")], county["name"].as_str().unwrap());
            let form = expected
                .iter()
                .find(|f| {
                    f["unit_name"] == row[col("单位名称")].as_str()
                        && row[col("预算年度")].parse::<i64>().ok() == f["fiscal_year"].as_i64()
                })
                .unwrap_or_else(|| panic!("{who}: {row:?} is a finance form"));
            assert_eq!(row[col("状态")], form["status_label"].as_str().unwrap());
            assert_eq!(row[col("版本")], form["version"].to_string());
            assert_eq!(
                row[col("收入合计（万元）")],
                form["income_total"].as_str().unwrap_or(""),
                "{who}: {row:?}"
            );
            assert_eq!(
                row[col("支出合计（万元）")],
                form["expenditure_total"].as_str().unwrap_or("")
            );
            assert_eq!(row[col("校验错误")], form["errors"].to_string());
        }
        // Sorted by region, unit code, year: the same unit's years in order.
        let keys: Vec<(String, String)> = lines[1..]
            .iter()
            .map(|r| (r[col("单位编码")].clone(), r[col("预算年度")].clone()))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "{who}");
        // The seed's amounts are in the columns of the template's funding rows.
        assert!(
            lines[1..]
                .iter()
                .any(|r| r[col("收入：财政拨款（万元）")] == "1679.6"),
            "{who}: {:?}",
            &lines[1..]
        );
        // A filter by year and an unknown status.
        let y = client.get("/api/summary.csv?year=1990").await;
        assert_eq!(check(&y, who).len(), 1, "{who}: only the header");
        let s = client.get("/api/summary.csv?status=nonsense").await;
        assert_eq!(check(&s, who).len(), 1);
    }

    // A filler: only the own unit's forms; the administrators: refused.
    let a = filler.get("/api/summary.csv").await;
    let lines = check(&a, "filler");
    assert!(lines.len() > 1);
    assert!(
        lines[1..].iter().all(|r| r[3] == "阳新县兴国镇人民政府"),
        "{lines:?}"
    );
    let refused = admin.get("/api/summary.csv").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let bad = city_reviewer.get("/api/summary.csv?year=abc").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);

    // Each download is in the audit log with its count.
    let audit = t.state.db.audit_latest(20).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.detail.contains("下载汇总表 CSV") && e.detail.contains("含下级区划")),
        "{audit:?}"
    );

    // Back at the top.
    let top = patch(county_id, json!({"parent_id": null})).await;
    assert_eq!(top.status, StatusCode::OK, "{}", top.body);
    assert_eq!(top.body["parent_id"], Value::Null);
    let after = city_reviewer.get("/api/summary.csv").await;
    assert_eq!(
        check(&after, "city").len(),
        1,
        "the county's forms are gone"
    );
    t.cleanup().await;
}

on_both!(region_tree_summary);
