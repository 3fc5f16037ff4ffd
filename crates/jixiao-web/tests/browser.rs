//! The editor and the review page in a real headless Chromium: live totals and shares, the
//! target-value parser (checked against the Rust one), adding and removing indicator rows,
//! findings that move the focus, the form JSON the page builds, and saving.

mod support;

use std::collections::HashMap;

use fantoccini::Locator;
use jixiao_domain::{Form, Money, TargetValue};
use support::browser::{Browser, serve};

fn pages() -> HashMap<String, String> {
    let mut pages = HashMap::new();
    pages.insert(
        "/forms/7/edit".to_string(),
        jixiao_web::render_editor(&support::editor_view()).unwrap(),
    );
    pages.insert(
        "/forms/7/review".to_string(),
        jixiao_web::render_review(&support::review_view()).unwrap(),
    );
    pages
}

fn screenshot_dir() -> Option<std::path::PathBuf> {
    std::env::var_os("JIXIAO_SCREENSHOTS").map(std::path::PathBuf::from)
}

async fn set_value(b: &Browser, path: &str, text: &str) {
    let el = b
        .client
        .find(Locator::Css(&format!("#ed [name=\"{path}\"]")))
        .await
        .unwrap();
    el.clear().await.unwrap();
    el.send_keys(text).await.unwrap();
}

async fn value_of(b: &Browser, path: &str) -> String {
    let v = b
        .js(&format!(
            "return document.querySelector('#ed [name=\"{path}\"]').value"
        ))
        .await;
    v.as_str().unwrap().to_string()
}

