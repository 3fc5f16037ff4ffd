//! Forms: list and search, create (blank, last year's, uploaded), read, save (versioned, with
//! optimistic concurrency), validate.

use jixiao_domain::form::FiscalYear;
use jixiao_domain::rollover::{blank_form, roll_forward};
use jixiao_domain::{Action, Finding, Form, FormStatus};
use jixiao_storage::forms::{NewForm, VersionData};
use jixiao_storage::saves::{SaveOutcome, SaveRequest};
use jixiao_storage::{Comment, FormRow, ListFilter, Review, Role, Unit, User};
use serde_json::json;

use super::{
    counts, findings_for_viewer, findings_in_region, findings_of, for_viewer, parse_stored, stale,
};
use crate::access::{actor, may, visible};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Which forms to list; every field narrows the list.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Only this fiscal year.
    pub year: Option<i64>,
    /// Only this status (its stored name; an unknown name matches nothing).
    pub status: Option<String>,
    /// Only this unit.
    pub unit_id: Option<i64>,
    /// Unit name contains this text.
    pub q: Option<String>,
    /// At most this many (default 500).
    pub limit: Option<i64>,
}

/// The forms in the user's scope, newest change first.
pub async fn list(state: &AppState, user: &User, q: ListQuery) -> ApiResult<Vec<FormRow>> {
    match scope_filter(user, q)? {
        Some(filter) => Ok(state.db.list_forms(&filter).await?),
        None => Ok(Vec::new()),
    }
}

/// The storage filter of a query in the user's scope; `None` when it can match nothing (an
/// unknown status, another unit's id).
pub(crate) fn scope_filter(user: &User, q: ListQuery) -> ApiResult<Option<ListFilter>> {
    let status = match q.status.filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match FormStatus::parse(&s) {
            Some(st) => Some(st),
            None => return Ok(None),
        },
    };
    let mut filter = ListFilter {
        region_id: None,
        unit_id: q.unit_id,
        fiscal_year: q.year,
        status,
        q: q.q
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().chars().take(100).collect()),
        limit: q.limit.unwrap_or(500),
        finance_only: false,
        department_id: None,
    };
    match user.role {
        Role::Admin | Role::SecurityAdmin | Role::AuditAdmin => {
            return Err(administrators_see_no_forms());
        }
        Role::Reviewer => {
            filter.region_id = Some(user.region_id.ok_or_else(no_scope)?);
            filter.finance_only = true;
        }
        Role::Filler | Role::UnitApprover => {
            let own = user.unit_id.ok_or_else(no_scope)?;
            if filter.unit_id.is_some_and(|id| id != own) {
                return Ok(None);
            }
            filter.unit_id = Some(own);
        }
        Role::DepartmentReviewer => {
            filter.department_id = Some(user.unit_id.ok_or_else(no_scope)?);
        }
    }
    Ok(Some(filter))
}

/// The administrators keep the system, not its content (三权分立).
pub(crate) fn administrators_see_no_forms() -> ApiError {
    ApiError::forbidden("管理员不查看申报表内容（三权分立），请使用单位或财政账号")
}

fn no_scope() -> ApiError {
    ApiError::forbidden("账号未分配单位或区划，请联系管理员")
}

/// Where a new form comes from.
#[derive(Debug, Clone)]
pub enum NewSource {
    /// An uploaded (imported and previewed) form.
    Uploaded(Box<Form>),
    /// A blank form of a template (default `hubei-dept-2026`) for a year.
    Blank {
        /// Template id.
        template_id: Option<String>,
        /// Fiscal year.
        fiscal_year: Option<i64>,
    },
    /// Last year's approved form of the unit, rolled forward one year.
    LastYear {
        /// Fiscal year of the new form.
        fiscal_year: Option<i64>,
    },
}

/// A new form: its id and the findings of its first version.
#[derive(Debug, Clone)]
pub struct Created {
    /// Form id.
    pub id: i64,
    /// Findings of version 1.
    pub findings: Vec<Finding>,
}

