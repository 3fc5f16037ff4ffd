//! The PDFs of the documents that follow a declaration: the monitoring report (绩效运行监控表,
//! `monitoring.typ`) and the self-evaluation (绩效自评表, `selfeval.typ`), both on A4 landscape
//! because their indicator tables have eight to twelve columns. Each draws the one printed
//! layout of jixiao-formats (`printed::lifecycle`), so the lights, scores and totals on paper
//! are the ones `warn`, `score`, the HTML page and the CSV show.

use jixiao_domain::lifecycle::LifecycleRules;
use jixiao_domain::lifecycle::monitoring::MonitoringReport;
use jixiao_domain::lifecycle::selfeval::SelfEvaluation;
use jixiao_formats::printed::lifecycle::{PrintedMonitoring, PrintedSelfEvaluation};

use crate::world::Sheet;
use crate::{PdfError, PdfOptions, check_limits, compile, write_pdf};

/// Renders a monitoring report as a PDF in the published layout (A4 landscape): title
/// `2026年度部门整体绩效运行监控表（1-6月）`, header, budget execution with its light, the annual
/// goal with its light, the indicator table with 序时目标, 完成比 and each row's light (a
/// coloured mark and its word, `红灯`, so a black-and-white print reads the same), and the footer
/// texts. The lights are computed under `rules` (the report's template's). A public copy
/// (`options.privacy`) has no 填报人 and no 联系电话.
///
/// Never panics on odd input: empty blocks print one empty row, values that cannot be read
/// print as entered with no light; a report too large to print is [`PdfError::TooLarge`].
pub fn render_monitoring(
    report: &MonitoringReport,
    rules: &LifecycleRules,
    options: &PdfOptions,
) -> Result<Vec<u8>, PdfError> {
    check_limits(report.indicators.len() + report.budget.len(), report)?;
    let printed = PrintedMonitoring::new(report, rules, options.privacy);
    let document = compile(Sheet::Monitoring, &printed, options)?;
    write_pdf(
        &document,
        format!(
            "jixiao-monitoring-{}-{}-{}",
            report.header.fiscal_year, report.header.month, report.header.unit_name
        ),
    )
}

/// Renders a self-evaluation as a PDF in the published layout (A4 landscape): title
/// `2026年度部门整体绩效自评表`, header, the budget block with its 分值 and 得分, 年度总体目标
/// 预期 and 实际, the indicator table with 分值 and 得分, the 总分 and 评价等级 rows, and the
/// analysis. Scores, total and grade are computed under `rules`; a score the unit declared is
/// printed below the computed one, marked ※, only where the two differ. A public copy
/// (`options.privacy`) has no 填报人 and no 联系电话.
///
/// Never panics on odd input, as [`render_monitoring`].
pub fn render_self_evaluation(
    eval: &SelfEvaluation,
    rules: &LifecycleRules,
    options: &PdfOptions,
) -> Result<Vec<u8>, PdfError> {
    check_limits(eval.indicators.len() + eval.budget.len(), eval)?;
    let printed = PrintedSelfEvaluation::new(eval, rules, options.privacy);
    let document = compile(Sheet::SelfEvaluation, &printed, options)?;
    write_pdf(
        &document,
        format!(
            "jixiao-self-evaluation-{}-{}",
            eval.header.fiscal_year, eval.header.unit_name
        ),
    )
}
