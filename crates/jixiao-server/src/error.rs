//! The one error type of the HTTP layer: `{"error": code, "message": 中文, ...extra}` with an
//! honest status. Internal detail is logged once and never sent to the client.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jixiao_storage::StorageError;
use serde_json::{Map, Value, json};

/// An error answered to the client.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine code (`not_found`, `stale_version`…).
    pub code: &'static str,
    /// Chinese message for people.
    pub message: String,
    /// Extra fields merged into the body (findings, current version…).
    pub extra: Map<String, Value>,
}

/// Result alias for handlers.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            extra: Map::new(),
        }
    }

    /// Adds a field to the body.
    pub fn with(mut self, key: &str, value: Value) -> ApiError {
        self.extra.insert(key.to_string(), value);
        self
    }

    /// 401: not logged in.
    pub fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "请先登录")
    }

    /// 403: logged in but not allowed.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 409: the state does not allow it (stale version, wrong status, duplicate).
    pub fn conflict(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, code, message)
    }

    /// 422: well-formed request with unacceptable content.
    pub fn unprocessable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
    }

    /// 400: malformed request.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 413: body too large.
    pub fn too_large() -> ApiError {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "请求内容过大")
    }

    /// 500 for a real fault; `detail` is logged, not sent.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        tracing::error!(%detail, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "服务器内部错误，请稍后重试或联系管理员",
        )
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> ApiError {
        match e {
            StorageError::Duplicate(what) => {
                ApiError::conflict("duplicate", format!("{what}已存在"))
            }
            StorageError::Closed => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "closed",
                "服务正在停止，请稍后重试",
            ),
            e if e.is_busy() => {
                tracing::warn!("database pool timed out");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "服务繁忙，请稍后重试",
                )
            }
            e if e.is_disk_full() => {
                tracing::error!("database disk full: {e:?}");
                ApiError::new(
                    StatusCode::INSUFFICIENT_STORAGE,
                    "disk_full",
                    "服务器磁盘已满，这次操作没有保存；之前保存的内容都在。请联系系统管理员清理磁盘后重试",
                )
            }
            e if e.is_unavailable() => {
                tracing::warn!("database unavailable: {e:?}");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "db_unavailable",
                    "数据库暂时无法连接（可能正在重启），这次操作没有完成，请稍后重试",
                )
            }
            other => ApiError::internal(format!("{other}: {other:?}")),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = Map::new();
        body.insert("error".into(), json!(self.code));
        body.insert("message".into(), json!(self.message));
        body.extend(self.extra);
        let mut resp = (self.status, axum::Json(Value::Object(body))).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            // Busy, closing or overrun: a client may try again shortly.
            resp.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
        }
        resp
    }
}
