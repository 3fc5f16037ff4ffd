//! The review: `GET /forms/{id}/review` and `POST /forms/{id}/review`.

use axum::extract::State;
use axum::http::StatusCode;
use jixiao_web::{ReviewView, render_review, review_from_fields};

use super::{
    Fields, Id, OrPage, PagePost, PageResult, PageUser, api_body, form_page, redirect_with_flash,
};
use crate::access::{require_reviewer, require_status, visible};
use crate::api::workflow;
use crate::error::ApiError;
use crate::json::{ApiJson, ApiPath};
use crate::state::AppState;

async fn review_view(
    state: &AppState,
    p: &PageUser,
    id: i64,
    status: StatusCode,
    errors: Vec<String>,
) -> PageResult {
    let page = form_page(state, p, id, None).await?;
    let view = ReviewView {
        chrome: p.chrome(None),
        page,
        errors,
    };
    Ok(p.page(status, render_review(&view)))
}

/// `GET /forms/{id}/review`: for the reviewers of the form's region, while it is submitted.
pub(crate) async fn review_page(
    State(state): State<AppState>,
    p: PageUser,
    Id(id): Id,
) -> PageResult {
    let row = state.db.form(id).await.map_err(ApiError::from).page(&p)?;
    let row = visible(&p.cu.user, row).page(&p)?;
    require_reviewer(&p.cu.user, &row, "审核申报表").page(&p)?;
    require_status(&row, &["submitted"], "审核").page(&p)?;
    review_view(&state, &p, id, StatusCode::OK, Vec::new()).await
}

/// `POST /forms/{id}/review`: the posted decision, grades and comments as the body of
/// `POST /api/forms/{id}/review`.
pub(crate) async fn review(
    State(state): State<AppState>,
    post: PagePost,
    Id(id): Id,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let decision = match review_from_fields(&fields.0) {
        Ok(d) => d,
        Err(errors) => {
            return review_view(&state, &p, id, StatusCode::UNPROCESSABLE_ENTITY, errors).await;
        }
    };
    let body = serde_json::to_value(&decision)
        .map_err(ApiError::internal)
        .page(&p)?;
    let result = match api_body(body) {
        Ok(b) => {
            workflow::review(State(state.clone()), p.cu.clone(), ApiPath(id), ApiJson(b)).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            let flash = if decision.decision == "approve" {
                "已通过"
            } else {
                "已退回"
            };
            Ok(redirect_with_flash("/", flash))
        }
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            review_view(&state, &p, id, e.status, vec![e.message]).await
        }
        Err(e) => Err(p.err(e)),
    }
}
