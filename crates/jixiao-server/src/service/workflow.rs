//! The workflow: draft → (awaiting the unit approver's sign-off, where the region asks for it) →
//! submitted → returned | approved → published; withdrawal of a submission nobody has decided
//! on; deletion of a draft never submitted; and adjustment (a new version of an approved form
//! that goes through review again). Each step is one transaction:
//! lock the form row, ask the workflow module whether the user may take the step in the form's
//! status (and which status follows), write the new state, then [`finish`]: its audit row and
//! the commit.

use jixiao_domain::{Action, Decision, FormStatus, Grade, Role, Severity};
use jixiao_storage::User;
use jixiao_storage::forms::{VersionData, indicator_rows};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{counts, current_form, findings_of, stale};
use crate::access::{may, visible};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The answer of a step: the form's new status, and what the step made.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// The status after the step.
    pub status: FormStatus,
    /// Its Chinese label.
    pub status_label: &'static str,
    /// The version submitted, or the new draft version of an adjustment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// The review recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_id: Option<i64>,
}

/// Submits the current version for review: refused (422, with the findings) while errors
/// remain.
pub async fn submit(state: &AppState, user: &User, id: i64, base_version: i64) -> ApiResult<Step> {
    let mut tx = state.db.begin_write().await?;
    let row = visible(user, tx.lock_form(id).await?)?;
    let status = may(user, &row, Action::Submit)?;
    if base_version != row.version {
        return Err(stale(&mut tx, &row, base_version).await);
    }
    super::rounds::check_submission_open(&mut tx, &row).await?;
    let form = current_form(&mut tx, &row).await?;
    let findings = findings_of(state, &form)?;
    let (errors, _) = counts(&findings);
    if errors > 0 {
        let errors_only: Vec<_> = findings
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        return Err(
            ApiError::unprocessable(format!("申报表还有 {errors} 处错误，改正后才能提交"))
                .with("findings", json!(errors_only)),
        );
    }
    tx.store_indicators(id, row.version, &indicator_rows(&form))
        .await?;
    tx.set_status(id, status, None).await?;
    tx.mark_submitted(id).await?;
    let resolved = tx.resolve_comments(id, row.version).await?;
    let mut detail = format!("提交第 {} 版", row.version);
    if status == FormStatus::AwaitingSignOff {
        detail.push_str("，待单位审核人签批");
    } else if status == FormStatus::AwaitingDepartment {
        detail.push_str("，待主管部门审核");
    }
    if resolved > 0 {
        detail.push_str(&format!("（{resolved} 条审核意见随之标为已处理）"));
    }
    let step = Step {
        version: Some(row.version),
        ..Step::to(status)
    };
    finish(tx, id, user, Action::Submit, &detail, step).await
}

/// The four grades of a review.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grades {
    /// 完整性.
    pub completeness: Grade,
    /// 相关性.
    pub relevance: Grade,
    /// 适当性.
    pub suitability: Grade,
    /// 可行性.
    pub feasibility: Grade,
}

impl Grades {
    fn all(&self) -> [(&'static str, Grade); 4] {
        [
            ("完整性", self.completeness),
            ("相关性", self.relevance),
            ("适当性", self.suitability),
            ("可行性", self.feasibility),
        ]
    }
}

/// A comment attached to a place in the form (a JSON Pointer; empty for the whole form).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentIn {
    /// Where.
    pub path: String,
    /// What.
    pub text: String,
}

/// A reviewer's decision with its grades and comments.
#[derive(Debug, Clone)]
pub struct ReviewInput {
    /// Approve or return.
    pub decision: Decision,
    /// The reason (required to return).
    pub reason: String,
    /// The four grades.
    pub grades: Grades,
    /// Comments on places in the form.
    pub comments: Vec<CommentIn>,
}

/// The 422 of a decision that is neither `approve` nor `return`.
pub fn unknown_decision(other: &str) -> ApiError {
    ApiError::unprocessable(format!(
        "未知的审核决定「{other}」（应为 approve 或 return）"
    ))
}

/// The unit approver's decision on a filler's submission: sign it off to the finance bureau, or
/// return it with a reason.
#[derive(Debug, Clone)]
pub struct SignOffInput {
    /// Sign off (`Approve`) or return.
    pub decision: Decision,
    /// The reason (required to return).
    pub reason: String,
}

