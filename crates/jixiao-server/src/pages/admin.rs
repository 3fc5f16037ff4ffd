//! The administrator's posts: new regions, units and users; unlocking a user. Each calls the
//! admin service, as `/api/admin` does; a refusal shows the admin page again with the reason
//! and the service's status.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use jixiao_domain::Role;
use jixiao_web::{
    AdminAuditView, AdminUserView, AuditLine, Refused, render_admin_audit, render_admin_user,
};

use super::home::admin_home;
use super::{Fields, Id, OrPage, PagePost, PageResult, PageUser, redirect_with_flash};
use crate::error::{ApiError, ApiResult};
use crate::service::admin::{self, NewNamed, NewUserInput, UserPatch};
use crate::state::AppState;

/// The end of an administrator's post: back to the list with a message, or the page again
/// with what was typed (never a password) and the reason next to its field.
async fn done(
    state: &AppState,
    p: &PageUser,
    result: Result<(), ApiError>,
    to: &str,
    ok: &str,
    form: &str,
    fields: &Fields,
) -> PageResult {
    match result {
        Ok(()) => Ok(redirect_with_flash(to, ok)),
        Err(e) if e.status.is_client_error() && e.status.as_u16() != 403 => {
            let refused = refused(form, fields, e.message);
            admin_home(state, p, e.status, None, Some(refused)).await
        }
        Err(e) => Err(p.err(e)),
    }
}

/// A refused post as the page shows it again: the typed values (without passwords and the
/// CSRF token) and the field the message speaks of.
fn refused(form: &str, fields: &Fields, message: String) -> Refused {
    let values = fields
        .0
        .iter()
        .filter(|(n, _)| n != "password" && n != "_csrf")
        .cloned()
        .collect();
    Refused {
        form: form.to_string(),
        values,
        field: field_of(&message).map(str::to_string),
        message,
    }
}

/// The field an admin service's message is about, by the name it uses for it.
fn field_of(message: &str) -> Option<&'static str> {
    const NAMES: &[(&str, &str)] = &[
        ("用户名", "username"),
        ("密码", "password"),
        ("姓名", "display_name"),
        ("科室", "office"),
        ("单位名称", "name"),
        ("区划名称", "name"),
        ("区划代码", "code"),
        ("所属单位", "unit_id"),
        ("所属区划", "region_id"),
        ("角色", "role"),
    ];
    NAMES
        .iter()
        .find(|(word, _)| message.contains(word))
        .map(|(_, field)| *field)
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

/// When the page derived the code from the name (the admin typed no code), a duplicate code is
/// a duplicate name: say it in the words of what was typed.
fn derived_code(e: ApiError, fields: &Fields, code_word: &str, what: &str) -> ApiError {
    let typed_code = !fields.get("code").unwrap_or("").trim().is_empty();
    if !typed_code && e.message.contains(code_word) && e.message.contains("已存在") {
        let name = fields.get("name").unwrap_or("").trim();
        ApiError::new(
            e.status,
            e.code,
            format!("同名{what}「{name}」已存在，请检查名称"),
        )
    } else {
        e
    }
}

fn named(fields: &Fields) -> NewNamed {
    NewNamed {
        code: code_or_name(fields),
        name: fields.get("name").unwrap_or("").to_string(),
        region_id: fields.int("region_id"),
        unit_type: fields
            .get("unit_type")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string),
        parent_id: fields.int("parent_id"),
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
        .map(|_| ())
        .map_err(|e| derived_code(e, &fields, "区划代码", "区划"));
    done(
        &state,
        &p,
        result,
        "/#regions",
        "已新建区划",
        "regions",
        &fields,
    )
    .await
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
        .map(|_| ())
        .map_err(|e| derived_code(e, &fields, "单位编码", "单位"));
    done(
        &state,
        &p,
        result,
        "/#units",
        "已新建单位",
        "units",
        &fields,
    )
    .await
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
    done(
        &state,
        &p,
        result,
        "/#users",
        "已新建用户",
        "users",
        &fields,
    )
    .await
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
    done(&state, &p, result, "/#users", "已解锁", "users", &fields).await
}

/// `POST /admin/security-policy`: the security administrator's policy form.
pub(crate) async fn security_policy(
    State(state): State<AppState>,
    post: PagePost,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let d = crate::policy::SecurityPolicy::default();
    let num = |k: &str, default: u32| -> ApiResult<u32> {
        match fields.get(k).map(str::trim) {
            None | Some("") => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| ApiError::unprocessable(format!("「{v}」不是整数"))),
        }
    };
    let result = async {
        let policy = crate::policy::SecurityPolicy {
            min_length: num("min_length", d.min_length)?,
            char_classes: num("char_classes", d.char_classes)?,
            history: num("history", d.history)?,
            max_age_days: num("max_age_days", d.max_age_days)?,
            idle_minutes: num("idle_minutes", d.idle_minutes)?,
            session_hours: num("session_hours", d.session_hours)?,
            single_session: fields.get("single_session") == Some("1"),
            free_failures: num("free_failures", d.free_failures)?,
            max_hold_minutes: num("max_hold_minutes", d.max_hold_minutes)?,
            audit_retention_days: num("audit_retention_days", d.audit_retention_days)?,
        };
        admin::set_security_policy(&state, &p.cu.user, policy)
            .await
            .map(|_| ())
    }
    .await;
    done(
        &state,
        &p,
        result,
        "/#policy",
        "安全策略已保存",
        "policy",
        &fields,
    )
    .await
}

