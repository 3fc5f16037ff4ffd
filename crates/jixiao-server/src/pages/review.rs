//! The review: `GET /forms/{id}/review` and `POST /forms/{id}/review`.

use axum::extract::State;
use axum::http::StatusCode;
use jixiao_domain::{Action, Decision, Grade};
use jixiao_web::{ReviewDecision, ReviewView, render_review, review_from_fields};

use super::{Fields, Id, OrPage, PagePost, PageResult, PageUser, form_page, redirect_with_flash};
use crate::access::may;
use crate::error::{ApiError, ApiResult};
use crate::service::forms;
use crate::service::workflow::{self, CommentIn, Grades, ReviewInput};
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
    let row = forms::row(&state, &p.cu.user, id).await.page(&p)?;
    match may(&p.cu.user, &row, Action::Approve) {
        Ok(_) => review_view(&state, &p, id, StatusCode::OK, Vec::new()).await,
        // Already decided (or not yet submitted): the form itself, saying why.
        Err(e) if e.code == "wrong_status" => {
            Ok(redirect_with_flash(&format!("/forms/{id}"), &e.message))
        }
        Err(e) => Err(p.err(e)),
    }
}

/// The page's checked post as the service's typed input.
fn review_input(d: ReviewDecision) -> ApiResult<ReviewInput> {
    let decision =
        Decision::parse(&d.decision).ok_or_else(|| workflow::unknown_decision(&d.decision))?;
    let grade = |g: &Option<String>| {
        g.as_deref()
            .and_then(Grade::parse)
            .ok_or_else(|| ApiError::unprocessable("请为每一项选择评分（优、良、中、差）"))
    };
    Ok(ReviewInput {
        decision,
        reason: d.reason,
        grades: Grades {
            completeness: grade(&d.grades.completeness)?,
            relevance: grade(&d.grades.relevance)?,
            suitability: grade(&d.grades.suitability)?,
            feasibility: grade(&d.grades.feasibility)?,
        },
        comments: d
            .comments
            .into_iter()
            .map(|c| CommentIn {
                path: c.path,
                text: c.text,
            })
            .collect(),
    })
}

/// `POST /forms/{id}/review`: the posted decision, grades and comments, reviewed as
/// `POST /api/forms/{id}/review` does.
pub(crate) async fn review(
    State(state): State<AppState>,
    post: PagePost,
    Id(id): Id,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let posted = match review_from_fields(&fields.0) {
        Ok(d) => d,
        Err(errors) => {
            return review_view(&state, &p, id, StatusCode::UNPROCESSABLE_ENTITY, errors).await;
        }
    };
    let result = match review_input(posted) {
        Ok(input) => workflow::review(&state, &p.cu.user, id, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(step) => {
            let flash = if step.status.is_approved() {
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
