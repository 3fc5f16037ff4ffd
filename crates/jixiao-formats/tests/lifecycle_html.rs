//! HTML of the monitoring report and the self-evaluation: standalone pages in the published
//! layout, lights and scores as the domain computes them, personal data only on private copies,
//! user text escaped. The pages of the filled seed documents (`fixtures/lifecycle/`, made by
//! `fill.py` there) are kept as insta snapshots.

use jixiao_domain::Privacy;
use jixiao_domain::lifecycle::LifecycleRules;
use jixiao_domain::lifecycle::monitoring::MonitoringReport;
use jixiao_domain::lifecycle::selfeval::SelfEvaluation;
use jixiao_formats::html::{HtmlOptions, monitoring_to_html, self_evaluation_to_html};

fn monitoring() -> MonitoringReport {
    serde_json::from_str(include_str!(
        "../../../fixtures/lifecycle/monitoring.filled.json"
    ))
    .unwrap()
}

fn self_evaluation() -> SelfEvaluation {
    serde_json::from_str(include_str!(
        "../../../fixtures/lifecycle/selfeval.filled.json"
    ))
    .unwrap()
}

fn options(private: bool) -> HtmlOptions {
    HtmlOptions {
        privacy: Privacy::private_if(private),
    }
}

fn m_page(r: &MonitoringReport, private: bool) -> String {
    monitoring_to_html(r, &LifecycleRules::default(), &options(private)).unwrap()
}

fn s_page(e: &SelfEvaluation, private: bool) -> String {
    self_evaluation_to_html(e, &LifecycleRules::default(), &options(private)).unwrap()
}

#[test]
fn monitoring_page_snapshot() {
    insta::assert_snapshot!("monitoring_public", m_page(&monitoring(), false));
}

#[test]
fn self_evaluation_page_snapshot() {
    insta::assert_snapshot!("selfeval_public", s_page(&self_evaluation(), false));
}

fn assert_standalone(page: &str) {
    for bad in ["http://", "https://", "<link", "<script", "src=", "@import"] {
        assert!(!page.contains(bad), "external resource or script: {bad}");
    }
    assert!(page.contains("@page { size: A4 landscape"));
}

#[test]
fn monitoring_page_shows_lights_as_colour_and_word() {
    let page = m_page(&monitoring(), false);
    assert_standalone(&page);
    assert!(page.contains("<h1>2026年度部门整体绩效运行监控表（1-6月）</h1>"));
    for (colour, word) in [
        ("red", "红灯"),
        ("yellow", "黄灯"),
        ("green", "绿灯"),
        ("blue", "蓝灯"),
    ] {
        assert!(
            page.contains(&format!("<span class=\"light {colour}\">{word}</span>")),
            "{word}"
        );
    }
    // Budget: 1679.6 × 0.42 executed of 1679.6 by June (benchmark 50%): 84 → green.
    assert!(page.contains(">705.43<") && page.contains(">42.00%<") && page.contains(">50.00%<"));
    assert!(page.contains("1-6月执行数"));
    assert!(
        page.contains("rowspan=\"4\">运行成本</td>"),
        "level-1 cells span"
    );
    assert!(
        page.contains("<td class=\"c\">47.5%</td>"),
        "序时目标 in the target's unit"
    );
    assert!(page.contains("经费保障、其他：上半年资金下达较晚"));
    assert!(page.contains("加快资金拨付进度"));
}

#[test]
fn self_evaluation_page_prints_computed_total_and_marks_declared_scores() {
    let page = s_page(&self_evaluation(), false);
    assert_standalone(&page);
    assert!(page.contains("<h1>2026年度部门整体绩效自评表</h1>"));
    // 政府采购执行率: 45% of ≥90% scores half its weight 2.3; the unit declared 2.3.
    assert!(page.contains(">1.15<span class=\"declared\">填报 2.30※</span>"));
    // Total computed 98.65 (9.8 for the budget), declared 100.
    assert!(page.contains(">98.65<span class=\"declared\">填报 100.00※</span>"));
    assert!(page.contains(">9.80<span class=\"declared\">填报 10.00※</span>"));
    assert!(page.contains("评价等级</td><td class=\"c\" colspan=\"2\">优</td>"));
    assert!(page.contains("标“※”处为单位填报得分"));
    assert!(page.contains("全年各项工作有序推进"));
}

#[test]
fn public_copies_leave_out_personal_data_and_private_copies_keep_it() {
    for (public, private) in [
        (m_page(&monitoring(), false), m_page(&monitoring(), true)),
        (
            s_page(&self_evaluation(), false),
            s_page(&self_evaluation(), true),
        ),
    ] {
        for s in ["15172093138", "刘洋", "填报人", "联系电话"] {
            assert!(!public.contains(s), "{s} on a public copy");
            assert!(private.contains(s), "{s} missing from a private copy");
        }
    }
}

#[test]
fn user_text_is_escaped() {
    let mut m = monitoring();
    m.header.unit_name = "<script>alert('x')</script>&".into();
    m.indicators[0].name = "\"><img src=x onerror=alert(1)>".into();
    m.analysis = "</td></tr></table><b>x</b>".into();
    let page = m_page(&m, false);
    assert!(!page.contains("<script>alert") && !page.contains("<img") && !page.contains("<b>x"));
    assert!(page.contains("&lt;script&gt;alert("));
    let mut e = self_evaluation();
    e.indicators[0].analysis = "<img src=x>".into();
    let page = s_page(&e, false);
    assert!(!page.contains("<img"));
}

#[test]
fn documents_without_rows_still_render() {
    let mut m = monitoring();
    m.budget.clear();
    m.indicators.clear();
    m.goal.clear();
    let page = m_page(&m, true);
    assert!(page.contains("绩效指标完成情况") && page.contains("<td>&nbsp;</td>"));
    let mut e = self_evaluation();
    e.budget.clear();
    e.indicators.clear();
    e.declared_total = None;
    let page = s_page(&e, true);
    assert!(page.contains("总分") && page.contains(">0.00<") && page.contains(">差<"));
}
