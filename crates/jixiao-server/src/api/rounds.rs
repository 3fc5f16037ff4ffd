//! The routes of declaration rounds (填报任务): closing a round, reopening a unit, the batch
//! actions of the board, the round's summary workbook, and the notices units receive. Opening
//! one (`POST /api/rounds` with `kind: declaration`) and its board (`GET /api/rounds/{id}`) share
//! the routes of the other rounds. The work is in [`crate::service::rounds`].

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use jixiao_domain::Grade;
use serde::Deserialize;
use serde_json::{Value, json};

use super::history::attachment;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::json::{ApiJson, ApiPath};
use crate::service::rounds::{self as service, BatchAction, BoardQuery, XLSX};
use crate::state::AppState;

/// Query of the board of a declaration round.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardParams {
    status: Option<String>,
    #[serde(default)]
    overdue: Option<bool>,
    q: Option<String>,
    sort: Option<String>,
}

impl From<BoardParams> for BoardQuery {
    fn from(p: BoardParams) -> BoardQuery {
        BoardQuery {
            status: p.status,
            overdue: p.overdue.unwrap_or(false),
            q: p.q,
            sort: p.sort,
        }
    }
}

/// `POST /api/rounds/{id}/close`: closes a declaration round.
pub async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Value>> {
    let round = service::close(&state, &user.user, id).await?;
    Ok(Json(json!({ "round": round })))
}

/// Body of `POST /api/rounds/{id}/reopen`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReopenBody {
    unit_id: i64,
}

/// `POST /api/rounds/{id}/reopen`: reopens one unit of a closed round.
pub async fn reopen(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReopenBody>,
) -> ApiResult<Json<Value>> {
    let unit = service::reopen(&state, &user.user, id, body.unit_id).await?;
    Ok(Json(json!({ "unit": unit })))
}

/// Body of `POST /api/rounds/{id}/batch`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchBody {
    action: String,
    unit_ids: Vec<i64>,
    #[serde(default)]
    grade: Option<String>,
    #[serde(default)]
    comment: Option<String>,
}

/// Reads a batch body into its action.
pub fn batch_action(
    action: &str,
    grade: Option<&str>,
    comment: Option<&str>,
) -> ApiResult<BatchAction> {
    let comment = comment.unwrap_or("").to_string();
    match action {
        "approve" => {
            let text = grade.unwrap_or("");
            let grade = Grade::parse(text.trim()).ok_or_else(|| {
                ApiError::unprocessable(format!(
                    "批量通过须给出评级「优」或「良」（收到「{text}」）"
                ))
            })?;
            Ok(BatchAction::Approve(grade))
        }
        "return" => Ok(BatchAction::Return(comment)),
        "remind" => Ok(BatchAction::Remind(comment)),
        other => Err(ApiError::unprocessable(format!(
            "未知的批量操作「{other}」（应为 approve、return 或 remind）"
        ))),
    }
}

/// `POST /api/rounds/{id}/batch`: approve, return or remind the chosen units; the answer lists
/// the units done and the ones skipped with why.
pub async fn batch(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<BatchBody>,
) -> ApiResult<Json<Value>> {
    let action = batch_action(&body.action, body.grade.as_deref(), body.comment.as_deref())?;
    let outcome = service::batch(&state, &user.user, id, action, &body.unit_ids).await?;
    Ok(Json(json!({
        "done": outcome.done,
        "skipped": outcome.skipped.iter().map(|(unit, why)| json!({"unit": unit, "reason": why})).collect::<Vec<_>>(),
    })))
}

/// `GET /api/rounds/{id}/summary.xlsx`: the round's summary workbook.
pub async fn summary(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let (bytes, name) = service::summary_workbook(&state, &user.user, id).await?;
    attachment(bytes, XLSX, &format!("round-{id}-summary.xlsx"), &name)
}

/// `GET /api/notices`: the unread notices of the user's unit.
pub async fn notices(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Value>> {
    let notices = service::notices(&state, &user.user).await?;
    let tasks = service::unit_tasks(&state, &user.user).await?;
    Ok(Json(json!({ "notices": notices, "tasks": tasks })))
}

/// Body of `POST /api/notices/read`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadBody {
    ids: Vec<i64>,
}

/// `POST /api/notices/read`: marks notices of the user's unit read.
pub async fn read(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<ReadBody>,
) -> ApiResult<Json<Value>> {
    service::mark_read(&state, &user.user, &body.ids).await?;
    Ok(Json(json!({ "read": body.ids.len() })))
}
