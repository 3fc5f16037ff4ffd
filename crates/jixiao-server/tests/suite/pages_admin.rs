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

/// The administrator edits a user (office, disable, a new password), is shown what was typed
/// when a post is refused with the reason at its field, turns internal sign-off on for the
/// region, reads the audit page, and downloads the summary workbook.
#[tokio::test]
async fn admin_edits_users_and_reads_the_log() {
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let admin = t.login("admin").await;
    let csrf = admin.csrf.clone();
    let users = admin.get("/api/admin/users").await.body;
    let jiaoyu = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "jiaoyu_filler")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let page = admin.get(&format!("/admin/users/{jiaoyu}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(html(&page).contains("value=\"县教育局计财股\""));
    // A refused new user keeps what was typed (not the password) and marks the field.
    let weak = form_post(
        &admin,
        "/admin/users",
        &[
            ("_csrf", &csrf),
            ("username", "new_filler"),
            ("display_name", "赵六"),
            ("office", "办公室"),
            ("role", "filler"),
            ("unit_id", ""),
            ("password", "long-enough-1"),
        ],
        "",
    )
    .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let h = html(&weak);
    assert!(
        h.contains("value=\"new_filler\"") && h.contains("value=\"赵六\""),
        "{h}"
    );
    assert!(h.contains("id=\"refused-users\""));
    assert!(h.contains("name=\"unit_id\" aria-invalid=\"true\""), "{h}");
    assert!(!h.contains("long-enough-1"));
    // A unit typed by name only, twice: the message speaks of the name, not a code.
    let unit = |name: &'static str| {
        [
            ("_csrf", csrf.clone()),
            ("name", name.to_string()),
            ("region_id", "1".to_string()),
        ]
    };
    let fields = unit("阳新县财政局");
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        form_post(&admin, "/admin/units", &pairs, "").await.status,
        StatusCode::SEE_OTHER
    );
    let dup = form_post(&admin, "/admin/units", &pairs, "").await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert!(
        html(&dup).contains("同名单位「阳新县财政局」已存在"),
        "{}",
        html(&dup)
    );
    assert!(!html(&dup).contains("单位编码"));
    // Edit: new office, disabled. The user's session ends.
    let victim = t.login("jiaoyu_filler").await;
    let jid = jiaoyu.to_string();
    let edit = form_post(
        &admin,
        &format!("/admin/users/{jid}"),
        &[
            ("_csrf", &csrf),
            ("display_name", "王磊"),
            ("office", "县教育局财务室"),
            ("role", "filler"),
            ("unit_id", "2"),
            ("region_id", ""),
            ("disabled", "1"),
        ],
        "",
    )
    .await;
    assert_eq!(edit.status, StatusCode::SEE_OTHER, "{}", html(&edit));
    assert_eq!(victim.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    let list = html(&admin.get("/").await);
    assert!(
        list.contains("县教育局财务室") && list.contains("已停用"),
        "{list}"
    );
    // A new password is the security administrator's to set (三权分立): refused for the
    // system administrator, whose edit page offers no password field.
    let page = html(&admin.get(&format!("/admin/users/{jid}")).await);
    assert!(!page.contains("name=\"password\""), "{page}");
    let reset = [
        ("_csrf", csrf.as_str()),
        ("display_name", "王磊"),
        ("office", "县教育局财务室"),
        ("role", "filler"),
        ("unit_id", "2"),
        ("region_id", ""),
        ("password", "Brand-new-pass-9"),
    ];
    let refused = form_post(&admin, &format!("/admin/users/{jid}"), &reset, "").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(html(&refused).contains("安全管理员"), "{}", html(&refused));
    let security = t.login("security").await;
    let scsrf = security.csrf.clone();
    let mut reset = reset;
    reset[0].1 = scsrf.as_str();
    let page = html(&security.get(&format!("/admin/users/{jid}")).await);
    assert!(page.contains("name=\"password\""), "{page}");
    let done = form_post(&security, &format!("/admin/users/{jid}"), &reset, "").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", html(&done));
    // A refused edit keeps the typed values on the edit page.
    let bad = form_post(
        &security,
        &format!("/admin/users/{jid}"),
        &[
            ("_csrf", &scsrf),
            ("display_name", "王磊"),
            ("office", "新科室"),
            ("role", "filler"),
            ("unit_id", ""),
            ("region_id", ""),
            ("password", "short"),
        ],
        "",
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&bad).contains("value=\"新科室\""));
    // Internal sign-off for the region, from the regions list.
    let on = form_post(
        &admin,
        "/admin/regions/1/sign-off",
        &[("_csrf", &csrf), ("on", "1")],
        "",
    )
    .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);
    assert_eq!(
        admin.get("/api/admin/regions").await.body[0]["unit_sign_off"],
        true
    );
    // The audit page (the audit administrator's) names people and actions in Chinese.
    assert_eq!(
        admin.get("/admin/audit").await.status,
        StatusCode::FORBIDDEN
    );
    let auditor = t.login("auditor").await;
    assert_eq!(location(&auditor.get("/").await), "/admin/audit");
    let log = html(&auditor.get("/admin/audit").await);
    assert!(
        log.contains("修改用户") && log.contains("县财政局信息中心 李强"),
        "{log}"
    );
    assert!(log.contains("重设密码（须本人修改后使用）"), "{log}");
    let verified = html(&auditor.get("/admin/audit?verify=1").await);
    assert!(verified.contains("哈希链完整"), "{verified}");
    // The summary workbook of the region's forms.
    let reviewer = t.login("reviewer").await;
    assert!(html(&reviewer.get("/").await).contains("id=\"summary-link\""));
    let xlsx = reviewer.get("/api/summary?year=2026").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.bytes.starts_with(b"PK"));
    let cd = xlsx.headers["content-disposition"].to_str().unwrap();
    assert!(cd.contains("summary.xlsx"), "{cd}");
    t.cleanup().await;
}

