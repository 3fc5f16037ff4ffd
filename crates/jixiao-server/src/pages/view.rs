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
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let value = |key: &str| q.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let version = value("version").and_then(|v| v.parse().ok());
    // The editor submits through the API and comes here with `done=<status>`: the success
    // message a form post would carry in its flash cookie.
    let done = value("done")
        .and_then(jixiao_domain::FormStatus::parse)
        .filter(|s| s.is_waiting())
        .map(|s| super::submitted_message(s).to_string());
    let page = form_page(&state, &p, id, version).await?;
    let row = forms::row(&state, &p.cu.user, id).await.page(&p)?;
    let view = FormViewView {
        chrome: p.chrome(done),
        page,
        may_edit: forms::may_edit(&p.cu.user, &row),
        may_review: forms::may_review(&p.cu.user, &row),
        steps: super::steps::steps_for(&p.cu.user, &row),
    };
    Ok(p.page(StatusCode::OK, render_form_view(&view)))
}
