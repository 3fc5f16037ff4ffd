//! Login and logout: the checks (throttle, lock-out, password, disabled account) and the new
//! session, for the JSON API (`/api/login`) and the login page alike. The handlers only turn a
//! [`Session`] into cookies and their answer.

use axum::http::{HeaderValue, StatusCode};
use jixiao_storage::{User, now_ms};

use crate::auth::{
    CurrentUser, clear_cookies, random_token, session_cookies, token_hash, verify_password,
};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A session just started.
#[derive(Debug)]
pub struct Session {
    /// Who logged in.
    pub user: User,
    /// The session token (the cookie's value; only its hash is stored).
    token: String,
    /// The session's CSRF token.
    pub csrf: String,
}

impl Session {
    /// The cookies that carry the session to the browser.
    pub fn cookies(&self, state: &AppState) -> [HeaderValue; 2] {
        session_cookies(
            &self.token,
            &self.csrf,
            state.config.session_ttl_ms / 1000,
            state.config.secure_cookies,
        )
    }
}

/// A hash to verify against when the user does not exist, so that unknown and known names
/// take the same time.
fn dummy_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| crate::auth::hash_password("jixiao-dummy-password").unwrap_or_default())
        .clone()
}

/// Starts a session for a name and password from a client address: 401 on a bad name or
/// password, 429 when the address is throttled or the account locked after repeated failures,
/// 403 for a disabled account.
pub async fn login(
    state: &AppState,
    addr: &str,
    username: &str,
    password: &str,
) -> ApiResult<Session> {
    let too_many = |m: String| ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", m);
    if !state.login_throttle.allow(addr) {
        return Err(too_many("登录尝试过于频繁，请一分钟后再试".into()));
    }
    let bad = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "用户名或密码错误",
        )
    };
    if username.len() > 100 || password.len() > 1024 {
        return Err(bad());
    }
    let found = state.db.user_for_login(username.trim()).await?;
    let hash = found.as_ref().map(|(_, h)| h.clone());
    let password = password.to_string();
    let ok = state
        .jobs
        .run(move || verify_password(&password, &hash.unwrap_or_else(dummy_hash)))
        .await?;
    let Some((user, _)) = found else {
        return Err(bad());
    };
    let now = now_ms();
    if user.locked_until > now {
        let minutes = (user.locked_until - now + 59_999) / 60_000;
        return Err(too_many(format!(
            "连续登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试或联系管理员"
        )));
    }
    if !ok {
        state
            .db
            .record_login_failure(
                user.id,
                state.config.max_login_failures,
                state.config.lockout_ms,
            )
            .await?;
        return Err(bad());
    }
    if user.disabled {
        return Err(ApiError::forbidden("账号已停用，请联系管理员"));
    }
    let token = random_token();
    let csrf = random_token();
    state
        .db
        .create_session(
            user.id,
            &token_hash(&token),
            &csrf,
            state.config.session_ttl_ms,
        )
        .await?;
    Ok(Session { user, token, csrf })
}

/// Ends the current session; the cookies that clear it in the browser.
pub async fn logout(state: &AppState, user: &CurrentUser) -> ApiResult<[HeaderValue; 2]> {
    state.db.delete_session(user.session_hash()).await?;
    Ok(clear_cookies())
}
