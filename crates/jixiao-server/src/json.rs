//! A JSON body extractor whose rejections are [`ApiError`]s with Chinese messages and honest
//! statuses (400 bad JSON, 413 too large, 415 wrong content type, 422 wrong fields).

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Like `axum::Json`, with [`ApiError`] rejections.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            });
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "请求须为 JSON（Content-Type: application/json）",
            ));
        }
        let bytes = match axum::body::Bytes::from_request(req, state).await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::too_large());
            }
            Err(_) => return Err(ApiError::bad_request("无法读取请求内容")),
        };
        body_of(&bytes).map(ApiJson)
    }
}

/// Reads a JSON body. Bad syntax is 400; a value that does not fit is 422 with its place: the
/// message names the field in Chinese, and `findings` holds it as a finding located by JSON
/// Pointer (relative to the form when the body carries one under `form`), so that an editor
/// can mark the field as it marks a rule's finding.
pub fn body_of<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    use serde_json::error::Category;
    let first = match serde_json::from_slice::<T>(bytes) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    match first.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            Err(ApiError::bad_request("请求内容不是有效的 JSON"))
        }
        Category::Data => {
            let text = String::from_utf8_lossy(bytes);
            let e = match jixiao_domain::parse::document_from_json::<T>(&text, "要求") {
                Err(e) => e,
                Ok(v) => return Ok(v),
            };
            let message = e
                .message
                .strip_prefix("内容与要求格式不符：")
                .unwrap_or(&e.message)
                .to_string();
            let path = e.path.strip_prefix("/form").unwrap_or(&e.path).to_string();
            let finding = jixiao_domain::Finding {
                code: "INPUT".into(),
                severity: jixiao_domain::Severity::Error,
                path: path.clone(),
                message: message.clone(),
            };
            // A field of a form is named as the pages name it (`整体绩效总目标 · 长期目标 ·
            // 截止年度`); other fields by their pointer.
            let place = match e.path.strip_prefix("/form") {
                _ if e.path.is_empty() => String::new(),
                Some(inner) if inner.starts_with('/') => {
                    format!("（{}）", jixiao_web::path_label(inner, None))
                }
                _ => format!("（{}）", e.path),
            };
            Err(
                ApiError::unprocessable(format!("请求内容不符合要求{place}：{message}"))
                    .with("findings", serde_json::json!([finding])),
            )
        }
    }
}

/// Like `axum::extract::Query`, with [`ApiError`] rejections (400 with a Chinese message).
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e) => {
                let detail = e.body_text();
                let detail = detail
                    .strip_prefix("Failed to deserialize query string: ")
                    .unwrap_or(&detail);
                Err(ApiError::bad_request(format!("查询参数有误：{detail}")))
            }
        }
    }
}

/// Like `axum::extract::Path`, with [`ApiError`] rejections (400 with a Chinese message).
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> axum::extract::FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(_) => Err(ApiError::bad_request("地址中的编号无效")),
        }
    }
}
