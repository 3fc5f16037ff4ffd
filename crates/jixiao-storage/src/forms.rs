//! Forms and their versions. A form row holds the current state (status, version, totals,
//! finding counts) as indexed columns; every save appends a row to `form_versions` with the full
//! canonical JSON; a submitted version also gets its level-3 indicator rows in `indicators`
//! (for analytics). Nothing is overwritten.

use jixiao_domain::Form;
use jixiao_domain::workflow::FormStatus;
use serde::Serialize;

use crate::{Db, Result, StorageError, WriteTx, now_ms};

/// The current state of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormRow {
    /// Id.
    pub id: i64,
    /// Region of the unit.
    pub region_id: i64,
    /// Unit.
    pub unit_id: i64,
    /// Unit name (from the units table).
    pub unit_name: String,
    /// Fiscal year.
    pub fiscal_year: i64,
    /// Template id.
    pub template_id: String,
    /// Workflow status.
    pub status: FormStatus,
    /// Current version number (1, 2, …).
    pub version: i64,
    /// The version that was last approved, if any.
    pub approved_version: Option<i64>,
    /// 收入合计 this year, as entered (decimal text).
    pub income_total: Option<String>,
    /// 支出合计 this year, as entered (decimal text).
    pub expenditure_total: Option<String>,
    /// Validation errors of the current version.
    pub errors: i64,
    /// Validation warnings of the current version.
    pub warnings: i64,
    /// The last review's grades (JSON text).
    pub grades: Option<String>,
    /// Created (Unix ms).
    pub created_at: i64,
    /// Last changed (Unix ms).
    pub updated_at: i64,
    /// Whether the unit's region asks the unit approver to sign off before submission.
    pub sign_off: bool,
    /// When the form was first submitted (Unix ms); `None` for a draft never submitted.
    pub first_submitted_at: Option<i64>,
    /// When the form first reached the finance bureau (status 已提交, Unix ms): the finance side
    /// sees it from then on.
    pub reached_finance_at: Option<i64>,
    /// The unit's department in charge (主管部门), if it has one.
    pub department_id: Option<i64>,
    /// Whether the region asks the department in charge to review before the finance bureau.
    pub department_review: bool,
}

const FORM_COLUMNS: &str = "f.id, f.region_id, f.unit_id, un.name, f.fiscal_year, f.template_id, f.status, \
    f.version, f.approved_version, f.income_total, f.expenditure_total, f.errors, f.warnings, f.grades, \
    f.created_at, f.updated_at, rg.unit_sign_off, f.first_submitted_at, f.reached_finance_at, \
    un.department_id, rg.department_review";

/// The tables [`FORM_COLUMNS`] reads.
const FORM_FROM: &str =
    "forms f JOIN units un ON un.id = f.unit_id JOIN regions rg ON rg.id = f.region_id";

/// A stored status; an unknown one is corrupt data, not a panic.
pub(crate) fn parse_status(s: &str) -> Result<FormStatus> {
    FormStatus::parse(s).ok_or_else(|| StorageError::Corrupt(format!("未知的申报表状态「{s}」")))
}

fn form_from(row: sqlx::any::AnyRow) -> Result<FormRow> {
    use sqlx::Row;
    let status: String = row.try_get(6)?;
    let sign_off: i64 = row.try_get(16)?;
    Ok(FormRow {
        id: row.try_get(0)?,
        region_id: row.try_get(1)?,
        unit_id: row.try_get(2)?,
        unit_name: row.try_get(3)?,
        fiscal_year: row.try_get(4)?,
        template_id: row.try_get(5)?,
        status: parse_status(&status)?,
        version: row.try_get(7)?,
        approved_version: row.try_get(8)?,
        income_total: row.try_get(9)?,
        expenditure_total: row.try_get(10)?,
        errors: row.try_get(11)?,
        warnings: row.try_get(12)?,
        grades: row.try_get(13)?,
        created_at: row.try_get(14)?,
        updated_at: row.try_get(15)?,
        sign_off: sign_off != 0,
        first_submitted_at: row.try_get(17)?,
        reached_finance_at: row.try_get(18)?,
        department_id: row.try_get(19)?,
        department_review: row.try_get::<i64, _>(20)? != 0,
    })
}