/// The unit a new form is for: the user's own (a unit role); reviewers and administrators do
/// not create forms.
pub async fn unit_for_new(state: &AppState, user: &User, unit_id: Option<i64>) -> ApiResult<Unit> {
    let unit_id = match user.role {
        Role::Filler | Role::UnitApprover => {
            let own = user.unit_id.ok_or_else(no_scope)?;
            if unit_id.is_some_and(|id| id != own) {
                return Err(ApiError::forbidden("只能为本单位新建申报表"));
            }
            own
        }
        Role::Admin | Role::SecurityAdmin | Role::AuditAdmin => {
            return Err(administrators_see_no_forms());
        }
        Role::Reviewer => return Err(ApiError::forbidden("财政审核人不能新建申报表")),
        Role::DepartmentReviewer => {
            return Err(ApiError::forbidden("主管部门审核人不能新建申报表"));
        }
    };
    state
        .db
        .unit(unit_id)
        .await?
        .ok_or_else(|| ApiError::not_found("单位不存在"))
}

/// Creates a form for a unit (see [`unit_for_new`]) from a source.
pub async fn create(
    state: &AppState,
    user: &User,
    unit: &Unit,
    source: NewSource,
) -> ApiResult<Created> {
    let (mut form, label) = match source {
        NewSource::Uploaded(form) => {
            let mut form = *form;
            check_unit_name(&mut form, unit)?;
            (form, "上传")
        }
        NewSource::Blank {
            template_id,
            fiscal_year,
        } => {
            let year = year_of(fiscal_year)?;
            let id = template_id.as_deref().unwrap_or("hubei-dept-2026");
            let t = state
                .templates
                .get(id, None)
                .map_err(|e| ApiError::unprocessable(e.to_string()))?;
            let mut form = blank_form(t, year, &unit.name);
            form.indicators = jixiao_domain::rollover::common_indicators(t);
            (form, "空白")
        }
        NewSource::LastYear { fiscal_year } => {
            let year = year_of(fiscal_year)?;
            let prev = year.minus(1).get() as i64;
            let (old_id, v) = state
                .db
                .approved_form_of(unit.id, prev)
                .await?
                .ok_or_else(|| {
                    ApiError::not_found(format!("未找到本单位 {prev} 年度已批复的申报表，无法结转"))
                })?;
            let old = state
                .db
                .version_json(old_id, v)
                .await?
                .ok_or_else(|| ApiError::internal("approved version missing"))?;
            let mut form = roll_forward(&parse_stored(&old)?);
            form.header.unit_name = unit.name.clone();
            (form, "上年结转")
        }
    };
    if label != "上传" {
        // A new form starts with the person who fills it and today's date; last year's filler
        // and phone number are not carried into it.
        form.header.filler = Some(user.display_name.clone()).filter(|n| !n.trim().is_empty());
        form.header.fill_date = today();
    }
    let (id, findings) = insert_form(state, unit, &form, user.id, label).await?;
    Ok(Created { id, findings })
}

/// Unit names compared as people write them: without spaces, with full-width brackets.
fn same_unit_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '(' => '（',
                ')' => '）',
                c => c,
            })
            .collect()
    };
    norm(a) == norm(b)
}

/// The unit an uploaded or saved form names must be the unit it is stored under: an empty name
/// is filled in with the unit's, another unit's name is refused.
pub(crate) fn check_unit_name(form: &mut Form, unit: &Unit) -> ApiResult<()> {
    let named = form.header.unit_name.trim();
    if named.is_empty() {
        form.header.unit_name = unit.name.clone();
        return Ok(());
    }
    if !same_unit_name(named, &unit.name) {
        return Err(unit_mismatch(named, &unit.name));
    }
    Ok(())
}

/// The refusal of a form that names another unit.
pub(crate) fn unit_mismatch(named: &str, own: &str) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        "unit_mismatch",
        format!(
            "这份申报表的单位是「{named}」，不是本单位「{own}」：只能填报本单位的申报表。\
             如果文件确实是本单位的，请把表头的单位名称改为「{own}」后再导入"
        ),
    )
    .with("unit_name", json!(named))
}

/// What stands in the way of storing an uploaded form for the user's unit, found at preview
/// time so that the preview can say it and offer the ways out.
#[derive(Debug, Clone, Default)]
pub struct Clash {
    /// The form names another unit (the message).
    pub unit_mismatch: Option<String>,
    /// The unit's form of the same year, if there is one.
    pub existing: Option<FormRow>,
    /// Whether the user may delete that form (a draft never submitted).
    pub existing_discardable: bool,
}