/// Signs a submission off to the finance bureau, or returns it to the filler (单位签批).
pub async fn sign_off(
    state: &AppState,
    user: &User,
    id: i64,
    input: SignOffInput,
) -> ApiResult<Step> {
    let reason = input.reason.trim();
    let action = match input.decision {
        Decision::Approve => Action::SignOff,
        Decision::Return => Action::Return,
    };
    if input.decision == Decision::Return && reason.is_empty() {
        return Err(ApiError::unprocessable("退回时须填写退回原因"));
    }
    if reason.chars().count() > 5000 {
        return Err(ApiError::unprocessable("退回原因不能超过 5000 字"));
    }
    let mut tx = state.db.begin_write().await?;
    let row = visible(user, tx.lock_form(id).await?)?;
    if row.status == FormStatus::Submitted && action == Action::Return {
        return Err(ApiError::forbidden(
            "申报表已报送财政，只能由财政审核人退回",
        ));
    }
    let status = may(user, &row, action)?;
    let department = user.role == Role::DepartmentReviewer;
    let detail = match input.decision {
        Decision::Approve if department => {
            format!("主管部门审核通过第 {} 版，报送财政审核", row.version)
        }
        Decision::Approve if status == FormStatus::AwaitingDepartment => {
            format!("单位签批第 {} 版，报送主管部门审核", row.version)
        }
        Decision::Approve => format!("单位签批第 {} 版，报送财政审核", row.version),
        Decision::Return => {
            // The unit's own return is a review without grades: its reason reaches the filler
            // the same way as the finance bureau's.
            tx.insert_review(id, row.version, user.id, Decision::Return, reason, "{}")
                .await?;
            let who = if department {
                "主管部门"
            } else {
                "单位审核"
            };
            format!("{who}退回第 {} 版：{reason}", row.version)
        }
    };
    tx.set_status(id, status, None).await?;
    finish(tx, id, user, action, &detail, Step::to(status)).await
}

/// Takes back a submission nobody has decided on yet (撤回): the form is a draft again.
pub async fn withdraw(state: &AppState, user: &User, id: i64) -> ApiResult<Step> {
    let mut tx = state.db.begin_write().await?;
    let row = visible(user, tx.lock_form(id).await?)?;
    let status = may(user, &row, Action::Withdraw)?;
    tx.set_status(id, status, None).await?;
    let detail = format!("撤回第 {} 版的提交，改为草稿", row.version);
    finish(tx, id, user, Action::Withdraw, &detail, Step::to(status)).await
}

