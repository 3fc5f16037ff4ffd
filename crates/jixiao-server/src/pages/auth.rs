//! `GET/POST /login`, `POST /logout` and `GET/POST /password`, through the session service (as
//! the API's login, logout and password change).
//!
//! The login form has no session yet, so its CSRF token is a pre-session double submit: a
//! random token in the `jixiao_csrf` cookie and the same token in the form's `_csrf` field.

use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use jixiao_web::{LoginView, PasswordView, render_login, render_password};

use super::{Fields, PagePost, PageResult, PageUser, html, pct_encode, see_other};
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
        notice: None,
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
            notice: None,
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
        Ok(s) => {
            let mut cookies: Vec<HeaderValue> = s.cookies(&state).into();
            let policy = state.policy.get(&state.db).await.unwrap_or_default();
            let must_change = s.user.must_change_password
                || policy.expired(s.user.password_changed_at, jixiao_storage::now_ms());
            let notice = match (&s.user.last_login_at, &s.user.last_login_address) {
                (Some(at), address) => format!(
                    "上次登录：{}，地址 {}",
                    super::people_time(*at),
                    address.as_deref().unwrap_or("未知")
                ),
                (None, _) => "这是本账号的首次登录".to_string(),
            };
            if let Ok(c) = HeaderValue::from_str(&format!(
                "{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60",
                super::FLASH_COOKIE,
                pct_encode(&notice)
            )) {
                cookies.push(c);
            }
            let to = if must_change {
                "/password".to_string()
            } else {
                local_next(next.as_deref())
            };
            see_other(&to, cookies)
        }
        Err(e) => fail(e.status, e.message, None),
    }
}

/// The rules of the policy in force, as one sentence for the password page.
fn rules_text(p: &crate::policy::SecurityPolicy) -> String {
    let mut s = format!(
        "新密码至少 {} 个字符，须包含小写字母、大写字母、数字、其他符号中的至少 {} 种",
        p.min_length, p.char_classes
    );
    if p.history > 0 {
        s.push_str(&format!("，且不能与最近 {} 次的密码相同", p.history));
    }
    if p.max_age_days > 0 {
        s.push_str(&format!("；密码有效期 {} 天", p.max_age_days));
    }
    s.push('。');
    s
}

async fn password_view(state: &AppState, p: &PageUser, error: Option<String>) -> PasswordView {
    let policy = state.policy.get(&state.db).await.unwrap_or_default();
    let sessions = session::sessions(state, &p.cu)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|(s, current)| jixiao_web::SessionLine {
            id: s.id,
            started: super::people_time(s.created_at),
            last_seen: super::people_time(s.last_seen_at),
            address: s.address,
            browser: s.user_agent.chars().take(60).collect(),
            current,
        })
        .collect();
    PasswordView {
        chrome: p.chrome(None),
        required: p.cu.must_change_password,
        rules: rules_text(&policy),
        error,
        sessions,
    }
}

/// `POST /password/sessions/{id}/end`: ends one of the user's other sessions.
pub(crate) async fn end_session(
    State(state): State<AppState>,
    post: PagePost,
    axum::extract::Path(id): axum::extract::Path<String>,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    session::end_session(&state, &p.cu, &id)
        .await
        .map_err(|e| p.err(e))?;
    Ok(super::redirect_with_flash(
        "/password#sessions",
        "已结束该会话",
    ))
}

/// `GET /password`: the form to change one's own password.
pub(crate) async fn password_page(State(state): State<AppState>, p: PageUser) -> PageResult {
    let view = password_view(&state, &p, None).await;
    Ok(p.page(StatusCode::OK, render_password(&view)))
}

/// `POST /password`: changes the password; then every session ends and the login page says so.
/// A refusal shows the form again with the reason.
pub(crate) async fn change_password(
    State(state): State<AppState>,
    post: PagePost,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let current = fields.get("current_password").unwrap_or("");
    let new = fields.get("new_password").unwrap_or("");
    let refused = if fields.get("confirm_password").unwrap_or("") != new {
        Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            "两次输入的新密码不一致".to_string(),
        ))
    } else {
        match session::change_password(&state, &p.cu, current, new).await {
            Ok(()) => None,
            Err(e) => Some((e.status, e.message)),
        }
    };
    if let Some((status, message)) = refused {
        let view = password_view(&state, &p, Some(message)).await;
        return Ok(p.page(status, render_password(&view)));
    }
    let (csrf_token, _) = pre_session_token(&HeaderMap::new());
    let view = LoginView {
        csrf_token: csrf_token.clone(),
        username: p.cu.user.username.clone(),
        error: None,
        next: None,
        notice: Some("密码已修改，请用新密码重新登录".into()),
    };
    let mut resp = login_response(StatusCode::OK, &view, None);
    for c in crate::auth::clear_cookies(state.config.secure_cookies) {
        resp.headers_mut().append(SET_COOKIE, c);
    }
    if let Ok(c) =
        HeaderValue::from_str(&format!("{CSRF_COOKIE}={csrf_token}; Path=/; SameSite=Lax"))
    {
        resp.headers_mut().append(SET_COOKIE, c);
    }
    Ok(resp)
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
