//! A standalone, printable HTML page of the form: inline CSS, no external resources, A4 print
//! CSS. Rendered by minijinja with auto-escaping from a typed view, so user text never becomes
//! markup. It only draws the [`PrintedForm`] layout (labels, figures, spans, personal data).

use jixiao_domain::{Form, Privacy, Template};

use crate::export::ExportError;
use crate::printed::PrintedForm;

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
