//! What the server benches share: a request through the real router, in-process, with a
//! session's cookies (and its CSRF header), and a demo login.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

/// Sends one request with the session cookies (and the CSRF header they carry); the status and
/// the body.
pub async fn call(
    app: &Router,
    cookie: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> (StatusCode, Vec<u8>) {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, cookie);
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    if let Some(csrf) = cookie
        .split("; ")
        .find_map(|c| c.strip_prefix("jixiao_csrf="))
    {
        req = req.header("x-csrf-token", csrf);
    }
    let req = req
        .body(body.map_or(Body::empty(), |b| Body::from(b.to_string())))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, bytes.to_vec())
}

/// Logs a demo account in: its cookies as one `Cookie` header value.
pub async fn login(app: &Router, username: &str) -> String {
    let body = json!({"username": username, "password": jixiao_server::demo::DEMO_PASSWORD});
    let req = Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    resp.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("; ")
}
