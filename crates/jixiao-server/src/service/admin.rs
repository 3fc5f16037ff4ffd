//! Administration, split in three duties (三权分立, `docs/security.md`), plus the scoped unit
//! list every logged-in user may read:
//!
//! - the system administrator (系统管理员) keeps regions, units and the accounts of the business
//!   roles (name, office, unit or region, disabled) and creates them with a first password;
//! - the security administrator (安全管理员) changes roles, creates and keeps the administrator
//!   accounts, resets passwords, clears held-back logins and sets the security policy;
//! - the audit administrator (审计管理员) reads, exports and verifies the audit log.
//!
//! None of them sees form content.

use jixiao_storage::users::NewUser;
use jixiao_storage::{AuditEntry, Db, Region, Role, Unit, User};
use serde::Deserialize;

use crate::policy::SecurityPolicy;

use crate::access::{require_admin, require_audit_admin, require_security_admin};
use crate::auth::{check_new_password, hash_password};
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

/// 403 unless the user holds one of the three administrator roles.
fn require_administrator(user: &User) -> ApiResult<()> {
    if user.role.is_administrator() {
        Ok(())
    } else {
        Err(ApiError::forbidden("只有管理员可以进行此操作"))
    }
}

/// All regions (the administrators).
pub async fn regions(state: &AppState, user: &User) -> ApiResult<Vec<Region>> {
    require_administrator(user)?;
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
    /// The type of a unit (单位类型), optional.
    #[serde(default)]
    pub unit_type: Option<String>,
    /// The region above a new region (a city over its counties), optional.
    #[serde(default)]
    pub parent_id: Option<i64>,
}

/// A unit type as posted: trimmed, one of `jixiao_domain::library::UNIT_TYPES` or empty.
pub fn check_unit_type(t: &str) -> ApiResult<String> {
    let t = t.trim();
    if t.is_empty() || jixiao_domain::library::UNIT_TYPES.contains(&t) {
        Ok(t.to_string())
    } else {
        Err(ApiError::unprocessable(format!(
            "单位类型「{t}」无效：应为 {} 之一",
            jixiao_domain::library::UNIT_TYPES.join("、")
        )))
    }
}

/// Sets (or, with an empty type, clears) a unit's type.
pub async fn set_unit_type(
    state: &AppState,
    user: &User,
    unit_id: i64,
    unit_type: &str,
) -> ApiResult<Unit> {
    require_admin(user)?;
    let unit_type = check_unit_type(unit_type)?;
    let unit = state
        .db
        .unit(unit_id)
        .await?
        .ok_or_else(|| ApiError::not_found("单位不存在"))?;
    let mut tx = state.db.begin_write().await?;
    if !tx.set_unit_type(unit_id, &unit_type).await? {
        return Err(ApiError::not_found("单位不存在"));
    }
    let detail = if unit_type.is_empty() {
        format!("单位 {}：清除单位类型", unit.name)
    } else {
        format!("单位 {}：单位类型设为 {unit_type}", unit.name)
    };
    tx.audit(None, Some(user.id), "unit.update", &detail)
        .await?;
    tx.commit().await?;
    state
        .db
        .unit(unit_id)
        .await?
        .ok_or_else(|| ApiError::not_found("单位不存在"))
}

/// Creates a region.
pub async fn create_region(state: &AppState, user: &User, b: &NewNamed) -> ApiResult<Region> {
    require_admin(user)?;
    check_name("区划代码", &b.code, 32)?;
    check_name("区划名称", &b.name, 100)?;
    if b.unit_type.is_some() {
        return Err(ApiError::unprocessable(
            "区划没有单位类型（unit_type 只用于单位）",
        ));
    }
    let regions = state.db.regions().await?;
    let parent = match b.parent_id {
        None => None,
        Some(id) => Some(
            regions
                .iter()
                .find(|r| r.id == id)
                .ok_or_else(|| ApiError::unprocessable(format!("上级区划 {id} 不存在")))?,
        ),
    };
    let mut tx = state.db.begin_write().await?;
    let mut r = tx.create_region(&b.code, &b.name).await?;
    let mut detail = format!("新建区划 {}（{}）", r.name, r.code);
    if let Some(p) = parent {
        tx.set_region_parent(r.id, Some(p.id)).await?;
        r.parent_id = Some(p.id);
        detail.push_str(&format!("，上级区划 {}（{}）", p.name, p.code));
    }
    tx.audit(None, Some(user.id), "region.create", &detail)
        .await?;
    tx.commit().await?;
    Ok(r)
}