/// Checks an uploaded form against the unit it would be stored under.
pub async fn clash(state: &AppState, user: &User, form: &Form) -> ApiResult<Clash> {
    let unit = unit_for_new(state, user, None).await?;
    let mut clash = Clash::default();
    let mut f = form.clone();
    if let Err(e) = check_unit_name(&mut f, &unit) {
        clash.unit_mismatch = Some(e.message);
    }
    let year = form.header.fiscal_year.get() as i64;
    let existing = state
        .db
        .list_forms(&ListFilter {
            unit_id: Some(unit.id),
            fiscal_year: Some(year),
            limit: 1,
            ..ListFilter::default()
        })
        .await?
        .into_iter()
        .next();
    if let Some(row) = existing {
        clash.existing_discardable = may_discard(user, &row);
        clash.existing = Some(row);
    }
    Ok(clash)
}

/// May the user delete the form now: a draft of their unit never submitted.
pub fn may_discard(user: &User, row: &FormRow) -> bool {
    actor(user).may_discard(crate::access::KIND, crate::access::owner(row), row.status)
        && !super::workflow::submitted_before(row)
}

/// Today's date in Beijing.
pub(crate) fn today() -> Option<jixiao_domain::form::Date> {
    let (y, m, d) = jixiao_storage::beijing_date(jixiao_storage::now_ms());
    jixiao_domain::form::Date::new(y, i64::from(m), i64::from(d)).ok()
}

fn year_of(fiscal_year: Option<i64>) -> ApiResult<FiscalYear> {
    let year = fiscal_year.ok_or_else(|| ApiError::unprocessable("请指定年度（fiscal_year）"))?;
    FiscalYear::new(year).map_err(ApiError::unprocessable)
}

/// Stores a new form of a unit (one transaction with its audit row); 409 when the unit
/// already has a form for that year.
pub(crate) async fn insert_form(
    state: &AppState,
    unit: &Unit,
    form: &Form,
    user_id: i64,
    source: &str,
) -> ApiResult<(i64, Vec<Finding>)> {
    let findings = findings_in_region(state, unit.region_id, unit.id, form).await?;
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
        Action::Create.as_str(),
        &format!("新建 {year} 年度申报表（{source}）"),
    )
    .await?;
    tx.commit().await?;
    Ok((id, findings))
}

/// The current version of a form as the user may see it.
#[derive(Debug, Clone)]
pub struct Current {
    /// The form row.
    pub row: FormRow,
    /// The current version (phone masked outside the unit).
    pub form: Form,
    /// Findings of the stored form (a masked phone number must not read as a wrong one).
    pub findings: Vec<Finding>,
}

/// A form with everything shown around it.
#[derive(Debug, Clone)]
pub struct FormRead {
    /// The current version and its findings.
    pub current: Current,
    /// Review comments, oldest first.
    pub comments: Vec<Comment>,
    /// Reviews, oldest first.
    pub reviews: Vec<Review>,
}

impl FormRead {
    /// The reason of the last return, while the form is returned.
    pub fn return_reason(&self) -> Option<&str> {
        if self.current.row.status != FormStatus::Returned {
            return None;
        }
        self.reviews
            .iter()
            .rev()
            .find(|r| r.decision == jixiao_domain::Decision::Return)
            .map(|r| r.reason.as_str())
    }
}

/// The form row, if the user may see it (404 otherwise).
pub async fn row(state: &AppState, user: &User, id: i64) -> ApiResult<FormRow> {
    visible(user, state.db.form(id).await?)
}

/// The current version of a form with its findings.
pub async fn current(state: &AppState, user: &User, id: i64) -> ApiResult<Current> {
    let row = row(state, user, id).await?;
    let text = state
        .db
        .version_json(id, row.version)
        .await?
        .ok_or_else(|| ApiError::internal("current version missing"))?;
    let form = parse_stored(&text)?;
    let findings = findings_in_region(state, row.region_id, row.unit_id, &form)
        .await
        .unwrap_or_default();
    let findings = findings_for_viewer(user, &form, findings);
    Ok(Current {
        row,
        form: for_viewer(user, form),
        findings,
    })
}

/// The current version with comments and reviews.
pub async fn read(state: &AppState, user: &User, id: i64) -> ApiResult<FormRead> {
    let current = current(state, user, id).await?;
    let comments = state.db.comments(id).await?;
    let reviews = state.db.reviews(id).await?;
    Ok(FormRead {
        current,
        comments,
        reviews,
    })
}

