//! After approval: rounds of monitoring (绩效运行监控) and self-evaluation (绩效自评), and the
//! documents they hand to units. A finance reviewer opens a round for the region's approved
//! declarations of a year; each unit gets its report pre-filled from its approved declaration
//! version (a self-evaluation also from its latest monitoring actuals). Reports then move through
//! the one workflow of `jixiao_domain::workflow` with their own kind: save (versions, 409 on a
//! stale base), submit (refused while errors remain, such as a red light without its reason),
//! sign-off, withdrawal, return with a reason, acceptance (已审核) and publication, each step one
//! transaction with its audit row. The lights and scores are always computed here from the
//! stored document; what the unit typed as its own score is kept apart and compared.

use jixiao_domain::lifecycle::monitoring::{MonitoringReport, Warnings, warn};
use jixiao_domain::lifecycle::selfeval::{Scores, SelfEvaluation, score};
use jixiao_domain::lifecycle::{LifecycleRules, dec};
use jixiao_domain::{
    Action, Actor, Decision, DocumentKind, Finding, Form, FormStatus, Owner, Severity,
};
use jixiao_storage::reports::{NewReport, NewRound};
use jixiao_storage::{ReportData, ReportReview, ReportRow, Round, StorageError, User};
use serde::Serialize;
use serde_json::json;

use super::{counts, parse_stored};
use crate::access::{actor, sees_personal_data};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A monitoring report or a self-evaluation, as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Doc {
    /// 绩效运行监控表.
    Monitoring(Box<MonitoringReport>),
    /// 绩效自评表.
    SelfEvaluation(Box<SelfEvaluation>),
}

/// The computed side of a document: lights or scores, with the findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Evaluation {
    /// Lights of a monitoring report.
    Warnings(Box<Warnings>),
    /// Scores of a self-evaluation.
    Scores(Box<Scores>),
}

impl Evaluation {
    /// The findings.
    pub fn findings(&self) -> &[Finding] {
        match self {
            Evaluation::Warnings(w) => &w.findings,
            Evaluation::Scores(s) => &s.findings,
        }
    }
}

impl Doc {
    /// Reads a document of `kind` from canonical JSON; a located 422 when it does not parse.
    pub fn parse(kind: DocumentKind, text: &str) -> ApiResult<Doc> {
        use jixiao_domain::parse::document_from_json;
        let located = |e: jixiao_domain::FormJsonError| {
            ApiError::unprocessable(e.to_string()).with("path", json!(e.path))
        };
        match kind {
            DocumentKind::Monitoring => Ok(Doc::Monitoring(Box::new(
                document_from_json(text, "监控表").map_err(located)?,
            ))),
            DocumentKind::SelfEvaluation => Ok(Doc::SelfEvaluation(Box::new(
                document_from_json(text, "自评表").map_err(located)?,
            ))),
            DocumentKind::Declaration => Err(ApiError::unprocessable("这里只接受监控表或自评表")),
        }
    }

    /// The kind.
    pub fn kind(&self) -> DocumentKind {
        match self {
            Doc::Monitoring(_) => DocumentKind::Monitoring,
            Doc::SelfEvaluation(_) => DocumentKind::SelfEvaluation,
        }
    }

    /// Canonical JSON.
    pub fn to_json(&self) -> ApiResult<String> {
        serde_json::to_string(self).map_err(ApiError::internal)
    }

    fn template(&self) -> &jixiao_domain::form::TemplateRef {
        match self {
            Doc::Monitoring(r) => &r.template,
            Doc::SelfEvaluation(e) => &e.template,
        }
    }

    /// The rules of the document's template (the national defaults when it names none).
    pub fn rules(&self, state: &AppState) -> LifecycleRules {
        let t = self.template();
        state
            .templates
            .get(&t.id, Some(t.version))
            .or_else(|_| state.templates.get(&t.id, None))
            .map(|t| t.lifecycle.clone())
            .unwrap_or_default()
    }

    /// Lights or scores under the template's rules.
    pub fn evaluate(&self, state: &AppState) -> Evaluation {
        let rules = self.rules(state);
        match self {
            Doc::Monitoring(r) => Evaluation::Warnings(Box::new(warn(r, &rules))),
            Doc::SelfEvaluation(e) => Evaluation::Scores(Box::new(score(e, &rules))),
        }
    }

    /// What a version stores: its JSON and the board's columns.
    fn data(&self, evaluation: &Evaluation) -> ApiResult<ReportData> {
        let (errors, warnings) = counts(evaluation.findings());
        let (colour, total, grade) = match evaluation {
            Evaluation::Warnings(w) => (w.colour.map(|c| c.as_str().to_string()), None, None),
            Evaluation::Scores(s) => (None, Some(dec(s.total)), Some(s.grade.label().to_string())),
        };
        Ok(ReportData {
            doc_json: self.to_json()?,
            colour,
            total,
            grade,
            errors,
            warnings,
        })
    }

