//! End to end in a real headless Chromium against the real application (in-process on
//! 127.0.0.1:0, a temporary SQLite database, the demo data): a unit uploads the seed file, is
//! told at preview time that its year already has a draft, deletes that draft through its
//! confirmation page, uploads again and starts the form from the file, edits an amount and sees the total and shares follow, saves and submits; the
//! reviewer returns it with a comment; the unit sees the comment in place, fixes, resubmits;
//! the reviewer approves; the export downloads.
//!
//! Needs Debian `chromium` and `chromium-driver`; skipped with a note when missing, a failure
//! when `CI=true`. `JIXIAO_SCREENSHOTS=docs/img` writes `e2e-editor.png` and `e2e-review.png`.

use crate::browser;
use crate::common;

use std::time::{Duration, Instant};

use browser::Browser;
use common::{Kind, TestApp};
use fantoccini::Locator;
use jixiao_domain::{Form, Money};

/// Serves the test application on a loopback port through the server's own connection loop
/// (as `jixiao serve` does): its base URL and the server task.
async fn serve(t: &TestApp) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = t.app.clone();
    let server = tokio::spawn(async move {
        jixiao_server::serve::serve(listener, app, Default::default(), std::future::pending())
            .await
            .unwrap()
    });
    (base, server)
}

/// Uploads the seed file on the start page and waits for the import preview.
async fn upload_seed(b: &Browser, base: &str) {
    upload(b, base, &workspace_file(SEED_FILE).canonicalize().unwrap()).await;
    wait_path(b, "/forms/import").await;
}

/// Chooses a file on the start page's import form and sends it.
async fn upload(b: &Browser, base: &str, file: &std::path::Path) {
    b.client.goto(&format!("{base}/forms/new")).await.unwrap();
    let input = b
        .client
        .find(Locator::Css(
            "form[action='/forms/import'] input[type=file]",
        ))
        .await
        .unwrap();
    input.send_keys(&file.to_string_lossy()).await.unwrap();
    b.click("form[action='/forms/import'] button[type=submit]")
        .await;
}

/// Answers the page's next confirmation dialogs with OK (WebDriver cannot click a native
/// dialog while a script waits on it).
async fn accept_confirmations(b: &Browser) {
    b.js("window.confirm = () => true; return true").await;
}

/// The file the unit uploads on the start page (relative to the workspace root).
const SEED_FILE: &str = "fixtures/seed/seed.txt";
/// The export format downloaded at the end.
const EXPORT_FORMAT: &str = "pdf";
/// The amount the unit changes, its value in the seed and the value typed.
const AMOUNT: &str = "/funding/expenditure/rows/1/current";
const SEED_AMOUNT: &str = "82.26";
const TYPED_AMOUNT: &str = "100.005";
/// The income row raised to keep income equal to expenditure.
const INCOME: &str = "/funding/income/rows/0/current";

