//! Administration: regions, units and users (administrators only), plus the scoped unit list
//! every logged-in user may read. The work is in [`crate::service::admin`].

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::session::user_json;
use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::json::{ApiJson, ApiPath, ApiQuery};
use crate::service::admin as service;
pub use crate::service::admin::{
    NewNamed, NewUserInput, UserPatch, create_user_in, resolve_scope, set_password_in,
};
use crate::state::AppState;

/// `GET /api/admin/regions`.
pub async fn regions(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Value>> {
    Ok(Json(json!(service::regions(&state, &user.user).await?)))
}

/// `POST /api/admin/regions`.
pub async fn create_region(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<NewNamed>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let r = service::create_region(&state, &user.user, &b).await?;
    Ok((StatusCode::CREATED, Json(json!(r))))
}

/// Body of `PATCH /api/admin/regions/{id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionPatch {
    unit_sign_off: Option<bool>,
    department_review: Option<bool>,
    /// The region above; `null` puts the region at the top; absent leaves it.
    #[serde(default, deserialize_with = "present")]
    parent_id: Option<Option<i64>>,
}

/// `PATCH /api/admin/regions/{id}`: whether the region asks for internal sign-off and for the
/// department in charge's review.
pub async fn update_region(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RegionPatch>,
) -> ApiResult<Json<Value>> {
    let settings = service::RegionSettings {
        unit_sign_off: b.unit_sign_off,
        department_review: b.department_review,
        parent_id: b.parent_id,
    };
    let r = service::update_region(&state, &user.user, id, settings).await?;
    Ok(Json(json!(r)))
}

/// Query of the unit lists.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitQuery {
    region_id: Option<i64>,
}

/// `GET /api/units`: the units the user may see (own unit; the reviewer's region; all for
/// administrators, optionally one region).
pub async fn units(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<UnitQuery>,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!(
        service::units(&state, &user.user, q.region_id).await?
    )))
}

/// `GET /api/admin/units?region_id=`: all units (administrators only).
pub async fn admin_units(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<UnitQuery>,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!(
        service::admin_units(&state, &user.user, q.region_id).await?
    )))
}

/// `POST /api/admin/units`.
pub async fn create_unit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<NewNamed>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let unit = service::create_unit(&state, &user.user, &b).await?;
    Ok((StatusCode::CREATED, Json(json!(unit))))
}

/// Body of `PATCH /api/admin/units/{id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitPatch {
    /// The department in charge; `null` clears it; absent leaves it.
    #[serde(default, deserialize_with = "present")]
    department_id: Option<Option<i64>>,
    /// The unit type (单位类型); empty clears it; absent leaves it.
    #[serde(default)]
    unit_type: Option<String>,
}

/// A field that is present (even as `null`): `Some(value)`.
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

/// `PATCH /api/admin/units/{id}`: sets or clears the unit's department in charge and its type.
pub async fn update_unit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<UnitPatch>,
) -> ApiResult<Json<Value>> {
    // Rights first: a refused caller learns nothing about the body.
    crate::access::require_admin(&user.user)?;
    if b.department_id.is_none() && b.unit_type.is_none() {
        return Err(crate::error::ApiError::unprocessable(
            "请给出要修改的字段：department_id 或 unit_type",
        ));
    }
    // Both checked before either is written.
    if let Some(t) = &b.unit_type {
        service::check_unit_type(t)?;
    }
    let mut unit = None;
    if let Some(d) = b.department_id {
        unit = Some(service::set_unit_department(&state, &user.user, id, d).await?);
    }
    if let Some(t) = &b.unit_type {
        unit = Some(service::set_unit_type(&state, &user.user, id, t).await?);
    }
    Ok(Json(json!(unit)))
}

/// Query of the audit log.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    limit: Option<i64>,
}

/// `GET /api/admin/audit?limit=`: the whole audit log (logins, users, units, forms, reports),
/// newest last, at most `limit` (default 1000) of the latest rows (the audit administrator).
pub async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Value>> {
    let rows = service::audit(&state, &user.user, q.limit, false).await?;
    let list: Vec<Value> = rows
        .iter()
        .map(|a| {
            json!({"id": a.id, "at": jixiao_storage::format_time(a.at), "user": a.username,
                   "form_id": a.form_id, "report_id": a.report_id, "action": a.action,
                   "detail": a.detail, "address": a.address, "user_agent": a.user_agent,
                   "outcome": a.outcome})
        })
        .collect();
    Ok(Json(json!(list)))
}

/// `GET /api/admin/audit.csv?limit=`: the audit log as CSV (UTF-8 with BOM, for Excel), for
/// the audit administrator's archive; the export is itself audited.
pub async fn audit_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let rows = service::audit(&state, &user.user, q.limit.or(Some(10_000)), true).await?;
    let mut out = String::from(
        "\u{feff}编号,时间,操作人,操作,结果,申报表,监控或自评表,客户端地址,浏览器,说明\r\n",
    );
    for a in &rows {
        let cells = [
            a.id.to_string(),
            jixiao_storage::format_time(a.at),
            a.username.clone().unwrap_or_default(),
            a.action.clone(),
            a.outcome.clone(),
            a.form_id.map(|i| i.to_string()).unwrap_or_default(),
            a.report_id.map(|i| i.to_string()).unwrap_or_default(),
            a.address.clone(),
            a.user_agent.clone(),
            a.detail.clone(),
        ];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

/// A CSV cell: quoted when needed, and a leading `= + - @` made inert (formula injection).
fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// `GET /api/admin/audit/verify`: walks the audit log's hash chain; `broken` names the first
/// row that breaks it (the audit administrator).
pub async fn verify_audit(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!(
        service::verify_audit(&state, &user.user).await?
    )))
}

/// `GET /api/admin/security-policy`: the password and session rules (the security
/// administrator).
pub async fn security_policy(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!(
        service::security_policy(&state, &user.user).await?
    )))
}

/// `PUT /api/admin/security-policy`: sets the password and session rules (the security
/// administrator); every field, checked against its bounds.
pub async fn set_security_policy(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<crate::policy::SecurityPolicy>,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!(
        service::set_security_policy(&state, &user.user, b).await?
    )))
}

/// `GET /api/admin/users`.
pub async fn users(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Value>> {
    let list: Vec<Value> = service::users(&state, &user.user)
        .await?
        .iter()
        .map(user_json)
        .collect();
    Ok(Json(json!(list)))
}

/// `POST /api/admin/users`.
pub async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(b): ApiJson<NewUserInput>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let created = service::create_user(&state, &user.user, &b).await?;
    Ok((StatusCode::CREATED, Json(user_json(&created))))
}

/// `PATCH /api/admin/users/{id}`: change role, scope, name, disabled flag, password; unlock.
pub async fn update_user(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(p): ApiJson<UserPatch>,
) -> ApiResult<Json<Value>> {
    let target = service::update_user(&state, &user.user, id, p).await?;
    Ok(Json(user_json(&target)))
}
