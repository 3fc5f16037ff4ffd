//! Administration: regions, units and users (administrators only), plus the scoped unit list
//! every logged-in user may read.

use jixiao_storage::users::NewUser;
use jixiao_storage::{AuditEntry, Db, Region, Role, Unit, User};
use serde::Deserialize;

use crate::access::require_admin;
use crate::auth::{check_password_strength, hash_password};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// An office may be empty; otherwise a short name.
fn check_office(s: &str) -> ApiResult<()> {
    if s.is_empty() {
        Ok(())
    } else {
        check_name("科室", s, 64)
    }
}

fn check_name(what: &str, s: &str, max: usize) -> ApiResult<()> {
    let n = s.chars().count();
    if n == 0 || n > max || s.chars().any(|c| c.is_control()) || s.trim() != s {
        return Err(ApiError::unprocessable(format!(
            "{what}须为 1–{max} 个字符，且首尾不能有空格"
        )));
    }
    Ok(())
}

/// All regions (administrators only).
pub async fn regions(state: &AppState, user: &User) -> ApiResult<Vec<Region>> {
    require_admin(user)?;
    Ok(state.db.regions().await?)
}

/// A new region or unit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewNamed {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// The region of a unit.
    pub region_id: Option<i64>,
}

/// Creates a region.
pub async fn create_region(state: &AppState, user: &User, b: &NewNamed) -> ApiResult<Region> {
    require_admin(user)?;
    check_name("区划代码", &b.code, 32)?;
    check_name("区划名称", &b.name, 100)?;
    let mut tx = state.db.begin_write().await?;
    let r = tx.create_region(&b.code, &b.name).await?;
    tx.audit(
        None,
        Some(user.id),
        "region.create",
        &format!("新建区划 {}（{}）", r.name, r.code),
    )
    .await?;
    tx.commit().await?;
    Ok(r)
}

/// Sets whether a region asks the unit approver to sign a filler's submission off before it
/// reaches the finance bureau (单位内部审核).
pub async fn set_region_sign_off(
    state: &AppState,
    user: &User,
    region_id: i64,
    on: bool,
) -> ApiResult<Region> {
    require_admin(user)?;
    let mut tx = state.db.begin_write().await?;
    if !tx.set_region_sign_off(region_id, on).await? {
        return Err(ApiError::not_found("区划不存在"));
    }
    tx.audit(
        None,
        Some(user.id),
        "region.update",
        &format!(
            "区划 {region_id}：单位内部审核{}",
            if on { "开启" } else { "关闭" }
        ),
    )
    .await?;
    tx.commit().await?;
    state
        .db
        .regions()
        .await?
        .into_iter()
        .find(|r| r.id == region_id)
        .ok_or_else(|| ApiError::not_found("区划不存在"))
}

/// The units the user may see (own unit; the reviewer's region; all for administrators,
/// optionally one region).
pub async fn units(state: &AppState, u: &User, region_id: Option<i64>) -> ApiResult<Vec<Unit>> {
    let units = match u.role {
        Role::Admin => state.db.units(region_id).await?,
        Role::Reviewer => match u.region_id {
            Some(r) => state.db.units(Some(r)).await?,
            None => Vec::new(),
        },
        Role::Filler | Role::UnitApprover => match u.unit_id {
            Some(id) => state.db.unit(id).await?.into_iter().collect(),
            None => Vec::new(),
        },
    };
    Ok(units)
}

/// All units, optionally of one region (administrators only).
pub async fn admin_units(
    state: &AppState,
    user: &User,
    region_id: Option<i64>,
) -> ApiResult<Vec<Unit>> {
    require_admin(user)?;
    Ok(state.db.units(region_id).await?)
}

