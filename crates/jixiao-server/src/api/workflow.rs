//! The workflow: draft → submitted → returned | approved → published, and adjustment (a new
//! version of an approved form that goes through review again). Each step is one transaction:
//! lock the form row, check rights and state, write the new state and its audit row, commit.

use axum::Json;
use axum::extract::State;
use jixiao_domain::Severity;
use jixiao_storage::forms::{VersionData, indicator_rows};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::access::{require_reviewer, require_status, require_unit_member, status_label, visible};
use crate::api::forms::{counts, findings_of, parse_stored, stale};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::json::{ApiJson, ApiPath};
use crate::state::AppState;

/// Body of `POST /api/forms/{id}/submit`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitBody {
    base_version: i64,
}

/// `POST /api/forms/{id}/submit`: refused (422, with the findings) while errors remain.
pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<SubmitBody>,
) -> ApiResult<Json<Value>> {
    let mut tx = state.db.begin_write().await?;
    let row = visible(&user.user, tx.lock_form(id).await?)?;
    require_unit_member(&user.user, &row, "提交申报表")?;
    require_status(&row, &["draft", "returned"], "提交")?;
    if body.base_version != row.version {
        return Err(stale(&mut tx, &row, body.base_version).await);
    }
    let text = tx
        .version_json(id, row.version)
        .await?
        .ok_or_else(|| ApiError::internal("current version missing"))?;
    let form = parse_stored(&text)?;
    let findings = findings_of(&state, &form)?;
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
    tx.set_status(id, "submitted", None).await?;
    let detail = format!("提交第 {} 版", row.version);
    finish(
        tx,
        id,
        &user,
        "submit",
        &detail,
        "submitted",
        json!({ "version": row.version }),
    )
    .await
}

/// A review grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Grade {
    /// 优: passes.
    #[serde(rename = "优")]
    Excellent,
    /// 良: passes after talking.
    #[serde(rename = "良")]
    Good,
    /// 中: returned for revision.
    #[serde(rename = "中")]
    Fair,
    /// 差: rejected.
    #[serde(rename = "差")]
    Poor,
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

/// A comment attached to a place in the form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentIn {
    path: String,
    text: String,
}

/// Body of `POST /api/forms/{id}/review`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    decision: String,
    #[serde(default)]
    reason: String,
    grades: Grades,
    #[serde(default)]
    comments: Vec<CommentIn>,
}

