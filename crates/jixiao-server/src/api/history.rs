//! History: versions, one version, the diff between two, the audit log, and export.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use jixiao_storage::format_time;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::json::{ApiPath, ApiQuery};
use crate::service::history::{self as service, Exported};
use crate::state::AppState;

/// `GET /api/forms/{id}/versions`.
pub async fn versions(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Value>>> {
    let rows = service::versions(&state, &user.user, id).await?;
    Ok(Json(
        rows.iter()
            .map(|v| {
                json!({"version": v.version, "saved_at": format_time(v.saved_at), "saved_by": v.saved_by_name,
                       "status": v.status, "status_label": v.status.label(), "errors": v.errors, "warnings": v.warnings})
            })
            .collect(),
    ))
}

/// `GET /api/forms/{id}/versions/{v}`.
pub async fn version(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath((id, v)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<Value>> {
    let form = service::version(&state, &user.user, id, v).await?;
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
    let changes = service::diff_versions(&state, &user.user, id, q.from, q.to).await?;
    Ok(Json(json!(changes)))
}

/// `GET /api/forms/{id}/audit`.
pub async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<Value>>> {
    let rows = service::audit(&state, &user.user, id).await?;
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
    let format: String = q
        .format
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(10)
        .collect::<String>()
        .to_lowercase();
    let Exported { file, name } =
        service::export(&state, &user.user, id, &format, q.version).await?;
    attachment(
        file.bytes,
        &file.content_type,
        &format!("form-{id}.{}", file.extension),
        &name,
    )
}

/// A file download: its bytes with the content type, and the name offered (an ASCII fallback
/// and the Chinese name, RFC 6266); never cached.
pub(crate) fn attachment(
    bytes: impl IntoResponse,
    content_type: &str,
    ascii_name: &str,
    name: &str,
) -> ApiResult<Response> {
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
    let disposition = format!("attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}");
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(ApiError::internal)?,
    );
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// Query of `GET /api/summary`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummaryQuery {
    year: Option<i64>,
    status: Option<String>,
    q: Option<String>,
}

/// The content type of an XLSX workbook.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `GET /api/summary?year=&status=&q=`: the summary workbook of the forms in the user's scope.
pub async fn summary(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> ApiResult<Response> {
    let name = q.file_name("xlsx");
    let query = crate::service::forms::ListQuery {
        limit: Some(1000),
        ..q.into_list()
    };
    let (bytes, _) = crate::service::summary::workbook(&state, &user.user, query).await?;
    attachment(bytes, XLSX, "summary.xlsx", &name)
}

impl SummaryQuery {
    /// The download's name: `2026年度绩效目标申报表汇总.EXT`.
    fn file_name(&self, ext: &str) -> String {
        match self.year {
            Some(y) => format!("{y}年度绩效目标申报表汇总.{ext}"),
            None => format!("绩效目标申报表汇总.{ext}"),
        }
    }

    fn into_list(self) -> crate::service::forms::ListQuery {
        crate::service::forms::ListQuery {
            year: self.year,
            status: self.status,
            q: self.q,
            ..Default::default()
        }
    }
}

/// `GET /api/summary.csv?year=&status=&q=`: the summary of every form in the user's scope as
/// CSV, streamed (a finance reviewer's region and every region under it; no limit). The
/// `X-Form-Count` header gives the number of forms before the first one arrives.
pub async fn summary_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> ApiResult<Response> {
    let name = q.file_name("csv");
    let (n, rx) = crate::service::summary::csv_stream(&state, &user.user, q.into_list()).await?;
    let lines = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|text| (Ok::<_, std::io::Error>(text), rx))
    });
    let mut resp = attachment(
        axum::body::Body::from_stream(lines),
        "text/csv; charset=utf-8",
        "summary.csv",
        &name,
    )?;
    resp.headers_mut()
        .insert("x-form-count", HeaderValue::from(n as u64));
    Ok(resp)
}
