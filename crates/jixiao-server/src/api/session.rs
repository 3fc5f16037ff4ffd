//! Login, logout and the current user.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jixiao_storage::User;

use crate::service;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{ClientAddr, CurrentUser, set_cookies};
use crate::error::ApiResult;
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
        "failed_logins": u.failed_logins,
        "must_change_password": u.must_change_password,
        "last_login_at": u.last_login_at.map(jixiao_storage::format_time),
        "last_login_address": u.last_login_address,
    })
}

/// Body of `POST /api/login`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    username: String,
    password: String,
}

/// `POST /api/login`: starts a session; 401 on a bad name or password, 429 when throttled or
/// locked out after repeated failures.
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult<Response> {
    let session = service::session::login(&state, &addr, &body.username, &body.password).await?;
    let mut resp = Json(json!({ "user": user_json(&session.user), "csrf_token": session.csrf }))
        .into_response();
    set_cookies(resp.headers_mut(), session.cookies(&state));
    Ok(resp)
}

/// `POST /api/logout`: ends the session (204).
pub async fn logout(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    let cookies = service::session::logout(&state, &user).await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    set_cookies(resp.headers_mut(), cookies);
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
        m.insert(
            "must_change_password".into(),
            json!(user.must_change_password),
        );
        m.insert(
            "previous_login".into(),
            json!(user.previous_login.as_ref().map(|(at, address)| {
                json!({"at": jixiao_storage::format_time(*at), "address": address})
            })),
        );
    }
    Ok(Json(out))
}

/// Body of `POST /api/me/password`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// `POST /api/me/password`: changes the user's own password (204); every session of the user
/// ends, so they log in again with it. 422 when the current password is wrong or the new one
/// breaks the policy.
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<PasswordChange>,
) -> ApiResult<Response> {
    service::session::change_password(&state, &user, &b.current_password, &b.new_password).await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    set_cookies(
        resp.headers_mut(),
        crate::auth::clear_cookies(state.config.secure_cookies),
    );
    Ok(resp)
}

/// `GET /api/me/sessions`: the user's live sessions (where and when each began, its last
/// request, whether it is this one).
pub async fn sessions(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Value>> {
    let list: Vec<Value> = service::session::sessions(&state, &user)
        .await?
        .into_iter()
        .map(|(s, current)| {
            json!({"id": s.id, "created_at": jixiao_storage::format_time(s.created_at),
                   "last_seen_at": jixiao_storage::format_time(s.last_seen_at),
                   "expires_at": jixiao_storage::format_time(s.expires_at),
                   "address": s.address, "user_agent": s.user_agent, "current": current})
        })
        .collect();
    Ok(Json(json!(list)))
}

/// `DELETE /api/me/sessions/{id}`: ends one of the user's sessions (204); ending this one
/// also clears its cookies.
pub async fn end_session(
    State(state): State<AppState>,
    user: CurrentUser,
    crate::json::ApiPath(id): crate::json::ApiPath<String>,
) -> ApiResult<Response> {
    let current = service::session::end_session(&state, &user, &id).await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if current {
        set_cookies(
            resp.headers_mut(),
            crate::auth::clear_cookies(state.config.secure_cookies),
        );
    }
    Ok(resp)
}