    /// The document as a user may see it: outside the unit, the phone number masked.
    fn for_viewer(mut self, user: &User) -> Doc {
        if !sees_personal_data(user.role) {
            let phone = match &mut self {
                Doc::Monitoring(r) => r.header.phone.as_mut(),
                Doc::SelfEvaluation(e) => e.header.phone.as_mut(),
            };
            if let Some(p) = phone {
                *p = jixiao_domain::mask_phone(p);
            }
        }
        self
    }

    /// What the declaration and the round fixed: (year, month), the declaration and template,
    /// the budget rows (key, name, 年初预算数) and every indicator (levels, name, target).
    fn fixed(&self) -> Fixed {
        match self {
            Doc::Monitoring(r) => Fixed {
                period: (r.header.fiscal_year.get(), r.header.month),
                source: (r.declaration.clone(), r.template.clone()),
                budget: r
                    .budget
                    .iter()
                    .map(|b| (b.key.clone(), b.name.clone(), b.initial))
                    .collect(),
                rows: r
                    .indicators
                    .iter()
                    .map(|i| {
                        (
                            i.level1.clone(),
                            i.level2.clone(),
                            i.name.clone(),
                            i.target.clone(),
                        )
                    })
                    .collect(),
            },
            Doc::SelfEvaluation(e) => Fixed {
                period: (e.header.fiscal_year.get(), 12),
                source: (e.declaration.clone(), e.template.clone()),
                budget: e
                    .budget
                    .iter()
                    .map(|b| (b.key.clone(), b.name.clone(), b.initial))
                    .collect(),
                rows: e
                    .indicators
                    .iter()
                    .map(|i| {
                        (
                            i.level1.clone(),
                            i.level2.clone(),
                            i.name.clone(),
                            i.target.clone(),
                        )
                    })
                    .collect(),
            },
        }
    }

    /// Why `other` changes what the declaration and the round fixed, if it does: a unit enters
    /// values; it does not re-declare its targets.
    fn fixed_differs(&self, other: &Doc) -> Option<String> {
        if self.kind() != other.kind() {
            return Some("文档种类与任务不符".into());
        }
        let label = self.kind().label();
        let (a, b) = (self.fixed(), other.fixed());
        if a.period != b.period {
            Some("年度和截止月份由任务确定，不能更改".into())
        } else if a.source != b.source {
            Some(format!("{label}所依据的申报表不能更改"))
        } else if a.budget != b.budget {
            Some("预算执行的资金项目和年初预算数来自批复的申报表，不能更改".into())
        } else if a.rows != b.rows {
            Some("指标及其年度指标值来自批复的申报表，不能增删或修改；请只填写完成值、原因、分值与分析".into())
        } else {
            None
        }
    }
}

/// The parts of a document that the declaration and the round fixed.
type FixedRow = (String, String, String, Option<jixiao_domain::TargetValue>);

struct Fixed {
    period: (u16, u8),
    source: (
        jixiao_domain::lifecycle::DeclarationRef,
        jixiao_domain::form::TemplateRef,
    ),
    budget: Vec<(String, String, Option<jixiao_domain::Money>)>,
    rows: Vec<FixedRow>,
}

/// Whose the report is.
pub fn owner(row: &ReportRow) -> Owner {
    Owner {
        unit_id: row.unit_id,
        region_id: row.region_id,
        sign_off: row.sign_off,
        submitted: row.reached_finance_at.is_some(),
        department_id: row.department_id,
        department_setting: row.department_review,
        unit_submitted: row.first_submitted_at.is_some(),
    }
}

fn not_visible() -> ApiError {
    ApiError::not_found(jixiao_domain::Refusal::NotVisible.to_string())
}

/// The report, if it exists and the user may see it; otherwise 404.
fn visible(user: &User, row: Option<ReportRow>) -> ApiResult<ReportRow> {
    match row {
        Some(r) if actor(user).may_see(owner(&r)) => Ok(r),
        _ => Err(not_visible()),
    }
}

/// The status after `action` on the report, or the workflow's refusal.
fn may(user: &User, row: &ReportRow, action: Action) -> ApiResult<FormStatus> {
    Ok(actor(user).may(row.kind, owner(row), row.status, action)?)
}

/// True when the user may take `action` on the report now.
pub fn can(user: &User, row: &ReportRow, action: Action) -> bool {
    actor(user).can(row.kind, owner(row), row.status, action)
}