/// Creates a unit.
pub async fn create_unit(state: &AppState, user: &User, b: &NewNamed) -> ApiResult<Unit> {
    require_admin(user)?;
    check_name("单位编码", &b.code, 64)?;
    check_name("单位名称", &b.name, 200)?;
    let region_id = b
        .region_id
        .ok_or_else(|| ApiError::unprocessable("请指定所属区划（region_id）"))?;
    if !state.db.regions().await?.iter().any(|r| r.id == region_id) {
        return Err(ApiError::unprocessable("所属区划不存在"));
    }
    let mut tx = state.db.begin_write().await?;
    let unit = tx.create_unit(region_id, &b.code, &b.name).await?;
    tx.audit(
        None,
        Some(user.id),
        "unit.create",
        &format!("新建单位 {}（{}）", unit.name, unit.code),
    )
    .await?;
    tx.commit().await?;
    Ok(unit)
}

/// The whole audit log (logins, users, units, forms), newest last, at most `limit` (default
/// 1000) of the latest rows (administrators only).
pub async fn audit(
    state: &AppState,
    user: &User,
    limit: Option<i64>,
) -> ApiResult<Vec<AuditEntry>> {
    require_admin(user)?;
    Ok(state.db.audit_latest(limit.unwrap_or(1000)).await?)
}

/// All users (administrators only).
pub async fn users(state: &AppState, user: &User) -> ApiResult<Vec<User>> {
    require_admin(user)?;
    Ok(state.db.users(None).await?)
}

/// A new user, from the API or the command line.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUserInput {
    /// Login name.
    pub username: String,
    /// Name shown in pages (defaults to the login name).
    pub display_name: Option<String>,
    /// Office (科室), shown before the name.
    #[serde(default)]
    pub office: Option<String>,
    /// Password (at least 8 characters).
    pub password: String,
    /// Role.
    pub role: Role,
    /// Unit (required for unit roles).
    pub unit_id: Option<i64>,
    /// Region (required for reviewers; derived from the unit for unit roles).
    pub region_id: Option<i64>,
}

/// The region and unit a user of `role` gets: unit roles need a unit (their region is the
/// unit's), reviewers need a region, administrators may have a region.
pub async fn resolve_scope(
    db: &Db,
    role: Role,
    unit_id: Option<i64>,
    region_id: Option<i64>,
) -> ApiResult<(Option<i64>, Option<i64>)> {
    match role {
        Role::Filler | Role::UnitApprover => {
            let id = unit_id
                .ok_or_else(|| ApiError::unprocessable("填报人和单位审核人须指定所属单位"))?;
            let unit = db
                .unit(id)
                .await?
                .ok_or_else(|| ApiError::unprocessable("所属单位不存在"))?;
            Ok((Some(unit.region_id), Some(unit.id)))
        }
        Role::Reviewer | Role::Admin => {
            if unit_id.is_some() {
                return Err(ApiError::unprocessable(
                    "财政审核人和管理员不属于单位，请不要指定 unit_id",
                ));
            }
            match region_id {
                Some(r) if db.regions().await?.iter().any(|x| x.id == r) => Ok((Some(r), None)),
                Some(_) => Err(ApiError::unprocessable("所属区划不存在")),
                None if role == Role::Reviewer => {
                    Err(ApiError::unprocessable("财政审核人须指定所属区划"))
                }
                None => Ok((None, None)),
            }
        }
    }
}

