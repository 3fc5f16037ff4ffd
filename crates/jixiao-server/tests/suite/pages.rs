//! The HTML pages through the real router (in-process, SQLite, demo data): login, redirects
//! to the login page, scoping, CSRF on form posts, the no-JavaScript save, submit and review.

use crate::common;
use crate::page_helpers;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Answer, Client, Kind, TestApp, send};
use page_helpers::{form_post, html, location, page_get, set_cookie, urlencoded};

/// The id of the demo's seed form (兴国镇, 2026).
async fn seed_id(t: &TestApp) -> i64 {
    let c = t.login("xingguo_filler").await;
    c.get("/api/forms").await.body[0]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn login_form_logs_in_and_refuses_bad_input() {
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let page = send(
        &t.app,
        Request::get("/login?next=/forms/1")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = set_cookie(&page, "jixiao_csrf").unwrap();
    let token = csrf.strip_prefix("jixiao_csrf=").unwrap().to_string();
    let body = html(&page);
    assert!(
        body.contains(&format!("value=\"{token}\"")),
        "the form carries the token"
    );
    assert!(body.contains("name=\"next\" value=\"/forms/1\""));

    let post = |fields: Vec<(&'static str, String)>, cookie: String| {
        let app = t.app.clone();
        async move {
            let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let req = Request::post("/login")
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(urlencoded(&f)))
                .unwrap();
            send(&app, req).await
        }
    };
    let pw = jixiao_server::demo::DEMO_PASSWORD.to_string();
    // Right password, local next: 303 there with the session cookies.
    let ok = post(
        vec![
            ("_csrf", token.clone()),
            ("username", "reviewer".into()),
            ("password", pw.clone()),
            ("next", "/forms/1".into()),
        ],
        csrf.clone(),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&ok), "/forms/1");
    assert!(set_cookie(&ok, "jixiao_session").is_some());
    // A foreign next goes home.
    let foreign = post(
        vec![
            ("_csrf", token.clone()),
            ("username", "reviewer".into()),
            ("password", pw.clone()),
            ("next", "//evil.example/".into()),
        ],
        csrf.clone(),
    )
    .await;
    assert_eq!(location(&foreign), "/");
    // Wrong password: 401, the form again with the reason and the name kept.
    let bad = post(
        vec![
            ("_csrf", token.clone()),
            ("username", "reviewer".into()),
            ("password", "wrong-password".into()),
        ],
        csrf.clone(),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert!(html(&bad).contains("用户名或密码错误"));
    assert!(html(&bad).contains("value=\"reviewer\""));
    // Without the CSRF token: 403, nobody logged in.
    let no_csrf = post(
        vec![("username", "reviewer".into()), ("password", pw)],
        csrf,
    )
    .await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    assert!(set_cookie(&no_csrf, "jixiao_session").is_none());
    t.cleanup().await;
}

#[tokio::test]
async fn pages_without_a_session_go_to_login() {
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let get = |path: &'static str| {
        let app = t.app.clone();
        async move { send(&app, Request::get(path).body(Body::empty()).unwrap()).await }
    };
    let home = get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&home), "/login");
    let edit = get("/forms/1/edit").await;
    assert_eq!(edit.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&edit), "/login?next=/forms/1/edit");
    let hist = get("/forms/1/history?from=1&to=2").await;
    assert_eq!(
        location(&hist),
        "/login?next=/forms/1/history%3Ffrom%3D1%26to%3D2"
    );
    let req = Request::post("/forms/1/save")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("_csrf=x"))
        .unwrap();
    let save = send(&t.app, req).await;
    assert_eq!(save.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&save), "/login");
    // Assets need no session and are cached.
    let css = get("/assets/app.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(
        css.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    assert_eq!(
        get("/assets/../Cargo.toml").await.status,
        StatusCode::NOT_FOUND
    );
    t.cleanup().await;
}