/// `POST /admin/regions/{id}/sign-off` (`on` = 1 or 0): internal sign-off for the region.
pub(crate) async fn region_sign_off(
    State(state): State<AppState>,
    post: PagePost,
    Id(id): Id,
    fields: Fields,
) -> PageResult {
    region_switch(&state, post, id, &fields, RegionSwitch::SignOff).await
}

/// `POST /admin/regions/{id}/department-review` (`on` = 1 or 0): two review levels for the
/// region (unit → department in charge → finance bureau).
pub(crate) async fn region_department_review(
    State(state): State<AppState>,
    post: PagePost,
    Id(id): Id,
    fields: Fields,
) -> PageResult {
    region_switch(&state, post, id, &fields, RegionSwitch::DepartmentReview).await
}

/// The two switches of a region on the administrator's home page.
#[derive(Debug, Clone, Copy)]
enum RegionSwitch {
    SignOff,
    DepartmentReview,
}

async fn region_switch(
    state: &AppState,
    post: PagePost,
    id: i64,
    fields: &Fields,
    switch: RegionSwitch,
) -> PageResult {
    let p = post.check(state, fields).await?;
    let on = fields.get("on") == Some("1");
    let (settings, ok) = match switch {
        RegionSwitch::SignOff => (
            admin::RegionSettings {
                unit_sign_off: Some(on),
                ..Default::default()
            },
            if on {
                "已开启单位内部审核：填报人提交后须经单位审核人签批"
            } else {
                "已关闭单位内部审核"
            },
        ),
        RegionSwitch::DepartmentReview => (
            admin::RegionSettings {
                department_review: Some(on),
                ..Default::default()
            },
            if on {
                "已开启主管部门审核：设有主管部门的单位报送后先由主管部门审核"
            } else {
                "已关闭主管部门审核"
            },
        ),
    };
    let result = admin::update_region(state, &p.cu.user, id, settings)
        .await
        .map(|_| ());
    done(state, &p, result, "/#regions", ok, "regions", fields).await
}

/// An id chosen in a select whose empty option means none: `Ok(None)` for empty, 422 with
/// `refusal` for anything but a number.
fn optional_id(fields: &Fields, name: &str, refusal: &str) -> Result<Option<i64>, ApiError> {
    match fields.get(name).unwrap_or("").trim() {
        "" => Ok(None),
        v => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| ApiError::unprocessable(refusal)),
    }
}

/// `POST /admin/regions/{id}/parent` (`parent_id`, empty for none): the region above, whose
/// finance reviewers read this region's forms in their summary.
pub(crate) async fn region_parent(
    State(state): State<AppState>,
    post: PagePost,
    Id(id): Id,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let result = match optional_id(&fields, "parent_id", "上级区划无效") {
        Ok(parent) => {
            let settings = admin::RegionSettings {
                parent_id: Some(parent),
                ..Default::default()
            };
            admin::update_region(&state, &p.cu.user, id, settings)
                .await
                .map(|_| ())
        }
        Err(e) => Err(e),
    };
    done(
        &state,
        &p,
        result,
        "/#regions",
        "已保存上级区划",
        "regions",
        &fields,
    )
    .await
}

