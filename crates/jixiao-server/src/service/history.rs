//! History: versions, one version, the diff between two, the audit log, and export.

use jixiao_domain::Form;
use jixiao_storage::{AuditEntry, FormRow, User, VersionRow};

use super::{for_viewer, parse_stored};
use crate::access::visible;
use crate::diff::{Change, diff};
use crate::error::{ApiError, ApiResult};
use crate::state::{AppState, ExportError, ExportFile};

async fn visible_row(state: &AppState, user: &User, id: i64) -> ApiResult<FormRow> {
    visible(user, state.db.form(id).await?)
}

/// All versions of a form, oldest first.
pub async fn versions(state: &AppState, user: &User, id: i64) -> ApiResult<Vec<VersionRow>> {
    visible_row(state, user, id).await?;
    Ok(state.db.versions(id).await?)
}

async fn version_form(state: &AppState, user: &User, id: i64, v: i64) -> ApiResult<Form> {
    let text = state
        .db
        .version_json(id, v)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("第 {v} 版不存在")))?;
    Ok(for_viewer(user, parse_stored(&text)?))
}

/// What became of each version after it was saved, in the versions' order: the decision on it
/// (`财政审核退回`, `已批复，已公开`), or where it waits (`已提交，待财政审核`); empty for a
/// version that a later save replaced.
pub async fn outcomes(
    state: &AppState,
    user: &User,
    id: i64,
    versions: &[VersionRow],
) -> ApiResult<Vec<String>> {
    use jixiao_domain::{Decision, FormStatus};
    let row = visible_row(state, user, id).await?;
    let reviews = state.db.reviews(id).await?;
    Ok(versions
        .iter()
        .map(|v| {
            let last_review = reviews.iter().rev().find(|r| r.version == v.version);
            match last_review {
                Some(r) if r.decision == Decision::Approve => {
                    if row.approved_version == Some(v.version)
                        && row.status == FormStatus::Published
                    {
                        "已批复，已公开".to_string()
                    } else {
                        "已批复".to_string()
                    }
                }
                // A return without grades is the unit approver's, at sign-off.
                Some(r) if r.grades == "{}" => "提交后被单位审核人退回".to_string(),
                Some(_) => "提交后被财政审核退回".to_string(),
                None if v.version == row.version => match row.status {
                    FormStatus::Submitted => "已提交，待财政审核".to_string(),
                    FormStatus::AwaitingSignOff => "已提交，待单位审核人签批".to_string(),
                    FormStatus::AwaitingDepartment => "已提交，待主管部门审核".to_string(),
                    FormStatus::Draft | FormStatus::Returned => "当前版本，尚未提交".to_string(),
                    s => s.label().to_string(),
                },
                None => String::new(),
            }
        })
        .collect())
}

/// One version of a form (phone masked outside the unit).
pub async fn version(state: &AppState, user: &User, id: i64, v: i64) -> ApiResult<Form> {
    visible_row(state, user, id).await?;
    version_form(state, user, id, v).await
}

/// The differences between two versions.
pub async fn diff_versions(
    state: &AppState,
    user: &User,
    id: i64,
    from: i64,
    to: i64,
) -> ApiResult<Vec<Change>> {
    visible_row(state, user, id).await?;
    let a = serde_json::to_value(version_form(state, user, id, from).await?)
        .map_err(ApiError::internal)?;
    let b = serde_json::to_value(version_form(state, user, id, to).await?)
        .map_err(ApiError::internal)?;
    Ok(diff(&a, &b))
}

/// The audit log of a form, oldest first.
pub async fn audit(state: &AppState, user: &User, id: i64) -> ApiResult<Vec<AuditEntry>> {
    visible_row(state, user, id).await?;
    Ok(state.db.audit(Some(id), 10_000).await?)
}

/// An exported file with the name to offer it under.
pub struct Exported {
    /// The file.
    pub file: ExportFile,
    /// `单位-年度部门整体绩效目标申报表.ext`.
    pub name: String,
}

/// The form (a version, else the current one) as a file through the server's exporter, phone
/// masked outside the unit. `format` is already reduced to a short ASCII name.
pub async fn export(
    state: &AppState,
    user: &User,
    id: i64,
    format: &str,
    version: Option<i64>,
) -> ApiResult<Exported> {
    let row = visible_row(state, user, id).await?;
    let form = version_form(state, user, id, version.unwrap_or(row.version)).await?;
    let hook = state.export.clone();
    let fmt = format.to_string();
    let file = state.jobs.run(move || hook(&fmt, &form)).await?;
    let file = match file {
        Ok(f) => f,
        Err(ExportError::UnsupportedFormat) => {
            return Err(ApiError::unprocessable(format!(
                "不支持的导出格式「{format}」"
            )));
        }
        Err(ExportError::Failed(msg)) => {
            return Err(ApiError::internal(format!("export {format} failed: {msg}")));
        }
    };
    let name = format!(
        "{}-{}年度部门整体绩效目标申报表.{}",
        row.unit_name, row.fiscal_year, file.extension
    );
    super::audit_event(
        state,
        user.id,
        jixiao_storage::Subject {
            form_id: Some(id),
            report_id: None,
        },
        "download",
        &format!(
            "下载 {}（第 {} 版）",
            format.to_uppercase(),
            version.unwrap_or(row.version)
        ),
        jixiao_storage::Outcome::Ok,
    )
    .await?;
    Ok(Exported { file, name })
}
