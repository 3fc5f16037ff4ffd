//! The administrator's posts: new regions, units and users; unlocking a user. Each calls the
//! admin service, as `/api/admin` does; a refusal shows the admin page again with the reason
//! and the service's status.

use axum::extract::State;
use axum::response::Response;
use jixiao_domain::Role;

use super::home::admin_home;
use super::{Fields, Id, PagePost, PageResult, PageUser, redirect_with_flash};
use crate::error::{ApiError, ApiResult};
use crate::service::admin::{self, NewNamed, NewUserInput, UserPatch};
use crate::state::AppState;

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

fn named(fields: &Fields) -> NewNamed {
    NewNamed {
        code: code_or_name(fields),
        name: fields.get("name").unwrap_or("").to_string(),
        region_id: fields.int("region_id"),
    }
}

/// `POST /admin/regions`.
pub(crate) async fn create_region(
    State(state): State<AppState>,
    post: PagePost,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let region = NewNamed {
        region_id: None,
        ..named(&fields)
    };
    let result = admin::create_region(&state, &p.cu.user, &region)
        .await
        .map(|_| ());
    done(&state, &p, result, "/#regions", "已新建区划").await
}

/// `POST /admin/units`.
pub(crate) async fn create_unit(
    State(state): State<AppState>,
    post: PagePost,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let result = admin::create_unit(&state, &p.cu.user, &named(&fields))
        .await
        .map(|_| ());
    done(&state, &p, result, "/#units", "已新建单位").await
}

/// The posted new user; an unknown role is refused as the API refuses it.
fn new_user(fields: &Fields) -> ApiResult<NewUserInput> {
    let raw = fields.get("role").unwrap_or("");
    let role = Role::parse(raw)
        .ok_or_else(|| ApiError::unprocessable(format!("提交的内容有误：未知角色「{raw}」")))?;
    Ok(NewUserInput {
        username: fields.get("username").unwrap_or("").trim().to_string(),
        display_name: fields
            .get("display_name")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        office: fields
            .get("office")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        password: fields.get("password").unwrap_or("").to_string(),
        role,
        unit_id: fields.int("unit_id"),
        // The region follows from the unit for unit roles.
        region_id: if role.is_unit_role() {
            None
        } else {
            fields.int("region_id")
        },
    })
}

/// `POST /admin/users`.
pub(crate) async fn create_user(
    State(state): State<AppState>,
    post: PagePost,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let result = match new_user(&fields) {
        Ok(input) => admin::create_user(&state, &p.cu.user, &input)
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
    let patch = UserPatch {
        unlock: Some(true),
        ..UserPatch::default()
    };
    let result = admin::update_user(&state, &p.cu.user, id, patch)
        .await
        .map(|_| ());
    done(&state, &p, result, "/#users", "已解锁").await
}
