//! The workflow routes: submit, sign-off, withdraw, discard, review, publish, adjust. The steps themselves (one transaction
//! each, ending in the audit row and the commit) are in [`crate::service::workflow`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jixiao_domain::Decision;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::json::{ApiJson, ApiPath};
use crate::service::workflow::{
    self as service, CommentIn, Grades, ReviewInput, SignOffInput, Step,
};
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
) -> ApiResult<Json<Step>> {
    Ok(Json(
        service::submit(&state, &user.user, id, body.base_version).await?,
    ))
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
) -> ApiResult<Json<Step>> {
    let decision =
        Decision::parse(&body.decision).ok_or_else(|| service::unknown_decision(&body.decision))?;
    let input = ReviewInput {
        decision,
        reason: body.reason,
        grades: body.grades,
        comments: body.comments,
    };
    Ok(Json(service::review(&state, &user.user, id, input).await?))
}

/// `POST /api/forms/{id}/publish`: publishes an approved form.
pub async fn publish(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Step>> {
    Ok(Json(service::publish(&state, &user.user, id).await?))
}

/// `POST /api/forms/{id}/adjust`: opens a new draft version of an approved (or published)
/// form; the approved version stays on record and the draft goes through review again.
pub async fn adjust(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Step>> {
    Ok(Json(service::adjust(&state, &user.user, id).await?))
}

/// Body of `POST /api/forms/{id}/sign-off`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignOffBody {
    decision: String,
    #[serde(default)]
    reason: String,
}

/// `POST /api/forms/{id}/sign-off`: the unit approver signs the filler's submission off to the
/// finance bureau (`approve`) or returns it with a reason (`return`).
pub async fn sign_off(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<SignOffBody>,
) -> ApiResult<Json<Step>> {
    let decision =
        Decision::parse(&body.decision).ok_or_else(|| service::unknown_decision(&body.decision))?;
    let input = SignOffInput {
        decision,
        reason: body.reason,
    };
    Ok(Json(
        service::sign_off(&state, &user.user, id, input).await?,
    ))
}

/// `POST /api/forms/{id}/withdraw`: takes back a submission nobody has decided on yet.
pub async fn withdraw(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Step>> {
    Ok(Json(service::withdraw(&state, &user.user, id).await?))
}

/// `DELETE /api/forms/{id}`: deletes a draft that was never submitted (204).
pub async fn discard(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    service::discard(&state, &user.user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
