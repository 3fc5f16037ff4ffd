//! PDFs of the monitoring report and the self-evaluation, from the filled seed documents
//! (`fixtures/lifecycle/`): the text poppler's `pdftotext` reads back (title, unit, lights as
//! words, scores, 总分, grade), personal data only on private copies, and documents without rows.
//! The PDFs are left in the test's temporary directory (`CARGO_TARGET_TMPDIR`) to look at.
//!
//! Needs `pdftotext` (Debian `poppler-utils`); without it the text checks are skipped with a
//! message, except when `CI` is set.

use std::path::PathBuf;
use std::process::Command;

use jixiao_domain::Privacy;
use jixiao_domain::lifecycle::LifecycleRules;
use jixiao_domain::lifecycle::monitoring::MonitoringReport;
use jixiao_domain::lifecycle::selfeval::SelfEvaluation;
use jixiao_pdf::{PdfError, PdfOptions, render_monitoring, render_self_evaluation};

fn fixture<T: serde::de::DeserializeOwned>(name: &str) -> T {
    let path = format!(
        "{}/../../fixtures/lifecycle/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn monitoring() -> MonitoringReport {
    fixture("monitoring.filled.json")
}

fn self_evaluation() -> SelfEvaluation {
    fixture("selfeval.filled.json")
}

fn options(private: bool) -> PdfOptions {
    PdfOptions {
        privacy: Privacy::private_if(private),
        font_dir: None,
    }
}

/// The whole text without whitespace (cells wrap; typst spaces CJK from Latin), or `None` when
/// pdftotext is missing and CI is not set. The PDF is kept as `{name}.pdf`.
fn text(pdf: &[u8], name: &str) -> Option<String> {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    match Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) => {
            assert!(out.status.success(), "pdftotext failed");
            let s = String::from_utf8(out.stdout).unwrap();
            Some(s.chars().filter(|c| !c.is_whitespace()).collect())
        }
        Err(e) => {
            let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
            assert!(!ci, "pdftotext (poppler-utils) is required in CI: {e}");
            eprintln!("SKIPPED text checks: pdftotext not found ({e}); install poppler-utils");
            None
        }
    }
}

fn assert_has(text: &str, wanted: &[&str]) {
    for w in wanted {
        let w: String = w.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(text.contains(&w), "missing {w}");
    }
}

#[test]
fn monitoring_pdf_has_title_unit_lights_and_every_indicator() {
    let report = monitoring();
    let rules = LifecycleRules::default();
    let pdf = render_monitoring(&report, &rules, &options(true)).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let Some(t) = text(&pdf, "monitoring-private") else {
        return;
    };
    assert_has(
        &t,
        &[
            "2026年度部门整体绩效运行监控表（1-6月）",
            "阳新县兴国镇人民政府",
            "填报日期：2026 年 7 月 10 日",
            "刘洋",
            "15172093138",
            "预算执行情况",
            "1-6月执行数",
            "705.43",
            "42.00%",
            "50.00%",
            "序时目标",
            "完成比",
            "预警灯",
            "红灯",
            "黄灯",
            "绿灯",
            "蓝灯",
            "47.5%",
            "有可能",
            "经费保障、其他：上半年",
            "偏差或不能完成目标原因分析",
            "加快资金拨付进度",
            "第1页共",
        ],
    );
    for r in &report.indicators {
        assert_has(&t, &[&r.name]);
    }
}

#[test]
fn self_evaluation_pdf_has_scores_total_and_grade() {
    let eval = self_evaluation();
    let pdf = render_self_evaluation(&eval, &LifecycleRules::default(), &options(true)).unwrap();
    let Some(t) = text(&pdf, "selfeval-private") else {
        return;
    };
    assert_has(
        &t,
        &[
            "2026年度部门整体绩效自评表",
            "阳新县兴国镇人民政府",
            "全年预算数",
            "全年执行数",
            "1646.01",
            "98.00%",
            "9.80",
            "填报10.00※",
            "年度总体目标",
            "全年各项工作有序推进",
            "实际完成值",
            "偏差原因分析及改进措施",
            "1.15",
            "填报2.30※",
            "总分",
            "98.65",
            "填报100.00※",
            "评价等级",
            "优",
            "标“※”处为单位填报得分",
            "结果应用：评价结果作为下年度预算安排的依据",
        ],
    );
    for r in &eval.indicators {
        assert_has(&t, &[&r.name]);
    }
}

#[test]
fn public_copies_have_no_filler_and_no_phone() {
    let rules = LifecycleRules::default();
    let m = render_monitoring(&monitoring(), &rules, &options(false)).unwrap();
    let s = render_self_evaluation(&self_evaluation(), &rules, &options(false)).unwrap();
    for (pdf, name) in [(m, "monitoring-public"), (s, "selfeval-public")] {
        let Some(t) = text(&pdf, name) else {
            return;
        };
        for bad in ["15172093138", "刘洋", "填报人", "联系电话"] {
            assert!(!t.contains(bad), "{name} shows {bad}");
        }
        assert!(t.contains("阳新县兴国镇人民政府"));
    }
}

#[test]
fn documents_without_rows_or_with_odd_text_render() {
    let rules = LifecycleRules::default();
    let mut m = monitoring();
    m.budget.clear();
    m.indicators.clear();
    m.goal.clear();
    m.analysis = "#set page(width: 1cm) *x* $y$ \\ ]".into();
    let pdf = render_monitoring(&m, &rules, &options(false)).unwrap();
    if let Some(t) = text(&pdf, "monitoring-empty") {
        assert_has(&t, &["三级指标", "合计", "#setpage(width:1cm)*x*$y$\\]"]);
    }
    let mut e = self_evaluation();
    e.budget.clear();
    e.indicators.clear();
    e.declared_total = None;
    e.budget_declared_score = None;
    let pdf = render_self_evaluation(&e, &rules, &options(false)).unwrap();
    if let Some(t) = text(&pdf, "selfeval-empty") {
        assert_has(&t, &["总分", "0.00", "评价等级", "差"]);
        assert!(!t.contains('※'));
    }
    // A month out of range and unreadable values: rendered, with no light where none is known.
    let mut m = monitoring();
    m.header.month = 0;
    m.indicators[0].actual = "很多".into();
    m.indicators[1].target = None;
    render_monitoring(&m, &rules, &options(false)).unwrap();
}

#[test]
fn oversized_documents_are_refused() {
    let mut m = monitoring();
    let row = m.indicators[0].clone();
    m.indicators = vec![row; jixiao_pdf::MAX_ROWS + 1];
    let e = render_monitoring(&m, &LifecycleRules::default(), &options(false)).unwrap_err();
    assert!(matches!(e, PdfError::TooLarge(_)), "{e}");
    assert!(e.to_string().contains("过大"));
}