#[tokio::test(flavor = "current_thread")]
async fn editor_and_review_in_chromium() {
    let Some(b) = Browser::start().await else {
        return;
    };
    let site = serve(pages());
    b.client
        .goto(&format!("{}/forms/7/edit", site.base))
        .await
        .unwrap();
    b.wait_for("return !document.documentElement.classList.contains('nojs') && !!document.querySelector('select.cmp')").await;

    // 1. Untouched, the page builds exactly the seed form.
    let built = b.js("return window.jixiao.buildForm()").await;
    assert_eq!(built["problems"], serde_json::json!([]));
    let form: Form = serde_json::from_value(built["form"].clone())
        .expect("the page builds a valid canonical form");
    assert_eq!(form, support::seed_form());

    // 2. Change an amount: the total and the shares follow, exactly.
    set_value(&b, "/funding/expenditure/rows/1/current", "100.005").await;
    let expected_total = "846.33"
        .parse::<Money>()
        .unwrap()
        .checked_add("100.005".parse().unwrap())
        .unwrap()
        .checked_add("751.01".parse().unwrap())
        .unwrap();
    assert_eq!(
        value_of(&b, "/funding/expenditure/total/current").await,
        expected_total.to_string()
    );
    let share = |amount: &str| {
        let p = amount
            .parse::<Money>()
            .unwrap()
            .share_of(expected_total)
            .unwrap();
        format!("{:.2}", p.value())
    };
    assert_eq!(
        value_of(&b, "/funding/expenditure/rows/1/share").await,
        share("100.005")
    );
    assert_eq!(
        value_of(&b, "/funding/expenditure/rows/0/share").await,
        share("846.33")
    );
    assert_eq!(
        value_of(&b, "/funding/expenditure/total/share").await,
        "100.00"
    );
    let balance = b
        .js("return document.getElementById('balance').textContent")
        .await;
    assert!(balance.as_str().unwrap().contains("不相等"), "{balance}");

    // 3. A target value shows its parsed meaning, as the Rust parser reads it.
    let target = "/indicators/annual/rows/3/target";
    set_value(&b, target, "≥2. 5%").await;
    let meaning = b.js(&format!(
        "return document.querySelector('#ed [name=\"{target}\"]').closest('td').querySelector('.meaning').textContent"
    )).await;
    assert_eq!(meaning, "定量：大于等于 2.5 %");
    assert_eq!(
        meaning,
        TargetValue::parse("≥2. 5%").unwrap().meaning().as_str()
    );
    let cmp = b
        .js(&format!(
            "return document.querySelector('#ed [name=\"{target}\"]').previousElementSibling.value"
        ))
        .await;
    assert_eq!(cmp, "≥");

    // The JS port of the grammar agrees with TargetValue::parse on tricky inputs.
    let samples = [
        "≥90%",
        "≤5%",
        "100%",
        "≥4 项",
        "≥2. 5%",
        "＞＝90％",
        "是",
        "持续 推进",
        "不适用",
        "约5%左右",
        "≥良好",
        "大于或等于 3 家",
        "不超过10天",
        "+5件",
        "007%",
        "2.50万元",
        "< 1",
        "满 意 度 高",
        "5%以上的都算数",
        "",
        "  ",
        "1e5",
        "-3.2%",
        "12345678901234567890123456789%",
    ];
    for s in samples {
        let js = b
            .js(&format!(
                "return window.jixiao.parseTarget({})",
                serde_json::to_string(s).unwrap()
            ))
            .await;
        let rust = serde_json::to_value(TargetValue::parse(s)).unwrap();
        assert_eq!(js, rust, "parse of {s:?}");
        if let Some(v) = TargetValue::parse(s) {
            let m = b
                .js(&format!(
                    "return window.jixiao.meaning(window.jixiao.parseTarget({}))",
                    serde_json::to_string(s).unwrap()
                ))
                .await;
            assert_eq!(m, v.meaning().as_str(), "meaning of {s:?}");
        }
    }

    if let Some(dir) = screenshot_dir() {
        b.js("document.querySelector('table[data-table=annual] tbody.grp[data-l2=\"预算执行\"]').scrollIntoView({block: 'start'}); window.scrollBy(0, -90)").await;
        std::fs::write(
            dir.join("editor-indicators.png"),
            b.client.screenshot().await.unwrap(),
        )
        .unwrap();
    }

    // 4. Add an indicator under a level-2 node, then remove it; pointers stay contiguous.
    let rows_ok = "const rows=[...document.querySelectorAll('table[data-table=long_term] tr[data-item]')];\
        return rows.every((r,i)=>r.dataset.path==='/indicators/long_term/rows/'+i && r.querySelector('[name$=\"/name\"]').name===r.dataset.path+'/name') ? rows.length : -1";
    assert_eq!(b.js(rows_ok).await, 39);
    b.click("table[data-table=long_term] tbody.grp[data-l2='预算执行'] button[data-act='add-ind']")
        .await;
    assert_eq!(b.js(rows_ok).await, 40);
    let active = b.js("return document.activeElement.name").await;
    let new_name = active.as_str().unwrap().to_string();
    assert_eq!(
        b.js("return document.activeElement.getAttribute('aria-label')")
            .await,
        "三级指标"
    );
    set_value(&b, &new_name, "新增指标（浏览器测试）").await;
    let built = b.js("return window.jixiao.buildForm().form").await;
    let form: Form = serde_json::from_value(built).unwrap();
    let added = form
        .indicators
        .long_term
        .rows
        .iter()
        .find(|r| r.name == "新增指标（浏览器测试）")
        .expect("new row in the JSON");
    assert_eq!(
        (added.level1.as_str(), added.level2.as_str()),
        ("管理效率", "预算执行")
    );
    assert_eq!(added.class.as_deref(), Some("基本型"));
    let row_path = new_name.trim_end_matches("/name");
    b.click(&format!(
        "tr[data-path='{row_path}'] button[data-act='del']"
    ))
    .await;
    assert_eq!(b.js(rows_ok).await, 39);

    // 5. Clicking a finding moves the focus to its field (after the live check has answered:
    // the mock validator still reports the seed's 规划/规范 typo).
    b.wait_for("return window.jixiao.settled()").await;
    let finding = "/indicators/long_term/rows/8/target";
    b.click(&format!("#finding-list a[data-goto='{finding}']"))
        .await;
    assert_eq!(
        b.js("return document.activeElement.dataset.path").await,
        finding
    );
    assert_eq!(b.js("return document.activeElement.tagName").await, "INPUT");

    // 6. Save: the page PUTs {base_version, form} with the CSRF header and shows the new version.
    if let Some(dir) = screenshot_dir() {
        b.js("window.scrollTo(0, 0)").await;
        std::fs::write(dir.join("editor.png"), b.client.screenshot().await.unwrap()).unwrap();
    }
    b.click("#save-btn").await;
    b.wait_for("return document.getElementById('ver').textContent === '4'")
        .await;
    let msg = b
        .js("return document.getElementById('save-msg').textContent")
        .await;
    assert!(
        msg.as_str().unwrap().starts_with("已保存（第 4 版"),
        "{msg}"
    );
    let put = site
        .seen
        .lock()
        .unwrap()
        .iter()
        .rev()
        .find(|r| r.method == "PUT")
        .cloned()
        .expect("a PUT");
    assert_eq!(put.path, "/api/forms/7");
    assert_eq!(
        put.headers.get("x-csrf-token").map(String::as_str),
        Some("csrf-TOKEN")
    );
    let body: serde_json::Value = serde_json::from_str(&put.body).unwrap();
    assert_eq!(body["base_version"], 3);
    let saved: Form = serde_json::from_value(body["form"].clone()).unwrap();
    assert_eq!(
        saved.funding.expenditure.rows[1]
            .amounts
            .current
            .unwrap()
            .to_string(),
        "100.005"
    );
    assert_eq!(
        saved.funding.expenditure.total.current,
        Some(expected_total)
    );
    assert_eq!(
        saved.indicators.annual.rows[3]
            .target
            .as_ref()
            .unwrap()
            .to_string(),
        "≥2.5%"
    );
    // the findings of the saved version replace the list: the typo is still an error
    assert_eq!(
        b.js("return document.getElementById('submit-btn').disabled")
            .await,
        true
    );
    assert_eq!(
        b.js("return document.getElementById('n-errors').textContent")
            .await,
        "1"
    );

    // 7. A save based on a stale version: nothing typed is lost and the page says why.
    set_value(&b, "/header/filler", "张三").await;
    b.click("#save-btn").await;
    b.wait_for("return document.getElementById('save-msg').classList.contains('bad')")
        .await;
    let msg = b
        .js("return document.getElementById('save-msg').textContent")
        .await;
    let msg = msg.as_str().unwrap();
    assert!(
        msg.contains("他人已保存了更新的版本（第 5 版）") && msg.contains("仍保留在页面上"),
        "{msg}"
    );
    assert_eq!(value_of(&b, "/header/filler").await, "张三");
    assert_eq!(
        b.js("return document.getElementById('ver').textContent")
            .await,
        "4"
    );
    // The differences are shown side by side: the user's 张三 against version 5's 李四.
    b.wait_for("return !document.getElementById('conflict').hidden")
        .await;
    let rows = b
        .js("return [...document.querySelectorAll('#conflict tbody tr')].map(r => r.innerText)")
        .await;
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = rows[0].as_str().unwrap();
    assert!(
        row.contains("张三") && row.contains("李四") && row.contains("填报人"),
        "{row}"
    );
    // Keeping one's own content saves it on top of version 5.
    b.click("#keep-mine").await;
    b.wait_for("return document.getElementById('conflict').hidden")
        .await;
    let last = site
        .seen
        .lock()
        .unwrap()
        .iter()
        .rev()
        .find(|r| r.method == "PUT")
        .map(|r| r.body.clone())
        .unwrap();
    assert!(
        last.contains("\"base_version\":5") && last.contains("张三"),
        "{last}"
    );

    // 8. Submit: disabled while the page's findings hold an error; a clean check enables it;
    // submitting saves the changes first, then posts the submit and goes to the form's page.
    b.client
        .goto(&format!("{}/forms/7/edit", site.base))
        .await
        .unwrap();
    b.wait_for("return !!document.querySelector('select.cmp')")
        .await;
    assert_eq!(
        b.js("return document.getElementById('submit-btn').disabled")
            .await,
        true
    );
    set_value(&b, "/indicators/long_term/rows/8/target", "规范").await;
    b.wait_for("return !document.getElementById('submit-btn').disabled")
        .await;
    assert_eq!(
        b.js("return document.getElementById('submit-reason').textContent")
            .await,
        ""
    );
    // The submission asks for confirmation first.
    b.js("window.confirm = (q) => { window.__asked = q; return true; }; return true")
        .await;
    b.click("#submit-btn").await;
    b.wait_for("return location.pathname === '/forms/7'").await;
    let seen = site.seen.lock().unwrap().clone();
    let submit = seen
        .iter()
        .rev()
        .find(|r| r.path == "/api/forms/7/submit")
        .expect("a submit");
    assert_eq!(submit.method, "POST");
    assert_eq!(
        submit.headers.get("x-csrf-token").map(String::as_str),
        Some("csrf-TOKEN")
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&submit.body).unwrap()["base_version"],
        4
    );
    let save = seen.iter().rev().find(|r| r.method == "PUT").unwrap();
    assert!(save.body.contains("\"base_version\":3") && save.body.contains("\"word\":\"规范\""));

    // 9. The review page: a comment button adds a comment slot for that place.
    b.client
        .goto(&format!("{}/forms/7/review", site.base))
        .await
        .unwrap();
    b.wait_for("return !document.documentElement.classList.contains('nojs')")
        .await;
    b.click("button[data-comment='/indicators/annual/rows/3']")
        .await;
    let slot = b.js("const i=document.querySelector('#comment-slots li:last-child input[name=comment_path]'); return i && !i.disabled ? i.value : null").await;
    assert_eq!(slot, "/indicators/annual/rows/3");
    assert_eq!(
        b.js("return document.querySelectorAll('.nojs-slot select:not([disabled])').length")
            .await,
        0
    );
    let focused = b.client.active_element().await.unwrap();
    focused
        .send_keys("预期值低于上年实际，请说明依据")
        .await
        .unwrap();
    if let Some(dir) = screenshot_dir() {
        b.js("document.querySelector('tr[data-path=\"/indicators/annual/rows/3\"]').scrollIntoView({block: 'center'})").await;
        std::fs::write(dir.join("review.png"), b.client.screenshot().await.unwrap()).unwrap();
    }
    b.close().await;
}

