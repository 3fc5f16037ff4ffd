//! The administrator's posts: new regions, units and users; unlocking a user. Each goes
//! through the matching `/api/admin` handler; a refusal shows the admin page again with the
//! reason and the API's status.

use axum::extract::State;
use axum::response::Response;
use serde_json::{Value, json};

use super::home::admin_home;
use super::{Fields, Id, PagePost, PageResult, PageUser, api_body, redirect_with_flash};
use crate::api::admin;
use crate::error::ApiError;
use crate::json::{ApiJson, ApiPath};
use crate::state::AppState;

fn opt_id(fields: &Fields, name: &str) -> Value {
    fields.int(name).map_or(Value::Null, Value::from)
}

async fn done(
    state: &AppState,
    p: &PageUser,
    result: Result<(), ApiError>,
    to: &str,
    ok: &str,
) -> PageResult {
    match result {
        Ok(()) => Ok(redirect_with_flash(to, ok)),
        Err(e) if e.status.is_client_error() && e.status.as_u16() != 403 => {
            admin_home(state, p, e.status, Some(e.message)).await
        }
        Err(e) => Err(p.err(e)),
    }
}

/// The code of a new region or unit: the posted code, else the name (the page asks only for
/// what people know).
fn code_or_name(fields: &Fields) -> String {
    let code = fields.get("code").unwrap_or("").trim();
    if code.is_empty() {
        fields.get("name").unwrap_or("").trim().to_string()
    } else {
        code.to_string()
    }
}

/// `POST /admin/regions`.
pub(crate) async fn create_region(
    State(state): State<AppState>,
    post: PagePost,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let body = json!({ "code": code_or_name(&fields), "name": fields.get("name").unwrap_or("") });
    let result = match api_body(body) {
        Ok(b) => admin::create_region(State(state.clone()), p.cu.clone(), ApiJson(b))
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    done(&state, &p, result, "/#regions", "已新建区划").await
}

/// `POST /admin/units`.
pub(crate) async fn create_unit(
    State(state): State<AppState>,
    post: PagePost,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let body = json!({ "code": code_or_name(&fields), "name": fields.get("name").unwrap_or(""),
        "region_id": opt_id(&fields, "region_id") });
    let result = match api_body(body) {
        Ok(b) => admin::create_unit(State(state.clone()), p.cu.clone(), ApiJson(b))
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    done(&state, &p, result, "/#units", "已新建单位").await
}

/// `POST /admin/users`.
pub(crate) async fn create_user(
    State(state): State<AppState>,
    post: PagePost,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let role = fields.get("role").unwrap_or("");
    let unit_roles = matches!(role, "filler" | "unit_approver");
    let body = json!({
        "username": fields.get("username").unwrap_or("").trim(),
        "display_name": fields.get("display_name").map(str::trim).filter(|s| !s.is_empty()),
        "password": fields.get("password").unwrap_or(""),
        "role": role,
        "unit_id": opt_id(&fields, "unit_id"),
        // The region follows from the unit for unit roles.
        "region_id": if unit_roles { Value::Null } else { opt_id(&fields, "region_id") },
    });
    let result = match api_body(body) {
        Ok(b) => admin::create_user(State(state.clone()), p.cu.clone(), ApiJson(b))
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    done(&state, &p, result, "/#users", "已新建用户").await
}

/// `POST /admin/users/{id}/unlock`.
pub(crate) async fn unlock_user(
    State(state): State<AppState>,
    post: PagePost,
    Id(id): Id,
    fields: Fields,
) -> Result<Response, super::PageError> {
    let p = post.check(&state, &fields).await?;
    let result = match api_body(json!({ "unlock": true })) {
        Ok(b) => admin::update_user(State(state.clone()), p.cu.clone(), ApiPath(id), ApiJson(b))
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    done(&state, &p, result, "/#users", "已解锁").await
}
