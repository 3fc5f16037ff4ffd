//! Templates, import, and the health check.

use axum::Json;
use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::api::forms::{counts, findings_of};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiPath;
use crate::state::AppState;

/// `GET /api/templates`.
pub async fn templates(State(state): State<AppState>, _user: CurrentUser) -> Json<Value> {
    let list: Vec<Value> = state
        .templates
        .all()
        .iter()
        .map(|t| json!({"id": t.id, "version": t.version, "title": t.title, "description": t.description}))
        .collect();
    Json(json!(list))
}

/// `GET /api/templates/{id}`: the newest version of a template.
pub async fn template(
    State(state): State<AppState>,
    _user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Value>> {
    let t = state
        .templates
        .get(&id, None)
        .map_err(|e| ApiError::not_found(e.to_string()))?;
    Ok(Json(serde_json::to_value(t).map_err(ApiError::internal)?))
}

fn multipart_error(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large()
    } else {
        ApiError::bad_request("上传内容无法读取")
    }
}

/// The uploaded file's name, only its last path component: it serves messages and the importer's
/// format guess, and is never used as a path.
pub(crate) fn upload_name(raw: Option<&str>) -> String {
    raw.unwrap_or("")
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .to_string()
}

/// `POST /api/import` (multipart, field `file`): reads a file into a form with its import
/// report and findings; nothing is saved.
pub async fn import(
    State(state): State<AppState>,
    _user: CurrentUser,
    mut mp: Multipart,
) -> ApiResult<Json<Value>> {
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = mp.next_field().await.map_err(multipart_error)? {
        if field.name() == Some("file") {
            let name = upload_name(field.file_name());
            let bytes = field.bytes().await.map_err(multipart_error)?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let (name, bytes) =
        file.ok_or_else(|| ApiError::unprocessable("请选择要导入的文件（表单字段 file）"))?;
    if bytes.is_empty() {
        return Err(ApiError::unprocessable("上传的文件是空的"));
    }
    let hook = state.import.clone();
    let result = tokio::task::spawn_blocking(move || hook(&name, &bytes))
        .await
        .map_err(ApiError::internal)?;
    let (form, report) = result.map_err(ApiError::unprocessable)?;
    let findings = findings_of(&state, &form)?;
    let (errors, warnings) = counts(&findings);
    Ok(Json(
        json!({ "form": form, "report": report, "findings": findings, "errors": errors, "warnings": warnings }),
    ))
}

/// `GET /healthz`: 200 when the database answers.
pub async fn health(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    state.db.ping().await.map_err(|e| {
        tracing::error!(error = %e, "health check failed");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "数据库不可用",
        )
    })?;
    Ok(Json(json!({ "status": "ok" })))
}
