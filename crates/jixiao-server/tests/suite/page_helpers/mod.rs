//! Helpers of the page tests: browser-like form posts and reading HTML answers.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Method, Request, header};

use crate::common::{Answer, Client, send};

/// `application/x-www-form-urlencoded` of fields.
pub fn urlencoded(fields: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A browser-like form post: session and CSRF cookies, no CSRF header; `_csrf` only if given.
pub async fn form_post(
    c: &Client,
    path: &str,
    fields: &[(&str, &str)],
    extra_cookie: &str,
) -> Answer {
    let req = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(
            header::COOKIE,
            format!(
                "jixiao_session={}; jixiao_csrf={}{extra_cookie}",
                c.session, c.csrf
            ),
        )
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(urlencoded(fields)))
        .unwrap();
    send(&c.app, req).await
}

/// A page GET with an extra cookie (`; jixiao_flash=…`).
pub async fn page_get(c: &Client, path: &str, extra_cookie: &str) -> Answer {
    let req = Request::builder()
        .uri(path)
        .header(
            header::COOKIE,
            format!(
                "jixiao_session={}; jixiao_csrf={}{extra_cookie}",
                c.session, c.csrf
            ),
        )
        .body(Body::empty())
        .unwrap();
    send(&c.app, req).await
}

pub fn html(a: &Answer) -> String {
    String::from_utf8_lossy(&a.bytes).into_owned()
}

pub fn location(a: &Answer) -> String {
    a.headers
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// The `name=value` of a `Set-Cookie` header of the answer.
pub fn set_cookie(a: &Answer, name: &str) -> Option<String> {
    a.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(|c| c.split(';').next().unwrap().to_string())
}
