//! The template environment: every template embedded with `include_str!`, auto-escaping on for
//! all of them (they are all `.html`), and the filters pages use. Built once per process.

use std::sync::OnceLock;

use minijinja::{AutoEscape, Environment, Value};

use crate::RenderError;

/// The page templates, embedded in the binary.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    (
        "form_view.html",
        include_str!("../templates/form_view.html"),
    ),
    ("login.html", include_str!("../templates/login.html")),
    ("password.html", include_str!("../templates/password.html")),
    (
        "home_unit.html",
        include_str!("../templates/home_unit.html"),
    ),
    (
        "home_reviewer.html",
        include_str!("../templates/home_reviewer.html"),
    ),
    (
        "home_admin.html",
        include_str!("../templates/home_admin.html"),
    ),
    ("editor.html", include_str!("../templates/editor.html")),
    ("review.html", include_str!("../templates/review.html")),
    ("view.html", include_str!("../templates/view.html")),
    ("history.html", include_str!("../templates/history.html")),
    ("start.html", include_str!("../templates/start.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("confirm.html", include_str!("../templates/confirm.html")),
    ("rounds.html", include_str!("../templates/rounds.html")),
    (
        "round_board.html",
        include_str!("../templates/round_board.html"),
    ),
    ("report.html", include_str!("../templates/report.html")),
    (
        "declaration_board.html",
        include_str!("../templates/declaration_board.html"),
    ),
    (
        "batch_confirm.html",
        include_str!("../templates/batch_confirm.html"),
    ),
    (
        "admin_user.html",
        include_str!("../templates/admin_user.html"),
    ),
    (
        "admin_audit.html",
        include_str!("../templates/admin_audit.html"),
    ),
    (
        "dashboard.html",
        include_str!("../templates/dashboard.html"),
    ),
    (
        "public_index.html",
        include_str!("../templates/public_index.html"),
    ),
    (
        "public_units.html",
        include_str!("../templates/public_units.html"),
    ),
    (
        "public_form.html",
        include_str!("../templates/public_form.html"),
    ),
    (
        "public_error.html",
        include_str!("../templates/public_error.html"),
    ),
    ("library.html", include_str!("../templates/library.html")),
    (
        "library_entry.html",
        include_str!("../templates/library_entry.html"),
    ),
];

fn build() -> Environment<'static> {
    let mut env = Environment::new();
    // Every template is HTML: escape everything, whatever the name.
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
    env.set_formatter(format_value);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .expect("embedded templates are checked by the tests");
    }
    env.add_filter("status_label", |s: String| crate::labels::status_label(&s));
    env.add_filter("role_label", |s: String| crate::labels::role_label(&s));
    env.add_filter("next_step", |s: String| crate::labels::next_step(&s));
    env.add_filter("action_label", |s: String| crate::labels::action_label(&s));
    env.add_filter("path_label", |s: String| {
        crate::labels::path_label(&s, None)
    });
    env.add_filter("value_text", |v: Value| {
        let json = serde_json::to_value(&v).unwrap_or(serde_json::Value::Null);
        crate::labels::value_text(&json)
    });
    env.add_filter("m2", |s: Option<String>| money2(s.as_deref()));
    env.add_filter("anchor", |s: String| anchor(&s));
    env
}

/// Writes a value into the page. Unsafe text is escaped (`& < > " '`: enough inside elements and
/// quoted attributes, and it keeps the many `/` of JSON Pointers readable and the page small);
/// `none` and undefined values print as nothing.
fn format_value(
    out: &mut minijinja::Output,
    state: &minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if value.is_undefined() || value.is_none() {
        return Ok(());
    }
    if value.is_safe() || state.auto_escape() == AutoEscape::None {
        return write!(out, "{value}").map_err(minijinja::Error::from);
    }
    let text = value.to_string();
    let mut last = 0;
    for (i, c) in text.char_indices() {
        let rep = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&text[last..i])
            .map_err(minijinja::Error::from)?;
        out.write_str(rep).map_err(minijinja::Error::from)?;
        last = i + 1;
    }
    out.write_str(&text[last..]).map_err(minijinja::Error::from)
}

/// The shared environment.
pub(crate) fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(build)
}

/// Renders a template with a serializable context.
pub(crate) fn render<S: serde::Serialize>(name: &str, ctx: S) -> Result<String, RenderError> {
    Ok(env().get_template(name)?.render(ctx)?)
}

/// An amount shown with at least two decimals, as on the form (`1679.6` → `1679.60`), and with
/// every further decimal it has (`100.005` stays `100.005`: a page must not show a value other
/// than the one stored); text that is not an amount is shown unchanged, empty as empty.
pub(crate) fn money2(s: Option<&str>) -> String {
    match s {
        None | Some("") => String::new(),
        Some(t) => t
            .parse::<jixiao_domain::Money>()
            .map(jixiao_domain::Money::display_min2)
            .unwrap_or_else(|_| t.to_string()),
    }
}

/// The HTML id of the element for a JSON Pointer (`/funding/income` → `f-funding-income`).
pub(crate) fn anchor(path: &str) -> String {
    let mut out = String::from("f");
    for c in path.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else {
            out.push('-');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::money2;

    #[test]
    fn amounts_keep_every_decimal_they_have() {
        assert_eq!(money2(Some("1679.6")), "1679.60");
        assert_eq!(money2(Some("1")), "1.00");
        assert_eq!(money2(Some("3.40")), "3.40");
        assert_eq!(money2(Some("100.005")), "100.005");
        assert_eq!(money2(Some("-0.125")), "-0.125");
        assert_eq!(money2(Some("2.5000")), "2.50");
        assert_eq!(money2(Some("约 5 万")), "约 5 万");
        assert_eq!(money2(Some("")), "");
        assert_eq!(money2(None), "");
    }
}