/// A row of the list of forms; the same as [`FormRow`].
pub type FormSummary = FormRow;

/// Which forms to list. Every field narrows the list; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only this region (the caller's scope).
    pub region_id: Option<i64>,
    /// Only this unit.
    pub unit_id: Option<i64>,
    /// Only this fiscal year.
    pub fiscal_year: Option<i64>,
    /// Only this status.
    pub status: Option<FormStatus>,
    /// Unit name contains this text.
    pub q: Option<String>,
    /// At most this many rows (capped at 1000).
    pub limit: i64,
    /// Only forms that have reached the finance bureau (the finance side's view).
    pub finance_only: bool,
    /// Only forms of the units under this department in charge that their unit has submitted
    /// (the department reviewer's view).
    pub department_id: Option<i64>,
}

/// A stored version of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionRow {
    /// Version number.
    pub version: i64,
    /// Status when it was saved.
    pub status: FormStatus,
    /// Saved (Unix ms).
    pub saved_at: i64,
    /// User id of the saver.
    pub saved_by: Option<i64>,
    /// Username of the saver.
    pub saved_by_name: Option<String>,
    /// The saver as people read it: office and display name (`县财政局绩效股 刘洋`).
    pub saved_by_person: Option<String>,
    /// Validation errors of this version.
    pub errors: i64,
    /// Validation warnings of this version.
    pub warnings: i64,
}

/// A value bound to a statement that [`filter_sql`] wrote.
enum Bind {
    Int(i64),
    Text(String),
}

/// The `WITH` clause (for `subtree`), the `WHERE` clause and the values of a [`ListFilter`],
/// over [`FORM_FROM`]. Only the filters that are set are written, so that each shape of the
/// statement gets a plan that uses the indexes: PostgreSQL's generic plan of one statement with
/// `($1 IS NULL OR f.region_id = $1)` for every filter scanned every unit of a province.
fn filter_sql(f: &ListFilter, subtree: bool) -> (String, String, Vec<Bind>) {
    let mut with = String::new();
    let mut conds: Vec<String> = Vec::new();
    let mut binds: Vec<Bind> = Vec::new();
    let mark = |binds: &mut Vec<Bind>, b: Bind| {
        binds.push(b);
        format!("${}", binds.len())
    };
    if let Some(region) = f.region_id {
        let p = mark(&mut binds, Bind::Int(region));
        if subtree {
            with = format!(
                "WITH RECURSIVE sub(id) AS (SELECT id FROM regions WHERE id = {p} \
                 UNION SELECT r.id FROM regions r JOIN sub ON r.parent_id = sub.id) "
            );
            conds.push("f.region_id IN (SELECT id FROM sub)".into());
        } else {
            conds.push(format!("f.region_id = {p}"));
        }
    }
    if let Some(unit) = f.unit_id {
        let p = mark(&mut binds, Bind::Int(unit));
        conds.push(format!("f.unit_id = {p}"));
    }
    if let Some(year) = f.fiscal_year {
        let p = mark(&mut binds, Bind::Int(year));
        conds.push(format!("f.fiscal_year = {p}"));
    }
    if let Some(status) = f.status {
        let p = mark(&mut binds, Bind::Text(status.as_str().to_string()));
        conds.push(format!("f.status = {p}"));
    }
    if let Some(q) = &f.q {
        let escaped: String = q
            .chars()
            .filter(|c| !matches!(c, '%' | '_' | '\\'))
            .collect();
        let p = mark(&mut binds, Bind::Text(format!("%{escaped}%")));
        conds.push(format!("un.name LIKE {p}"));
    }
    if f.finance_only {
        conds.push("(f.reached_finance_at IS NOT NULL OR f.approved_version IS NOT NULL)".into());
    }
    if let Some(department) = f.department_id {
        let p = mark(&mut binds, Bind::Int(department));
        conds.push(format!(
            "un.department_id = {p} AND f.first_submitted_at IS NOT NULL"
        ));
    }
    let conds = if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    };
    (with, conds, binds)
}