/// What opens a round.
#[derive(Debug, Clone)]
pub struct OpenRound {
    /// `monitoring` or `self_evaluation`.
    pub kind: DocumentKind,
    /// Budget year.
    pub fiscal_year: i64,
    /// Cut-off month (monitoring); `None` takes the template's default month.
    pub month: Option<i64>,
    /// Deadline, `YYYY-MM-DD`.
    pub deadline: String,
    /// Region (an administrator must name one; a reviewer's is its own).
    pub region_id: Option<i64>,
}

/// The answer to opening a round.
#[derive(Debug, Clone, Serialize)]
pub struct Opened {
    /// The round.
    pub round: Round,
    /// How many units got a document.
    pub created: usize,
    /// Units of the region without an approved declaration of the year (no document).
    pub skipped: Vec<String>,
}

/// Reads `YYYY-MM-DD` (also `YYYY/M/D`) as a date; a clear 422 otherwise.
fn parse_deadline(text: &str) -> ApiResult<(i64, i64, i64)> {
    let bad = || {
        ApiError::unprocessable(format!(
            "截止日期「{}」无法识别，请写成 2026-07-15",
            text.trim()
        ))
    };
    let parts: Vec<&str> = text.trim().split(['-', '/']).collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    let num = |s: &str| s.trim().parse::<i64>().map_err(|_| bad());
    let (y, m, d) = (num(y)?, num(m)?, num(d)?);
    jixiao_domain::form::Date::new(y, m, d).map_err(|_| bad())?;
    Ok((y, m, d))
}

/// The region a round is opened for: a reviewer's own (or the system administrator's choice,
/// rounds being schedules, not content); 403 for anyone else.
pub(crate) fn round_region(user: &User, asked: Option<i64>) -> ApiResult<i64> {
    if !user.role.is_finance() && !user.role.may_administer() {
        return Err(ApiError::forbidden(
            "只有财政审核人或系统管理员可以开启任务",
        ));
    }
    match (user.region_id, asked) {
        (Some(own), Some(asked)) if own != asked && !user.role.may_administer() => {
            Err(ApiError::forbidden("只能为本区划开启任务"))
        }
        (Some(own), None) => Ok(own),
        (_, Some(asked)) => Ok(asked),
        (None, None) => Err(ApiError::unprocessable("请指定区划（region_id）")),
    }
}

/// 422 unless the year is within 2000–2100.
pub(crate) fn check_year(year: i64) -> ApiResult<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(ApiError::unprocessable(format!(
            "年度 {year} 不在 2000–2100 之间"
        )))
    }
}

/// A deadline of today or later, as `YYYY-MM-DD`; 422 for one in the past or unreadable.
pub(crate) fn future_deadline(text: &str) -> ApiResult<String> {
    let (y, m, d) = parse_deadline(text)?;
    let today = jixiao_storage::beijing_date(jixiao_storage::now_ms());
    if (y, m, d) < (today.0, i64::from(today.1), i64::from(today.2)) {
        return Err(ApiError::unprocessable(format!(
            "截止日期 {y}-{m:02}-{d:02} 已经过去，请选择今天或以后的日期"
        )));
    }
    Ok(format!("{y}-{m:02}-{d:02}"))
}