fn workspace_file(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

fn screenshot_dir() -> Option<std::path::PathBuf> {
    let dir = std::path::PathBuf::from(std::env::var_os("JIXIAO_SCREENSHOTS")?);
    Some(if dir.is_absolute() {
        dir
    } else {
        workspace_file(&dir.to_string_lossy())
    })
}

async fn screenshot(b: &Browser, name: &str) {
    if let Some(dir) = screenshot_dir() {
        std::fs::create_dir_all(&dir).unwrap();
        let png = b.client.screenshot().await.unwrap();
        std::fs::write(dir.join(name), png).unwrap();
    }
}

async fn type_into(b: &Browser, css: &str, text: &str) {
    let el = b
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    el.clear().await.unwrap();
    el.send_keys(text).await.unwrap();
}

/// Waits (10 s at most) until the page's path is `path`, after a click that navigates.
async fn wait_path(b: &Browser, path: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = b.js("return location.pathname + location.search").await;
        if now == path && b.js("return document.readyState").await == "complete" {
            return;
        }
        if Instant::now() > deadline {
            let msgs = b.js("return [...document.querySelectorAll('#save-msg, #submit-reason, .alert, .flash')].map(e => e.innerText).join(' | ')").await;
            panic!("still at {now}, expected {path}; the page says: {msgs}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn text_of_page(b: &Browser) -> String {
    b.js("return document.body.innerText")
        .await
        .as_str()
        .unwrap_or("")
        .to_string()
}

async fn login(b: &Browser, base: &str, username: &str) {
    b.client.goto(&format!("{base}/login")).await.unwrap();
    type_into(b, "input[name=username]", username).await;
    type_into(
        b,
        "input[name=password]",
        jixiao_server::demo::DEMO_PASSWORD,
    )
    .await;
    b.click("form[action='/login'] button[type=submit]").await;
    // The audit administrator's home is the audit log.
    let home = if username == "auditor" {
        "/admin/audit"
    } else {
        "/"
    };
    wait_path(b, home).await;
}

async fn logout(b: &Browser) {
    b.click("form[action='/logout'] button").await;
    wait_path(b, "/login").await;
}

/// Waits until the editor's script is running.
async fn editor_ready(b: &Browser) {
    b.wait_for("return !document.documentElement.classList.contains('nojs') && !!document.querySelector('select.cmp')").await;
}

async fn value_of(b: &Browser, path: &str) -> String {
    let v = b
        .js(&format!(
            "return document.querySelector('#ed [name=\"{path}\"]').value"
        ))
        .await;
    v.as_str().unwrap().to_string()
}

async fn set_amount(b: &Browser, value: &str) {
    type_into(b, &format!("#ed [name=\"{AMOUNT}\"]"), value).await;
}

/// Saves with the toolbar button and waits until the page says which version it saved.
async fn save(b: &Browser, version: i64) {
    b.click("#save-btn").await;
    b.wait_for(&format!(
        "return document.getElementById('ver').textContent.trim() === '{version}' && document.getElementById('save-msg').textContent.includes('已保存')"
    ))
    .await;
}

/// Reviews the form on its review page: grades, decision, reason and one comment at a section.
async fn review(
    b: &Browser,
    base: &str,
    id: i64,
    decision: &str,
    reason: &str,
    comment: Option<(&str, &str)>,
) {
    b.client
        .goto(&format!("{base}/forms/{id}/review"))
        .await
        .unwrap();
    b.wait_for("return !document.documentElement.classList.contains('nojs')")
        .await;
    if let Some((path, text)) = comment {
        b.click(&format!("[data-comment='{path}']")).await;
        type_into(b, "#comment-slots li:last-child textarea", text).await;
    }
    for (name, grade) in [
        ("completeness", "良"),
        ("relevance", "优"),
        ("suitability", "优"),
        ("feasibility", "良"),
    ] {
        b.js(&format!(
            "const s = document.querySelector('#decision [name={name}]'); s.value = '{grade}'; s.dispatchEvent(new Event('change', {{bubbles: true}})); return true"
        ))
        .await;
    }
    b.click(&format!("#decision input[name=decision][value={decision}]"))
        .await;
    if !reason.is_empty() {
        type_into(b, "#decision textarea[name=reason]", reason).await;
    }
    b.click("#decision button[type=submit]").await;
    wait_path(b, "/").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unit_and_reviewer_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let (base, server) = serve(&t).await;

    // 1. The unit (兴国镇, whose file it is) uploads the seed. The demo already holds a 2026
    // draft for it: the preview says so before anything is saved and offers the ways out.
    login(&b, &base, "xingguo_filler").await;
    assert!(text_of_page(&b).await.contains("阳新县兴国镇人民政府"));
    upload_seed(&b, &base).await;
    assert!(
        b.js("return !!document.getElementById('import-clash') && !document.querySelector(\"form[action='/forms/import/confirm']\")")
            .await
            == true
    );
    let old_id: i64 = b
        .js("return document.querySelector(\"#import-clash a[href$='/step/discard']\").getAttribute('href').split('/')[2]")
        .await
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    b.click("#import-clash a[href$='/step/discard']").await;
    wait_path(&b, &format!("/forms/{old_id}/step/discard")).await;
    b.click("#confirm-btn").await;
    wait_path(&b, "/").await;
    assert!(text_of_page(&b).await.contains("已删除 2026 年度的草稿"));
    assert!(t.state.db.form(old_id).await.unwrap().is_none());
    upload_seed(&b, &base).await;
    // The import report is shown before anything is saved.
    assert!(
        b.js("return !!document.querySelector(\"form[action='/forms/import/confirm']\")")
            .await
            == true
    );
    b.click("form[action='/forms/import/confirm'] button[type=submit]")
        .await;
    b.wait_for("return /^\\/forms\\/\\d+\\/edit$/.test(location.pathname)")
        .await;
    let id: i64 = b
        .js("return location.pathname.split('/')[2]")
        .await
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    editor_ready(&b).await;
    assert!(text_of_page(&b).await.contains("已新建申报表"));

    // 2. Change an amount: the total and the shares follow.
    set_amount(&b, TYPED_AMOUNT).await;
    let total = ["846.33", TYPED_AMOUNT, "751.01"]
        .iter()
        .map(|a| a.parse::<Money>().unwrap())
        .try_fold(Money::ZERO, |acc, m| acc.checked_add(m))
        .unwrap();
    b.wait_for(&format!(
        "return document.querySelector('#ed [name=\"/funding/expenditure/total/current\"]').value === '{total}'"
    ))
    .await;
    let share = TYPED_AMOUNT
        .parse::<Money>()
        .unwrap()
        .share_of(total)
        .unwrap();
    assert_eq!(
        value_of(&b, "/funding/expenditure/rows/1/share").await,
        format!("{:.2}", share.value())
    );
    assert_eq!(
        value_of(&b, "/funding/expenditure/total/share").await,
        "100.00"
    );
    // Income must equal expenditure to submit: the unit raises the appropriation to match.
    type_into(&b, &format!("#ed [name=\"{INCOME}\"]"), &total.to_string()).await;
    b.wait_for("return !document.getElementById('submit-btn').disabled")
        .await;
    screenshot(&b, "e2e-editor.png").await;

    // 3. Save, submit.
    save(&b, 2).await;
    let stored = t.state.db.form(id).await.unwrap().unwrap();
    assert_eq!(stored.version, 2);
    accept_confirmations(&b).await;
    b.click("#submit-btn").await;
    wait_path(&b, &format!("/forms/{id}?done=submitted")).await;
    assert!(text_of_page(&b).await.contains("已提交审核，等待财政审核"));
    assert_eq!(
        t.state.db.form(id).await.unwrap().unwrap().status,
        jixiao_domain::FormStatus::Submitted
    );
    logout(&b).await;

    // 4. The reviewer returns it with a comment on the funding section.
    login(&b, &base, "reviewer").await;
    assert!(
        b.js(&format!(
            "return !!document.querySelector(\"a[href='/forms/{id}/review']\")"
        ))
        .await
            == true
    );
    b.client
        .goto(&format!("{base}/forms/{id}/review"))
        .await
        .unwrap();
    b.wait_for("return !document.documentElement.classList.contains('nojs')")
        .await;
    screenshot(&b, "e2e-review.png").await;
    review(
        &b,
        &base,
        id,
        "return",
        "运转类项目支出请核对",
        Some(("/funding", "运转类项目支出与上年差异较大，请核实")),
    )
    .await;
    assert!(text_of_page(&b).await.contains("已退回"));
    assert_eq!(
        t.state.db.form(id).await.unwrap().unwrap().status,
        jixiao_domain::FormStatus::Returned
    );
    logout(&b).await;

    // 5. The unit sees the comment in place, fixes the amount, saves and resubmits.
    login(&b, &base, "xingguo_filler").await;
    b.client
        .goto(&format!("{base}/forms/{id}/edit"))
        .await
        .unwrap();
    editor_ready(&b).await;
    let in_place = b
        .js("const s = document.querySelector('#ed [data-path=\"/funding\"]'); return s ? s.innerText : ''")
        .await;
    assert!(
        in_place
            .as_str()
            .unwrap()
            .contains("运转类项目支出与上年差异较大，请核实"),
        "{in_place}"
    );
    assert!(text_of_page(&b).await.contains("运转类项目支出请核对"));
    set_amount(&b, SEED_AMOUNT).await;
    type_into(&b, &format!("#ed [name=\"{INCOME}\"]"), "1679.6").await;
    b.wait_for("return document.querySelector('#ed [name=\"/funding/expenditure/total/current\"]').value === '1679.60' || document.querySelector('#ed [name=\"/funding/expenditure/total/current\"]').value === '1679.6'").await;
    save(&b, 3).await;
    accept_confirmations(&b).await;
    b.click("#submit-btn").await;
    wait_path(&b, &format!("/forms/{id}?done=submitted")).await;
    logout(&b).await;

    // 6. The reviewer approves.
    login(&b, &base, "reviewer").await;
    review(&b, &base, id, "approve", "", None).await;
    assert!(text_of_page(&b).await.contains("已通过"));
    assert_eq!(
        t.state.db.form(id).await.unwrap().unwrap().status,
        jixiao_domain::FormStatus::Approved
    );

    // 7. The download button of the read-only view gives the form.
    b.client.goto(&format!("{base}/forms/{id}")).await.unwrap();
    let got = b
        .client
        .execute_async(
            &format!(
                "const done = arguments[0]; const a = document.querySelector('a[href$=\"format={EXPORT_FORMAT}\"]');
                 fetch(a.href).then(async r => done({{status: r.status, type: r.headers.get('content-type'),
                   disposition: r.headers.get('content-disposition'), text: await r.text()}}))"
            ),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(got["status"], 200, "{got}");
    assert!(
        got["disposition"]
            .as_str()
            .unwrap_or("")
            .contains("attachment"),
        "{got}"
    );
    let text = got["text"].as_str().unwrap();
    match EXPORT_FORMAT {
        "json" => {
            let form: Form = serde_json::from_str(text).unwrap();
            let seed: Form = serde_json::from_str(
                &std::fs::read_to_string(workspace_file("fixtures/seed/seed.form.json")).unwrap(),
            )
            .unwrap();
            assert_eq!(form.header.unit_name, seed.header.unit_name);
            let amount = &serde_json::to_value(&form).unwrap()["funding"]["expenditure"]["rows"][1]
                ["current"];
            assert_eq!(amount, SEED_AMOUNT, "the approved version is the fixed one");
        }
        _ => assert!(text.starts_with("%PDF"), "a PDF"),
    }

    b.close().await;
    server.abort();
    t.cleanup().await;
}

/// The geometry problems a page can have at a width: the page scrolls sideways, a cell of the
/// first column wraps to more than two lines, a table's last column reaches past its card, or
/// the findings panel covers the form. Empty when the page is usable.
const LAYOUT_PROBLEMS: &str = r#"
const out = [];
const vw = document.documentElement.clientWidth;
if (document.documentElement.scrollWidth > vw + 1) out.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${vw}`);
for (const td of document.querySelectorAll('table.list tbody td:first-child')) {
  if (!td.innerText.trim()) continue;
  const lh = parseFloat(getComputedStyle(td).lineHeight) || 20;
  const text = document.createRange();
  text.selectNodeContents(td);
  if (text.getBoundingClientRect().height > 2.6 * lh) out.push(`wrapped cell: ${td.innerText.slice(0, 20)}`);
}
for (const table of document.querySelectorAll('table.list')) {
  const card = table.closest('.card');
  const last = table.querySelector('thead th:last-child');
  if (card && last && last.getBoundingClientRect().right > card.getBoundingClientRect().right + 1) out.push(`clipped column: ${last.innerText}`);
}
const panel = document.getElementById('findings');
const sheet = document.querySelector('#ed, #sheet');
if (panel && sheet) {
  const a = panel.getBoundingClientRect();
  for (const t of sheet.querySelectorAll('table')) {
    const b = t.getBoundingClientRect();
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) { out.push('findings panel covers a table'); break; }
  }
}
return out;
"#;

/// Every page a unit, a reviewer and an administrator use, at 800 px wide: no sideways
/// scrolling, no one-character-a-line names, no clipped columns, no panel over the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_usable_at_800_px() {
    let Some(b) = Browser::start().await else {
        return;
    };
    b.client.set_window_size(800, 900).await.unwrap();
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let (base, server) = serve(&t).await;
    let id = t.state.db.list_forms(&Default::default()).await.unwrap()[0].id;
    let mut problems = Vec::new();
    let mut check = async |b: &Browser, path: &str, shot: &str| {
        b.client.goto(&format!("{base}{path}")).await.unwrap();
        b.wait_for("return document.readyState === 'complete'")
            .await;
        screenshot(b, shot).await;
        let found = b.js(LAYOUT_PROBLEMS).await;
        for p in found.as_array().unwrap() {
            problems.push(format!("{path}: {}", p.as_str().unwrap()));
        }
    };
    login(&b, &base, "xingguo_filler").await;
    check(&b, "/", "800-unit-home.png").await;
    check(&b, &format!("/forms/{id}/edit"), "800-editor.png").await;
    check(&b, &format!("/forms/{id}"), "800-view.png").await;
    check(&b, "/forms/new", "800-start.png").await;
    check(&b, &format!("/forms/{id}/step/discard"), "800-confirm.png").await;
    logout(&b).await;
    // The finance side sees what has reached it: the unit submits the form first.
    let filler = t
        .state
        .db
        .user_for_login("xingguo_filler")
        .await
        .unwrap()
        .unwrap()
        .0;
    let version = t.state.db.form(id).await.unwrap().unwrap().version;
    jixiao_server::service::workflow::submit(&t.state, &filler, id, version)
        .await
        .unwrap();
    login(&b, &base, "reviewer").await;
    check(&b, "/", "800-reviewer-home.png").await;
    check(&b, &format!("/forms/{id}/history"), "800-history.png").await;
    // A declaration round over the region's units: the rounds page and its board.
    let reviewer = t
        .state
        .db
        .user_for_login("reviewer")
        .await
        .unwrap()
        .unwrap()
        .0;
    let opened = jixiao_server::service::rounds::open(
        &t.state,
        &reviewer,
        jixiao_server::service::rounds::OpenDeclaration {
            fiscal_year: 2026,
            deadline: "2099-12-31".into(),
            units: None,
            region_id: None,
        },
    )
    .await
    .unwrap();
    check(&b, "/rounds", "800-rounds.png").await;
    check(
        &b,
        &format!("/rounds/{}", opened.round.id),
        "800-round-board.png",
    )
    .await;
    logout(&b).await;
    login(&b, &base, "admin").await;
    check(&b, "/", "800-admin.png").await;
    check(&b, "/admin/users/1", "800-admin-user.png").await;
    check(&b, "/password", "800-password.png").await;
    logout(&b).await;
    login(&b, &base, "security").await;
    check(&b, "/", "800-security.png").await;
    logout(&b).await;
    login(&b, &base, "auditor").await;
    check(&b, "/admin/audit", "800-audit.png").await;
    assert!(problems.is_empty(), "{problems:#?}");
    b.close().await;
    server.abort();
    t.cleanup().await;
}

/// Sets a field's value as typing would (an `input` event), for the many rows of a report.
async fn set_field(b: &Browser, name: &str, value: &str) {
    let v = serde_json::to_string(value).unwrap();
    b.js(&format!(
        "const f = document.querySelector('#report-form [name=\"{name}\"]'); f.value = {v}; f.dispatchEvent(new Event('input', {{bubbles: true}})); return true"
    ))
    .await;
}

/// A value meeting `share` of a target (canonical JSON), as a unit would type it.
fn typed_value(target: &serde_json::Value, share: f64) -> String {
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

/// After approval in Chromium: the reviewer opens a monitoring round from the rounds page; the
/// unit enters values, sees a red light as it types, is stopped until it gives the reason, then
/// submits; the reviewer accepts; a self-evaluation round reaches a total and a grade as the
/// unit types, is submitted, accepted, and its PDF downloads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitoring_and_self_evaluation_in_chromium() {
    let Some(t) = TestApp::new(Kind::Sqlite).await else {
        return;
    };
    let Some(b) = Browser::start().await else {
        t.cleanup().await;
        return;
    };
    let filler = t.login("xingguo_filler").await;
    let reviewer = t.login("reviewer").await;
    crate::rounds::approve_demo_draft(&filler, &reviewer).await;
    let (base, server) = serve(&t).await;
    let (y, m, d) = jixiao_storage::beijing_date(jixiao_storage::now_ms() + 10 * 86_400_000);
    let deadline = format!("{y}-{m:02}-{d:02}");

    // 1. The reviewer opens the monitoring round for 1–6月.
    login(&b, &base, "reviewer").await;
    b.click("a[href='/rounds']").await;
    wait_path(&b, "/rounds").await;
    b.js(&format!(
        "document.querySelector('#open-round [name=deadline]').value = '{deadline}'; \
         document.querySelector('#open-round [name=fiscal_year]').value = '2026'; return true"
    ))
    .await;
    type_into(&b, "#open-round [name=month]", "6").await;
    b.click("#open-round-btn").await;
    b.wait_for(
        "return location.pathname.startsWith('/rounds/') && document.readyState === 'complete'",
    )
    .await;
    let board_path = b
        .js("return location.pathname")
        .await
        .as_str()
        .unwrap()
        .to_string();
    let text = text_of_page(&b).await;
    assert!(text.contains("1 个单位已收到绩效运行监控表"), "{text}");
    assert!(text.contains("阳新县兴国镇人民政府"), "{text}");
    logout(&b).await;

    // 2. The unit fills it in; one row far behind schedule turns red as it types.
    login(&b, &base, "xingguo_filler").await;
    b.click("a[href='/rounds']").await;
    wait_path(&b, "/rounds").await;
    b.click("#tasks a.btn").await;
    b.wait_for("return location.pathname.startsWith('/reports/') && !!window.jixiaoLifecycle")
        .await;
    let report_path = b
        .js("return location.pathname")
        .await
        .as_str()
        .unwrap()
        .to_string();
    let id: i64 = report_path.rsplit('/').next().unwrap().parse().unwrap();
    let doc = filler.get(&format!("/api/reports/{id}")).await.body["document"].clone();
    let rows = doc["indicators"].as_array().unwrap().len();
    let red_row = (0..rows)
        .find(|&i| doc["indicators"][i]["target"]["unit"] == "项")
        .unwrap();
    for i in 0..rows {
        if i != red_row {
            set_field(
                &b,
                &format!("a.{i}"),
                &typed_value(&doc["indicators"][i]["target"], 0.5),
            )
            .await;
        }
    }
    for (i, row) in doc["budget"].as_array().unwrap().iter().enumerate() {
        let adjusted: f64 = row["adjusted"].as_str().unwrap_or("0").parse().unwrap();
        set_field(
            &b,
            &format!("b.{i}.executed"),
            &format!("{:.2}", adjusted / 2.0),
        )
        .await;
    }
    type_into(&b, &format!("#report-form [name=\"a.{red_row}\"]"), "0项").await;
    b.wait_for(&format!(
        "return document.getElementById('light-{red_row}').textContent === '红灯'"
    ))
    .await;
    assert_eq!(
        b.js("return document.getElementById('light-0').textContent")
            .await,
        "绿灯"
    );
    assert_eq!(
        b.js("return document.getElementById('report-light').textContent")
            .await,
        "红灯"
    );
    assert_eq!(
        b.js("return document.getElementById('budget-light').textContent")
            .await,
        "绿灯"
    );
    screenshot(&b, "e2e-monitoring.png").await;
    // Refused until the red row has its reason.
    b.click("#submit-btn").await;
    b.wait_for("return !!document.getElementById('submit-blocked')")
        .await;
    let blocked = b
        .js("return document.getElementById('submit-blocked').textContent")
        .await;
    assert!(
        blocked.as_str().unwrap().contains("须填写偏差原因"),
        "{blocked}"
    );
    assert_eq!(b.js("return location.pathname").await, report_path.as_str());
    b.click(&format!("#row-{red_row} input[value=funding]"))
        .await;
    type_into(
        &b,
        &format!("#report-form [name=\"rt.{red_row}\"]"),
        "上级资金下半年到位",
    )
    .await;
    b.click("#submit-btn").await;
    b.wait_for("return document.getElementById('report-status') && document.getElementById('report-status').textContent === '已提交'")
        .await;
    logout(&b).await;

    // 3. The reviewer sees the red light on the board and accepts the report.
    login(&b, &base, "reviewer").await;
    b.client
        .goto(&format!("{base}{board_path}?sort=colour"))
        .await
        .unwrap();
    let text = text_of_page(&b).await;
    assert!(
        text.contains("红灯 1") && text.contains("已提交 1"),
        "{text}"
    );
    b.client
        .goto(&format!("{base}{report_path}"))
        .await
        .unwrap();
    b.click("#accept-btn").await;
    b.wait_for("return document.getElementById('report-status').textContent === '已审核'")
        .await;

    // 4. The self-evaluation round; the unit's values start from the monitoring actuals.
    b.client.goto(&format!("{base}/rounds")).await.unwrap();
    b.js(&format!(
        "document.querySelector('#open-round [name=kind]').value = 'self_evaluation'; \
         document.querySelector('#open-round [name=deadline]').value = '{deadline}'; \
         document.querySelector('#open-round [name=fiscal_year]').value = '2026'; return true"
    ))
    .await;
    b.click("#open-round-btn").await;
    b.wait_for(
        "return location.pathname.startsWith('/rounds/') && document.readyState === 'complete'",
    )
    .await;
    logout(&b).await;
    login(&b, &base, "xingguo_filler").await;
    b.client.goto(&format!("{base}/rounds")).await.unwrap();
    b.click("#tasks tbody tr:first-child a.btn").await;
    b.wait_for("return location.pathname.startsWith('/reports/') && !!window.jixiaoLifecycle")
        .await;
    let eval_path = b
        .js("return location.pathname")
        .await
        .as_str()
        .unwrap()
        .to_string();
    let eid: i64 = eval_path.rsplit('/').next().unwrap().parse().unwrap();
    assert_ne!(eid, id);
    let doc = filler.get(&format!("/api/reports/{eid}")).await.body["document"].clone();
    assert_eq!(
        b.js("return document.querySelector('#report-form [name=\"a.0\"]').value")
            .await,
        typed_value(&doc["indicators"][0]["target"], 0.5).as_str(),
        "the monitoring value to date is the starting point"
    );
    for i in 0..rows {
        set_field(
            &b,
            &format!("a.{i}"),
            &typed_value(&doc["indicators"][i]["target"], 1.0),
        )
        .await;
    }
    for (i, row) in doc["budget"].as_array().unwrap().iter().enumerate() {
        let full: &str = row["full_year"].as_str().unwrap_or("0");
        set_field(&b, &format!("b.{i}.executed"), full).await;
    }
    b.wait_for("return document.getElementById('report-total').textContent === '100'")
        .await;
    assert_eq!(
        b.js("return document.getElementById('report-grade').textContent")
            .await,
        "优"
    );
    // One row falls short: its score and the total follow as the unit types.
    type_into(
        &b,
        &format!("#report-form [name=\"a.{red_row}\"]"),
        &typed_value(&doc["indicators"][red_row]["target"], 0.5),
    )
    .await;
    b.wait_for("return document.getElementById('report-total').textContent !== '100'")
        .await;
    let total = b
        .js("return document.getElementById('report-total').textContent")
        .await;
    let js_total = total.as_str().unwrap().to_string();
    type_into(
        &b,
        &format!("#report-form [name=\"an.{red_row}\"]"),
        "部分项目下年度完成",
    )
    .await;
    screenshot(&b, "e2e-self-evaluation.png").await;
    b.click("#submit-btn").await;
    b.wait_for("return document.getElementById('report-status') && document.getElementById('report-status').textContent === '已提交'")
        .await;
    let server_total =
        filler.get(&format!("/api/reports/{eid}")).await.body["evaluation"]["total"].clone();
    assert_eq!(
        server_total,
        js_total.as_str(),
        "the page's total is the server's"
    );
    logout(&b).await;

    // 5. Accepted; its file downloads.
    login(&b, &base, "reviewer").await;
    b.client.goto(&format!("{base}{eval_path}")).await.unwrap();
    b.click("#accept-btn").await;
    b.wait_for("return document.getElementById('report-status').textContent === '已审核'")
        .await;
    let got = b
        .client
        .execute_async(
            "const done = arguments[0]; const a = document.querySelector('a[data-download]');
             fetch(a.href).then(async r => { const b = new Uint8Array(await r.arrayBuffer());
               done({status: r.status, type: r.headers.get('content-type'), format: a.dataset.download,
               disposition: r.headers.get('content-disposition'), size: b.byteLength,
               head: String.fromCharCode(...b.slice(0, 5))}); })",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(got["status"], 200, "{got}");
    assert!(
        got["disposition"]
            .as_str()
            .unwrap_or("")
            .contains("attachment"),
        "{got}"
    );
    assert!(got["size"].as_u64().unwrap() > 1000, "{got}");
    assert_eq!(
        got["format"], "pdf",
        "the first download offered is the PDF"
    );
    assert_eq!(got["head"], "%PDF-", "{got}");
    assert_eq!(got["type"], "application/pdf");

    b.close().await;
    server.abort();
    t.cleanup().await;
}

/// A new account's first login, as its user lives it: the system administrator creates the
/// filler with a first password on the admin page; the filler logs in, is sent to the password
/// page before anything else, chooses their own password, logs in again with it and is told
/// when they last logged in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_login_changes_the_password_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let (base, server) = serve(&t).await;
    login(&b, &base, "admin").await;
    type_into(
        &b,
        "form[action='/admin/users'] input[name=username]",
        "wang_new",
    )
    .await;
    type_into(
        &b,
        "form[action='/admin/users'] input[name=display_name]",
        "王新",
    )
    .await;
    b.js("document.querySelector(\"form[action='/admin/users'] select[name=role]\").value = 'filler'; \
          const u = document.querySelector(\"form[action='/admin/users'] select[name=unit_id]\"); \
          u.value = u.options[1].value; return true")
        .await;
    type_into(
        &b,
        "form[action='/admin/users'] input[name=password]",
        "First-pass-2026",
    )
    .await;
    b.click("form[action='/admin/users'] button[type=submit]")
        .await;
    // The post starts and ends on `/`: wait for the new account, not for the path.
    b.wait_for(
        "return document.readyState === 'complete' && document.body.innerText.includes('wang_new')",
    )
    .await;
    wait_path(&b, "/").await;
    logout(&b).await;

    // First login: the password page, whatever was asked for.
    let sign_in = async |name: &str, password: &str| {
        b.client
            .goto(&format!("{base}/login?next=/forms/new"))
            .await
            .unwrap();
        type_into(&b, "input[name=username]", name).await;
        type_into(&b, "input[name=password]", password).await;
        b.click("form[action='/login'] button[type=submit]").await;
    };
    sign_in("wang_new", "First-pass-2026").await;
    wait_path(&b, "/password").await;
    assert!(text_of_page(&b).await.contains("请先设置自己的新密码"));
    b.client.goto(&format!("{base}/forms/new")).await.unwrap();
    wait_path(&b, "/password").await;
    // A new password that breaks the policy is refused on the page, with the reason.
    type_into(&b, "input[name=current_password]", "First-pass-2026").await;
    type_into(&b, "input[name=new_password]", "alllowercase").await;
    type_into(&b, "input[name=confirm_password]", "alllowercase").await;
    b.click("#password-form button[type=submit]").await;
    b.wait_for("return !!document.querySelector('#password-error')")
        .await;
    assert!(text_of_page(&b).await.contains("至少 3 种"));
    type_into(&b, "input[name=current_password]", "First-pass-2026").await;
    type_into(&b, "input[name=new_password]", "Wang-own-2026").await;
    type_into(&b, "input[name=confirm_password]", "Wang-own-2026").await;
    b.click("#password-form button[type=submit]").await;
    b.wait_for("return !!document.querySelector(\"form[action='/login']\")")
        .await;
    assert!(text_of_page(&b).await.contains("密码已修改"));
    sign_in("wang_new", "Wang-own-2026").await;
    wait_path(&b, "/forms/new").await;
    assert!(
        text_of_page(&b).await.contains("上次登录"),
        "{}",
        text_of_page(&b).await
    );
    b.close().await;
    server.abort();
    t.cleanup().await;
}

/// The public portal in Chromium: the reviewer publishes an approved form on its confirmation
/// page; a visitor without a session finds it from `/public` (and not the other unit's form,
/// approved but not published), reads it without the filler's name or phone, and downloads the
/// year's open data, which parses as CSV with one line per indicator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_portal_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let (base, server) = serve(&t).await;
    // Submitted and approved through the API: the browser's part starts at publishing.
    let filler = t.login("xingguo_filler").await;
    let reviewer = t.login("reviewer").await;
    let id = filler.get("/api/forms").await.body[0]["id"]
        .as_i64()
        .unwrap();
    let sub = filler
        .post(
            &format!("/api/forms/{id}/submit"),
            &serde_json::json!({"base_version": 1}),
        )
        .await;
    assert_eq!(sub.status, axum::http::StatusCode::OK, "{}", sub.body);
    let g = "优";
    let ok = reviewer
        .post(
            &format!("/api/forms/{id}/review"),
            &serde_json::json!({"decision": "approve", "reason": "",
                "grades": {"completeness": g, "relevance": g, "suitability": g, "feasibility": g}}),
        )
        .await;
    assert_eq!(ok.status, axum::http::StatusCode::OK, "{}", ok.body);

    // Before publishing, the portal has nothing.
    b.client.goto(&format!("{base}/public")).await.unwrap();
    assert!(text_of_page(&b).await.contains("目前还没有公开的申报表"));

    login(&b, &base, "reviewer").await;
    b.client
        .goto(&format!("{base}/forms/{id}/step/publish"))
        .await
        .unwrap();
    b.click("#confirm-form button[type=submit]").await;
    wait_path(&b, &format!("/forms/{id}")).await;
    // The dashboard: the progress line drawn, its table holding the same count.
    b.click("a[href='/dashboard']").await;
    wait_path(&b, "/dashboard").await;
    assert_eq!(
        b.js("return document.querySelectorAll('#chart-progress svg polyline').length")
            .await,
        2
    );
    b.click("#chart-progress details summary").await;
    let progress = b
        .js("return document.querySelector('#chart-progress tbody tr:last-child').innerText")
        .await;
    assert!(progress.as_str().unwrap().contains('1'), "{progress}");
    screenshot(&b, "dashboard.png").await;
    logout(&b).await;

    // A visitor: portal → region and year → the unit → the form.
    b.client.goto(&format!("{base}/public")).await.unwrap();
    b.click("a[href='/public/420222/2026']").await;
    wait_path(&b, "/public/420222/2026").await;
    let year = text_of_page(&b).await;
    assert!(year.contains("阳新县兴国镇人民政府"), "{year}");
    assert!(
        !year.contains("阳新县教育局"),
        "only published forms are listed"
    );
    screenshot(&b, "public-units.png").await;
    type_into(&b, "input[name=indicator]", "满意度").await;
    b.click("#public-search button[type=submit]").await;
    b.wait_for("return !!document.querySelector('#hits')").await;
    assert!(text_of_page(&b).await.contains("满意度"));
    b.click("#units a[href='/public/420222/2026/units/420222001']")
        .await;
    wait_path(&b, "/public/420222/2026/units/420222001").await;
    let page = text_of_page(&b).await;
    assert!(page.contains("部门整体绩效目标"), "{page}");
    for personal in ["刘洋", "15172093138", "151****3138", "填报人", "联系电话"] {
        assert!(!page.contains(personal), "the public page shows {personal}");
    }
    screenshot(&b, "public-form.png").await;

    // The open data, fetched as a browser would and parsed: a header and 78 indicator lines.
    let csv = b
        .js("return fetch('/public/420222/2026/open-data.csv').then(r => r.text())")
        .await;
    let csv = csv.as_str().unwrap().trim_start_matches('\u{feff}');
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 79, "{csv}");
    assert!(lines[0].starts_with("区划代码,区划名称,预算年度,单位代码,单位名称"));
    assert!(
        lines
            .iter()
            .skip(1)
            .all(|l| l.starts_with("420222,阳新县,2026,420222001,"))
    );
    b.close().await;
    server.abort();
    t.cleanup().await;
}

/// A declaration round in Chromium: the reviewer opens it for the region's three units on the
/// rounds page; two units have submitted (through the API); the board shows them with the
/// third not started; the reviewer ticks the two, approves them in one batch behind its
/// confirmation, publishes one; the unit that has not started sees its task and the reminder on
/// its home page; the public portal lists the published form and not the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declaration_round_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let (base, server) = serve(&t).await;
    let filler = t.login("xingguo_filler").await;
    let education = t.login("jiaoyu_filler").await;
    let id = filler.get("/api/forms").await.body[0]["id"]
        .as_i64()
        .unwrap();
    let mut form = filler.get(&format!("/api/forms/{id}")).await.body["form"].clone();
    form["header"]["unit_name"] = serde_json::json!("阳新县教育局");
    let created = education
        .post("/api/forms", &serde_json::json!({"form": form}))
        .await;
    assert!(created.status.is_success(), "{}", created.body);
    let other = created.body["id"].as_i64().unwrap();
    for (c, form) in [(&filler, id), (&education, other)] {
        let v = c.get(&format!("/api/forms/{form}")).await.body["version"].clone();
        let sub = c
            .post(
                &format!("/api/forms/{form}/submit"),
                &serde_json::json!({"base_version": v}),
            )
            .await;
        assert_eq!(sub.status, axum::http::StatusCode::OK, "{}", sub.body);
    }

    // The reviewer opens the round on the rounds page: every unit ticked.
    login(&b, &base, "reviewer").await;
    b.client.goto(&format!("{base}/rounds")).await.unwrap();
    b.js("document.querySelector('#open-declaration input[name=fiscal_year]').value = '2026'; return 1")
        .await;
    assert_eq!(
        b.js("return document.querySelectorAll('#round-units input:checked').length")
            .await,
        3
    );
    b.click("#open-declaration-btn").await;
    b.wait_for("return !!document.querySelector('#board')")
        .await;
    let board = text_of_page(&b).await;
    assert!(
        board.contains("已开启阳新县2026年度绩效目标申报"),
        "{board}"
    );
    assert!(
        board.contains("已提交 2") && board.contains("未开始 1"),
        "{board}"
    );
    screenshot(&b, "round-board.png").await;

    // Remind the unit that has not started, then approve the two submitted in one batch.
    b.click("tr[data-status=not_started] input[name=unit]")
        .await;
    b.click("#batch-actions input[value=remind]").await;
    b.click("#batch-next").await;
    b.wait_for("return !!document.querySelector('#batch-confirm')")
        .await;
    b.click("#batch-confirm-btn").await;
    b.wait_for("return !!document.querySelector('#board')")
        .await;
    assert!(text_of_page(&b).await.contains("提醒：已办理 1 个单位"));
    b.js("document.querySelectorAll('tr[data-status=submitted] input[name=unit]').forEach(c => c.click()); return 1")
        .await;
    b.click("#batch-actions input[value=approve]").await;
    b.click("#batch-next").await;
    b.wait_for("return !!document.querySelector('#batch-going')")
        .await;
    let confirm = text_of_page(&b).await;
    assert!(confirm.contains("将办理 2 个单位"), "{confirm}");
    screenshot(&b, "round-batch.png").await;
    assert_eq!(
        education.get(&format!("/api/forms/{other}")).await.body["status"],
        "submitted",
        "nothing before the confirmation"
    );
    b.click("#batch-confirm-btn").await;
    b.wait_for("return !!document.querySelector('#board')")
        .await;
    let board = text_of_page(&b).await;
    assert!(board.contains("批量通过：已办理 2 个单位"), "{board}");
    assert!(board.contains("已批复 2"), "{board}");
    b.client
        .goto(&format!("{base}/forms/{id}/step/publish"))
        .await
        .unwrap();
    b.click("#confirm-form button[type=submit]").await;
    wait_path(&b, &format!("/forms/{id}")).await;
    logout(&b).await;

    // The unit without a form: its task and the reminder on its home page.
    let health = t
        .state
        .db
        .unit_by_code_or_name("420222003")
        .await
        .unwrap()
        .unwrap();
    let admin = t.login("admin").await;
    let made = admin
        .post(
            "/api/admin/users",
            &serde_json::json!({"username": "weijian_filler", "password": "Weijian-pass-1",
                "role": "filler", "unit_id": health.id, "display_name": "赵磊"}),
        )
        .await;
    assert!(made.status.is_success(), "{}", made.body);
    let c = common::Client::first_login(
        &t.app,
        "weijian_filler",
        "Weijian-pass-1",
        "Weijian-own-pass-2",
    )
    .await;
    drop(c);
    b.client.goto(&format!("{base}/login")).await.unwrap();
    type_into(&b, "input[name=username]", "weijian_filler").await;
    type_into(&b, "input[name=password]", "Weijian-own-pass-2").await;
    b.click("form[action='/login'] button[type=submit]").await;
    b.wait_for("return !!document.querySelector('#tasks')")
        .await;
    let home = text_of_page(&b).await;
    assert!(home.contains("阳新县2026年度绩效目标申报"), "{home}");
    assert!(home.contains("请于") && home.contains("前提交"), "{home}");
    screenshot(&b, "unit-task.png").await;
    logout(&b).await;

    // The portal: the published form, not the approved one.
    b.client
        .goto(&format!("{base}/public/420222/2026"))
        .await
        .unwrap();
    let year = text_of_page(&b).await;
    assert!(year.contains("阳新县兴国镇人民政府"), "{year}");
    assert!(!year.contains("阳新县教育局"), "{year}");
    b.close().await;
    server.abort();
    t.cleanup().await;
}

/// The editor's indicator library in Chromium: after 兴国镇's form is approved and the bureau
/// approved one entry, 教育局 adds a row under 核心业务产出 in its blank form; the suggestion list
/// offers the entry (approved first, with its reasons and typical range); picking it fills the
/// name, the basis and the target's direction, and the number typed takes the entry's unit. A
/// target written in another unit then gets the library's notice (L008) in the findings panel.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn library_suggestion_fills_a_row_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let (base, server) = serve(&t).await;
    let filler = t.login("xingguo_filler").await;
    let reviewer = t.login("reviewer").await;
    let education = t.login("jiaoyu_filler").await;
    crate::rounds::approve_demo_draft(&filler, &reviewer).await;
    let approved = reviewer
        .post(
            "/api/library/curations",
            &serde_json::json!({"action": "approve", "key": "服务城市项目数", "unit": "项",
                "fields": {"basis": "计划标准", "explanation": "年度内为城市提供服务的项目个数"}}),
        )
        .await;
    assert!(approved.status.is_success(), "{}", approved.body);
    let created = education
        .post(
            "/api/forms",
            &serde_json::json!({"from": "blank", "fiscal_year": 2026}),
        )
        .await;
    assert!(created.status.is_success(), "{}", created.body);
    let id = created.body["id"].as_i64().unwrap();

    login(&b, &base, "jiaoyu_filler").await;
    b.client
        .goto(&format!("{base}/forms/{id}/edit"))
        .await
        .unwrap();
    editor_ready(&b).await;
    let group = "table[data-table=annual] tbody.grp[data-l2='核心业务产出1']";
    b.click(&format!("{group} button[data-act=add-ind]")).await;
    // Adding the row focuses its name: the list opens.
    b.wait_for("const l = document.getElementById('lib-suggest'); return !!l && !l.hidden && l.children.length > 0")
        .await;
    let first = b
        .js("return document.querySelector('#lib-suggest li').innerText")
        .await;
    let first = first.as_str().unwrap();
    assert!(
        first.contains("服务城市项目数") && first.contains("财政已审定"),
        "{first}"
    );
    assert!(
        first.contains("中位数") || first.contains("在该二级指标下使用"),
        "{first}"
    );
    screenshot(&b, "library-suggest.png").await;
    // Keyboard: ↓ then Enter picks the first entry.
    let name = b
        .client
        .find(Locator::Css(&format!("{group} tr[data-item] input.name")))
        .await
        .unwrap();
    name.send_keys("\u{E015}\u{E007}").await.unwrap();
    b.wait_for("return document.getElementById('lib-suggest').hidden")
        .await;
    let row = format!("{group} tr[data-item]");
    let got = b
        .js(&format!(
            "const r = document.querySelector(\"{row}\"); return [r.querySelector('input.name').value, r.querySelector('select[data-path$=\"/basis\"]').value, r.querySelector('select.cmp').value, r.querySelector('input.target').placeholder, r.querySelector('.lib-hint').textContent]"
        ))
        .await;
    assert_eq!(got[0], "服务城市项目数", "{got}");
    assert_eq!(got[1], "计划标准", "{got}");
    assert_eq!(got[2], "≥", "{got}");
    assert!(got[3].as_str().unwrap().ends_with('项'), "{got}");
    assert!(
        got[4]
            .as_str()
            .unwrap()
            .contains("指标解释：年度内为城市提供服务的项目个数"),
        "{got}"
    );
    // The number typed takes the direction and unit when the field is left.
    let target = b
        .client
        .find(Locator::Css(&format!("{row} input.target")))
        .await
        .unwrap();
    target.send_keys("6\u{E004}").await.unwrap();
    b.wait_for(&format!(
        "return document.querySelector(\"{row} input.target\").value === '≥6项'"
    ))
    .await;
    save(&b, 2).await;
    let saved = education.get(&format!("/api/forms/{id}")).await;
    let rows = saved.body["form"]["indicators"]["annual"]["rows"]
        .as_array()
        .unwrap();
    let added = rows
        .iter()
        .find(|r| r["name"] == "服务城市项目数")
        .unwrap_or_else(|| panic!("row saved: {}", saved.body));
    assert_eq!(added["level2"], "核心业务产出1");
    assert_eq!(
        added["target"],
        serde_json::json!({"kind": "quantity", "comparator": "≥", "number": "6", "unit": "项"})
    );
    assert_eq!(added["basis"], "计划标准");

    // Another unit of measure: the live check shows the library's notice at the row.
    type_into(&b, &format!("{row} input.target"), "≥6个").await;
    b.wait_for("return [...document.querySelectorAll('#finding-list li')].some(li => li.textContent.includes('计量单位为「项」'))")
        .await;
    b.close().await;
    server.abort();
    t.cleanup().await;
}

/// A unit uploads a scanned copy of the seed: the start page sends it to a background OCR job,
/// whose page shows the pages read with a progress bar and reloads itself (no script needed)
/// until the import report is there. Needs Tesseract with `chi_sim`, `pdftoppm` and Pillow (to
/// make the scan), as CI installs; skipped with a note elsewhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_uploaded_in_chromium_is_read_in_the_background() {
    if !jixiao_server::service::ocr::available() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true 但未安装 Tesseract（tesseract-ocr、tesseract-ocr-chi-sim）或 pdftoppm"
        );
        eprintln!("SKIP: no Tesseract or pdftoppm");
        return;
    }
    let dir = std::env::temp_dir().join(format!("jixiao-e2e-scan-{}", std::process::id()));
    let made = std::process::Command::new("python3")
        .arg(workspace_file("fixtures/pdf/make_scans.py"))
        .arg(&dir)
        .arg("clean")
        .output()
        .expect("python3");
    assert!(
        made.status.success(),
        "make_scans.py: {}",
        String::from_utf8_lossy(&made.stderr)
    );
    let Some(b) = Browser::start().await else {
        return;
    };
    let t = TestApp::new(Kind::Sqlite).await.unwrap();
    let (base, server) = serve(&t).await;
    login(&b, &base, "xingguo_filler").await;
    upload(&b, &base, &dir.join("scan-clean.pdf")).await;
    // The job's page, with the file's name and a progress bar.
    b.wait_for("return location.pathname.startsWith('/forms/import/ocr/') && !!document.getElementById('ocr-job')")
        .await;
    let waiting = text_of_page(&b).await;
    assert!(
        waiting.contains("正在识别扫描件：scan-clean.pdf"),
        "{waiting}"
    );
    assert!(waiting.contains("本页每 3 秒自动刷新"), "{waiting}");
    screenshot(&b, "ocr-progress.png").await;
    // At 800 px the page still fits its width.
    b.client.set_window_size(800, 900).await.unwrap();
    assert!(
        b.js("return document.documentElement.scrollWidth <= window.innerWidth")
            .await
            == true
    );
    screenshot(&b, "ocr-progress-800.png").await;
    // The page reloads itself until the report is there (at most 4 minutes for four pages).
    let deadline = Instant::now() + Duration::from_secs(240);
    let mut pages_seen = false;
    loop {
        let text = text_of_page(&b).await;
        if text.contains("导入结果：scan-clean.pdf") {
            assert!(
                text.contains("由文字识别（OCR）读出"),
                "every value is a guess: {text}"
            );
            assert!(
                text.contains("这一页是扫描页，已用文字识别（OCR）读出"),
                "{text}"
            );
            break;
        }
        pages_seen |= text.contains("已读完");
        assert!(!text.contains("识别失败"), "{text}");
        assert!(Instant::now() < deadline, "still waiting: {text}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(pages_seen, "the progress said how many pages were read");
    // The preview ends as for any upload: 兴国镇's year already has a draft in the demo (or,
    // should OCR misread the unit's name, the file is not the unit's), so it says which.
    assert!(
        b.js("return !!document.querySelector('#import-clash, #import-blocked')")
            .await
            == true
    );
    screenshot(&b, "ocr-preview.png").await;
    let _ = std::fs::remove_dir_all(&dir);
    b.close().await;
    server.abort();
    t.cleanup().await;
}
