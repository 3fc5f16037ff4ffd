//! Forms: list and search, create (blank, last year's, uploaded), read, save (versioned, with
//! optimistic concurrency).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jixiao_domain::form::FiscalYear;
use jixiao_domain::{Finding, Form, Severity};
use jixiao_storage::forms::{NewForm, VersionData};
use jixiao_storage::saves::{SaveOutcome, SaveRequest};
use jixiao_storage::{FormRow, ListFilter, Role, format_time};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::access::{mask_phone, require_status, require_unit_member, status_label, visible};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::json::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use jixiao_domain::rollover::{blank_form, roll_forward};

/// Validates a form against its template; 422 when the template is unknown.
pub(crate) fn findings_of(state: &AppState, form: &Form) -> ApiResult<Vec<Finding>> {
    let template = state
        .templates
        .get(&form.template.id, Some(form.template.version))
        .map_err(|e| ApiError::unprocessable(e.to_string()))?;
    Ok((state.validator)(form, template))
}

/// (errors, warnings) of a list of findings.
pub(crate) fn counts(findings: &[Finding]) -> (i64, i64) {
    let n = |s| findings.iter().filter(|f| f.severity == s).count() as i64;
    (n(Severity::Error), n(Severity::Warning))
}

/// Parses stored form JSON; a failure is a server fault.
pub(crate) fn parse_stored(text: &str) -> ApiResult<Form> {
    serde_json::from_str(text)
        .map_err(|e| ApiError::internal(format!("stored form does not parse: {e}")))
}

/// The form as a user may see it: phone numbers masked outside the unit.
pub(crate) fn for_viewer(user: &CurrentUser, mut form: Form) -> Form {
    if !user.user.role.is_unit_role()
        && let Some(p) = form.header.phone.as_mut()
    {
        *p = mask_phone(p);
    }
    form
}

/// The summary of a form row in lists.
pub(crate) fn summary(f: &FormRow) -> Value {
    json!({
        "id": f.id,
        "region_id": f.region_id,
        "unit_id": f.unit_id,
        "unit_name": f.unit_name,
        "fiscal_year": f.fiscal_year,
        "template_id": f.template_id,
        "status": f.status,
        "status_label": status_label(&f.status),
        "version": f.version,
        "approved_version": f.approved_version,
        "income_total": f.income_total,
        "expenditure_total": f.expenditure_total,
        "errors": f.errors,
        "warnings": f.warnings,
        "updated_at": format_time(f.updated_at),
    })
}

/// Query of `GET /api/forms`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    year: Option<i64>,
    status: Option<String>,
    unit_id: Option<i64>,
    q: Option<String>,
    limit: Option<i64>,
}

/// `GET /api/forms`: the forms in the user's scope, newest change first.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Vec<Value>>> {
    let u = &user.user;
    let mut filter = ListFilter {
        region_id: None,
        unit_id: q.unit_id,
        fiscal_year: q.year,
        status: q.status.filter(|s| !s.is_empty()),
        q: q.q
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().chars().take(100).collect()),
        limit: q.limit.unwrap_or(500),
    };
    match u.role {
        Role::Admin => {}
        Role::Reviewer => filter.region_id = Some(u.region_id.ok_or_else(no_scope)?),
        Role::Filler | Role::UnitApprover => {
            let own = u.unit_id.ok_or_else(no_scope)?;
            if filter.unit_id.is_some_and(|id| id != own) {
                return Ok(Json(Vec::new()));
            }
            filter.unit_id = Some(own);
        }
    }
    let rows = state.db.list_forms(&filter).await?;
    Ok(Json(rows.iter().map(summary).collect()))
}

fn no_scope() -> ApiError {
    ApiError::forbidden("账号未分配单位或区划，请联系管理员")
}

/// Body of `POST /api/forms`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    form: Option<Form>,
    template_id: Option<String>,
    fiscal_year: Option<i64>,
    from: Option<String>,
    unit_id: Option<i64>,
}