/// Opens a round: one document per unit of the region with an approved declaration of the
/// year, made from that approved version (a self-evaluation also takes the unit's latest
/// monitoring actuals). The region's reviewers, or the system administrator (rounds are
/// schedules, not content); one round per region, kind, year and month.
pub async fn open_round(state: &AppState, user: &User, input: OpenRound) -> ApiResult<Opened> {
    let region_id = round_region(user, input.region_id)?;
    check_year(input.fiscal_year)?;
    let deadline = future_deadline(&input.deadline)?;
    let declarations = state
        .db
        .approved_declarations(region_id, input.fiscal_year)
        .await?;
    let mut made: Vec<(jixiao_storage::ApprovedDeclaration, Doc)> = Vec::new();
    let mut month = None;
    for decl in declarations {
        let text = state
            .db
            .version_json(decl.form_id, decl.version)
            .await?
            .ok_or_else(|| ApiError::internal("approved version missing"))?;
        let form: Form = parse_stored(&text)?;
        let rules = state
            .templates
            .get(&form.template.id, Some(form.template.version))
            .map(|t| t.lifecycle.clone())
            .unwrap_or_default();
        let m = match (input.kind, input.month) {
            (DocumentKind::Monitoring, Some(m)) => m,
            (DocumentKind::Monitoring, None) => i64::from(rules.default_month),
            _ => 12,
        };
        if !(1..=12).contains(&m) {
            return Err(ApiError::unprocessable(format!(
                "截止月份为 {m}，应在 1–12 之间"
            )));
        }
        month = Some(m);
        let doc = match input.kind {
            DocumentKind::Monitoring => {
                let mut r = MonitoringReport::from_declaration(&form, m as u8);
                r.declaration.version = Some(decl.version);
                r.header.fill_date = None;
                Doc::Monitoring(Box::new(r))
            }
            DocumentKind::SelfEvaluation => {
                let mut e = SelfEvaluation::from_declaration(&form, &rules);
                e.declaration.version = Some(decl.version);
                if let Some(text) = state
                    .db
                    .latest_monitoring_json(decl.unit_id, input.fiscal_year)
                    .await?
                    && let Ok(Doc::Monitoring(r)) = Doc::parse(DocumentKind::Monitoring, &text)
                {
                    e.take_actuals(&r);
                }
                Doc::SelfEvaluation(Box::new(e))
            }
            DocumentKind::Declaration => {
                return Err(ApiError::unprocessable(
                    "任务种类应为 monitoring（绩效运行监控）或 self_evaluation（绩效自评）",
                ));
            }
        };
        made.push((decl, doc));
    }
    if input.kind == DocumentKind::Declaration {
        return Err(ApiError::unprocessable(
            "任务种类应为 monitoring（绩效运行监控）或 self_evaluation（绩效自评）",
        ));
    }
    let Some(month) = month else {
        return Err(ApiError::unprocessable(format!(
            "本区划 {} 年度还没有已批复的申报表，无法开启{}任务",
            input.fiscal_year,
            input.kind.label()
        )));
    };
    let mut tx = state.db.begin_write().await?;
    let round_id = tx
        .create_round(&NewRound {
            region_id,
            kind: input.kind,
            fiscal_year: input.fiscal_year,
            month,
            deadline: &deadline,
            opened_by: user.id,
        })
        .await
        .map_err(|e| match e {
            StorageError::Duplicate(what) => {
                ApiError::conflict("round_exists", format!("{what}已经开启"))
            }
            other => other.into(),
        })?;
    for (decl, doc) in &made {
        let evaluation = doc.evaluate(state);
        let data = doc.data(&evaluation)?;
        let id = tx
            .create_report(
                &NewReport {
                    round_id,
                    region_id,
                    unit_id: decl.unit_id,
                    kind: input.kind,
                    fiscal_year: input.fiscal_year,
                    declaration_id: decl.form_id,
                    declaration_version: decl.version,
                    created_by: user.id,
                },
                &data,
            )
            .await?;
        tx.audit_report(
            id,
            Some(user.id),
            Action::Create.as_str(),
            &format!(
                "开启{}任务，据批复的申报表第 {} 版生成，截止 {deadline}",
                input.kind.label(),
                decl.version
            ),
        )
        .await?;
    }
    tx.commit().await?;
    let round = state
        .db
        .round(round_id)
        .await?
        .ok_or_else(|| ApiError::internal("round vanished"))?;
    let units = state.db.units(Some(region_id)).await?;
    let skipped = units
        .into_iter()
        .filter(|u| !made.iter().any(|(d, _)| d.unit_id == u.id))
        .map(|u| u.name)
        .collect();
    Ok(Opened {
        round,
        created: made.len(),
        skipped,
    })
}

/// The rounds the user may see: a reviewer its region's, the system administrator every
/// region's (the schedule only: the boards are the finance side's); others none (unit roles see
/// their documents).
pub async fn rounds(state: &AppState, user: &User) -> ApiResult<Vec<Round>> {
    if !user.role.is_finance() && !user.role.may_administer() {
        return Ok(Vec::new());
    }
    let region = if user.role.may_administer() {
        None
    } else {
        Some(
            user.region_id
                .ok_or_else(|| ApiError::forbidden("用户没有所属区划"))?,
        )
    };
    Ok(state.db.rounds(region).await?)
}

/// A round whose board the user may see (the reviewers of its region).
pub async fn round(state: &AppState, user: &User, id: i64) -> ApiResult<Round> {
    let round = state.db.round(id).await?;
    match round {
        Some(r) if user.role.is_finance() && user.region_id == Some(r.region_id) => Ok(r),
        _ => Err(ApiError::not_found("任务不存在或无权查看")),
    }
}

/// Counts on a round board.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BoardCounts {
    /// Units in the round.
    pub units: usize,
    /// Per status (`draft` …): how many.
    pub statuses: Vec<(FormStatus, usize)>,
    /// Per colour (monitoring): red, yellow, green, blue, none.
    pub colours: Vec<(String, usize)>,
    /// Per grade (self-evaluation): 优, 良, 中, 差.
    pub grades: Vec<(String, usize)>,
}

/// The round board: every unit's document with status, light or score, and the counts.
#[derive(Debug, Clone, Serialize)]
pub struct Board {
    /// The round.
    pub round: Round,
    /// One row per unit.
    pub rows: Vec<ReportRow>,
    /// Counts.
    pub counts: BoardCounts,
}

