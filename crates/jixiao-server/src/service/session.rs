//! Login and logout: the checks (throttle, lock-out, password, disabled account) and the new
//! session, for the JSON API (`/api/login`) and the login page alike. The handlers only turn a
//! [`Session`] into cookies and their answer.

use axum::http::{HeaderValue, StatusCode};
use jixiao_storage::User;

use crate::auth::{
    CurrentUser, clear_cookies, hash_password, random_token, session_cookies, token_hash,
    verify_password,
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
        // The browser may keep the cookie as long as the server's cap; the session itself ends
        // earlier on the server when idle or past the policy's lifetime.
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

/// The one answer to a refused login, whatever the reason (unknown name, wrong password): a
/// guesser learns nothing about which names exist.
fn bad_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
        "用户名或密码错误",
    )
}

/// The one answer while a name is held back from an address after repeated failures; the same
/// for names that exist and names that do not.
fn held_back(ms: i64) -> ApiError {
    let seconds = (ms + 999) / 1000;
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
        format!("登录失败次数过多，请 {seconds} 秒后再试"),
    )
    .with("retry_after", serde_json::json!(seconds))
}

/// Starts a session for a name and password from a client address.
///
/// - 429 when the address is throttled, or when this name has failed too often from this
///   address (each further failure doubles the wait, up to the policy's maximum). The owner
///   logging in from another address is not held back, and names that do not exist are held
///   back the same way, so the answer does not tell which names exist.
/// - 401 on a wrong name or password (the same answer for both; an unknown name costs the same
///   password check).
/// - 403 for a disabled account (only after the right password).
///
/// Every refusal is audited with the address (and the name typed, for unknown names).
pub async fn login(
    state: &AppState,
    addr: &str,
    username: &str,
    password: &str,
) -> ApiResult<Session> {
    let name = username.trim();
    if !state.login_throttle.allow(addr) {
        state
            .db
            .record_login_refused(
                None,
                "login.throttled",
                &format!("来自 {addr} 的登录尝试过于频繁"),
            )
            .await?;
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "登录尝试过于频繁，请一分钟后再试",
        ));
    }
    if name.is_empty() || name.len() > 100 || password.len() > 1024 {
        return Err(bad_credentials());
    }
    let policy = state.policy.get(&state.db).await?;
    if let Some(ms) = state.db.login_blocked(name, addr).await? {
        let known = state.db.user_for_login(name).await?.map(|(u, _)| u.id);
        state
            .db
            .record_login_refused(
                known,
                "login.held",
                &format!("用户名「{name}」：失败过多，等待中"),
            )
            .await?;
        return Err(held_back(ms));
    }
    let found = state.db.user_for_login(name).await?;
    let hash = found.as_ref().map(|(_, h)| h.clone());
    let pw = password.to_string();
    let ok = state
        .jobs
        .run(move || verify_password(&pw, &hash.unwrap_or_else(dummy_hash)))
        .await?;
    let user = match found {
        Some((user, _)) if ok => user,
        found => {
            let (id, why) = match &found {
                Some((u, _)) => (Some(u.id), "密码错误"),
                None => (None, "用户名不存在"),
            };
            state
                .db
                .record_login_failure(
                    name,
                    addr,
                    id,
                    i64::from(policy.free_failures),
                    i64::from(policy.max_hold_minutes) * 60_000,
                    &format!("用户名「{name}」：{why}"),
                )
                .await?;
            return Err(bad_credentials());
        }
    };
    if user.disabled {
        state
            .db
            .record_login_refused(Some(user.id), "login.disabled", "账号已停用")
            .await?;
        return Err(ApiError::forbidden("账号已停用，请联系管理员"));
    }
    let token = random_token();
    let csrf = random_token();
    state
        .db
        .create_session(
            &user,
            name,
            addr,
            &token_hash(&token),
            &csrf,
            session_ttl_ms(state, &policy),
            policy.single_session,
        )
        .await?;
    Ok(Session { user, token, csrf })
}

/// The absolute lifetime of a new session: the policy's, capped by the server's setting.
fn session_ttl_ms(state: &AppState, policy: &crate::policy::SecurityPolicy) -> i64 {
    (i64::from(policy.session_hours) * 3_600_000).min(state.config.session_ttl_ms)
}

/// Ends the current session (audited); the cookies that clear it in the browser.
pub async fn logout(state: &AppState, user: &CurrentUser) -> ApiResult<[HeaderValue; 2]> {
    let mut tx = state.db.begin_write().await?;
    tx.delete_session(user.session_hash()).await?;
    tx.audit(None, Some(user.user.id), "logout", "").await?;
    tx.commit().await?;
    Ok(clear_cookies(state.config.secure_cookies))
}

/// Changes the user's own password: the current one must be right, the new one must meet the
/// policy and differ from the last ones. Every session of the user ends (this one too): they
/// log in again with the new password.
pub async fn change_password(
    state: &AppState,
    user: &CurrentUser,
    current: &str,
    new: &str,
) -> ApiResult<()> {
    let (_, hash) = state
        .db
        .user_for_login(&user.user.username)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let pw = current.to_string();
    let ok = state.jobs.run(move || verify_password(&pw, &hash)).await?;
    if !ok {
        return Err(ApiError::unprocessable("当前密码不正确"));
    }
    if new == current {
        return Err(ApiError::unprocessable("新密码不能与当前密码相同"));
    }
    crate::auth::check_new_password(state, Some(user.user.id), new).await?;
    let pw = new.to_string();
    let hash = state.jobs.run(move || hash_password(&pw)).await??;
    let mut tx = state.db.begin_write().await?;
    tx.set_password(user.user.id, &hash, false).await?;
    tx.audit(
        None,
        Some(user.user.id),
        "user.password.own",
        "本人修改密码",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The user's live sessions, newest first, each with whether it is the one asking.
pub async fn sessions(
    state: &AppState,
    user: &CurrentUser,
) -> ApiResult<Vec<(jixiao_storage::SessionInfo, bool)>> {
    let policy = state.policy.get(&state.db).await?;
    let list = state.db.sessions_of(user.user.id, policy.idle_ms()).await?;
    Ok(list
        .into_iter()
        .map(|s| {
            let current = s.token_hash == user.session_hash();
            (s, current)
        })
        .collect())
}

/// Ends one of the user's own sessions (by its public id; audited). Ending the current one is
/// logging out. 404 for an id that is not a live session of the user.
pub async fn end_session(state: &AppState, user: &CurrentUser, id: &str) -> ApiResult<bool> {
    let found = sessions(state, user)
        .await?
        .into_iter()
        .find(|(s, _)| s.id == id)
        .ok_or_else(|| ApiError::not_found("没有这个登录会话"))?;
    let mut tx = state.db.begin_write().await?;
    tx.delete_session(&found.0.token_hash).await?;
    tx.audit(
        None,
        Some(user.user.id),
        "logout.other",
        &format!(
            "结束会话（{} 登录，地址 {}）",
            jixiao_storage::format_time(found.0.created_at),
            found.0.address
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(found.1)
}