/// Creates a user (checks name, password strength and scope; hashes the password; audits).
pub async fn create_user_in(db: &Db, input: &NewUserInput, actor: Option<i64>) -> ApiResult<User> {
    check_name("用户名", &input.username, 64)?;
    if input.username.chars().any(char::is_whitespace) {
        return Err(ApiError::unprocessable("用户名不能包含空格"));
    }
    let display = input
        .display_name
        .clone()
        .unwrap_or_else(|| input.username.clone());
    check_name("姓名", &display, 64)?;
    let office = input.office.as_deref().unwrap_or("").trim().to_string();
    check_office(&office)?;
    check_password_strength(&input.password)?;
    let (region_id, unit_id) =
        resolve_scope(db, input.role, input.unit_id, input.region_id).await?;
    let pw = input.password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&pw))
        .await
        .map_err(ApiError::internal)??;
    let mut tx = db.begin_write().await?;
    let user = tx
        .create_user(&NewUser {
            username: &input.username,
            display_name: &display,
            office: &office,
            password_hash: &hash,
            role: input.role,
            region_id,
            unit_id,
        })
        .await?;
    tx.audit(
        None,
        actor,
        "user.create",
        &format!("新建用户 {}（{}）", user.username, user.role.label()),
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

/// Sets a user's password (checks strength; ends their sessions; audits).
pub async fn set_password_in(
    db: &Db,
    user_id: i64,
    password: &str,
    actor: Option<i64>,
) -> ApiResult<()> {
    check_password_strength(password)?;
    let pw = password.to_string();
    let hash = tokio::task::spawn_blocking(move || hash_password(&pw))
        .await
        .map_err(ApiError::internal)??;
    let mut tx = db.begin_write().await?;
    if !tx.set_password(user_id, &hash).await? {
        return Err(ApiError::not_found("用户不存在"));
    }
    tx.audit(
        None,
        actor,
        "user.password",
        &format!("重设用户 {user_id} 的密码"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Creates a user (administrators only).
pub async fn create_user(state: &AppState, user: &User, b: &NewUserInput) -> ApiResult<User> {
    require_admin(user)?;
    create_user_in(&state.db, b, Some(user.id)).await
}

/// A change to a user: only the fields given change.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    /// Name shown in pages.
    pub display_name: Option<String>,
    /// Office (科室); empty clears it.
    pub office: Option<String>,
    /// Role.
    pub role: Option<Role>,
    /// Unit.
    pub unit_id: Option<i64>,
    /// Region.
    pub region_id: Option<i64>,
    /// Disabled flag.
    pub disabled: Option<bool>,
    /// New password.
    pub password: Option<String>,
    /// Clears failed logins and the lock.
    pub unlock: Option<bool>,
}

/// Changes role, scope, name, disabled flag, password; unlocks (administrators only).
pub async fn update_user(state: &AppState, user: &User, id: i64, p: UserPatch) -> ApiResult<User> {
    require_admin(user)?;
    let mut target = state
        .db
        .user(id)
        .await?
        .ok_or_else(|| ApiError::not_found("用户不存在"))?;
    if id == user.id && (p.disabled == Some(true) || p.role.is_some_and(|r| r != Role::Admin)) {
        return Err(ApiError::conflict(
            "self_lockout",
            "不能停用自己或取消自己的管理员角色",
        ));
    }
    if let Some(d) = &p.display_name {
        check_name("姓名", d, 64)?;
        target.display_name = d.clone();
    }
    if let Some(o) = &p.office {
        let o = o.trim();
        check_office(o)?;
        target.office = o.to_string();
    }
    if p.role.is_some() || p.unit_id.is_some() || p.region_id.is_some() {
        let role = p.role.unwrap_or(target.role);
        let unit = if role.is_unit_role() {
            p.unit_id.or(target.unit_id)
        } else {
            p.unit_id
        };
        let region = if role.is_unit_role() {
            None
        } else {
            p.region_id.or(target.region_id)
        };
        let (region_id, unit_id) = resolve_scope(&state.db, role, unit, region).await?;
        (target.role, target.region_id, target.unit_id) = (role, region_id, unit_id);
    }
    if let Some(d) = p.disabled {
        target.disabled = d;
    }
    let unlock = p.unlock == Some(true);
    let hash = match p.password {
        Some(pw) => {
            check_password_strength(&pw)?;
            Some(state.jobs.run(move || hash_password(&pw)).await??)
        }
        None => None,
    };
    let mut tx = state.db.begin_write().await?;
    tx.update_user(&target).await?;
    if unlock {
        tx.unlock_user(id).await?;
    }
    if let Some(h) = &hash {
        tx.set_password(id, h).await?;
    }
    let what = if hash.is_some() {
        "（含重设密码）"
    } else {
        ""
    };
    tx.audit(
        None,
        Some(user.id),
        "user.update",
        &format!("修改用户 {}{what}", target.username),
    )
    .await?;
    tx.commit().await?;
    // The user as stored now: a lock set by a failed login meanwhile is part of the answer.
    state
        .db
        .user(id)
        .await?
        .ok_or_else(|| ApiError::not_found("用户不存在"))
}