#[tokio::test]
async fn a_unit_cannot_open_another_units_form() {
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let id = seed_id(&t).await;
    let other = t.login("jiaoyu_filler").await;
    for path in [
        format!("/forms/{id}"),
        format!("/forms/{id}/edit"),
        format!("/forms/{id}/history"),
    ] {
        let a = other.get(&path).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            html(&a).contains("申报表不存在或无权查看"),
            "{path}: the error page"
        );
        assert!(!html(&a).contains("15172093138"));
    }
    let own = t.login("xingguo_filler").await;
    let edit = own.get(&format!("/forms/{id}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(html(&edit).contains("阳新县兴国镇人民政府"));
    // A draft never submitted is the unit's own: the finance side does not see it.
    let reviewer = t.login("reviewer").await;
    for path in [
        format!("/forms/{id}"),
        format!("/forms/{id}/edit"),
        format!("/forms/{id}/review"),
    ] {
        let a = reviewer.get(&path).await;
        assert_eq!(
            a.status,
            StatusCode::NOT_FOUND,
            "reviewer, never submitted: {path}"
        );
    }
    // Submitted once (then withdrawn to a draft), it is on the finance bureau's record: the
    // reviewer may see the form but not edit it, the read-only view instead.
    let version = own.get(&format!("/api/forms/{id}")).await.body["version"].clone();
    let sub = own
        .post(
            &format!("/api/forms/{id}/submit"),
            &serde_json::json!({"base_version": version}),
        )
        .await;
    assert_eq!(sub.status, StatusCode::OK, "{}", sub.body);
    let back = own
        .post(&format!("/api/forms/{id}/withdraw"), &serde_json::json!({}))
        .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
    let r = reviewer.get(&format!("/forms/{id}/edit")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&r), format!("/forms/{id}"));
    let view = html(&reviewer.get(&format!("/forms/{id}")).await);
    assert!(view.contains("151****3138"));
    assert!(
        !view.contains("不是有效的手机号"),
        "the masked number is not a finding"
    );
    // A draft is not for review yet: the form itself, saying why.
    let early = reviewer.get(&format!("/forms/{id}/review")).await;
    assert_eq!(early.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&early), format!("/forms/{id}"));
    assert!(
        flash_text(&early).contains("不能审核"),
        "{}",
        flash_text(&early)
    );
    t.cleanup().await;
}

#[tokio::test]
async fn form_posts_need_the_csrf_field() {
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let id = seed_id(&t).await;
    let c = t.login("xingguo_filler").await;
    let path = format!("/forms/{id}/save");
    let missing = form_post(
        &c,
        &path,
        &[("base_version", "1"), ("/header/filler", "王五")],
        "",
    )
    .await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(html(&missing).contains("CSRF"));
    let wrong = form_post(&c, &path, &[("_csrf", "0123"), ("base_version", "1")], "").await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_eq!(
        form_post(&c, "/logout", &[], "").await.status,
        StatusCode::FORBIDDEN
    );
    // Nothing was saved.
    assert_eq!(c.get(&format!("/api/forms/{id}")).await.body["version"], 1);
    t.cleanup().await;
}

