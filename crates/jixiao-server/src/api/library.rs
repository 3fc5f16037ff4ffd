//! The indicator library: suggestions for a form's new rows, and the region's library for the
//! finance bureau.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::json::{ApiJson, ApiPath, ApiQuery};
use crate::service::library as service;
use crate::state::AppState;

/// Query of `GET /api/forms/{id}/library/suggestions`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuggestQuery {
    /// The level-2 node the new row goes under.
    #[serde(default)]
    level2: String,
    /// Text the name must contain.
    #[serde(default)]
    q: String,
}

/// `GET /api/forms/{id}/library/suggestions?level2=&q=`.
pub async fn suggestions(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<SuggestQuery>,
) -> ApiResult<Json<Value>> {
    let found = service::suggest(&state, &user.user, id, &q.level2, &q.q).await?;
    Ok(Json(json!({ "suggestions": found })))
}

/// Query of `GET /api/library`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LibraryQuery {
    region_id: Option<i64>,
    template: Option<String>,
    #[serde(default)]
    q: String,
    limit: Option<usize>,
}

/// `GET /api/library?region_id=&template=&q=&limit=`.
pub async fn region(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<LibraryQuery>,
) -> ApiResult<Json<Value>> {
    let limit = q.limit.unwrap_or(100).min(1000);
    let lib = service::region_library(
        &state,
        &user.user,
        q.region_id,
        q.template.as_deref(),
        q.q.chars().take(100).collect::<String>().as_str(),
        limit,
    )
    .await?;
    Ok(Json(json!(lib)))
}

/// `POST /api/library/curations`: a finance reviewer approves, edits, merges, retires or
/// restores an entry of the region's library.
pub async fn curate(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<service::CurateRequest>,
) -> ApiResult<Json<Value>> {
    let done = service::curate(&state, &user.user, req).await?;
    Ok(Json(json!(done)))
}

/// Query of `GET /api/library/curations`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurationsQuery {
    region_id: Option<i64>,
    template: Option<String>,
    /// An entry's key: its history; without it, every curated entry's current decision.
    key: Option<String>,
    #[serde(default)]
    unit: String,
}

/// `GET /api/library/curations?region_id=&template=&key=&unit=`.
pub async fn curations(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<CurationsQuery>,
) -> ApiResult<Json<Value>> {
    let items = service::curation_history(
        &state,
        &user.user,
        q.region_id,
        q.template.as_deref(),
        q.key
            .as_deref()
            .map(|k| k.chars().take(100).collect::<String>())
            .as_deref(),
        &q.unit.chars().take(20).collect::<String>(),
    )
    .await?;
    Ok(Json(json!({ "curations": items })))
}
