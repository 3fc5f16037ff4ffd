//! Templates, import, and the health check.

use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiPath;
use crate::service::import::{preview, read_upload};
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

/// The answer to an upload that is not `multipart/form-data`.
pub(crate) fn not_multipart() -> ApiError {
    ApiError::bad_request("请以 multipart/form-data 方式上传文件（表单字段 file）")
}

/// `POST /api/import` (multipart, field `file`): reads a file into a form with its import
/// report and findings; nothing is saved.
pub async fn import(
    State(state): State<AppState>,
    user: CurrentUser,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Json<Value>> {
    let mp = mp.map_err(|_| not_multipart())?;
    let file = read_upload(mp)
        .await
        .file?
        .ok_or_else(|| ApiError::unprocessable("请选择要导入的文件（表单字段 file）"))?;
    let i = preview(&state, &user.user, file).await?;
    Ok(Json(
        json!({ "form": i.form, "report": i.report, "findings": i.findings, "errors": i.errors, "warnings": i.warnings }),
    ))
}

/// `POST /api/import/ocr` (multipart, field `file`): queues a scanned PDF for OCR in the
/// background; 202 with the job (`GET /api/import/ocr/{id}` follows it). Nothing is saved but
/// the job.
pub async fn import_ocr(
    State(state): State<AppState>,
    user: CurrentUser,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let mp = mp.map_err(|_| not_multipart())?;
    let file = read_upload(mp)
        .await
        .file?
        .ok_or_else(|| ApiError::unprocessable("请选择要识别的扫描件（表单字段 file）"))?;
    let job = crate::service::ocr::start(&state, &user.user, file).await?;
    let view = crate::service::ocr::get(&state, &user.user, job.id).await?;
    Ok((StatusCode::ACCEPTED, Json(ocr_job_json(&view))))
}

/// `GET /api/import/ocr/{id}`: the caller's OCR job: its status and pages read; once done the
/// form with its import report and findings (as `POST /api/import` answers).
pub async fn import_ocr_job(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Value>> {
    let view = crate::service::ocr::get(&state, &user.user, id).await?;
    Ok(Json(ocr_job_json(&view)))
}

fn ocr_job_json(view: &crate::service::ocr::JobView) -> Value {
    let j = &view.job;
    let mut out = json!({
        "id": j.id,
        "status": j.status,
        "status_label": view.status_label,
        "file_name": j.file_name,
        "file_size": j.file_size,
        "pages_done": j.pages_done,
        "pages_total": j.pages_total,
        "error": j.error,
        "created_at": j.created_at,
        "started_at": j.started_at,
        "finished_at": j.finished_at,
    });
    if let Some(i) = &view.imported {
        out["form"] = json!(i.form);
        out["report"] = json!(i.report);
        out["findings"] = json!(i.findings);
        out["errors"] = json!(i.errors);
        out["warnings"] = json!(i.warnings);
    }
    out
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