/// A saved version and its findings.
#[derive(Debug, Clone)]
pub struct Saved {
    /// The new version number.
    pub version: i64,
    /// Its findings.
    pub findings: Vec<Finding>,
}

/// The statuses in which a form keeps its status when saved: those the workflow lets a unit
/// save in.
fn editable() -> &'static [FormStatus] {
    static EDITABLE: std::sync::OnceLock<Vec<FormStatus>> = std::sync::OnceLock::new();
    EDITABLE.get_or_init(|| {
        FormStatus::ALL
            .into_iter()
            .filter(|s| s.is_open_for_unit())
            .collect()
    })
}

/// The audit text of a save.
fn save_detail(version: i64, errors: i64, warnings: i64) -> String {
    format!("保存第 {version} 版（错误 {errors}，警告 {warnings}）")
}

/// Saves a new version if `base_version` is still current; 409 with the current version
/// otherwise.
///
/// What may not change in a save (the form's unit, year and template, and so who may save it)
/// is fixed for the life of a form and checked first; the save then joins the group commit
/// of [`jixiao_storage::saves`], which checks version and status again where it writes. Only
/// when that finds the form moved on is the form row locked to say exactly why.
pub async fn save(
    state: &AppState,
    user: &User,
    id: i64,
    base_version: i64,
    form: &Form,
) -> ApiResult<Saved> {
    let row = visible(user, state.db.form(id).await?)?;
    // `check_save` has refused a form that is not editable.
    check_save(user, &row, form)?;
    let findings = findings_in_region(state, row.region_id, row.unit_id, form).await?;
    let (errors, warnings) = counts(&findings);
    if base_version == row.version {
        let request = SaveRequest {
            form_id: id,
            base_version,
            editable: editable(),
            data: VersionData::new(form, errors, warnings)?,
            user_id: user.id,
            audit_detail: save_detail,
        };
        if let SaveOutcome::Saved(version) = state.db.save_draft(request).await? {
            state.metrics.saved();
            return Ok(Saved { version, findings });
        }
    }
    let data = VersionData::new(form, errors, warnings)?;
    let mut tx = state.db.begin_write().await?;
    let row = visible(user, tx.lock_form(id).await?)?;
    let status = check_save(user, &row, form)?;
    if base_version != row.version {
        return Err(stale(&mut tx, &row, base_version).await);
    }
    let version = tx
        .append_version(id, row.version, status, &data, user.id)
        .await?
        .ok_or_else(|| ApiError::internal("version moved under a held lock"))?;
    tx.audit(
        Some(id),
        Some(user.id),
        Action::Save.as_str(),
        &save_detail(version, errors, warnings),
    )
    .await?;
    tx.commit().await?;
    state.metrics.saved();
    Ok(Saved { version, findings })
}

/// Whether the user may save this form now (and the status it keeps), and whether the saved
/// form keeps its year and template.
fn check_save(user: &User, row: &FormRow, form: &Form) -> ApiResult<FormStatus> {
    let status = may(user, row, Action::Save)?;
    let named = form.header.unit_name.trim();
    if !named.is_empty() && !same_unit_name(named, &row.unit_name) {
        return Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "unit_mismatch",
            format!(
                "单位名称应为「{}」：申报表属于本单位，不能改为「{named}」",
                row.unit_name
            ),
        ));
    }
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
    Ok(status)
}

/// The findings of a form with their counts.
#[derive(Debug, Clone)]
pub struct Validated {
    /// Findings.
    pub findings: Vec<Finding>,
    /// Number of errors.
    pub errors: i64,
    /// Number of warnings.
    pub warnings: i64,
}

impl Validated {
    /// Validates a form.
    pub fn of(state: &AppState, form: &Form) -> ApiResult<Validated> {
        let findings = findings_of(state, form)?;
        let (errors, warnings) = counts(&findings);
        Ok(Validated {
            findings,
            errors,
            warnings,
        })
    }
}

/// May the user edit the form now (the editor page, the 继续填报 buttons).
pub fn may_edit(user: &User, row: &FormRow) -> bool {
    actor(user).may_edit(crate::access::KIND, crate::access::owner(row), row.status)
}

/// May the user review the form now (the review page, the 审核 buttons).
pub fn may_review(user: &User, row: &FormRow) -> bool {
    actor(user).may_review(crate::access::KIND, crate::access::owner(row), row.status)
}
