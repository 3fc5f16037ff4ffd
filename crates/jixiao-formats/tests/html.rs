//! HTML export: a standalone page (no external resources), escaped user text, public copy by
//! default; the seed page is kept as an insta snapshot.

mod common;

use jixiao_domain::Registry;
use jixiao_formats::html::{HtmlOptions, to_html};

fn render(form: &jixiao_domain::Form, private: bool) -> String {
    let reg = Registry::default();
    to_html(
        form,
        reg.get(&form.template.id, None).ok(),
        &HtmlOptions {
            privacy: jixiao_domain::Privacy::private_if(private),
        },
    )
    .unwrap()
}

#[test]
fn seed_page_snapshot() {
    insta::assert_snapshot!("seed_public", render(&common::seed(), false));
}

#[test]
fn public_copy_leaves_out_personal_data_and_private_copy_keeps_it() {
    let form = common::seed();
    let public = render(&form, false);
    assert!(!public.contains("15172093138") && !public.contains("刘洋"));
    let private = render(&form, true);
    assert!(private.contains("15172093138") && private.contains("刘洋"));
}

#[test]
fn page_is_standalone_and_shows_every_indicator() {
    let form = common::seed();
    let page = render(&form, false);
    for bad in ["http://", "https://", "<link", "<script", "src=", "@import"] {
        assert!(!page.contains(bad), "external resource or script: {bad}");
    }
    assert!(page.contains("@page { size: A4"));
    for (_, t) in form.indicators.tables() {
        for r in &t.rows {
            assert!(page.contains(&r.name), "{}", r.name);
            if let Some(v) = &r.target {
                assert!(
                    page.contains(&v.to_string().replace('<', "&lt;").replace('>', "&gt;")),
                    "{v}"
                );
            }
        }
    }
    assert!(page.contains("1679.60") && page.contains("50.39%") && page.contains(">1.008<"));
    assert!(
        page.contains("rowspan=\"4\">运行成本</td>"),
        "level-1 cells span their rows"
    );
}

#[test]
fn user_text_is_escaped() {
    let mut form = common::seed();
    form.header.unit_name = "<script>alert('x')</script>&<b>".into();
    form.indicators.annual.rows[0].name = "\"><img src=x onerror=alert(1)>".into();
    let page = render(&form, false);
    assert!(!page.contains("<script>alert") && !page.contains("<img"));
    assert!(page.contains("&lt;script&gt;alert("));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
}
