//! `GET /forms/{id}?version=`: the read-only view with downloads and print.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use jixiao_web::{FormViewView, render_form_view};

use super::{Id, OrPage, PageResult, PageUser, form_page};
use crate::service::forms;
use crate::state::AppState;

/// The form (the current version, or the one asked for) read-only.
pub(crate) async fn form_view(
    State(state): State<AppState>,
    p: PageUser,
    Id(id): Id,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let version = query
        .ok()
        .and_then(|Query(q)| q.into_iter().find(|(k, _)| k == "version"))
        .and_then(|(_, v)| v.parse().ok());
    let page = form_page(&state, &p, id, version).await?;
    let row = forms::row(&state, &p.cu.user, id).await.page(&p)?;
    let view = FormViewView {
        chrome: p.chrome(None),
        page,
        may_edit: forms::may_edit(&p.cu.user, &row),
        may_review: forms::may_review(&p.cu.user, &row),
    };
    Ok(p.page(StatusCode::OK, render_form_view(&view)))
}