/// Without JavaScript the editor still shows the values and findings, hides the script-only
/// controls, and "保存草稿" posts every field under its JSON Pointer, which `form_from_fields`
/// applies to the saved form.
#[tokio::test(flavor = "current_thread")]
async fn editor_without_javascript_posts_json_pointer_fields() {
    let Some(b) = Browser::start_with(false).await else {
        return;
    };
    let site = serve(pages());
    b.client
        .goto(&format!("{}/forms/7/edit", site.base))
        .await
        .unwrap();
    let source = b.client.source().await.unwrap();
    assert!(source.contains("class=\"nojs\""), "scripts ran");
    // no script-made controls, the no-script hint is visible, the finding is listed
    assert!(b.client.find(Locator::Css("select.cmp")).await.is_err());
    let hint = b.client.find(Locator::Css(".nojs-only")).await.unwrap();
    assert!(hint.is_displayed().await.unwrap());
    let add = b
        .client
        .find(Locator::Css("button[data-act='add-ind']"))
        .await
        .unwrap();
    assert!(!add.is_displayed().await.unwrap());
    assert!(source.contains("“立项规范性”的指标值「规划」与年度指标「规范」不同"));

    let amount = b
        .client
        .find(Locator::Css("[name='/funding/expenditure/rows/1/current']"))
        .await
        .unwrap();
    amount.clear().await.unwrap();
    amount.send_keys("90.5").await.unwrap();
    let target = b
        .client
        .find(Locator::Css("[name='/indicators/long_term/rows/8/target']"))
        .await
        .unwrap();
    target.clear().await.unwrap();
    target.send_keys("规范").await.unwrap();
    b.client
        .find(Locator::Id("save-btn"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let post = loop {
        let found = site
            .seen
            .lock()
            .unwrap()
            .iter()
            .find(|r| r.path == "/forms/7/save")
            .cloned();
        if let Some(p) = found {
            break p;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no post to /forms/7/save"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(post.method, "POST");
    let fields = support::browser::form_fields(&post.body);
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("_csrf"), Some("csrf-TOKEN"));
    assert_eq!(get("base_version"), Some("3"));
    let seed = support::seed_form();
    let saved = jixiao_web::form_from_fields(&seed, &fields).expect("the posted fields apply");
    assert_eq!(
        saved.funding.expenditure.rows[1]
            .amounts
            .current
            .unwrap()
            .to_string(),
        "90.5"
    );
    assert_eq!(
        saved.indicators.long_term.rows[8]
            .target
            .as_ref()
            .unwrap()
            .to_string(),
        "规范"
    );
    let mut expected = seed.clone();
    expected.funding.expenditure.rows[1].amounts.current =
        saved.funding.expenditure.rows[1].amounts.current;
    expected.indicators.long_term.rows[8].target =
        saved.indicators.long_term.rows[8].target.clone();
    assert_eq!(saved, expected, "nothing else changed");
    b.close().await;
}