/// One form of a summary, with its current version's text.
#[derive(Debug, Clone)]
pub struct SummarySource {
    /// Form id.
    pub form_id: i64,
    /// 区划代码.
    pub region_code: String,
    /// 区划名称.
    pub region_name: String,
    /// 单位编码.
    pub unit_code: String,
    /// 单位名称 as the unit list holds it.
    pub unit_name: String,
    /// Budget year.
    pub fiscal_year: i64,
    /// Status.
    pub status: FormStatus,
    /// Current version.
    pub version: i64,
    /// Validation errors of that version (counted when it was saved).
    pub errors: i64,
    /// Validation warnings of that version.
    pub warnings: i64,
    /// Its canonical JSON text.
    pub form_json: String,
}

type SummaryTuple = (
    i64,
    String,
    String,
    String,
    String,
    i64,
    String,
    i64,
    i64,
    i64,
    String,
);

/// What a save stores: the form and what is derived from it.
#[derive(Debug, Clone)]
pub struct VersionData {
    /// Canonical JSON text of the form.
    pub form_json: String,
    /// 收入合计 (this year) as entered.
    pub income_total: Option<String>,
    /// 支出合计 (this year) as entered.
    pub expenditure_total: Option<String>,
    /// Validation errors.
    pub errors: i64,
    /// Validation warnings.
    pub warnings: i64,
}

/// A level-3 indicator row as stored for analytics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorRow {
    /// `long_term` or `annual`.
    pub table_kind: &'static str,
    /// Position in its table (0-based).
    pub position: i64,
    /// 一级指标.
    pub level1: String,
    /// 二级指标.
    pub level2: String,
    /// 三级指标.
    pub name: String,
    /// 指标值 as text.
    pub target: Option<String>,
    /// Comparator symbol of a quantity.
    pub comparator: Option<String>,
    /// Number of a quantity (decimal text).
    pub target_number: Option<String>,
    /// Unit of measure.
    pub unit_of_measure: Option<String>,
    /// 指标值确定依据.
    pub basis: Option<String>,
    /// 指标分类.
    pub class: Option<String>,
}

impl VersionData {
    /// Derives what is stored from a form and its finding counts.
    pub fn new(form: &Form, errors: i64, warnings: i64) -> Result<VersionData> {
        let form_json =
            serde_json::to_string(form).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        Ok(VersionData {
            form_json,
            income_total: form
                .funding
                .income
                .total
                .current
                .map(|m| m.value().to_string()),
            expenditure_total: form
                .funding
                .expenditure
                .total
                .current
                .map(|m| m.value().to_string()),
            errors,
            warnings,
        })
    }
}

/// The level-3 rows of both tables of a form, as stored for analytics.
pub fn indicator_rows(form: &Form) -> Vec<IndicatorRow> {
    let mut indicators = Vec::new();
    for (kind, table) in form.indicators.tables() {
        for (i, row) in table.rows.iter().enumerate() {
            let (comparator, number, unit) = match &row.target {
                Some(jixiao_domain::TargetValue::Quantity {
                    comparator,
                    number,
                    unit,
                }) => (
                    comparator.map(|c| c.symbol().to_string()),
                    Some(number.to_string()),
                    Some(unit.clone()).filter(|u| !u.is_empty()),
                ),
                _ => (None, None, None),
            };
            indicators.push(IndicatorRow {
                table_kind: kind.key(),
                position: i as i64,
                level1: row.level1.clone(),
                level2: row.level2.clone(),
                name: row.name.clone(),
                target: row.target.as_ref().map(|t| t.to_string()),
                comparator,
                target_number: number,
                unit_of_measure: row.unit_of_measure.clone().or(unit),
                basis: row.basis.clone(),
                class: row.class.clone(),
            });
        }
    }
    indicators
}

/// Fields of a new form row.
#[derive(Debug, Clone)]
pub struct NewForm<'a> {
    /// Region of the unit.
    pub region_id: i64,
    /// Unit.
    pub unit_id: i64,
    /// Fiscal year.
    pub fiscal_year: i64,
    /// Template id.
    pub template_id: &'a str,
    /// Creating user.
    pub created_by: i64,
}