/// `POST /api/forms/{id}/review`: approve or return a submitted form, with grades and comments.
pub async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReviewBody>,
) -> ApiResult<Json<Value>> {
    let (status, action) = match body.decision.as_str() {
        "approve" => ("approved", "批复通过"),
        "return" => ("returned", "退回"),
        other => {
            return Err(ApiError::unprocessable(format!(
                "未知的审核决定「{other}」（应为 approve 或 return）"
            )));
        }
    };
    let reason = body.reason.trim();
    if status == "returned" && reason.is_empty() {
        return Err(ApiError::unprocessable("退回时须填写退回原因"));
    }
    if reason.chars().count() > 5000 {
        return Err(ApiError::unprocessable("退回原因不能超过 5000 字"));
    }
    if status == "approved"
        && let Some((name, _)) = body
            .grades
            .all()
            .into_iter()
            .find(|(_, g)| matches!(g, Grade::Fair | Grade::Poor))
    {
        return Err(ApiError::unprocessable(format!(
            "{name}评为「中」或「差」的申报表应退回修改，不能通过"
        )));
    }
    if body.comments.len() > 500 {
        return Err(ApiError::unprocessable("一次审核的意见不能超过 500 条"));
    }
    let mut tx = state.db.begin_write().await?;
    let row = visible(&user.user, tx.lock_form(id).await?)?;
    require_reviewer(&user.user, &row, "审核申报表")?;
    require_status(&row, &["submitted"], "审核")?;
    let text = tx
        .version_json(id, row.version)
        .await?
        .ok_or_else(|| ApiError::internal("current version missing"))?;
    let form: Value = serde_json::from_str(&text).map_err(ApiError::internal)?;
    for c in &body.comments {
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
    let grades = serde_json::to_string(&body.grades).map_err(ApiError::internal)?;
    let review_id = tx
        .insert_review(
            id,
            row.version,
            user.user.id,
            &body.decision,
            reason,
            &grades,
        )
        .await?;
    for c in &body.comments {
        tx.insert_comment(
            id,
            row.version,
            Some(review_id),
            &c.path,
            c.text.trim(),
            user.user.id,
        )
        .await?;
    }
    tx.set_grades(id, &grades).await?;
    let approved = (status == "approved").then_some(row.version);
    tx.set_status(id, status, approved).await?;
    let grade_text: Vec<String> = body
        .grades
        .all()
        .iter()
        .map(|(n, g)| format!("{n}{}", grade_label(*g)))
        .collect();
    let detail = format!(
        "{action}第 {} 版（{}）{}",
        row.version,
        grade_text.join("，"),
        if reason.is_empty() {
            String::new()
        } else {
            format!("：{reason}")
        }
    );
    finish(
        tx,
        id,
        &user,
        &body.decision,
        &detail,
        status,
        json!({ "review_id": review_id }),
    )
    .await
}

fn grade_label(g: Grade) -> &'static str {
    match g {
        Grade::Excellent => "优",
        Grade::Good => "良",
        Grade::Fair => "中",
        Grade::Poor => "差",
    }
}

/// `POST /api/forms/{id}/publish`: publishes an approved form.
pub async fn publish(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Value>> {
    let mut tx = state.db.begin_write().await?;
    let row = visible(&user.user, tx.lock_form(id).await?)?;
    require_reviewer(&user.user, &row, "公开申报表")?;
    require_status(&row, &["approved"], "公开")?;
    tx.set_status(id, "published", None).await?;
    let detail = format!("公开第 {} 版", row.approved_version.unwrap_or(row.version));
    finish(tx, id, &user, "publish", &detail, "published", json!({})).await
}

/// `POST /api/forms/{id}/adjust`: opens a new draft version of an approved (or published)
/// form; the approved version stays on record and the draft goes through review again.
pub async fn adjust(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Value>> {
    let mut tx = state.db.begin_write().await?;
    let row = visible(&user.user, tx.lock_form(id).await?)?;
    require_unit_member(&user.user, &row, "调整申报表")?;
    require_status(&row, &["approved", "published"], "调整")?;
    let text = tx
        .version_json(id, row.version)
        .await?
        .ok_or_else(|| ApiError::internal("current version missing"))?;
    let form = parse_stored(&text)?;
    let findings = findings_of(&state, &form)?;
    let (errors, warnings) = counts(&findings);
    let data = VersionData::new(&form, errors, warnings)?;
    let version = tx
        .append_version(id, row.version, "draft", &data, user.user.id)
        .await?
        .ok_or_else(|| ApiError::internal("version moved under a held lock"))?;
    let detail = format!("调整：基于已批复的第 {} 版新建第 {version} 版", row.version);
    finish(
        tx,
        id,
        &user,
        "adjust",
        &detail,
        "draft",
        json!({ "version": version }),
    )
    .await
}

/// The end of every workflow step: its audit row, the commit, and the answer with the new status
/// (plus the step's own fields in `extra`).
async fn finish(
    mut tx: jixiao_storage::WriteTx,
    id: i64,
    user: &CurrentUser,
    action: &str,
    detail: &str,
    status: &str,
    mut extra: Value,
) -> ApiResult<Json<Value>> {
    tx.audit(Some(id), Some(user.user.id), action, detail)
        .await?;
    tx.commit().await?;
    extra["status"] = json!(status);
    extra["status_label"] = json!(status_label(status));
    Ok(Json(extra))
}
