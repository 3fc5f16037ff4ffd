//! The home pages of each role and the administrator's posts, through the real router.

use crate::common;
use crate::page_helpers;

use axum::http::StatusCode;
use common::{Kind, TestApp};
use page_helpers::{form_post, html, location};

#[tokio::test]
async fn home_pages_by_role_and_admin_posts() {
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let unit = t.login("xingguo_filler").await;
    let home = html(&unit.get("/").await);
    assert!(home.contains("阳新县兴国镇人民政府") && home.contains("/forms/new"));
    let reviewer = t.login("reviewer").await;
    assert!(html(&reviewer.get("/").await).contains("阳新县"));
    let admin = t.login("admin").await;
    assert!(html(&admin.get("/").await).contains("xingguo_filler"));
    let csrf = admin.csrf.clone();
    let r = form_post(
        &admin,
        "/admin/regions",
        &[("_csrf", &csrf), ("name", "大冶市"), ("code", "420281")],
        "",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert_eq!(location(&r), "/#regions");
    let regions = admin.get("/api/admin/regions").await.body;
    let region = regions
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "大冶市")
        .unwrap()["id"]
        .to_string();
    let u = form_post(
        &admin,
        "/admin/units",
        &[
            ("_csrf", &csrf),
            ("name", "大冶市财政局"),
            ("region_id", &region),
        ],
        "",
    )
    .await;
    assert_eq!(u.status, StatusCode::SEE_OTHER, "{}", html(&u));
    let weak = form_post(
        &admin,
        "/admin/users",
        &[
            ("_csrf", &csrf),
            ("username", "dy_reviewer"),
            ("display_name", "大冶审核"),
            ("role", "reviewer"),
            ("unit_id", ""),
            ("region_id", &region),
            ("password", "short"),
        ],
        "",
    )
    .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&weak).contains("密码至少需要 8 个字符"));
    let ok = form_post(
        &admin,
        "/admin/users",
        &[
            ("_csrf", &csrf),
            ("username", "dy_reviewer"),
            ("display_name", "大冶审核"),
            ("role", "reviewer"),
            ("unit_id", ""),
            ("region_id", &region),
            ("password", "long-enough-1"),
        ],
        "",
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", html(&ok));
    assert!(html(&admin.get("/").await).contains("dy_reviewer"));
    // Only administrators: a unit user's post is refused.
    let ucsrf = unit.csrf.clone();
    let no = form_post(
        &unit,
        "/admin/regions",
        &[("_csrf", &ucsrf), ("name", "x"), ("code", "x")],
        "",
    )
    .await;
    assert_eq!(no.status, StatusCode::FORBIDDEN);
    // Logout ends the session.
    let out = form_post(&unit, "/logout", &[("_csrf", &ucsrf)], "").await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&out), "/login");
    assert_eq!(unit.get("/").await.status, StatusCode::SEE_OTHER);
    t.cleanup().await;
}