/// The round board.
pub async fn board(state: &AppState, user: &User, id: i64) -> ApiResult<Board> {
    let round = round(state, user, id).await?;
    // A document that has not reached the finance bureau is the unit's own: the board shows
    // its status, not its light or score.
    let rows: Vec<ReportRow> = state
        .db
        .reports_of_round(id)
        .await?
        .into_iter()
        .map(|mut r| {
            if r.reached_finance_at.is_none() {
                (r.colour, r.total, r.grade) = (None, None, None);
            }
            r
        })
        .collect();
    let mut counts = BoardCounts {
        units: rows.len(),
        ..BoardCounts::default()
    };
    for status in FormStatus::ALL {
        let n = rows.iter().filter(|r| r.status == status).count();
        if n > 0 {
            counts.statuses.push((status, n));
        }
    }
    if round.kind == DocumentKind::Monitoring {
        for colour in ["red", "yellow", "green", "blue"] {
            let n = rows
                .iter()
                .filter(|r| r.colour.as_deref() == Some(colour))
                .count();
            counts.colours.push((colour.to_string(), n));
        }
        let none = rows.iter().filter(|r| r.colour.is_none()).count();
        counts.colours.push(("none".into(), none));
    } else {
        for grade in ["优", "良", "中", "差"] {
            let n = rows
                .iter()
                .filter(|r| r.grade.as_deref() == Some(grade))
                .count();
            counts.grades.push((grade.to_string(), n));
        }
    }
    Ok(Board {
        round,
        rows,
        counts,
    })
}

/// The documents of the user's unit (unit roles), newest round first.
pub async fn unit_reports(state: &AppState, user: &User) -> ApiResult<Vec<ReportRow>> {
    match user.unit_id {
        Some(unit) if user.role.is_unit_role() => Ok(state.db.reports_of_unit(unit).await?),
        _ => Ok(Vec::new()),
    }
}

/// A report as read: its row, the current document, its lights or scores, the decisions.
#[derive(Debug, Clone, Serialize)]
pub struct ReportRead {
    /// The row.
    pub row: ReportRow,
    /// The current version's document.
    pub document: Doc,
    /// Lights or scores with findings.
    pub evaluation: Evaluation,
    /// Decisions, oldest first.
    pub reviews: Vec<ReportReview>,
}

impl ReportRead {
    /// The reason of the last return, while the report is returned.
    pub fn return_reason(&self) -> Option<&str> {
        if self.row.status != FormStatus::Returned {
            return None;
        }
        self.reviews
            .iter()
            .rev()
            .find(|r| r.decision == Decision::Return)
            .map(|r| r.reason.as_str())
    }
}

/// Reads a report the user may see.
pub async fn read(state: &AppState, user: &User, id: i64) -> ApiResult<ReportRead> {
    let row = visible(user, state.db.report(id).await?)?;
    let text = state
        .db
        .report_version_json(id, row.version)
        .await?
        .ok_or_else(|| ApiError::internal("current report version missing"))?;
    let document = Doc::parse(row.kind, &text)
        .map_err(|e| ApiError::internal(format!("stored report does not parse: {}", e.message)))?
        .for_viewer(user);
    let evaluation = document.evaluate(state);
    let reviews = state.db.report_reviews(id).await?;
    Ok(ReportRead {
        row,
        document,
        evaluation,
        reviews,
    })
}

/// The answer to a save.
#[derive(Debug, Clone, Serialize)]
pub struct ReportSaved {
    /// The new version.
    pub version: i64,
    /// Its lights or scores with findings.
    pub evaluation: Evaluation,
}

/// The 409 of a stale save or step: names both versions and carries the current document.
async fn stale(state: &AppState, row: &ReportRow, base: i64) -> ApiError {
    let current = match state.db.report_version_json(row.id, row.version).await {
        Ok(Some(text)) => serde_json::from_str::<serde_json::Value>(&text).unwrap_or_default(),
        _ => serde_json::Value::Null,
    };
    ApiError::conflict(
        "stale_version",
        format!(
            "您基于第 {base} 版修改，但{}已被保存为第 {} 版；请先查看最新内容再保存",
            row.kind.label(),
            row.version
        ),
    )
    .with("current_version", json!(row.version))
    .with("current", current)
}