/// The administrator sets up two review levels from the home page: the region's setting and a
/// unit's department in charge; a refused choice comes back on the page with its reason.
#[tokio::test]
async fn admin_sets_up_department_review_from_the_page() {
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let admin = t.login("admin").await;
    let csrf = admin.csrf.clone();
    let home = html(&admin.get("/").await);
    assert!(home.contains("主管部门审核") && home.contains("/department\""));
    let region = admin.get("/api/admin/regions").await.body[0]["id"].to_string();
    let on = form_post(
        &admin,
        &format!("/admin/regions/{region}/department-review"),
        &[("_csrf", &csrf), ("on", "1")],
        "",
    )
    .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER, "{}", html(&on));
    assert_eq!(
        admin.get("/api/admin/regions").await.body[0]["department_review"],
        true
    );
    let units = admin.get("/api/admin/units").await.body;
    let id = |code: &str| {
        units
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["code"] == code)
            .unwrap()["id"]
            .to_string()
    };
    let (town, education) = (id("420222001"), id("420222002"));
    let set = form_post(
        &admin,
        &format!("/admin/units/{town}/department"),
        &[("_csrf", &csrf), ("department_id", &education)],
        "",
    )
    .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", html(&set));
    assert_eq!(location(&set), "/#units");
    let after = admin.get("/api/admin/units").await.body;
    let town_row = after
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "420222001")
        .unwrap();
    assert_eq!(town_row["department_id"].to_string(), education);
    // The department of a unit cannot itself sit under a department.
    let refused = form_post(
        &admin,
        &format!("/admin/units/{education}/department"),
        &[("_csrf", &csrf), ("department_id", &town)],
        "",
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&refused).contains("只支持一级"), "{}", html(&refused));
    let cleared = form_post(
        &admin,
        &format!("/admin/units/{town}/department"),
        &[("_csrf", &csrf), ("department_id", "")],
        "",
    )
    .await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER);
    t.cleanup().await;
}
