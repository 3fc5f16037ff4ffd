//! The render functions, one per page. Each takes its view model and returns the HTML.

use std::collections::BTreeMap;

use jixiao_domain::{Decision, FormStatus, Role};
use minijinja::context;

use crate::RenderError;
use crate::editor::FormCtx;
use crate::engine::render;
use crate::views::*;

/// The sections a comment can be attached to without JavaScript: (JSON Pointer, label).
const SECTIONS: &[(&str, &str)] = &[
    ("/header", "表头"),
    ("/funding", "部门总体资金情况"),
    ("/functions", "部门职能概述"),
    ("/annual_tasks", "年度工作任务"),
    ("/projects", "项目支出情况"),
    ("/goals", "整体绩效总目标"),
    ("/indicators/long_term", "长期绩效指标"),
    ("/indicators/annual", "年度绩效指标"),
];

/// All status codes, in workflow order (the workflow module's).
pub const STATUSES: [FormStatus; 7] = FormStatus::ALL;

/// All role codes (the workflow module's).
pub const ROLES: [Role; 7] = Role::ALL;

/// The login page (`GET /login`, and again after a failed `POST /login`).
pub fn render_login(view: &LoginView) -> Result<String, RenderError> {
    let chrome = Chrome {
        user: None,
        csrf_token: view.csrf_token.clone(),
        flash: view.notice.clone(),
    };
    render(
        "login.html",
        context! { chrome, error => view.error, username => view.username, next => view.next },
    )
}

/// The home page of a unit user: forms grouped by year, newest year first.
pub fn render_unit_home(view: &UnitHomeView) -> Result<String, RenderError> {
    let mut by_year: BTreeMap<i32, Vec<&FormSummary>> = BTreeMap::new();
    for f in &view.forms {
        by_year.entry(f.fiscal_year).or_default().push(f);
    }
    let years: Vec<_> = by_year
        .into_iter()
        .rev()
        .map(|(year, mut forms)| {
            forms.sort_by(|a, b| b.version.cmp(&a.version).then(b.id.cmp(&a.id)));
            context! { year, forms }
        })
        .collect();
    let waiting: Vec<&FormSummary> = view
        .forms
        .iter()
        .filter(|f| f.steps.iter().any(|s| s.step == "sign-off"))
        .collect();
    render(
        "home_unit.html",
        context! { chrome => view.chrome, unit_name => view.unit_name, years, waiting, tasks => view.tasks, notices => view.notices },
    )
}

#[derive(serde::Serialize, Default)]
struct UnitCount {
    unit_name: String,
    submitted: usize,
    returned: usize,
    approved: usize,
    total: usize,
}

/// The home page of a finance reviewer: counts by status and by unit, and the queue (submitted
/// forms first).
pub fn render_reviewer_home(view: &ReviewerHomeView) -> Result<String, RenderError> {
    let status_of = |f: &FormSummary| FormStatus::parse(&f.status);
    let by_status: Vec<_> = STATUSES
        .iter()
        .map(|s| context! { status => s, count => view.forms.iter().filter(|f| status_of(f) == Some(*s)).count() })
        .collect();
    let mut units: BTreeMap<&str, UnitCount> = BTreeMap::new();
    for f in &view.forms {
        let u = units.entry(&f.unit_name).or_insert_with(|| UnitCount {
            unit_name: f.unit_name.clone(),
            ..Default::default()
        });
        u.total += 1;
        match status_of(f) {
            Some(FormStatus::Submitted) => u.submitted += 1,
            Some(FormStatus::Returned) => u.returned += 1,
            Some(s) if s.is_approved() => u.approved += 1,
            _ => {}
        }
    }
    let mut queue: Vec<&FormSummary> = view.forms.iter().collect();
    // Submitted forms (waiting for the reviewer) first, then the rest in workflow order.
    let rank = |f: &FormSummary| match status_of(f) {
        Some(FormStatus::Submitted) => 0,
        Some(s) => 1 + s as usize,
        None => 9,
    };
    queue.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.updated_at.cmp(&b.updated_at)));
    let by_unit: Vec<UnitCount> = units.into_values().collect();
    render(
        "home_reviewer.html",
        context! { chrome => view.chrome, region_name => view.region_name, by_status, by_unit, queue,
        filter => view.filter, statuses => STATUSES },
    )
}

/// The administrator's home: regions, units, users, with forms to add them.
pub fn render_admin_home(view: &AdminHomeView) -> Result<String, RenderError> {
    render(
        "home_admin.html",
        context! { chrome => view.chrome, regions => view.regions, units => view.units, users => view.users, roles => ROLES,
        refused => view.refused, policy => view.policy, unit_types => jixiao_domain::library::UNIT_TYPES },
    )
}

