//! History: versions, one version, the diff between two, the audit log, and export.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use jixiao_storage::format_time;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::access::{status_label, visible};
use crate::api::forms::{for_viewer, parse_stored};
use crate::auth::CurrentUser;
use crate::diff::diff;
use crate::error::{ApiError, ApiResult};
use crate::json::{ApiPath, ApiQuery};
use crate::state::{AppState, ExportError};

/// `GET /api/forms/{id}/versions`.
pub async fn versions(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Value>>> {
    visible(&user.user, state.db.form(id).await?)?;
    let rows = state.db.versions(id).await?;
    Ok(Json(
        rows.iter()
            .map(|v| {
                json!({"version": v.version, "saved_at": format_time(v.saved_at), "saved_by": v.saved_by_name,
                       "status": v.status, "status_label": status_label(&v.status), "errors": v.errors, "warnings": v.warnings})
            })
            .collect(),
    ))
}

async fn version_form(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    v: i64,
) -> ApiResult<jixiao_domain::Form> {
    let text = state
        .db
        .version_json(id, v)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("第 {v} 版不存在")))?;
    Ok(for_viewer(user, parse_stored(&text)?))
}

/// `GET /api/forms/{id}/versions/{v}`.
pub async fn version(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, v)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<Value>> {
    visible(&user.user, state.db.form(id).await?)?;
    let form = version_form(&state, &user, id, v).await?;
    Ok(Json(json!({ "version": v, "form": form })))
}

/// Query of the diff.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiffQuery {
    from: i64,
    to: i64,
}

/// `GET /api/forms/{id}/diff?from=&to=`.
pub async fn diff_versions(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<DiffQuery>,
) -> ApiResult<Json<Value>> {
    visible(&user.user, state.db.form(id).await?)?;
    let a = serde_json::to_value(version_form(&state, &user, id, q.from).await?)
        .map_err(ApiError::internal)?;
    let b = serde_json::to_value(version_form(&state, &user, id, q.to).await?)
        .map_err(ApiError::internal)?;
    Ok(Json(json!(diff(&a, &b))))
}

/// `GET /api/forms/{id}/audit`.
pub async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Value>>> {
    visible(&user.user, state.db.form(id).await?)?;
    let rows = state.db.audit(Some(id), 10_000).await?;
    Ok(Json(
        rows.iter()
            .map(|a| json!({"at": format_time(a.at), "user": a.username, "action": a.action, "detail": a.detail}))
            .collect(),
    ))
}

/// Query of the export.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    format: String,
    version: Option<i64>,
}

/// `GET /api/forms/{id}/export?format=&version=`: the form as a file (phone masked outside
/// the unit).
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    let row = visible(&user.user, state.db.form(id).await?)?;
    let form = version_form(&state, &user, id, q.version.unwrap_or(row.version)).await?;
    let format: String = q
        .format
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(10)
        .collect::<String>()
        .to_lowercase();
    let hook = state.export.clone();
    let fmt = format.clone();
    let file = tokio::task::spawn_blocking(move || hook(&fmt, &form))
        .await
        .map_err(ApiError::internal)?;
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
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"form-{id}.{}\"; filename*=UTF-8''{encoded}",
        file.extension
    );
    let mut resp = file.bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(&file.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(ApiError::internal)?,
    );
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}