/// Deletes a draft that was never submitted (删除草稿), with every version; the audit log keeps
/// the deletion. A form that has been submitted once is kept: it is on the finance bureau's
/// record (withdraw or adjust it instead).
pub async fn discard(state: &AppState, user: &User, id: i64) -> ApiResult<()> {
    let mut tx = state.db.begin_write().await?;
    let row = visible(user, tx.lock_form(id).await?)?;
    may(user, &row, Action::Discard)?;
    if submitted_before(&row) {
        return Err(submitted_before_refusal());
    }
    tx.delete_form(id).await?;
    tx.audit(
        Some(id),
        Some(user.id),
        Action::Discard.as_str(),
        &format!(
            "删除「{}」{} 年度申报表草稿（共 {} 版）",
            row.unit_name, row.fiscal_year, row.version
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// True once a form has been submitted (it is on the finance bureau's record and is kept).
pub(crate) fn submitted_before(row: &jixiao_storage::FormRow) -> bool {
    row.first_submitted_at.is_some() || row.approved_version.is_some()
}

/// The refusal to delete a form that has been submitted.
pub(crate) fn submitted_before_refusal() -> ApiError {
    ApiError::conflict(
        "submitted_before",
        "这份申报表已经提交过，留有审核记录，不能删除；如需修改请继续填报后重新提交",
    )
}

/// Approves or returns a submitted form, with grades and comments.
pub async fn review(state: &AppState, user: &User, id: i64, input: ReviewInput) -> ApiResult<Step> {
    let action = input.decision.action();
    let reason = input.reason.trim();
    if input.decision == Decision::Return && reason.is_empty() {
        return Err(ApiError::unprocessable("退回时须填写退回原因"));
    }
    if reason.chars().count() > 5000 {
        return Err(ApiError::unprocessable("退回原因不能超过 5000 字"));
    }
    if input.decision == Decision::Approve
        && let Some((name, _)) = input.grades.all().into_iter().find(|(_, g)| !g.passes())
    {
        return Err(ApiError::unprocessable(format!(
            "{name}评为「中」或「差」的申报表应退回修改，不能通过"
        )));
    }
    if input.comments.len() > 500 {
        return Err(ApiError::unprocessable("一次审核的意见不能超过 500 条"));
    }
    let mut tx = state.db.begin_write().await?;
    let row = visible(user, tx.lock_form(id).await?)?;
    if !user.role.is_finance() {
        return Err(ApiError::forbidden(
            "只有财政审核人可以审核申报表；单位审核人请用“单位签批”签批或退回",
        ));
    }
    let status = may(user, &row, action)?;
    let text = tx
        .version_json(id, row.version)
        .await?
        .ok_or_else(|| ApiError::internal("current version missing"))?;
    let form: Value = serde_json::from_str(&text).map_err(ApiError::internal)?;
    for c in &input.comments {
        if c.text.trim().is_empty() || c.text.chars().count() > 5000 {
            return Err(ApiError::unprocessable(
                "审核意见不能为空，且不能超过 5000 字",
            ));
        }
        if !(c.path.is_empty() || form.pointer(&c.path).is_some()) {
            return Err(ApiError::unprocessable(format!(
                "审核意见的位置「{}」在申报表中不存在",
                c.path
            )));
        }
    }
    let grades = serde_json::to_string(&input.grades).map_err(ApiError::internal)?;
    let review_id = tx
        .insert_review(id, row.version, user.id, input.decision, reason, &grades)
        .await?;
    for c in &input.comments {
        tx.insert_comment(
            id,
            row.version,
            Some(review_id),
            &c.path,
            c.text.trim(),
            user.id,
        )
        .await?;
    }
    tx.set_grades(id, &grades).await?;
    let approved = status.is_approved().then_some(row.version);
    tx.set_status(id, status, approved).await?;
    let grade_text: Vec<String> = input
        .grades
        .all()
        .iter()
        .map(|(n, g)| format!("{n}{}", g.label()))
        .collect();
    let detail = format!(
        "{}第 {} 版（{}）{}",
        action.label(),
        row.version,
        grade_text.join("，"),
        if reason.is_empty() {
            String::new()
        } else {
            format!("：{reason}")
        }
    );
    let step = Step {
        review_id: Some(review_id),
        ..Step::to(status)
    };
    let step = finish(tx, id, user, action, &detail, step).await?;
    if status.is_approved() {
        // The approval stands whatever happens to the library: a failed rebuild is logged and
        // the next approval rebuilds it.
        if let Err(e) =
            super::library::rebuild(state, Some(user.id), row.region_id, &row.template_id).await
        {
            tracing::warn!(form_id = id, error = %e.message, "indicator library not rebuilt");
        }
    }
    Ok(step)
}

/// Publishes an approved form.
pub async fn publish(state: &AppState, user: &User, id: i64) -> ApiResult<Step> {
    let mut tx = state.db.begin_write().await?;
    let row = visible(user, tx.lock_form(id).await?)?;
    let status = may(user, &row, Action::Publish)?;
    tx.set_status(id, status, None).await?;
    let version = row.approved_version.unwrap_or(row.version);
    tx.record_publication(id, version, Some(user.id)).await?;
    let detail = format!("公开第 {version} 版");
    let step = finish(tx, id, user, Action::Publish, &detail, Step::to(status)).await?;
    // This server's portal shows it at once; the other app servers within the lookups' TTL.
    state.public_lookups.clear();
    Ok(step)
}

/// Opens a new draft version of an approved (or published) form; the approved version stays
/// on record and the draft goes through review again.
pub async fn adjust(state: &AppState, user: &User, id: i64) -> ApiResult<Step> {
    let mut tx = state.db.begin_write().await?;
    let row = visible(user, tx.lock_form(id).await?)?;
    let status = may(user, &row, Action::Adjust)?;
    let form = current_form(&mut tx, &row).await?;
    let findings = findings_of(state, &form)?;
    let (errors, warnings) = counts(&findings);
    let data = VersionData::new(&form, errors, warnings)?;
    let version = tx
        .append_version(id, row.version, status, &data, user.id)
        .await?
        .ok_or_else(|| ApiError::internal("version moved under a held lock"))?;
    let detail = format!("调整：基于已批复的第 {} 版新建第 {version} 版", row.version);
    let step = Step {
        version: Some(version),
        ..Step::to(status)
    };
    finish(tx, id, user, Action::Adjust, &detail, step).await
}

impl Step {
    fn to(status: FormStatus) -> Step {
        Step {
            status,
            status_label: status.label(),
            version: None,
            review_id: None,
        }
    }
}

/// The end of every workflow step: its audit row and the commit.
async fn finish(
    mut tx: jixiao_storage::WriteTx,
    id: i64,
    user: &User,
    action: Action,
    detail: &str,
    step: Step,
) -> ApiResult<Step> {
    tx.audit(Some(id), Some(user.id), action.as_str(), detail)
        .await?;
    tx.commit().await?;
    Ok(step)
}