/// `POST /api/forms`: a new form for the user's unit (administrators name the unit).
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<CreateBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let u = &user.user;
    let unit_id = match u.role {
        Role::Filler | Role::UnitApprover => {
            let own = u.unit_id.ok_or_else(no_scope)?;
            if body.unit_id.is_some_and(|id| id != own) {
                return Err(ApiError::forbidden("只能为本单位新建申报表"));
            }
            own
        }
        Role::Admin => body
            .unit_id
            .ok_or_else(|| ApiError::unprocessable("管理员新建申报表须指定单位（unit_id）"))?,
        Role::Reviewer => return Err(ApiError::forbidden("财政审核人不能新建申报表")),
    };
    let unit = state
        .db
        .unit(unit_id)
        .await?
        .ok_or_else(|| ApiError::not_found("单位不存在"))?;
    let (form, source) = match (body.form, body.from.as_deref()) {
        (Some(form), None) => (form, "上传"),
        (Some(_), Some(_)) => return Err(ApiError::unprocessable("form 与 from 不能同时给出")),
        (None, from) => {
            let year = body
                .fiscal_year
                .ok_or_else(|| ApiError::unprocessable("请指定年度（fiscal_year）"))?;
            let year = FiscalYear::new(year).map_err(ApiError::unprocessable)?;
            match from.unwrap_or("blank") {
                "blank" => {
                    let id = body.template_id.as_deref().unwrap_or("hubei-dept-2026");
                    let t = state
                        .templates
                        .get(id, None)
                        .map_err(|e| ApiError::unprocessable(e.to_string()))?;
                    (blank_form(t, year, &unit.name), "空白")
                }
                "last_year" => {
                    let prev = year.minus(1).get() as i64;
                    let (old_id, v) =
                        state
                            .db
                            .approved_form_of(unit.id, prev)
                            .await?
                            .ok_or_else(|| {
                                ApiError::not_found(format!(
                                    "未找到本单位 {prev} 年度已批复的申报表，无法结转"
                                ))
                            })?;
                    let old = state
                        .db
                        .version_json(old_id, v)
                        .await?
                        .ok_or_else(|| ApiError::internal("approved version missing"))?;
                    (roll_forward(&parse_stored(&old)?), "上年结转")
                }
                other => {
                    return Err(ApiError::unprocessable(format!(
                        "未知的来源「{other}」（应为 blank 或 last_year）"
                    )));
                }
            }
        }
    };
    let (id, findings) = insert_form(&state, &unit, &form, u.id, source).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "version": 1, "findings": findings })),
    ))
}

/// Stores a new form of a unit (one transaction with its audit row); 409 when the unit
/// already has a form for that year.
pub(crate) async fn insert_form(
    state: &AppState,
    unit: &jixiao_storage::Unit,
    form: &Form,
    user_id: i64,
    source: &str,
) -> ApiResult<(i64, Vec<Finding>)> {
    let findings = findings_of(state, form)?;
    let (errors, warnings) = counts(&findings);
    let data = VersionData::new(form, errors, warnings)?;
    let year = form.header.fiscal_year.get() as i64;
    let mut tx = state.db.begin_write().await?;
    if let Some(existing) = tx.form_of_unit_year(unit.id, year).await? {
        return Err(
            ApiError::conflict("duplicate", format!("本单位 {year} 年度的申报表已存在"))
                .with("id", json!(existing)),
        );
    }
    let new = NewForm {
        region_id: unit.region_id,
        unit_id: unit.id,
        fiscal_year: year,
        template_id: &form.template.id,
        created_by: user_id,
    };
    let id = tx.create_form(&new, &data).await?;
    tx.audit(
        Some(id),
        Some(user_id),
        "create",
        &format!("新建 {year} 年度申报表（{source}）"),
    )
    .await?;
    tx.commit().await?;
    Ok((id, findings))
}

/// `GET /api/forms/{id}`: the current version with findings, comments, grades and reviews.
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Value>> {
    let row = visible(&user.user, state.db.form(id).await?)?;
    let text = state
        .db
        .version_json(id, row.version)
        .await?
        .ok_or_else(|| ApiError::internal("current version missing"))?;
    let form = parse_stored(&text)?;
    // Findings of the stored form (a masked phone number must not read as a wrong one).
    let findings = findings_of(&state, &form).unwrap_or_default();
    let form = for_viewer(&user, form);
    let comments: Vec<Value> = state
        .db
        .comments(id)
        .await?
        .into_iter()
        .map(|c| json!({"id": c.id, "version": c.version, "path": c.path, "text": c.body, "author": c.author, "at": format_time(c.created_at)}))
        .collect();
    let reviews: Vec<Value> = state
        .db
        .reviews(id)
        .await?
        .into_iter()
        .map(|r| json!({"id": r.id, "version": r.version, "reviewer": r.reviewer, "decision": r.decision, "reason": r.reason,
            "grades": serde_json::from_str::<Value>(&r.grades).unwrap_or(Value::Null), "at": format_time(r.created_at)}))
        .collect();
    let grades = row
        .grades
        .as_deref()
        .and_then(|g| serde_json::from_str::<Value>(g).ok());
    let mut out = summary(&row);
    if let Value::Object(m) = &mut out {
        m.insert(
            "form".into(),
            serde_json::to_value(&form).map_err(ApiError::internal)?,
        );
        m.insert("findings".into(), json!(findings));
        m.insert("comments".into(), json!(comments));
        m.insert("reviews".into(), json!(reviews));
        m.insert("grades".into(), grades.unwrap_or(Value::Null));
    }
    Ok(Json(out))
}

