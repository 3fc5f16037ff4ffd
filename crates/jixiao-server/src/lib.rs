//! # jixiao-server
//!
//! The HTTP server of jixiao: the JSON API under `/api` (contract: `docs/api.md`, machine
//! version at `/api/openapi.json`), sessions in the database, roles and unit/region scoping on
//! every route, and the workflow of a form.
//!
//! Extension point for the HTML pages: build the state with [`AppState::new`], then
//! [`app_with`]`(state, pages)` where `pages` is a `Router<AppState>` whose handlers take
//! [`CurrentUser`] (GET pages) or [`FormPostUser`] + [`FormPostUser::check_csrf`] (form posts).
//! Both get the same security headers, body limits and JSON API.

pub mod access;
pub mod api;
pub mod auth;
pub mod demo;
pub mod diff;
pub mod error;
pub mod jobs;
pub mod json;
pub mod metrics;
pub mod openapi;
mod pages;
pub mod policy;
mod routes;
pub mod serve;
pub mod service;
pub mod state;
mod throttle;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::header::{self, HeaderName, HeaderValue};
use tower_http::set_header::SetResponseHeaderLayer;

pub use auth::{CurrentUser, FormPostUser, csrf_matches};
pub use error::{ApiError, ApiResult};
pub use routes::api_routes;
pub use state::{
    AppState, ExportError, ExportFile, ExportHook, ImportFailure, ImportHook, ServerConfig,
    ValidateHook,
};

/// The application: the JSON API, `/healthz`, the HTML pages, security headers and body limits.
pub fn app(state: AppState) -> Router {
    let pages = pages::router(&state.config).merge(pages::public::router(&state));
    app_with(state, pages)
}

/// The application with more routes (the HTML pages) merged in under the same layers.
pub fn app_with(state: AppState, pages: Router<AppState>) -> Router {
    let max_body = state.config.max_body_bytes;
    let (api, _) = api_routes(&state.config);
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    api.merge(pages)
        .route("/metrics", axum::routing::get(metrics::metrics))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::count,
        ))
        .fallback(|| async { ApiError::not_found("页面或接口不存在") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "不支持该请求方法",
            )
        })
        .layer(DefaultBodyLimit::max(max_body))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header(header::REFERRER_POLICY, "same-origin"))
        .layer(header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; \
             form-action 'self'; frame-ancestors 'none'",
        ))
        .layer(header(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ))
        .layer(header(header::CACHE_CONTROL, "no-store"))
        .layer(axum::middleware::from_fn_with_state(
            (
                state.config.secure_cookies,
                std::time::Duration::from_millis(state.config.request_timeout_ms),
            ),
            request_context,
        ))
        .with_state(state)
}

/// Runs each request inside its audit context (client address and user agent, recorded on
/// every audit row it writes) and within the request time limit (408 with a Chinese message,
/// which also ends a body sent too slowly), and, when the server is reached over HTTPS
/// (`secure_cookies`), adds `Strict-Transport-Security`.
async fn request_context(
    axum::extract::State((secure, limit)): axum::extract::State<(bool, std::time::Duration)>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let address = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(256)
        .collect();
    let ctx = jixiao_storage::AuditContext {
        address,
        user_agent,
    };
    let mut resp = match tokio::time::timeout(limit, ctx.scope(next.run(req))).await {
        Ok(resp) => resp,
        Err(_) => {
            use axum::response::IntoResponse;
            let mut resp = ApiError::new(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                "请求未能在规定时间内完成（发送太慢或处理太久），请重试",
            )
            .into_response();
            resp.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            resp
        }
    };
    if secure {
        // Every cookie we set (session, CSRF, the login form's pre-session token, flash
        // messages) travels over HTTPS only.
        let cookies: Vec<HeaderValue> = resp
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .cloned()
            .collect();
        resp.headers_mut().remove(header::SET_COOKIE);
        for c in cookies {
            let text = c.to_str().unwrap_or("");
            let secured = if text.contains("; Secure") {
                c
            } else {
                HeaderValue::from_str(&format!("{text}; Secure")).unwrap_or(c)
            };
            resp.headers_mut().append(header::SET_COOKIE, secured);
        }
        resp.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    resp
}