/// The page where an administrator edits one user.
pub fn render_admin_user(view: &AdminUserView) -> Result<String, RenderError> {
    render(
        "admin_user.html",
        context! { chrome => view.chrome, u => view.user, regions => view.regions, units => view.units, roles => ROLES,
        refused => view.refused },
    )
}

/// The page where users change their own password.
pub fn render_password(view: &PasswordView) -> Result<String, RenderError> {
    render(
        "password.html",
        context! { chrome => view.chrome, required => view.required, rules => view.rules, error => view.error,
        sessions => view.sessions },
    )
}

/// The audit page.
pub fn render_admin_audit(view: &AdminAuditView) -> Result<String, RenderError> {
    render(
        "admin_audit.html",
        context! { chrome => view.chrome, rows => view.rows, limit => view.limit },
    )
}

/// The form editor.
pub fn render_editor(view: &EditorView) -> Result<String, RenderError> {
    let f = FormCtx::new(&view.page, true);
    render(
        "editor.html",
        context! { chrome => view.chrome, f, conflict => view.conflict },
    )
}

/// The review page: the form with findings and comment buttons, grades and the decision.
pub fn render_review(view: &ReviewView) -> Result<String, RenderError> {
    let f = FormCtx::new(&view.page, false);
    let decisions = context! {
        approve => Decision::Approve.as_str(),
        return => Decision::Return.as_str(),
    };
    render(
        "review.html",
        context! { chrome => view.chrome, f, errors => view.errors, sections => SECTIONS, decisions },
    )
}

/// The read-only view with export buttons and print.
pub fn render_form_view(view: &FormViewView) -> Result<String, RenderError> {
    let f = FormCtx::new(&view.page, false);
    render(
        "view.html",
        context! { chrome => view.chrome, f, can_edit => view.may_edit, can_review => view.may_review,
        steps => view.steps },
    )
}

/// The history page: versions (newest first), the diff asked for, the audit log.
pub fn render_history(view: &HistoryView) -> Result<String, RenderError> {
    let mut versions = view.versions.clone();
    versions.sort_by_key(|v| std::cmp::Reverse(v.version));
    render(
        "history.html",
        context! { chrome => view.chrome, form_id => view.form_id, unit_name => view.unit_name,
        fiscal_year => view.fiscal_year, versions, diff => view.diff, audit => view.audit },
    )
}

/// The start page, with the import report of an upload when there is one.
pub fn render_start(view: &StartView) -> Result<String, RenderError> {
    use jixiao_domain::Severity;
    use jixiao_formats::report::ReportKind;
    let (mut report_items, mut unplaced, mut guesses, mut import_errors, mut import_warnings) =
        (Vec::new(), 0, 0, 0, 0);
    let mut incomplete = 0;
    let mut form_json = String::new();
    let mut format_label = String::new();
    if let Some(imp) = &view.import {
        format_label = format_label_of(&imp.report.format).to_string();
        unplaced = imp.report.count(ReportKind::Unplaced);
        guesses = imp.report.count(ReportKind::Guess);
        incomplete = imp.report.count(ReportKind::Incomplete);
        import_errors = imp
            .findings
            .iter()
            .filter(|x| x.severity == Severity::Error)
            .count();
        import_warnings = imp
            .findings
            .iter()
            .filter(|x| x.severity == Severity::Warning)
            .count();
        let mut items: Vec<_> = imp.report.items.iter().collect();
        items.sort_by_key(|i| i.kind);
        report_items = items
            .into_iter()
            .map(|i| {
                context! { kind => i.kind, kind_label => i.kind.label(), source => i.source.to_string(),
                path => i.path, message => i.message }
            })
            .collect();
        form_json = serde_json::to_string(&imp.form).unwrap_or_default();
    }
    render(
        "start.html",
        context! { chrome => view.chrome, templates => view.templates, fiscal_year => view.fiscal_year,
        last_year => view.last_year, import => view.import, import_error => view.import_error, ocr_job => view.ocr_job,
        report_items, unplaced, guesses, incomplete, import_errors, import_warnings, form_json, format_label },
    )
}

/// The Chinese name of an import format (`text` → 公开表格文本).
fn format_label_of(format: &str) -> &str {
    match format {
        "text" | "txt" => "公开表格文本",
        "xlsx" => "Excel 工作簿",
        "pdf" => "PDF 文件",
        "json" => "JSON 数据",
        other => other,
    }
}

/// The confirmation page of a workflow step.
pub fn render_confirm(view: &ConfirmView) -> Result<String, RenderError> {
    render(
        "confirm.html",
        context! { chrome => view.chrome, v => view },
    )
}

/// An error page.
pub fn render_error(view: &ErrorView) -> Result<String, RenderError> {
    render(
        "error.html",
        context! { chrome => view.chrome, status => view.status, message => view.message },
    )
}
