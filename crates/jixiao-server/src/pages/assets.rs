//! `GET /assets/{name}`: the embedded CSS and JavaScript of `jixiao-web`.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use super::PageError;
use crate::error::ApiError;

/// An embedded asset with a long cache lifetime, else the 404 page. Only the fixed names are
/// known; no request path reaches the file system.
pub(crate) async fn asset(Path(name): Path<String>) -> Response {
    match jixiao_web::asset(&name) {
        Some((content_type, bytes)) => (
            StatusCode::OK,
            [
                (CONTENT_TYPE, content_type),
                (CACHE_CONTROL, "public, max-age=86400"),
            ],
            bytes,
        )
            .into_response(),
        None => PageError::from(ApiError::not_found("文件不存在")).into_response(),
    }
}

/// `GET /favicon.ico`, which browsers ask for by themselves: the embedded icon.
pub(crate) async fn favicon() -> Response {
    asset(Path("favicon.svg".to_string())).await
}