/// `POST /admin/units/{id}/department` (`department_id`, empty for none): the unit's
/// department in charge.
pub(crate) async fn unit_department(
    State(state): State<AppState>,
    post: PagePost,
    Id(id): Id,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let result = match optional_id(&fields, "department_id", "主管部门无效") {
        Ok(d) => admin::set_unit_department(&state, &p.cu.user, id, d)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    done(
        &state,
        &p,
        result,
        "/#units",
        "已保存主管部门",
        "units",
        &fields,
    )
    .await
}

/// `POST /admin/units/{id}/type` (`unit_type`, empty for none): the unit's type.
pub(crate) async fn unit_type(
    State(state): State<AppState>,
    post: PagePost,
    Id(id): Id,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let result = admin::set_unit_type(
        &state,
        &p.cu.user,
        id,
        fields.get("unit_type").unwrap_or(""),
    )
    .await
    .map(|_| ());
    done(
        &state,
        &p,
        result,
        "/#units",
        "已保存单位类型",
        "units",
        &fields,
    )
    .await
}

/// The user edit page, with a refused edit shown again.
async fn user_page(
    state: &AppState,
    p: &PageUser,
    id: i64,
    status: StatusCode,
    refused: Option<Refused>,
) -> PageResult {
    let (regions, units, users) = super::home::admin_lists(state, p).await?;
    let user = users
        .into_iter()
        .find(|u| u.id == id)
        .ok_or_else(|| p.err(ApiError::not_found("用户不存在")))?;
    let view = AdminUserView {
        chrome: p.chrome(None),
        user,
        regions,
        units,
        refused,
    };
    Ok(p.page(status, render_admin_user(&view)))
}

/// `GET /admin/users/{id}`.
pub(crate) async fn edit_user_page(
    State(state): State<AppState>,
    p: PageUser,
    Id(id): Id,
) -> PageResult {
    user_page(&state, &p, id, StatusCode::OK, None).await
}

/// `POST /admin/users/{id}`: name, office, role and scope, disabled, unlock, a new password.
pub(crate) async fn edit_user(
    State(state): State<AppState>,
    post: PagePost,
    Id(id): Id,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let text = |k: &str| fields.get(k).map(str::trim).unwrap_or("").to_string();
    let role = match Role::parse(&text("role")) {
        Some(r) => r,
        None => {
            let e = ApiError::unprocessable(format!("未知角色「{}」", text("role")));
            let refused = refused("user", &fields, e.message);
            return user_page(&state, &p, id, e.status, Some(refused)).await;
        }
    };
    let password = fields
        .get("password")
        .filter(|pw| !pw.is_empty())
        .map(str::to_string);
    let patch = UserPatch {
        display_name: Some(text("display_name")),
        office: Some(text("office")),
        role: Some(role),
        unit_id: if role.is_unit_role() {
            fields.int("unit_id")
        } else {
            None
        },
        region_id: if role.is_unit_role() {
            None
        } else {
            fields.int("region_id")
        },
        disabled: Some(fields.get("disabled") == Some("1")),
        password,
        unlock: Some(fields.get("unlock") == Some("1")),
    };
    match admin::update_user(&state, &p.cu.user, id, patch).await {
        Ok(u) => Ok(redirect_with_flash(
            "/#users",
            &format!("已保存用户 {} 的修改", u.username),
        )),
        Err(e)
            if e.status.is_client_error()
                && e.status != StatusCode::FORBIDDEN
                && e.status != StatusCode::NOT_FOUND =>
        {
            let refused = refused("user", &fields, e.message);
            user_page(&state, &p, id, e.status, Some(refused)).await
        }
        Err(e) => Err(p.err(e)),
    }
}

/// `GET /admin/audit?limit=&verify=1`: the newest rows of the whole audit log (the audit
/// administrator), and with `verify=1` the result of walking its hash chain.
pub(crate) async fn audit_page(
    State(state): State<AppState>,
    p: PageUser,
    query: Result<
        axum::extract::Query<Vec<(String, String)>>,
        axum::extract::rejection::QueryRejection,
    >,
) -> PageResult {
    let limit = query
        .as_ref()
        .ok()
        .and_then(|q| q.0.iter().find(|(k, _)| k == "limit").cloned())
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .unwrap_or(500)
        .clamp(1, 10_000);
    let verify = query
        .as_ref()
        .ok()
        .is_some_and(|q| q.0.iter().any(|(k, v)| k == "verify" && v == "1"));
    let flash = if verify {
        let v = admin::verify_audit(&state, &p.cu.user).await.page(&p)?;
        Some(match v.broken {
            None => format!(
                "哈希链完整：已校验 {} 条记录{}",
                v.checked,
                if v.unchained > 0 {
                    format!("（另有 {} 条为启用哈希链之前的记录）", v.unchained)
                } else {
                    String::new()
                }
            ),
            Some(b) => format!(
                "哈希链断开：序号 {}{}：{}",
                b.seq,
                b.id.map(|i| format!("（记录编号 {i}）"))
                    .unwrap_or_default(),
                b.reason
            ),
        })
    } else {
        None
    };
    let mut rows: Vec<AuditLine> = admin::audit(&state, &p.cu.user, Some(limit), false)
        .await
        .page(&p)?
        .into_iter()
        .map(|a| AuditLine {
            at: super::people_time(a.at),
            user: a.person.or(a.username).unwrap_or_else(|| "系统".into()),
            action: a.action,
            form_id: a.form_id,
            detail: a.detail,
            address: a.address,
            outcome: a.outcome,
        })
        .collect();
    rows.reverse();
    let view = AdminAuditView {
        chrome: p.chrome(flash),
        rows,
        limit,
    };
    Ok(p.page(StatusCode::OK, render_admin_audit(&view)))
}