/// The two review settings of a region; `None` leaves a setting as it is.
#[derive(Debug, Clone, Copy, Default)]
pub struct RegionSettings {
    /// The unit approver signs a filler's submission off first (单位内部审核).
    pub unit_sign_off: Option<bool>,
    /// The department in charge reviews its units' forms before the finance bureau (主管部门审核).
    pub department_review: Option<bool>,
    /// The region above (`Some(None)`: at the top).
    pub parent_id: Option<Option<i64>>,
}

/// Changes a region's review settings: whether the unit approver signs a filler's submission
/// off (单位内部审核) and whether the department in charge reviews before the finance bureau.
pub async fn update_region(
    state: &AppState,
    user: &User,
    region_id: i64,
    settings: RegionSettings,
) -> ApiResult<Region> {
    require_admin(user)?;
    if settings.unit_sign_off.is_none()
        && settings.department_review.is_none()
        && settings.parent_id.is_none()
    {
        return Err(ApiError::unprocessable(
            "请至少给出一项设置：unit_sign_off、department_review 或 parent_id",
        ));
    }
    let regions = state.db.regions().await?;
    if !regions.iter().any(|r| r.id == region_id) {
        return Err(ApiError::not_found("区划不存在"));
    }
    let on_off = |on: bool| if on { "开启" } else { "关闭" };
    let mut changes = Vec::new();
    let parent_change = match settings.parent_id {
        None => None,
        Some(None) => {
            changes.push("不再有上级区划".to_string());
            Some(None)
        }
        Some(Some(p)) => {
            let parent = regions
                .iter()
                .find(|r| r.id == p)
                .ok_or_else(|| ApiError::unprocessable(format!("上级区划 {p} 不存在")))?;
            // The parent must not be the region itself or any region under it.
            if state.db.region_subtree(region_id).await?.contains(&p) {
                return Err(ApiError::unprocessable("上级区划不能是本区划或其下级区划"));
            }
            changes.push(format!("上级区划设为 {}（{}）", parent.name, parent.code));
            Some(Some(p))
        }
    };
    let mut tx = state.db.begin_write().await?;
    if let Some(parent) = parent_change {
        tx.set_region_parent(region_id, parent).await?;
    }
    if let Some(on) = settings.unit_sign_off {
        if !tx.set_region_sign_off(region_id, on).await? {
            return Err(ApiError::not_found("区划不存在"));
        }
        changes.push(format!("单位内部审核{}", on_off(on)));
    }
    if let Some(on) = settings.department_review {
        if !tx.set_region_department_review(region_id, on).await? {
            return Err(ApiError::not_found("区划不存在"));
        }
        changes.push(format!("主管部门审核{}", on_off(on)));
    }
    tx.audit(
        None,
        Some(user.id),
        "region.update",
        &format!("区划 {region_id}：{}", changes.join("，")),
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

/// Sets (`Some`) or clears (`None`) a unit's department in charge: another unit of the same
/// region that is not itself under a department (one level, no cycles).
pub async fn set_unit_department(
    state: &AppState,
    user: &User,
    unit_id: i64,
    department_id: Option<i64>,
) -> ApiResult<Unit> {
    require_admin(user)?;
    let unit = state
        .db
        .unit(unit_id)
        .await?
        .ok_or_else(|| ApiError::not_found("单位不存在"))?;
    let detail = match department_id {
        None => format!("单位 {}：不再设主管部门", unit.name),
        Some(d) => {
            if d == unit_id {
                return Err(ApiError::unprocessable("单位不能做自己的主管部门"));
            }
            let dept = state
                .db
                .unit(d)
                .await?
                .ok_or_else(|| ApiError::unprocessable("主管部门不存在"))?;
            if dept.region_id != unit.region_id {
                return Err(ApiError::unprocessable("主管部门须是同一区划的单位"));
            }
            if dept.department_id.is_some() {
                return Err(ApiError::unprocessable(format!(
                    "「{}」本身有主管部门，不能再做主管部门（只支持一级）",
                    dept.name
                )));
            }
            let under = state.db.units(Some(unit.region_id)).await?;
            if under.iter().any(|u| u.department_id == Some(unit_id)) {
                return Err(ApiError::unprocessable(format!(
                    "「{}」是其他单位的主管部门，不能再归属主管部门（只支持一级）",
                    unit.name
                )));
            }
            format!("单位 {}：主管部门设为 {}", unit.name, dept.name)
        }
    };
    let mut tx = state.db.begin_write().await?;
    if !tx.set_unit_department(unit_id, department_id).await? {
        return Err(ApiError::not_found("单位不存在"));
    }
    tx.audit(None, Some(user.id), "unit.update", &detail)
        .await?;
    tx.commit().await?;
    state
        .db
        .unit(unit_id)
        .await?
        .ok_or_else(|| ApiError::not_found("单位不存在"))
}

/// The units the user may see (own unit; the reviewer's region; all for the administrators,
/// optionally one region).
pub async fn units(state: &AppState, u: &User, region_id: Option<i64>) -> ApiResult<Vec<Unit>> {
    let units = match u.role {
        Role::Admin | Role::SecurityAdmin | Role::AuditAdmin => state.db.units(region_id).await?,
        Role::Reviewer => match u.region_id {
            Some(r) => state.db.units(Some(r)).await?,
            None => Vec::new(),
        },
        Role::Filler | Role::UnitApprover => match u.unit_id {
            Some(id) => state.db.unit(id).await?.into_iter().collect(),
            None => Vec::new(),
        },
        // The department's own unit and the units under it.
        Role::DepartmentReviewer => match (u.unit_id, u.region_id) {
            (Some(id), Some(region)) => state
                .db
                .units(Some(region))
                .await?
                .into_iter()
                .filter(|unit| unit.id == id || unit.department_id == Some(id))
                .collect(),
            _ => Vec::new(),
        },
    };
    Ok(units)
}

/// All units, optionally of one region (the administrators).
pub async fn admin_units(
    state: &AppState,
    user: &User,
    region_id: Option<i64>,
) -> ApiResult<Vec<Unit>> {
    require_administrator(user)?;
    Ok(state.db.units(region_id).await?)
}

/// Creates a unit.
pub async fn create_unit(state: &AppState, user: &User, b: &NewNamed) -> ApiResult<Unit> {
    require_admin(user)?;
    check_name("单位编码", &b.code, 64)?;
    check_name("单位名称", &b.name, 200)?;
    if b.parent_id.is_some() {
        return Err(ApiError::unprocessable(
            "单位没有上级区划（parent_id 只用于区划）",
        ));
    }
    let region_id = b
        .region_id
        .ok_or_else(|| ApiError::unprocessable("请指定所属区划（region_id）"))?;
    if !state.db.regions().await?.iter().any(|r| r.id == region_id) {
        return Err(ApiError::unprocessable("所属区划不存在"));
    }
    let unit_type = check_unit_type(b.unit_type.as_deref().unwrap_or(""))?;
    let mut tx = state.db.begin_write().await?;
    let mut unit = tx.create_unit(region_id, &b.code, &b.name).await?;
    if !unit_type.is_empty() {
        tx.set_unit_type(unit.id, &unit_type).await?;
        unit.unit_type = unit_type;
    }
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

/// The whole audit log (logins, users, units, forms, reports), newest last, at most `limit`
/// (default 1000) of the latest rows (the audit administrator). Reading it is audited too.
pub async fn audit(
    state: &AppState,
    user: &User,
    limit: Option<i64>,
    export: bool,
) -> ApiResult<Vec<AuditEntry>> {
    require_audit_admin(user)?;
    let rows = state.db.audit_latest(limit.unwrap_or(1000)).await?;
    if export {
        let mut tx = state.db.begin_write().await?;
        tx.audit(
            None,
            Some(user.id),
            "audit.export",
            &format!("导出操作日志 {} 条", rows.len()),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(rows)
}

/// Walks the audit log's hash chain (the audit administrator); the check itself is audited.
pub async fn verify_audit(
    state: &AppState,
    user: &User,
) -> ApiResult<jixiao_storage::AuditVerification> {
    require_audit_admin(user)?;
    let v = state.db.verify_audit().await?;
    let mut tx = state.db.begin_write().await?;
    let detail = match &v.broken {
        None => format!("校验操作日志：{} 条链式记录完整", v.checked),
        Some(b) => format!(
            "校验操作日志：第 {} 条（序号）起链条断开：{}",
            b.seq, b.reason
        ),
    };
    tx.audit(None, Some(user.id), "audit.verify", &detail)
        .await?;
    tx.commit().await?;
    Ok(v)
}

/// All users (the system and the security administrator).
pub async fn users(state: &AppState, user: &User) -> ApiResult<Vec<User>> {
    if !matches!(user.role, Role::Admin | Role::SecurityAdmin) {
        return Err(ApiError::forbidden(
            "只有系统管理员或安全管理员可以查看用户",
        ));
    }
    Ok(state.db.users(None).await?)
}

/// The security policy in force (the security administrator).
pub async fn security_policy(state: &AppState, user: &User) -> ApiResult<SecurityPolicy> {
    require_security_admin(user)?;
    crate::policy::stored(&state.db).await
}

/// Sets the security policy (the security administrator); audited with the old and new
/// values of what changed.
pub async fn set_security_policy(
    state: &AppState,
    user: &User,
    new: SecurityPolicy,
) -> ApiResult<SecurityPolicy> {
    require_security_admin(user)?;
    new.check()?;
    let old = crate::policy::stored(&state.db).await?;
    let (a, b) = (serde_json::to_value(&old), serde_json::to_value(&new));
    let changes: Vec<String> = match (a, b) {
        (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) => b
            .iter()
            .filter(|(k, v)| a.get(*k) != Some(*v))
            .map(|(k, v)| format!("{k}: {} → {v}", a.get(k).cloned().unwrap_or_default()))
            .collect(),
        _ => Vec::new(),
    };
    let json = serde_json::to_string(&new).map_err(ApiError::internal)?;
    let mut tx = state.db.begin_write().await?;
    tx.set_setting(crate::policy::KEY, &json, Some(user.id))
        .await?;
    tx.audit(
        None,
        Some(user.id),
        "policy.update",
        &format!(
            "修改安全策略：{}",
            if changes.is_empty() {
                "无变化".to_string()
            } else {
                changes.join("；")
            }
        ),
    )
    .await?;
    tx.commit().await?;
    state.policy.forget();
    Ok(new)
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
/// unit's), reviewers need a region, the system administrator may have a region, the security
/// and audit administrators have neither.
pub async fn resolve_scope(
    db: &Db,
    role: Role,
    unit_id: Option<i64>,
    region_id: Option<i64>,
) -> ApiResult<(Option<i64>, Option<i64>)> {
    match role {
        Role::Filler | Role::UnitApprover | Role::DepartmentReviewer => {
            let id = unit_id.ok_or_else(|| {
                ApiError::unprocessable("填报人、单位审核人和主管部门审核人须指定所属单位")
            })?;
            let unit = db
                .unit(id)
                .await?
                .ok_or_else(|| ApiError::unprocessable("所属单位不存在"))?;
            Ok((Some(unit.region_id), Some(unit.id)))
        }
        Role::SecurityAdmin | Role::AuditAdmin => {
            if unit_id.is_some() || region_id.is_some() {
                return Err(ApiError::unprocessable(
                    "安全管理员和审计管理员不属于单位或区划，请不要指定 unit_id 或 region_id",
                ));
            }
            Ok((None, None))
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

/// Creates a user (checks name, the password against the policy and scope; hashes the
/// password; audits). `must_change`: someone else chose the password, so the user changes it
/// at first login (the web's new accounts; not the command line's, run by the operator).
pub async fn create_user_in(
    db: &Db,
    input: &NewUserInput,
    actor: Option<i64>,
    must_change: bool,
) -> ApiResult<User> {
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
    crate::policy::stored(db)
        .await?
        .check_password(&input.password)?;
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
            must_change_password: must_change,
        })
        .await?;
    tx.audit(
        None,
        actor,
        "user.create",
        &format!(
            "新建用户 {}（{}{}）",
            user.username,
            user.role.label(),
            scope_text(db, region_id, unit_id).await?
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

/// Sets a user's password from the command line (checks the policy; ends their sessions;
/// audits). The operator chose it for the user, who is not asked to change it.
pub async fn set_password_in(
    db: &Db,
    user_id: i64,
    password: &str,
    actor: Option<i64>,
) -> ApiResult<()> {
    crate::policy::stored(db).await?.check_password(password)?;
    let pw = password.to_string();
    let hash = tokio::task::spawn_blocking(move || hash_password(&pw))
        .await
        .map_err(ApiError::internal)??;
    let mut tx = db.begin_write().await?;
    if !tx.set_password(user_id, &hash, false).await? {
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

/// Creates a user with a first password they must change at first login: the system
/// administrator creates the business roles, the security administrator the administrators.
pub async fn create_user(state: &AppState, user: &User, b: &NewUserInput) -> ApiResult<User> {
    match user.role {
        Role::Admin if !b.role.is_administrator() => {}
        Role::Admin => {
            return Err(ApiError::forbidden(
                "管理员账号由安全管理员创建；系统管理员只能创建填报人、单位审核人和财政审核人",
            ));
        }
        Role::SecurityAdmin if b.role.is_administrator() => {}
        Role::SecurityAdmin => {
            return Err(ApiError::forbidden(
                "业务账号由系统管理员创建；安全管理员只能创建管理员账号",
            ));
        }
        _ => {
            return Err(ApiError::forbidden(
                "只有系统管理员或安全管理员可以新建用户",
            ));
        }
    }
    create_user_in(&state.db, b, Some(user.id), true).await
}

/// `（阳新县兴国镇人民政府）`-like text of a scope for audit rows.
async fn scope_text(db: &Db, region_id: Option<i64>, unit_id: Option<i64>) -> ApiResult<String> {
    if let Some(id) = unit_id {
        let name = db.unit(id).await?.map(|u| u.name).unwrap_or_default();
        return Ok(format!("，单位 {name}"));
    }
    if let Some(id) = region_id {
        let name = db
            .regions()
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .map(|r| r.name)
            .unwrap_or_default();
        return Ok(format!("，区划 {name}"));
    }
    Ok(String::new())
}

/// Who may change what of a user (三权分立): the security administrator changes roles,
/// passwords and held-back logins, and everything of an administrator account; the system
/// administrator changes the name, office, scope and disabled flag of a business account.
fn may_patch(actor: &User, target: &User, p: &UserPatch) -> ApiResult<()> {
    let security_only =
        p.role.is_some_and(|r| r != target.role) || p.password.is_some() || p.unlock == Some(true);
    match actor.role {
        Role::SecurityAdmin => Ok(()),
        Role::Admin if target.role.is_administrator() && target.id != actor.id => {
            Err(ApiError::forbidden("管理员账号由安全管理员维护"))
        }
        Role::Admin if security_only => Err(ApiError::forbidden(
            "更改角色、重设密码和解除登录限制由安全管理员办理",
        )),
        Role::Admin => Ok(()),
        _ => Err(ApiError::forbidden(
            "只有系统管理员或安全管理员可以修改用户",
        )),
    }
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

/// Changes role, scope, name, disabled flag, password; clears held-back logins, as
/// [`may_patch`] allows. Audited with the old and new role and scope.
pub async fn update_user(state: &AppState, user: &User, id: i64, p: UserPatch) -> ApiResult<User> {
    let mut target = state
        .db
        .user(id)
        .await?
        .ok_or_else(|| ApiError::not_found("用户不存在"))?;
    may_patch(user, &target, &p)?;
    if id == user.id && (p.disabled == Some(true) || p.role.is_some_and(|r| r != user.role)) {
        return Err(ApiError::conflict(
            "self_lockout",
            "不能停用自己或更改自己的角色",
        ));
    }
    let before = (
        target.role,
        scope_text(&state.db, target.region_id, target.unit_id).await?,
        target.disabled,
    );
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
            check_new_password(state, Some(id), &pw).await?;
            Some(state.jobs.run(move || hash_password(&pw)).await??)
        }
        None => None,
    };
    let after_scope = scope_text(&state.db, target.region_id, target.unit_id).await?;
    let mut changes = Vec::new();
    if before.0 != target.role {
        changes.push(format!(
            "角色 {} → {}",
            before.0.label(),
            target.role.label()
        ));
    }
    if before.1 != after_scope {
        let none = |s: &str| {
            if s.is_empty() {
                "无".to_string()
            } else {
                s.trim_start_matches('，').to_string()
            }
        };
        changes.push(format!("范围 {} → {}", none(&before.1), none(&after_scope)));
    }
    if before.2 != target.disabled {
        changes.push(if target.disabled {
            "停用".into()
        } else {
            "启用".into()
        });
    }
    if unlock {
        changes.push("解除登录限制".into());
    }
    if hash.is_some() {
        changes.push("重设密码（须本人修改后使用）".into());
    }
    let mut tx = state.db.begin_write().await?;
    tx.update_user(&target).await?;
    if unlock {
        tx.unlock_user(id).await?;
        tx.clear_login_failures(&target.username).await?;
    }
    if let Some(h) = &hash {
        tx.set_password(id, h, true).await?;
    }
    let what = if changes.is_empty() {
        String::new()
    } else {
        format!("：{}", changes.join("；"))
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