/// Saves a new version of a report the unit may edit; 409 when `base_version` is stale, 422
/// when the document changes what the declaration fixed.
pub async fn save(
    state: &AppState,
    user: &User,
    id: i64,
    base_version: i64,
    doc: Doc,
) -> ApiResult<ReportSaved> {
    let mut tx = state.db.begin_write().await?;
    let row = visible(user, tx.lock_report(id).await?)?;
    let status = may(user, &row, Action::Save)?;
    if doc.kind() != row.kind {
        return Err(ApiError::unprocessable(format!(
            "这是一份{}，不能保存为{}",
            row.kind.label(),
            doc.kind().label()
        )));
    }
    if base_version != row.version {
        drop(tx);
        return Err(stale(state, &row, base_version).await);
    }
    let text = tx
        .report_version_json(id, row.version)
        .await?
        .ok_or_else(|| ApiError::internal("current report version missing"))?;
    let stored = Doc::parse(row.kind, &text)?;
    if let Some(why) = stored.fixed_differs(&doc) {
        return Err(ApiError::unprocessable(why));
    }
    let evaluation = doc.evaluate(state);
    let data = doc.data(&evaluation)?;
    let version = tx
        .append_report_version(id, row.version, status, &data, user.id)
        .await?
        .ok_or_else(|| ApiError::internal("version moved under a held lock"))?;
    tx.audit_report(
        id,
        Some(user.id),
        Action::Save.as_str(),
        &format!(
            "保存第 {version} 版（{} 处错误，{} 处警告）",
            data.errors, data.warnings
        ),
    )
    .await?;
    tx.commit().await?;
    state.metrics.saved();
    Ok(ReportSaved {
        version,
        evaluation,
    })
}

/// The answer of a step.
#[derive(Debug, Clone, Serialize)]
pub struct ReportStep {
    /// The status after the step.
    pub status: FormStatus,
    /// Its Chinese label for the kind (已审核 for an accepted report).
    pub status_label: &'static str,
}

/// A workflow step on a report: submit (with the base version; refused with the findings while
/// errors remain), sign-off, withdraw, approve (accept), return (with a reason), publish.
pub async fn step(
    state: &AppState,
    user: &User,
    id: i64,
    action: Action,
    base_version: Option<i64>,
    reason: &str,
) -> ApiResult<ReportStep> {
    let mut tx = state.db.begin_write().await?;
    let row = visible(user, tx.lock_report(id).await?)?;
    let status = may(user, &row, action)?;
    let reason = reason.trim();
    let mut detail;
    match action {
        Action::Submit => {
            if let Some(base) = base_version
                && base != row.version
            {
                drop(tx);
                return Err(stale(state, &row, base).await);
            }
            let text = tx
                .report_version_json(id, row.version)
                .await?
                .ok_or_else(|| ApiError::internal("current report version missing"))?;
            let evaluation = Doc::parse(row.kind, &text)?.evaluate(state);
            let errors: Vec<&Finding> = evaluation
                .findings()
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .collect();
            if !errors.is_empty() {
                return Err(ApiError::unprocessable(format!(
                    "{}还有 {} 处错误，改正后才能提交",
                    row.kind.label(),
                    errors.len()
                ))
                .with("findings", json!(errors)));
            }
            detail = format!("提交第 {} 版", row.version);
            if status == FormStatus::AwaitingSignOff {
                detail.push_str("，待单位审核人签批");
            } else if status == FormStatus::AwaitingDepartment {
                detail.push_str("，待主管部门审核");
            }
        }
        Action::Return => {
            if reason.is_empty() {
                return Err(ApiError::unprocessable("退回时请写明原因"));
            }
            if reason.chars().count() > 5000 {
                return Err(ApiError::unprocessable("退回原因不能超过 5000 字"));
            }
            tx.insert_report_review(id, row.version, user.id, Decision::Return, reason)
                .await?;
            detail = format!("退回第 {} 版：{reason}", row.version);
        }
        Action::Approve => {
            tx.insert_report_review(id, row.version, user.id, Decision::Approve, reason)
                .await?;
            detail = format!("审核通过第 {} 版", row.version);
        }
        Action::SignOff if user.role == jixiao_domain::Role::DepartmentReviewer => {
            detail = format!("主管部门审核通过第 {} 版，报送财政", row.version)
        }
        Action::SignOff if status == FormStatus::AwaitingDepartment => {
            detail = format!("单位审核人签批第 {} 版，报送主管部门", row.version)
        }
        Action::SignOff => detail = format!("单位审核人签批第 {} 版，报送财政", row.version),
        Action::Withdraw => detail = format!("撤回第 {} 版的提交", row.version),
        Action::Publish => {
            detail = format!("公开第 {} 版（公开件不含填报人与联系电话）", row.version)
        }
        other => {
            return Err(ApiError::unprocessable(format!(
                "{}不能对{}进行",
                other.label(),
                row.kind.label()
            )));
        }
    }
    tx.set_report_status(id, status).await?;
    tx.audit_report(id, Some(user.id), action.as_str(), &detail)
        .await?;
    tx.commit().await?;
    Ok(ReportStep {
        status,
        status_label: status.label_for(row.kind),
    })
}