/// Body of `PUT /api/forms/{id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveBody {
    base_version: i64,
    form: Form,
}

/// The statuses in which a form can be saved.
const EDITABLE: &[&str] = &["draft", "returned"];

/// The audit text of a save.
fn save_detail(version: i64, errors: i64, warnings: i64) -> String {
    format!("保存第 {version} 版（错误 {errors}，警告 {warnings}）")
}

/// `PUT /api/forms/{id}`: saves a new version if `base_version` is still current; 409 with
/// the current version otherwise.
///
/// What may not change in a save (the form's unit, year and template, and so who may save it)
/// is fixed for the life of a form and checked first; the save then joins the group commit
/// of [`jixiao_storage::saves`], which checks version and status again where it writes. Only
/// when that finds the form moved on is the form row locked to say exactly why.
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<SaveBody>,
) -> ApiResult<Json<Value>> {
    let findings = findings_of(&state, &body.form)?;
    let (errors, warnings) = counts(&findings);
    let row = visible(&user.user, state.db.form(id).await?)?;
    // `check_save` has refused a form that is not editable.
    check_save(&user, &row, &body.form)?;
    if body.base_version == row.version {
        let request = SaveRequest {
            form_id: id,
            base_version: body.base_version,
            editable: EDITABLE,
            data: VersionData::new(&body.form, errors, warnings)?,
            user_id: user.user.id,
            audit_detail: save_detail,
        };
        if let SaveOutcome::Saved(version) = state.db.save_draft(request).await? {
            return Ok(Json(json!({ "version": version, "findings": findings })));
        }
    }
    let data = VersionData::new(&body.form, errors, warnings)?;
    let mut tx = state.db.begin_write().await?;
    let row = visible(&user.user, tx.lock_form(id).await?)?;
    check_save(&user, &row, &body.form)?;
    if body.base_version != row.version {
        return Err(stale(&mut tx, &row, body.base_version).await);
    }
    let version = tx
        .append_version(id, row.version, &row.status, &data, user.user.id)
        .await?
        .ok_or_else(|| ApiError::internal("version moved under a held lock"))?;
    tx.audit(
        Some(id),
        Some(user.user.id),
        "save",
        &save_detail(version, errors, warnings),
    )
    .await?;
    tx.commit().await?;
    Ok(Json(json!({ "version": version, "findings": findings })))
}

/// Whether the user may save this form now, and whether the saved form keeps its year and
/// template.
fn check_save(user: &CurrentUser, row: &FormRow, form: &Form) -> ApiResult<()> {
    require_unit_member(&user.user, row, "修改申报表")?;
    require_status(
        row,
        EDITABLE,
        "修改（已提交或已批复的申报表只读；批复后请使用“调整”）",
    )?;
    if form.header.fiscal_year.get() as i64 != row.fiscal_year {
        return Err(ApiError::unprocessable(format!(
            "申报表年度应为 {}，不能在保存时更改",
            row.fiscal_year
        )));
    }
    if form.template.id != row.template_id {
        return Err(ApiError::unprocessable(format!(
            "申报表模板应为「{}」，不能在保存时更换",
            row.template_id
        )));
    }
    Ok(())
}

/// The 409 of a stale save or step: names both versions and carries the current form.
pub(crate) async fn stale(tx: &mut jixiao_storage::WriteTx, row: &FormRow, base: i64) -> ApiError {
    let current = match tx.version_json(row.id, row.version).await {
        Ok(Some(text)) => serde_json::from_str::<Value>(&text).unwrap_or(Value::Null),
        _ => Value::Null,
    };
    ApiError::conflict(
        "stale_version",
        format!("申报表已被他人修改：当前为第 {} 版，您的修改基于第 {base} 版。请刷新后在最新版本上重新修改，您的修改未保存", row.version),
    )
    .with("current_version", json!(row.version))
    .with("current", current)
}

/// Body of `POST /api/validate`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidateBody {
    form: Form,
}

/// `POST /api/validate`: the findings of a form; nothing is saved.
pub async fn validate(
    State(state): State<AppState>,
    _user: CurrentUser,
    ApiJson(body): ApiJson<ValidateBody>,
) -> ApiResult<Json<Value>> {
    let findings = findings_of(&state, &body.form)?;
    let (errors, warnings) = counts(&findings);
    Ok(Json(
        json!({ "findings": findings, "errors": errors, "warnings": warnings }),
    ))
}