/// Row shape of a query.
type VersionTuple = (
    i64,
    String,
    i64,
    Option<i64>,
    Option<String>,
    i64,
    i64,
    Option<String>,
);

impl Db {
    /// The current state of a form.
    pub async fn form(&self, id: i64) -> Result<Option<FormRow>> {
        let sql = format!("SELECT {FORM_COLUMNS} FROM {FORM_FROM} WHERE f.id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(form_from).transpose()
    }

    /// Lists forms, newest change first (at most 1000).
    pub async fn list_forms(&self, f: &ListFilter) -> Result<Vec<FormRow>> {
        let (with, conds, binds) = filter_sql(f, false);
        let sql = format!(
            "{with}SELECT {FORM_COLUMNS} FROM {FORM_FROM}{conds} \
             ORDER BY f.updated_at DESC, f.id DESC LIMIT {}",
            f.limit.clamp(1, 1000)
        );
        let mut query = sqlx::query(&sql);
        for b in binds {
            query = match b {
                Bind::Int(v) => query.bind(v),
                Bind::Text(v) => query.bind(v),
            };
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.into_iter().map(form_from).collect()
    }

    /// The ids of the forms a summary covers, in the order it prints them (region code, unit
    /// code, year). Like [`Db::list_forms`] but without a limit, and with `subtree` the region
    /// filter takes in every region under `region_id` too. The statement names only the filters
    /// that are set, so each shape gets its own plan.
    pub async fn summary_form_ids(&self, f: &ListFilter, subtree: bool) -> Result<Vec<i64>> {
        let (with, conds, binds) = filter_sql(f, subtree);
        let sql = format!(
            "{with}SELECT f.id FROM {FORM_FROM}{conds} ORDER BY rg.code, un.code, f.fiscal_year, f.id"
        );
        let mut query = sqlx::query_as::<_, (i64,)>(&sql);
        for b in binds {
            query = match b {
                Bind::Int(v) => query.bind(v),
                Bind::Text(v) => query.bind(v),
            };
        }
        let rows = query.fetch_all(self.pool()).await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// These forms with their current versions' text, for a summary, in the order of `ids`
    /// (ids that do not exist are left out). One statement, whatever the number of ids.
    pub async fn summary_sources(&self, ids: &[i64]) -> Result<Vec<SummarySource>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT f.id, rg.code, rg.name, un.code, un.name, f.fiscal_year, f.status, f.version, \
             v.errors, v.warnings, v.form_json \
             FROM forms f JOIN units un ON un.id = f.unit_id JOIN regions rg ON rg.id = f.region_id \
             JOIN form_versions v ON v.form_id = f.id AND v.version = f.version \
             WHERE f.id IN ({})",
            marks.join(", ")
        );
        let mut query = sqlx::query_as::<_, SummaryTuple>(&sql);
        for id in ids {
            query = query.bind(*id);
        }
        let rows = query.fetch_all(self.pool()).await?;
        let mut out = rows
            .into_iter()
            .map(|t| {
                Ok(SummarySource {
                    form_id: t.0,
                    region_code: t.1,
                    region_name: t.2,
                    unit_code: t.3,
                    unit_name: t.4,
                    fiscal_year: t.5,
                    status: parse_status(&t.6)?,
                    version: t.7,
                    errors: t.8,
                    warnings: t.9,
                    form_json: t.10,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let position: std::collections::HashMap<i64, usize> =
            ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        out.sort_by_key(|s| position.get(&s.form_id).copied().unwrap_or(usize::MAX));
        Ok(out)
    }

    /// The JSON text of one version of a form.
    pub async fn version_json(&self, form_id: i64, version: i64) -> Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT form_json FROM form_versions WHERE form_id = $1 AND version = $2",
        )
        .bind(form_id)
        .bind(version)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| r.0))
    }

    /// One version of a form, parsed.
    pub async fn version_form(&self, form_id: i64, version: i64) -> Result<Option<Form>> {
        match self.version_json(form_id, version).await? {
            None => Ok(None),
            Some(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| StorageError::Corrupt(format!("表 {form_id} 第 {version} 版：{e}"))),
        }
    }

    /// All versions of a form, oldest first.
    pub async fn versions(&self, form_id: i64) -> Result<Vec<VersionRow>> {
        let rows: Vec<VersionTuple> = sqlx::query_as(
            &format!(
                "SELECT v.version, v.status, v.saved_at, v.saved_by, u.username, v.errors, v.warnings, {} \
                 FROM form_versions v LEFT JOIN users u ON u.id = v.saved_by WHERE v.form_id = $1 ORDER BY v.version",
                crate::users::PERSON
            ),
        )
        .bind(form_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|t| {
                Ok(VersionRow {
                    version: t.0,
                    status: parse_status(&t.1)?,
                    saved_at: t.2,
                    saved_by: t.3,
                    saved_by_name: t.4,
                    errors: t.5,
                    warnings: t.6,
                    saved_by_person: t.7,
                })
            })
            .collect()
    }

    /// The unit's form of a year with an approved version (the newest such form), as
    /// `(form id, approved version)`.
    pub async fn approved_form_of(
        &self,
        unit_id: i64,
        fiscal_year: i64,
    ) -> Result<Option<(i64, i64)>> {
        let row: Option<(i64, i64)> = sqlx::query_as(
            "SELECT id, approved_version FROM forms WHERE unit_id = $1 AND fiscal_year = $2 \
             AND approved_version IS NOT NULL ORDER BY id DESC LIMIT 1",
        )
        .bind(unit_id)
        .bind(fiscal_year)
        .fetch_optional(self.pool())
        .await?;
        Ok(row)
    }

    /// Number of stored indicator rows of a form version (for analytics checks).
    pub async fn indicator_count(&self, form_id: i64, version: i64) -> Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM indicators WHERE form_id = $1 AND version = $2")
                .bind(form_id)
                .bind(version)
                .fetch_one(self.pool())
                .await?;
        Ok(n)
    }
}

