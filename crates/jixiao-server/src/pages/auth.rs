//! `GET/POST /login` and `POST /logout`, through the session service (as the API's login and
//! logout).
//!
//! The login form has no session yet, so its CSRF token is a pre-session double submit: a
//! random token in the `jixiao_csrf` cookie and the same token in the form's `_csrf` field.

use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use jixiao_web::{LoginView, render_login};

use super::{Fields, PagePost, PageResult, html, see_other};
use crate::auth::{CSRF_COOKIE, ClientAddr, cookie, csrf_matches, random_token};
use crate::service::session;
use crate::state::AppState;

/// A local path to go to after logging in, else `/`. Only a same-origin relative path is
/// accepted: it starts with one `/`, and holds no backslash, no whitespace and no control
/// character anywhere — browsers drop tabs and newlines from a `Location`, so `/\t/evil.example`
/// would otherwise become `//evil.example`, another site.
fn local_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n
                    .chars()
                    .any(|c| c == '\\' || c.is_whitespace() || c.is_control()) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// The login form's CSRF token: the cookie's when it looks like one of ours, else a new one
/// (then also returned as a `Set-Cookie`).
fn pre_session_token(headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    match cookie(headers, CSRF_COOKIE) {
        Some(t) if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) => {
            (t.to_string(), None)
        }
        _ => {
            let t = random_token();
            let c = HeaderValue::from_str(&format!("{CSRF_COOKIE}={t}; Path=/; SameSite=Lax"));
            (t, c.ok())
        }
    }
}

fn login_response(status: StatusCode, view: &LoginView, cookie: Option<HeaderValue>) -> Response {
    let mut resp = html(status, render_login(view));
    if let Some(c) = cookie {
        resp.headers_mut().append(SET_COOKIE, c);
    }
    resp
}

/// `GET /login?next=`.
pub(crate) async fn login_page(
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let next = query
        .ok()
        .and_then(|Query(q)| q.into_iter().find(|(k, _)| k == "next").map(|(_, v)| v))
        .filter(|n| local_next(Some(n)) != "/");
    let (csrf_token, set) = pre_session_token(&headers);
    let view = LoginView {
        csrf_token,
        username: String::new(),
        error: None,
        next,
    };
    login_response(StatusCode::OK, &view, set)
}

/// `POST /login`: as `POST /api/login`, then `303` to `next`; a failure shows the form again
/// with the API's status and message.
pub(crate) async fn login(
    State(state): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    fields: Fields,
) -> Response {
    let username = fields.get("username").unwrap_or("").to_string();
    let next = fields
        .get("next")
        .map(str::to_string)
        .filter(|n| !n.is_empty());
    let (csrf_token, set) = pre_session_token(&headers);
    let fail = |status: StatusCode, message: String, set: Option<HeaderValue>| {
        let view = LoginView {
            csrf_token: csrf_token.clone(),
            username: username.clone(),
            error: Some(message),
            next: next.clone(),
        };
        login_response(status, &view, set)
    };
    if set.is_some() || !csrf_matches(&csrf_token, fields.get("_csrf").unwrap_or("")) {
        return fail(
            StatusCode::FORBIDDEN,
            "安全校验失败（CSRF），请重新输入后登录".into(),
            set,
        );
    }
    let password = fields.get("password").unwrap_or("");
    match session::login(&state, &addr.0, &username, password).await {
        Ok(s) => see_other(&local_next(next.as_deref()), s.cookies(&state).into()),
        Err(e) => fail(e.status, e.message, None),
    }
}

/// `POST /logout`: as `POST /api/logout`, then `303 /login`.
pub(crate) async fn logout(
    State(state): State<AppState>,
    post: PagePost,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let cookies = session::logout(&state, &p.cu).await.map_err(|e| p.err(e))?;
    Ok(see_other("/login", cookies.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_be_local() {
        assert_eq!(local_next(Some("/forms/3/edit")), "/forms/3/edit");
        assert_eq!(local_next(Some("//evil.example/")), "/");
        assert_eq!(local_next(Some("/\\evil.example")), "/");
        assert_eq!(local_next(Some("https://evil.example/")), "/");
        assert_eq!(local_next(None), "/");
        // Browsers drop tabs and newlines from a Location, turning these into `//evil.example`.
        assert_eq!(local_next(Some("/\t/evil.example")), "/");
        assert_eq!(local_next(Some("/\n/evil.example")), "/");
        assert_eq!(local_next(Some("/\r\n/evil.example")), "/");
        assert_eq!(local_next(Some("/forms/3\\x")), "/");
        assert_eq!(local_next(Some("/forms?q=\u{0}")), "/");
        assert_eq!(
            local_next(Some("/forms/3/edit?x=1#c")),
            "/forms/3/edit?x=1#c"
        );
    }
}
