//! Login, logout and the current user.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jixiao_storage::{User, now_ms};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{
    ClientAddr, CurrentUser, clear_cookies, random_token, session_cookies, set_cookies, token_hash,
    verify_password,
};
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::state::AppState;

/// A user as the API shows it.
pub fn user_json(u: &User) -> Value {
    json!({
        "id": u.id,
        "username": u.username,
        "display_name": u.display_name,
        "role": u.role.as_str(),
        "role_label": u.role.label(),
        "unit_id": u.unit_id,
        "region_id": u.region_id,
        "disabled": u.disabled,
        "locked": u.locked_until > now_ms(),
    })
}

/// Body of `POST /api/login`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    username: String,
    password: String,
}

/// A hash to verify against when the user does not exist, so that unknown and known names
/// take the same time.
fn dummy_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| crate::auth::hash_password("jixiao-dummy-password").unwrap_or_default())
        .clone()
}

/// `POST /api/login`: starts a session; 401 on a bad name or password, 429 when throttled or
/// locked out after repeated failures.
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult<Response> {
    let too_many = |m: String| ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", m);
    if !state.login_throttle.allow(&addr) {
        return Err(too_many("登录尝试过于频繁，请一分钟后再试".into()));
    }
    let bad = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "用户名或密码错误",
        )
    };
    if body.username.len() > 100 || body.password.len() > 1024 {
        return Err(bad());
    }
    let found = state.db.user_for_login(body.username.trim()).await?;
    let hash = found.as_ref().map(|(_, h)| h.clone());
    let password = body.password.clone();
    let ok = tokio::task::spawn_blocking(move || {
        verify_password(&password, &hash.unwrap_or_else(dummy_hash))
    })
    .await
    .map_err(ApiError::internal)?;
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
    let mut resp = Json(json!({ "user": user_json(&user), "csrf_token": csrf })).into_response();
    set_cookies(
        resp.headers_mut(),
        session_cookies(
            &token,
            &csrf,
            state.config.session_ttl_ms / 1000,
            state.config.secure_cookies,
        ),
    );
    Ok(resp)
}

/// `POST /api/logout`: ends the session (204).
pub async fn logout(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    state.db.delete_session(user.session_hash()).await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    set_cookies(resp.headers_mut(), clear_cookies());
    Ok(resp)
}

/// `GET /api/me`: the current user and their CSRF token.
pub async fn me(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Value>> {
    let mut out = user_json(&user.user);
    let unit = match user.user.unit_id {
        Some(id) => state.db.unit(id).await?,
        None => None,
    };
    if let Value::Object(m) = &mut out {
        m.insert("unit_name".into(), json!(unit.map(|u| u.name)));
        m.insert("csrf_token".into(), json!(user.csrf_token));
    }
    Ok(Json(out))
}