/// The audit log of a report the user may see.
pub async fn audit(
    state: &AppState,
    user: &User,
    id: i64,
) -> ApiResult<Vec<jixiao_storage::AuditEntry>> {
    visible(user, state.db.report(id).await?)?;
    Ok(state.db.report_audit(id).await?)
}

/// May the user edit the report now.
pub fn may_edit(user: &User, row: &ReportRow) -> bool {
    let a: Actor = actor(user);
    a.may_edit(row.kind, owner(row), row.status)
}

/// A file made from a report or a board.
#[derive(Debug, Clone)]
pub struct ReportFile {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Content type.
    pub content_type: &'static str,
    /// ASCII file name.
    pub ascii_name: String,
    /// The name offered to people.
    pub name: String,
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A report's current version as a file: `pdf` and `html` in the published layouts, `json`
/// (canonical) or `xlsx` (the fillable workbook).
/// Outside the unit the phone number is masked, as on the page.
pub async fn export(state: &AppState, user: &User, id: i64, format: &str) -> ApiResult<ReportFile> {
    let read = read(state, user, id).await?;
    let row = &read.row;
    let stem = match row.kind {
        DocumentKind::Monitoring => format!(
            "{}{}年1-{}月绩效运行监控表",
            row.unit_name, row.fiscal_year, row.month
        ),
        _ => format!("{}{}年度绩效自评表", row.unit_name, row.fiscal_year),
    };
    let (bytes, content_type, ext) = match format {
        "json" => (
            serde_json::to_vec_pretty(&read.document).map_err(ApiError::internal)?,
            "application/json",
            "json",
        ),
        "xlsx" => {
            let doc = read.document.clone();
            let weight = doc.rules(state).execution_weight;
            let bytes = state
                .jobs
                .run(move || match &doc {
                    Doc::Monitoring(r) => jixiao_formats::lifecycle::write_monitoring(r),
                    Doc::SelfEvaluation(e) => {
                        jixiao_formats::lifecycle::write_self_evaluation(e, weight)
                    }
                })
                .await?
                .map_err(|e| ApiError::internal(format!("report workbook failed: {e}")))?;
            (bytes, XLSX, "xlsx")
        }
        "pdf" | "html" => {
            // As the form downloads: the copy the viewer may see (outside the unit the phone
            // is already masked in the document read).
            let doc = read.document.clone();
            let rules = doc.rules(state);
            let pdf = format == "pdf";
            let privacy = jixiao_domain::Privacy::Private;
            let bytes = state
                .jobs
                .run(move || -> Result<Vec<u8>, String> {
                    let pdf_options = jixiao_pdf::PdfOptions {
                        privacy,
                        font_dir: None,
                    };
                    let html_options = jixiao_formats::html::HtmlOptions { privacy };
                    match (&doc, pdf) {
                        (Doc::Monitoring(r), true) => {
                            jixiao_pdf::render_monitoring(r, &rules, &pdf_options)
                                .map_err(|e| e.to_string())
                        }
                        (Doc::SelfEvaluation(e), true) => {
                            jixiao_pdf::render_self_evaluation(e, &rules, &pdf_options)
                                .map_err(|e| e.to_string())
                        }
                        (Doc::Monitoring(r), false) => {
                            jixiao_formats::html::monitoring_to_html(r, &rules, &html_options)
                                .map(String::into_bytes)
                                .map_err(|e| e.to_string())
                        }
                        (Doc::SelfEvaluation(e), false) => {
                            jixiao_formats::html::self_evaluation_to_html(e, &rules, &html_options)
                                .map(String::into_bytes)
                                .map_err(|e| e.to_string())
                        }
                    }
                })
                .await?
                .map_err(ApiError::unprocessable)?;
            if pdf {
                (bytes, "application/pdf", "pdf")
            } else {
                (bytes, "text/html; charset=utf-8", "html")
            }
        }
        other => {
            return Err(ApiError::unprocessable(format!(
                "不支持的导出格式「{other}」；{}可导出为 pdf、html、xlsx 或 json",
                row.kind.label()
            )));
        }
    };
    audit_download(state, user, id, &format!("下载 {ext} 文件")).await?;
    Ok(ReportFile {
        bytes,
        content_type,
        ascii_name: format!("report-{id}.{ext}"),
        name: format!("{stem}.{ext}"),
    })
}

async fn audit_download(state: &AppState, user: &User, id: i64, detail: &str) -> ApiResult<()> {
    let mut tx = state.db.begin_write().await?;
    tx.audit_report(id, Some(user.id), "download", detail)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// The board as a workbook: one row per unit with its status, light or total and grade,
/// errors, warnings and last change, then the counts.
pub async fn board_workbook(state: &AppState, user: &User, id: i64) -> ApiResult<ReportFile> {
    let board = board(state, user, id).await?;
    let name = format!("{}.xlsx", round_title(&board.round));
    super::audit_event(
        state,
        user.id,
        jixiao_storage::Subject::default(),
        "download",
        &format!("下载任务看板：{name}"),
        jixiao_storage::Outcome::Ok,
    )
    .await?;
    let bytes = state
        .jobs
        .run(move || write_board(&board))
        .await?
        .map_err(|e| ApiError::internal(format!("board workbook failed: {e}")))?;
    Ok(ReportFile {
        bytes,
        content_type: XLSX,
        ascii_name: format!("round-{id}.xlsx"),
        name,
    })
}

/// The title of a round (`2026年1-6月绩效运行监控`).
pub fn round_title(round: &Round) -> String {
    match round.kind {
        DocumentKind::Declaration => super::rounds::title(round),
        DocumentKind::Monitoring => format!(
            "{}{}年1-{}月绩效运行监控",
            round.region_name, round.fiscal_year, round.month
        ),
        _ => format!("{}{}年度绩效自评", round.region_name, round.fiscal_year),
    }
}

/// The Chinese word of a light.
pub fn colour_label(colour: Option<&str>) -> &'static str {
    match colour {
        Some("red") => "红灯",
        Some("yellow") => "黄灯",
        Some("green") => "绿灯",
        Some("blue") => "蓝灯",
        _ => "未评",
    }
}

fn write_board(board: &Board) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, FormatBorder, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("任务看板")?;
    let title = Format::new().set_bold().set_font_size(14);
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#E8EEF5");
    let cell = Format::new().set_border(FormatBorder::Thin);
    let number = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("0.00");
    ws.write_with_format(0, 0, round_title(&board.round), &title)?;
    ws.write(1, 0, format!("截止日期：{}", board.round.deadline))?;
    let monitoring = board.round.kind == DocumentKind::Monitoring;
    let headers: &[&str] = if monitoring {
        &[
            "单位",
            "状态",
            "预警",
            "错误",
            "警告",
            "当前版本",
            "最后修改",
        ]
    } else {
        &[
            "单位",
            "状态",
            "总分",
            "等级",
            "错误",
            "警告",
            "当前版本",
            "最后修改",
        ]
    };
    for (c, h) in headers.iter().enumerate() {
        ws.write_with_format(3, c as u16, *h, &head)?;
    }
    let now = jixiao_storage::now_ms();
    for (i, r) in board.rows.iter().enumerate() {
        let row = 4 + i as u32;
        let mut c = 0u16;
        let text = |ws: &mut rust_xlsxwriter::Worksheet, c: &mut u16, s: &str| {
            let out = ws.write_with_format(row, *c, s, &cell).map(|_| ());
            *c += 1;
            out
        };
        text(ws, &mut c, &r.unit_name)?;
        text(ws, &mut c, r.status.label_for(r.kind))?;
        if monitoring {
            text(ws, &mut c, colour_label(r.colour.as_deref()))?;
        } else {
            match r.total.as_deref().and_then(|t| t.parse::<f64>().ok()) {
                Some(t) => ws.write_with_format(row, c, t, &number).map(|_| ())?,
                None => ws.write_with_format(row, c, "", &cell).map(|_| ())?,
            }
            c += 1;
            text(ws, &mut c, r.grade.as_deref().unwrap_or(""))?;
        }
        ws.write_with_format(row, c, r.errors as f64, &cell)?;
        ws.write_with_format(row, c + 1, r.warnings as f64, &cell)?;
        ws.write_with_format(row, c + 2, r.version as f64, &cell)?;
        ws.write_with_format(
            row,
            c + 3,
            jixiao_storage::format_for_people(r.updated_at, now),
            &cell,
        )?;
    }
    let mut row = 5 + board.rows.len() as u32;
    ws.write_with_format(row, 0, "合计", &head)?;
    ws.write_with_format(row, 1, format!("{} 个单位", board.counts.units), &cell)?;
    for (status, n) in &board.counts.statuses {
        row += 1;
        ws.write_with_format(row, 0, status.label_for(board.round.kind), &cell)?;
        ws.write_with_format(row, 1, *n as f64, &cell)?;
    }
    for (colour, n) in &board.counts.colours {
        row += 1;
        ws.write_with_format(row, 0, colour_label(Some(colour)), &cell)?;
        ws.write_with_format(row, 1, *n as f64, &cell)?;
    }
    for (grade, n) in &board.counts.grades {
        row += 1;
        ws.write_with_format(row, 0, grade.as_str(), &cell)?;
        ws.write_with_format(row, 1, *n as f64, &cell)?;
    }
    ws.set_column_width(0, 36)?;
    for c in 1..headers.len() as u16 {
        ws.set_column_width(c, 14)?;
    }
    wb.save_to_buffer()
}
