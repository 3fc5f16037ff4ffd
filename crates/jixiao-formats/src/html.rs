//! Standalone, printable HTML pages: inline CSS, no scripts, no external resources, A4 print
//! CSS. Rendered by minijinja with auto-escaping from a typed view, so user text never becomes
//! markup. Each page only draws its printed layout: the declaration's [`PrintedForm`], the
//! monitoring report's [`PrintedMonitoring`], the self-evaluation's [`PrintedSelfEvaluation`]
//! (labels, figures, lights, scores, spans, personal data).

use jixiao_domain::lifecycle::LifecycleRules;
use jixiao_domain::lifecycle::monitoring::MonitoringReport;
use jixiao_domain::lifecycle::selfeval::SelfEvaluation;
use jixiao_domain::{Form, Privacy, Template};

use crate::export::ExportError;
use crate::printed::PrintedForm;
use crate::printed::lifecycle::{PrintedMonitoring, PrintedSelfEvaluation};

const TEMPLATE: &str = include_str!("../templates/form.html");

/// Options of the HTML export.
#[derive(Debug, Clone, Copy, Default)]
pub struct HtmlOptions {
    /// Public (the default: no filler's name, no phone number) or private copy.
    pub privacy: Privacy,
}

/// Renders the form as a standalone HTML page. `template` (the form's template) gives the title
/// and whether the annual table has the 前年 / 上年 columns; without it the Hubei layout is used.
pub fn to_html(
    form: &Form,
    template: Option<&Template>,
    options: &HtmlOptions,
) -> Result<String, ExportError> {
    draw(&PrintedForm::new(form, template, options.privacy))
}

/// Draws a laid-out form as a standalone HTML page.
pub fn draw(layout: &PrintedForm) -> Result<String, ExportError> {
    let mut env = minijinja::Environment::new();
    // The `.html` name turns on HTML auto-escaping for every `{{ }}`.
    env.add_template("form.html", TEMPLATE)
        .map_err(|e| ExportError::Html(e.to_string()))?;
    let tmpl = env
        .get_template("form.html")
        .map_err(|e| ExportError::Html(e.to_string()))?;
    tmpl.render(layout)
        .map(|s| s + "\n")
        .map_err(|e| ExportError::Html(e.to_string()))
}

const LIFECYCLE_CSS: &str = include_str!("../templates/lifecycle.css");
const MONITORING_TEMPLATE: &str = include_str!("../templates/monitoring.html");
const SELF_EVALUATION_TEMPLATE: &str = include_str!("../templates/selfeval.html");

/// Renders a monitoring report (绩效运行监控表) as a standalone page in the published layout
/// (A4 landscape print CSS): its lights computed under `rules` (the report's template's), each a
/// coloured mark with its word (`红灯`) so that a black-and-white print reads the same.
pub fn monitoring_to_html(
    report: &MonitoringReport,
    rules: &LifecycleRules,
    options: &HtmlOptions,
) -> Result<String, ExportError> {
    let layout = PrintedMonitoring::new(report, rules, options.privacy);
    draw_page("monitoring.html", MONITORING_TEMPLATE, &layout)
}

/// Renders a self-evaluation (绩效自评表) as a standalone page in the published layout: scores,
/// 总分 and 评价等级 computed under `rules`, with a declared score printed and marked where it
/// differs from the computed one.
pub fn self_evaluation_to_html(
    eval: &SelfEvaluation,
    rules: &LifecycleRules,
    options: &HtmlOptions,
) -> Result<String, ExportError> {
    let layout = PrintedSelfEvaluation::new(eval, rules, options.privacy);
    draw_page("selfeval.html", SELF_EVALUATION_TEMPLATE, &layout)
}

/// Renders one of the lifecycle pages, with the style sheet they share written in.
fn draw_page(
    name: &str,
    source: &str,
    layout: &impl serde::Serialize,
) -> Result<String, ExportError> {
    let mut env = minijinja::Environment::new();
    let source = source.replace("/* lifecycle.css */\n", LIFECYCLE_CSS);
    env.add_template_owned(name.to_string(), source)
        .map_err(|e| ExportError::Html(e.to_string()))?;
    let tmpl = env
        .get_template(name)
        .map_err(|e| ExportError::Html(e.to_string()))?;
    tmpl.render(layout)
        .map(|s| s + "\n")
        .map_err(|e| ExportError::Html(e.to_string()))
}
