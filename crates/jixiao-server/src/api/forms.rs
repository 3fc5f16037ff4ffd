//! Forms: list and search, create (blank, last year's, uploaded), read, save, validate. The
//! work is in [`crate::service::forms`]; these handlers extract, call and serialize.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jixiao_domain::Form;
use jixiao_storage::{FormRow, format_time};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::json::{ApiJson, ApiPath, ApiQuery};
use crate::service::forms::{self as service, NewSource, Validated};
use crate::state::AppState;

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
        "status_label": f.status.label(),
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
    let query = service::ListQuery {
        year: q.year,
        status: q.status,
        unit_id: q.unit_id,
        q: q.q,
        limit: q.limit,
    };
    let rows = service::list(&state, &user.user, query).await?;
    Ok(Json(rows.iter().map(summary).collect()))
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

impl CreateBody {
    fn source(self) -> ApiResult<NewSource> {
        match (self.form, self.from.as_deref()) {
            (Some(form), None) => Ok(NewSource::Uploaded(Box::new(form))),
            (Some(_), Some(_)) => Err(ApiError::unprocessable("form 与 from 不能同时给出")),
            (None, from) => {
                // The year is checked before the source is named, as the service will again.
                let year = self
                    .fiscal_year
                    .ok_or_else(|| ApiError::unprocessable("请指定年度（fiscal_year）"))?;
                jixiao_domain::form::FiscalYear::new(year).map_err(ApiError::unprocessable)?;
                match from.unwrap_or("blank") {
                    "blank" => Ok(NewSource::Blank {
                        template_id: self.template_id,
                        fiscal_year: self.fiscal_year,
                    }),
                    "last_year" => Ok(NewSource::LastYear {
                        fiscal_year: self.fiscal_year,
                    }),
                    other => Err(ApiError::unprocessable(format!(
                        "未知的来源「{other}」（应为 blank 或 last_year）"
                    ))),
                }
            }
        }
    }
}

/// `POST /api/forms`: a new form for the user's unit (administrators name the unit).
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<CreateBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let unit = service::unit_for_new(&state, &user.user, body.unit_id).await?;
    let created = service::create(&state, &user.user, &unit, body.source()?).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": created.id, "version": 1, "findings": created.findings })),
    ))
}

/// `GET /api/forms/{id}`: the current version with findings, comments, grades and reviews.
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Value>> {
    let read = service::read(&state, &user.user, id).await?;
    let comments: Vec<Value> = read
        .comments
        .iter()
        .map(|c| json!({"id": c.id, "version": c.version, "path": c.path, "text": c.body, "author": c.author,
            "author_name": c.author_name, "at": format_time(c.created_at), "resolved_version": c.resolved_version}))
        .collect();
    let reviews: Vec<Value> = read
        .reviews
        .iter()
        .map(|r| json!({"id": r.id, "version": r.version, "reviewer": r.reviewer, "decision": r.decision, "reason": r.reason,
            "grades": serde_json::from_str::<Value>(&r.grades).unwrap_or(Value::Null), "at": format_time(r.created_at)}))
        .collect();
    let current = read.current;
    let grades = current
        .row
        .grades
        .as_deref()
        .and_then(|g| serde_json::from_str::<Value>(g).ok());
    let mut out = summary(&current.row);
    if let Value::Object(m) = &mut out {
        m.insert(
            "form".into(),
            serde_json::to_value(&current.form).map_err(ApiError::internal)?,
        );
        m.insert(
            "findings".into(),
            json!(labelled(&current.findings, &current.form)),
        );
        m.insert("comments".into(), json!(comments));
        m.insert("reviews".into(), json!(reviews));
        m.insert("grades".into(), grades.unwrap_or(Value::Null));
    }
    Ok(Json(out))
}

/// Findings with the Chinese label of their place (`年度绩效指标 · 第 4 行「预算执行率」 ·
/// 指标值`), the same the pages print, so that every client names a place alike.
fn labelled(findings: &[jixiao_domain::Finding], form: &Form) -> Vec<Value> {
    findings
        .iter()
        .map(|f| {
            let mut v = json!(f);
            if let Value::Object(m) = &mut v {
                m.insert(
                    "label".into(),
                    json!(jixiao_web::path_label(&f.path, Some(form))),
                );
            }
            v
        })
        .collect()
}

/// Body of `PUT /api/forms/{id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveBody {
    base_version: i64,
    form: Form,
}

/// `PUT /api/forms/{id}`: saves a new version if `base_version` is still current; 409 with
/// the current version otherwise.
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<SaveBody>,
) -> ApiResult<Json<Value>> {
    let saved = service::save(&state, &user.user, id, body.base_version, &body.form).await?;
    Ok(Json(
        json!({ "version": saved.version, "findings": labelled(&saved.findings, &body.form) }),
    ))
}

/// Body of `POST /api/validate`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidateBody {
    form: Form,
    /// The stored form this is a draft of: its region's indicator library adds its aids (the
    /// editor's live check sends it).
    #[serde(default)]
    form_id: Option<i64>,
}

/// `POST /api/validate`: the findings of a form; nothing is saved.
pub async fn validate(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<ValidateBody>,
) -> ApiResult<Json<Value>> {
    let v = match body.form_id {
        None => Validated::of(&state, &body.form)?,
        Some(id) => {
            let row = crate::service::forms::row(&state, &user.user, id).await?;
            let findings =
                crate::service::findings_in_region(&state, row.region_id, row.unit_id, &body.form)
                    .await?;
            let (errors, warnings) = crate::service::counts(&findings);
            Validated {
                findings,
                errors,
                warnings,
            }
        }
    };
    Ok(Json(
        json!({ "findings": labelled(&v.findings, &body.form), "errors": v.errors, "warnings": v.warnings }),
    ))
}