impl WriteTx {
    /// Reads and locks a form row for the rest of the transaction.
    pub async fn lock_form(&mut self, id: i64) -> Result<Option<FormRow>> {
        // PostgreSQL refuses FOR UPDATE on the nullable side of a join, so lock the form row
        // itself and join inside.
        let sql = format!(
            "SELECT {FORM_COLUMNS} FROM {FORM_FROM} WHERE f.id = $1{}",
            match self.backend {
                crate::Backend::Postgres => " FOR UPDATE OF f",
                crate::Backend::Sqlite => "",
            }
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(form_from).transpose()
    }

    /// The id of the unit's form of a year, if there is one.
    pub async fn form_of_unit_year(
        &mut self,
        unit_id: i64,
        fiscal_year: i64,
    ) -> Result<Option<i64>> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM forms WHERE unit_id = $1 AND fiscal_year = $2")
                .bind(unit_id)
                .bind(fiscal_year)
                .fetch_optional(self.conn())
                .await?;
        Ok(row.map(|r| r.0))
    }

    /// The JSON text of one version, read inside the transaction.
    pub async fn version_json(&mut self, form_id: i64, version: i64) -> Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT form_json FROM form_versions WHERE form_id = $1 AND version = $2",
        )
        .bind(form_id)
        .bind(version)
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(|r| r.0))
    }

    /// Creates a form with its first version (status `draft`); returns its id. A second form
    /// of the same unit and year is refused with [`StorageError::Duplicate`].
    pub async fn create_form(&mut self, f: &NewForm<'_>, data: &VersionData) -> Result<i64> {
        let now = now_ms();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO forms (region_id, unit_id, fiscal_year, template_id, status, version, income_total, \
             expenditure_total, errors, warnings, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $11, 1, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
        )
        .bind(f.region_id)
        .bind(f.unit_id)
        .bind(f.fiscal_year)
        .bind(f.template_id)
        .bind(data.income_total.clone())
        .bind(data.expenditure_total.clone())
        .bind(data.errors)
        .bind(data.warnings)
        .bind(f.created_by)
        .bind(now)
        .bind(FormStatus::Draft.as_str())
        .fetch_one(self.conn())
        .await
        .map_err(|e| StorageError::duplicate_as(e, &format!("该单位 {} 年度的申报表", f.fiscal_year)))?;
        self.insert_version(id, 1, FormStatus::Draft, data, f.created_by, now)
            .await?;
        Ok(id)
    }

    /// Appends version `base_version + 1` if the form is still at `base_version` (compare and
    /// set). Returns the new version, or `None` when the base is stale.
    pub async fn append_version(
        &mut self,
        form_id: i64,
        base_version: i64,
        status: FormStatus,
        data: &VersionData,
        user_id: i64,
    ) -> Result<Option<i64>> {
        let now = now_ms();
        let next = base_version + 1;
        let r = sqlx::query(
            "UPDATE forms SET version = $3, status = $4, income_total = $5, expenditure_total = $6, errors = $7, \
             warnings = $8, updated_at = $9 WHERE id = $1 AND version = $2",
        )
        .bind(form_id)
        .bind(base_version)
        .bind(next)
        .bind(status.as_str())
        .bind(data.income_total.clone())
        .bind(data.expenditure_total.clone())
        .bind(data.errors)
        .bind(data.warnings)
        .bind(now)
        .execute(self.conn())
        .await?;
        if r.rows_affected() != 1 {
            return Ok(None);
        }
        self.insert_version(form_id, next, status, data, user_id, now)
            .await?;
        Ok(Some(next))
    }

    pub(crate) async fn insert_version(
        &mut self,
        form_id: i64,
        version: i64,
        status: FormStatus,
        data: &VersionData,
        user_id: i64,
        now: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO form_versions (form_id, version, status, form_json, income_total, expenditure_total, \
             errors, warnings, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(form_id)
        .bind(version)
        .bind(status.as_str())
        .bind(data.form_json.as_str())
        .bind(data.income_total.clone())
        .bind(data.expenditure_total.clone())
        .bind(data.errors)
        .bind(data.warnings)
        .bind(user_id)
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Stores the level-3 rows of a version for analytics (done when a version is submitted:
    /// drafts change too often to be worth the writes). Storing the same version again is a
    /// no-op.
    pub async fn store_indicators(
        &mut self,
        form_id: i64,
        version: i64,
        rows: &[IndicatorRow],
    ) -> Result<()> {
        // One multi-row INSERT per chunk: a round trip per row would dominate the save.
        const COLS: usize = 13;
        const CHUNK: usize = 60;
        for chunk in rows.chunks(CHUNK) {
            let mut sql = String::from(
                "INSERT INTO indicators (form_id, version, table_kind, position, level1, level2, name, target, \
                 comparator, target_number, unit_of_measure, basis, class) VALUES ",
            );
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push(',');
                }
                sql.push('(');
                for c in 0..COLS {
                    if c > 0 {
                        sql.push(',');
                    }
                    sql.push_str(&format!("${}", i * COLS + c + 1));
                }
                sql.push(')');
            }
            sql.push_str(" ON CONFLICT DO NOTHING");
            let mut q = sqlx::query(&sql);
            for row in chunk {
                q = q
                    .bind(form_id)
                    .bind(version)
                    .bind(row.table_kind)
                    .bind(row.position)
                    .bind(row.level1.as_str())
                    .bind(row.level2.as_str())
                    .bind(row.name.as_str())
                    .bind(row.target.clone())
                    .bind(row.comparator.clone())
                    .bind(row.target_number.clone())
                    .bind(row.unit_of_measure.clone())
                    .bind(row.basis.clone())
                    .bind(row.class.clone());
            }
            q.execute(self.conn()).await?;
        }
        Ok(())
    }

    /// Sets a form's status (and, when given, its approved version) without a new version.
    pub async fn set_status(
        &mut self,
        form_id: i64,
        status: FormStatus,
        approved_version: Option<i64>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE forms SET status = $2, approved_version = COALESCE($3, approved_version), updated_at = $4, \
             reached_finance_at = CASE WHEN $2 = 'submitted' THEN COALESCE(reached_finance_at, $4) \
             ELSE reached_finance_at END WHERE id = $1",
        )
        .bind(form_id)
        .bind(status.as_str())
        .bind(approved_version)
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Notes the first submission of a form (later ones keep the first time).
    pub async fn mark_submitted(&mut self, form_id: i64) -> Result<()> {
        sqlx::query(
            "UPDATE forms SET first_submitted_at = COALESCE(first_submitted_at, $2) WHERE id = $1",
        )
        .bind(form_id)
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Deletes a form with its versions, indicator rows, reviews and comments. The audit log
    /// keeps its rows (they name the form by id).
    pub async fn delete_form(&mut self, form_id: i64) -> Result<()> {
        for table in ["indicators", "comments", "reviews", "form_versions"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE form_id = $1"))
                .bind(form_id)
                .execute(self.conn())
                .await?;
        }
        sqlx::query("DELETE FROM forms WHERE id = $1")
            .bind(form_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Records the grades of the latest review on the form row (JSON text).
    pub async fn set_grades(&mut self, form_id: i64, grades_json: &str) -> Result<()> {
        sqlx::query("UPDATE forms SET grades = $2 WHERE id = $1")
            .bind(form_id)
            .bind(grades_json)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}

/// A form of a region as the finance bureau's dashboard reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardForm {
    /// Form id.
    pub id: i64,
    /// Unit name.
    pub unit_name: String,
    /// Fiscal year.
    pub fiscal_year: i64,
    /// Status.
    pub status: FormStatus,
    /// Errors of the current version.
    pub errors: i64,
    /// 收入合计 this year, as entered (decimal text).
    pub income_total: Option<String>,
    /// 支出合计 this year, as entered (decimal text).
    pub expenditure_total: Option<String>,
    /// When it was first submitted (Unix ms).
    pub first_submitted_at: Option<i64>,
    /// Whether the finance bureau sees it (it reached the bureau or was approved).
    pub finance_sees: bool,
    /// The current version's JSON, only when `with_json` was asked and the finance bureau sees
    /// the form.
    pub form_json: Option<String>,
}

impl Db {
    /// The forms of a region (of one year, or of every year with `None`), by unit name; with
    /// `with_json`, the current version's JSON of those the finance bureau sees.
    pub async fn dashboard_forms(
        &self,
        region_id: i64,
        fiscal_year: Option<i64>,
        with_json: bool,
    ) -> Result<Vec<DashboardForm>> {
        use sqlx::Row;
        let json = if with_json {
            "CASE WHEN f.reached_finance_at IS NOT NULL OR f.approved_version IS NOT NULL \
             THEN (SELECT v.form_json FROM form_versions v WHERE v.form_id = f.id AND v.version = f.version) \
             ELSE NULL END"
        } else {
            "NULL"
        };
        let sql = format!(
            "SELECT f.id, un.name, f.fiscal_year, f.status, f.errors, f.income_total, f.expenditure_total, \
             f.first_submitted_at, \
             CAST(CASE WHEN f.reached_finance_at IS NOT NULL OR f.approved_version IS NOT NULL THEN 1 ELSE 0 END AS BIGINT), \
             {json} \
             FROM forms f JOIN units un ON un.id = f.unit_id \
             WHERE f.region_id = $1 AND ($2 IS NULL OR f.fiscal_year = $2) ORDER BY un.name, f.fiscal_year"
        );
        let rows = sqlx::query(&sql)
            .bind(region_id)
            .bind(fiscal_year)
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(|r| {
                let status: String = r.try_get(3)?;
                let sees: i64 = r.try_get(8)?;
                Ok(DashboardForm {
                    id: r.try_get(0)?,
                    unit_name: r.try_get(1)?,
                    fiscal_year: r.try_get(2)?,
                    status: parse_status(&status)?,
                    errors: r.try_get(4)?,
                    income_total: r.try_get(5)?,
                    expenditure_total: r.try_get(6)?,
                    first_submitted_at: r.try_get(7)?,
                    finance_sees: sees != 0,
                    form_json: r.try_get(9)?,
                })
            })
            .collect()
    }
}