#[tokio::test]
async fn no_script_save_makes_a_new_version() {
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let id = seed_id(&t).await;
    let c = t.login("xingguo_filler").await;
    let path = format!("/forms/{id}/save");
    let csrf = c.csrf.clone();
    let ok = form_post(
        &c,
        &path,
        &[
            ("_csrf", &csrf),
            ("base_version", "1"),
            ("/header/filler", "王五"),
            ("/funding/income/rows/0/current", "1700"),
        ],
        "",
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", html(&ok));
    assert_eq!(location(&ok), format!("/forms/{id}/edit"));
    let flash = set_cookie(&ok, "jixiao_flash").unwrap();
    let saved = c.get(&format!("/api/forms/{id}")).await.body;
    assert_eq!(saved["version"], 2);
    assert_eq!(saved["form"]["header"]["filler"], "王五");
    assert_eq!(
        saved["form"]["funding"]["income"]["rows"][0]["current"],
        "1700"
    );
    // The next page shows the flash once and clears it.
    let page = page_get(&c, &format!("/forms/{id}/edit"), &format!("; {flash}")).await;
    assert!(html(&page).contains("已保存（第 2 版）"));
    assert_eq!(
        set_cookie(&page, "jixiao_flash").as_deref(),
        Some("jixiao_flash=")
    );
    // A save based on the old version is refused and says so.
    let stale = form_post(
        &c,
        &path,
        &[
            ("_csrf", &csrf),
            ("base_version", "1"),
            ("/header/filler", "赵六"),
        ],
        "",
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    // The user's edit stays on the page, based on version 2 now, with the difference shown
    // side by side: their 赵六 against version 2's 王五.
    let page = html(&stale);
    assert!(
        page.contains("他人已保存了第 2 版，您的修改尚未保存"),
        "{page}"
    );
    assert!(page.contains("id=\"conflict\" role=\"alert\">"), "{page}");
    let conflict = &page[page.find("id=\"conflict\"").unwrap()..];
    let conflict = &conflict[..conflict.find("</section>").unwrap()];
    assert!(
        conflict.contains("赵六") && conflict.contains("王五"),
        "{conflict}"
    );
    assert!(page.contains("value=\"赵六\""));
    assert!(page.contains("name=\"base_version\" value=\"2\""));
    // The history's diff names places in the form's words, in the form's order.
    let h = html(&c.get(&format!("/forms/{id}/history?from=1&to=2")).await);
    let header = h.find("表头 · 填报人").expect("the filler's label");
    let funding = h
        .find("部门总体资金情况 · 收入构成")
        .expect("the income row's label");
    assert!(header < funding, "form order");
    assert!(!h.contains("· word") && !h.contains("/header/filler"));
    // The read-only page offers every download, the HTML page too; the icon is served.
    let view = html(&c.get(&format!("/forms/{id}")).await);
    for format in ["pdf", "xlsx", "json", "html"] {
        assert!(
            view.contains(&format!("export?format={format}")),
            "{format}"
        );
    }
    assert_eq!(c.get("/favicon.ico").await.status, StatusCode::OK);
    // A bad amount: 422, the field named, everything else typed kept, nothing saved.
    let bad = form_post(
        &c,
        &path,
        &[
            ("_csrf", &csrf),
            ("base_version", "2"),
            ("/header/filler", "钱七"),
            ("/funding/income/rows/0/current", "十二万"),
        ],
        "",
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = html(&bad);
    assert!(body.contains("INPUT") || body.contains("/funding/income/rows/0/current"));
    assert!(body.contains("钱七"), "what the user typed is kept");
    assert_eq!(c.get(&format!("/api/forms/{id}")).await.body["version"], 2);
    t.cleanup().await;
}

#[tokio::test]
async fn submit_return_resubmit_approve_through_pages() {
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let id = seed_id(&t).await;
    let unit = t.login("xingguo_filler").await;
    let reviewer = t.login("reviewer").await;
    let submit = |base: &'static str| {
        let unit = unit.clone();
        async move {
            let csrf = unit.csrf.clone();
            form_post(
                &unit,
                &format!("/forms/{id}/submit"),
                &[("_csrf", &csrf), ("base_version", base)],
                "",
            )
            .await
        }
    };
    let s = submit("1").await;
    assert_eq!(s.status, StatusCode::SEE_OTHER, "{}", html(&s));
    assert_eq!(location(&s), format!("/forms/{id}"));
    // The reviewer's queue lists it; the review page opens.
    assert!(
        html(&reviewer.get("/?status=submitted").await).contains(&format!("/forms/{id}/review"))
    );
    assert_eq!(
        reviewer.get(&format!("/forms/{id}/review")).await.status,
        StatusCode::OK
    );
    // The unit may not review.
    let csrf_u = unit.csrf.clone();
    let u = form_post(
        &unit,
        &format!("/forms/{id}/review"),
        &[
            ("_csrf", &csrf_u),
            ("decision", "approve"),
            ("completeness", "优"),
            ("relevance", "优"),
            ("suitability", "优"),
            ("feasibility", "优"),
        ],
        "",
    )
    .await;
    assert_eq!(u.status, StatusCode::FORBIDDEN);
    // An incomplete review: 422 with the reasons.
    let csrf = reviewer.csrf.clone();
    let review_path = format!("/forms/{id}/review");
    let incomplete = form_post(
        &reviewer,
        &review_path,
        &[("_csrf", &csrf), ("decision", "return")],
        "",
    )
    .await;
    assert_eq!(incomplete.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&incomplete).contains("退回时必须填写退回原因"));
    // Return with a comment on the funding section.
    let grades = [
        ("completeness", "良"),
        ("relevance", "优"),
        ("suitability", "中"),
        ("feasibility", "良"),
    ];
    let mut fields = vec![
        ("_csrf", csrf.as_str()),
        ("base_version", "1"),
        ("decision", "return"),
        ("reason", "收入合计请核对"),
    ];
    fields.extend(grades);
    fields.extend([
        ("comment_path", "/funding"),
        ("comment_text", "财政拨款与上年差异较大，请说明"),
        ("comment_path", ""),
        ("comment_text", ""),
    ]);
    let r = form_post(&reviewer, &review_path, &fields, "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", html(&r));
    assert_eq!(location(&r), "/");
    let after = unit.get(&format!("/api/forms/{id}")).await.body;
    assert_eq!(after["status"], "returned");
    assert_eq!(
        after["comments"][0]["text"],
        "财政拨款与上年差异较大，请说明"
    );
    // The unit sees the comment and the reason in the editor.
    let edit = html(&unit.get(&format!("/forms/{id}/edit")).await);
    assert!(edit.contains("财政拨款与上年差异较大，请说明") && edit.contains("收入合计请核对"));
    // Resubmit, approve.
    assert_eq!(submit("1").await.status, StatusCode::SEE_OTHER);
    let mut fields = vec![("_csrf", csrf.as_str()), ("decision", "approve")];
    fields.extend(grades.map(|(k, _)| (k, "优")));
    let a = form_post(&reviewer, &review_path, &fields, "").await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", html(&a));
    assert_eq!(
        unit.get(&format!("/api/forms/{id}")).await.body["status"],
        "approved"
    );
    // History shows the steps and a diff.
    let h = html(&unit.get(&format!("/forms/{id}/history?from=1&to=1")).await);
    assert!(h.contains("第 1 版"));
    t.cleanup().await;
}

/// Posts a file to the import page as its multipart form does.
async fn upload(c: &Client, name: &str, bytes: &[u8]) -> Answer {
    let boundary = "XjixiaoBOUNDARY";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/json\r\n\r\n",
        c.csrf
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let req = Request::post("/forms/import")
        .header(
            header::COOKIE,
            format!("jixiao_session={}; jixiao_csrf={}", c.session, c.csrf),
        )
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    send(&c.app, req).await
}

#[tokio::test]
async fn start_page_imports_and_creates() {
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let c = t.login("jiaoyu_filler").await;
    let start = c.get("/forms/new").await;
    assert_eq!(start.status, StatusCode::OK);
    assert!(html(&start).contains("hubei-dept-2026"));
    let seed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/seed/seed.form.json"
    ))
    .unwrap();
    let csrf = c.csrf.clone();
    // 兴国镇's file, uploaded by 教育局: the preview says whose it is and offers no way to save
    // it; a confirmation posted anyway is refused; nothing is stored.
    let preview = upload(&c, "seed.form.json", seed.as_bytes()).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", html(&preview));
    let page = html(&preview);
    assert!(page.contains("id=\"import-blocked\""), "{page}");
    assert!(page.contains("不是本单位「阳新县教育局」"));
    assert!(!page.contains("/forms/import/confirm"));
    assert!(page.contains("（JSON 数据）"), "the format in Chinese");
    let refused = form_post(
        &c,
        "/forms/import/confirm",
        &[("_csrf", &csrf), ("form_json", &seed)],
        "",
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&refused).contains("只能填报本单位的申报表"));
    let api = c
        .post(
            "/api/forms",
            &serde_json::json!({"form": serde_json::from_str::<serde_json::Value>(&seed).unwrap()}),
        )
        .await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(api.body["error"], "unit_mismatch");
    assert_eq!(c.get("/api/forms").await.body.as_array().unwrap().len(), 0);

    // The unit's own file: previewed, then saved on confirmation.
    let own = seed.replace("阳新县兴国镇人民政府", "阳新县教育局");
    let preview = upload(&c, "own.form.json", own.as_bytes()).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", html(&preview));
    assert!(html(&preview).contains("/forms/import/confirm"));
    assert_eq!(c.get("/api/forms").await.body.as_array().unwrap().len(), 0);
    let ok = form_post(
        &c,
        "/forms/import/confirm",
        &[("_csrf", &csrf), ("form_json", &own)],
        "",
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", html(&ok));
    let list = c.get("/api/forms").await.body;
    let id = list[0]["id"].as_i64().unwrap();
    assert_eq!(location(&ok), format!("/forms/{id}/edit"));
    // The same year again: the preview shows the clash and the ways out at once…
    let again = upload(&c, "own.form.json", own.as_bytes()).await;
    let page = html(&again);
    assert!(page.contains("id=\"import-clash\""), "{page}");
    assert!(page.contains(&format!("href=\"/forms/{id}\"")));
    assert!(page.contains(&format!("/forms/{id}/step/discard")));
    assert!(!page.contains("/forms/import/confirm"));
    // …and a confirmation posted anyway is a 409 on the start page.
    let again = form_post(
        &c,
        "/forms/import/confirm",
        &[("_csrf", &csrf), ("form_json", &own)],
        "",
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(html(&again).contains("已存在"));
    // A blank form for another year starts with the filler, today's date and the template's
    // common indicators.
    let blank = form_post(
        &c,
        "/forms/new",
        &[
            ("_csrf", &csrf),
            ("from", "blank"),
            ("template_id", "hubei-dept-2026"),
            ("fiscal_year", "2027"),
        ],
        "",
    )
    .await;
    assert_eq!(blank.status, StatusCode::SEE_OTHER, "{}", html(&blank));
    let list = c.get("/api/forms").await.body;
    assert_eq!(list.as_array().unwrap().len(), 2);
    let blank_id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fiscal_year"] == 2027)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let form = &c.get(&format!("/api/forms/{blank_id}")).await.body["form"];
    assert_eq!(form["header"]["filler"], "王磊");
    assert_eq!(form["header"]["unit_name"], "阳新县教育局");
    assert!(form["header"]["fill_date"].is_string(), "{form}");
    assert_eq!(
        form["indicators"]["annual"]["rows"]
            .as_array()
            .unwrap()
            .len(),
        24
    );
    assert_eq!(
        form["indicators"]["annual"]["rows"][0]["name"],
        "公用经费控制率"
    );
    t.cleanup().await;
}

/// The flash message a redirect carries, decoded.
fn flash_text(a: &Answer) -> String {
    let raw = set_cookie(a, "jixiao_flash").unwrap_or_default();
    let value = raw.split_once('=').map(|(_, v)| v).unwrap_or("");
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&value[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The workflow steps on the pages: each button opens a confirmation page that says what will
/// happen; confirming takes the step and comes back with a success message; the unit approver
/// sees what waits for sign-off and signs it off or returns it with a reason.
#[tokio::test]
async fn step_pages_confirm_then_act() {
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let filler = t.login("xingguo_filler").await;
    let approver = t.login("xingguo_approver").await;
    let admin = t.login("admin").await;
    let id = filler.get("/api/forms").await.body[0]["id"]
        .as_i64()
        .unwrap();
    // A draft never submitted may be deleted: the home page offers it, the page confirms.
    let home = html(&filler.get("/").await);
    assert!(
        home.contains(&format!("/forms/{id}/step/discard")),
        "{home}"
    );
    let confirm = filler.get(&format!("/forms/{id}/step/discard")).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", html(&confirm));
    assert!(html(&confirm).contains("删除这份草稿？"));
    assert!(html(&confirm).contains("id=\"confirm-btn\""));
    // Unknown steps and other people's forms are 404 pages.
    assert_eq!(
        filler
            .get(&format!("/forms/{id}/step/explode"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let other = t.login("jiaoyu_filler").await;
    assert_eq!(
        other.get(&format!("/forms/{id}/step/discard")).await.status,
        StatusCode::NOT_FOUND
    );
    // Sign-off on: the filler submits; the approver's home says it waits for them.
    let region = admin.get("/api/admin/regions").await.body[0]["id"]
        .as_i64()
        .unwrap();
    admin
        .call(
            axum::http::Method::PATCH,
            &format!("/api/admin/regions/{region}"),
            Some(&serde_json::json!({"unit_sign_off": true})),
        )
        .await;
    let csrf = filler.csrf.clone();
    let sub = form_post(
        &filler,
        &format!("/forms/{id}/submit"),
        &[("_csrf", &csrf), ("base_version", "1")],
        "",
    )
    .await;
    assert_eq!(sub.status, StatusCode::SEE_OTHER, "{}", html(&sub));
    let flash = flash_text(&sub);
    assert!(flash.contains("等待本单位审核人签批"), "{flash}");
    // Submitted once: no longer deletable; the filler may withdraw.
    let view = html(&filler.get(&format!("/forms/{id}")).await);
    assert!(!view.contains("step/discard"));
    assert!(view.contains(&format!("/forms/{id}/step/withdraw")));
    let home = html(&approver.get("/").await);
    assert!(home.contains("id=\"waiting\""), "{home}");
    assert!(home.contains(&format!("/forms/{id}/step/sign-off")));
    // A return without a reason is refused on the same page; with one it is done.
    let acsrf = approver.csrf.clone();
    let bare = form_post(
        &approver,
        &format!("/forms/{id}/step/sign-off"),
        &[("_csrf", &acsrf), ("decision", "return"), ("reason", " ")],
        "",
    )
    .await;
    assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html(&bare).contains("退回时须填写退回原因"));
    let back = form_post(
        &approver,
        &format!("/forms/{id}/step/sign-off"),
        &[
            ("_csrf", &acsrf),
            ("decision", "return"),
            ("reason", "请补充联系电话"),
        ],
        "",
    )
    .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", html(&back));
    let view = html(&filler.get(&format!("/forms/{id}")).await);
    assert!(view.contains("审核退回：请补充联系电话"), "{view}");
    // Submitted again and signed off: it reaches the finance bureau.
    form_post(
        &filler,
        &format!("/forms/{id}/submit"),
        &[("_csrf", &csrf), ("base_version", "1")],
        "",
    )
    .await;
    let ok = form_post(
        &approver,
        &format!("/forms/{id}/step/sign-off"),
        &[("_csrf", &acsrf), ("decision", "approve")],
        "",
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", html(&ok));
    assert_eq!(
        filler.get(&format!("/api/forms/{id}")).await.body["status"],
        "submitted"
    );
    // Withdrawn through its page: a draft again, with the message.
    let w = form_post(
        &filler,
        &format!("/forms/{id}/step/withdraw"),
        &[("_csrf", &csrf)],
        "",
    )
    .await;
    assert_eq!(w.status, StatusCode::SEE_OTHER, "{}", html(&w));
    assert_eq!(
        filler.get(&format!("/api/forms/{id}")).await.body["status"],
        "draft"
    );
    // The history says what became of each version, in Beijing time and people's names.
    let h = html(&filler.get(&format!("/forms/{id}/history")).await);
    assert!(h.contains("兴国镇财政所 刘洋"), "{h}");
    assert!(h.contains("今天 "), "{h}");
    assert!(h.contains("单位签批"), "{h}");
    t.cleanup().await;
}
