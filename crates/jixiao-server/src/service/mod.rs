//! The service layer: typed functions that both the JSON API (`crate::api`) and the HTML pages
//! (`crate::pages`) call. A service takes the acting user, ids and typed inputs (a
//! [`jixiao_domain::Form`], a decision with its grades…), checks rights through
//! [`crate::access`] (which asks the workflow module), runs in one transaction, and answers with
//! typed results or the one error type, [`ApiError`]. Handlers around it only extract, call and
//! serialize (the API) or render (the pages); no JSON travels between a page and a service.

pub mod admin;
pub mod dashboard;
pub mod forms;
pub mod history;
pub mod import;
pub mod library;
pub mod ocr;
pub mod public;
pub mod reports;
pub mod rounds;
pub mod session;
pub mod summary;
pub mod workflow;

use jixiao_domain::{Finding, Form, Severity};
use jixiao_storage::{FormRow, User};
use serde_json::{Value, json};

use crate::access::{mask_phone, sees_personal_data};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Writes one audit row in its own transaction, for what changes nothing but must be on record
/// (downloads, exports, imports).
pub(crate) async fn audit_event(
    state: &AppState,
    user_id: i64,
    subject: jixiao_storage::Subject,
    action: &str,
    detail: &str,
    outcome: jixiao_storage::Outcome,
) -> ApiResult<()> {
    let mut tx = state.db.begin_write().await?;
    tx.append_audit(subject, Some(user_id), action, detail, outcome)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Validates a form against its template; 422 when the template is unknown.
pub fn findings_of(state: &AppState, form: &Form) -> ApiResult<Vec<Finding>> {
    let template = state
        .templates
        .get(&form.template.id, Some(form.template.version))
        .map_err(|e| ApiError::unprocessable(e.to_string()))?;
    Ok((state.validator)(form, template))
}

/// The findings of a form of a unit of a region: the validator's, then the review aids of the region's
/// indicator library (none while the region has no library).
pub async fn findings_in_region(
    state: &AppState,
    region_id: i64,
    unit_id: i64,
    form: &Form,
) -> ApiResult<Vec<Finding>> {
    let mut findings = findings_of(state, form)?;
    findings.extend(library::aids_in_region(state, region_id, unit_id, form).await);
    Ok(findings)
}

/// (errors, warnings) of a list of findings.
pub fn counts(findings: &[Finding]) -> (i64, i64) {
    let n = |s| findings.iter().filter(|f| f.severity == s).count() as i64;
    (n(Severity::Error), n(Severity::Warning))
}

/// Parses stored form JSON; a failure is a server fault.
pub(crate) fn parse_stored(text: &str) -> ApiResult<Form> {
    serde_json::from_str(text)
        .map_err(|e| ApiError::internal(format!("stored form does not parse: {e}")))
}

/// The form as a user may see it: phone numbers masked outside the unit.
pub(crate) fn for_viewer(user: &User, mut form: Form) -> Form {
    if !sees_personal_data(user.role)
        && let Some(p) = form.header.phone.as_mut()
    {
        *p = mask_phone(p);
    }
    form
}

/// Findings as a viewer may read them: outside the unit, a message that quotes the form's phone
/// number (an invalid one is quoted by its finding) shows it masked, as the form does.
pub(crate) fn findings_for_viewer(
    user: &User,
    form: &Form,
    findings: Vec<Finding>,
) -> Vec<Finding> {
    let phone = form.header.phone.as_deref().map(str::trim).unwrap_or("");
    if sees_personal_data(user.role) || phone.is_empty() {
        return findings;
    }
    let masked = mask_phone(phone);
    findings
        .into_iter()
        .map(|mut f| {
            f.message = f.message.replace(phone, &masked);
            f
        })
        .collect()
}

/// The 409 of a stale save or step: names both versions and carries the current form.
pub(crate) async fn stale(tx: &mut jixiao_storage::WriteTx, row: &FormRow, base: i64) -> ApiError {
    let current = match tx.version_json(row.id, row.version).await {
        Ok(Some(text)) => serde_json::from_str::<Value>(&text).unwrap_or(Value::Null),
        _ => Value::Null,
    };
    ApiError::conflict(
        "stale_version",
        format!("申报表已被他人修改：当前为第 {} 版，您的修改基于第 {base} 版。请刷新后在最新版本上重新修改，您的修改未保存", row.version),
    )
    .with("current_version", json!(row.version))
    .with("current", current)
}

/// The current version of a stored form, read inside a transaction.
pub(crate) async fn current_form(
    tx: &mut jixiao_storage::WriteTx,
    row: &FormRow,
) -> ApiResult<Form> {
    let text = tx
        .version_json(row.id, row.version)
        .await?
        .ok_or_else(|| ApiError::internal("current version missing"))?;
    parse_stored(&text)
}
