//! Rounds (监控、自评任务) and the documents they hand to units: monitoring reports and
//! self-evaluations. A round belongs to a region and a year (a monitoring round also to a cut-off
//! month); opening it creates one report per unit with an approved declaration, each keeping the
//! declaration version it is measured against. Reports are versioned like forms: every save
//! appends a row to `report_versions` with the full canonical JSON, and the current light (or
//! total and grade) is kept as columns for the round board.

use jixiao_domain::workflow::{Decision, DocumentKind, FormStatus};
use serde::Serialize;

use crate::forms::parse_status;
use crate::{Db, Result, StorageError, WriteTx, now_ms};

/// A round: of declaration (填报任务), monitoring or self-evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Round {
    /// Id.
    pub id: i64,
    /// Region.
    pub region_id: i64,
    /// Region name.
    pub region_name: String,
    /// Declaration, monitoring or self-evaluation.
    pub kind: DocumentKind,
    /// Budget year.
    pub fiscal_year: i64,
    /// Cut-off month of a monitoring round (1–12); 12 for a self-evaluation; 0 for a declaration.
    pub month: i64,
    /// Deadline (`YYYY-MM-DD`, Beijing).
    pub deadline: String,
    /// Opened (Unix ms).
    pub created_at: i64,
    /// Closed (Unix ms): a closed declaration round takes no new submissions.
    pub closed_at: Option<i64>,
}

pub(crate) const ROUND_COLUMNS: &str = "r.id, r.region_id, rg.name, r.kind, r.fiscal_year, r.month, r.deadline, \
    r.created_at, r.closed_at";

fn parse_kind(s: &str) -> Result<DocumentKind> {
    DocumentKind::parse(s).ok_or_else(|| StorageError::Corrupt(format!("未知的文档种类「{s}」")))
}

pub(crate) fn round_from(row: sqlx::any::AnyRow) -> Result<Round> {
    use sqlx::Row;
    let kind: String = row.try_get(3)?;
    Ok(Round {
        id: row.try_get(0)?,
        region_id: row.try_get(1)?,
        region_name: row.try_get(2)?,
        kind: parse_kind(&kind)?,
        fiscal_year: row.try_get(4)?,
        month: row.try_get(5)?,
        deadline: row.try_get(6)?,
        created_at: row.try_get(7)?,
        closed_at: row.try_get(8)?,
    })
}

/// The current state of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportRow {
    /// Id.
    pub id: i64,
    /// The round it belongs to.
    pub round_id: i64,
    /// Region of the unit.
    pub region_id: i64,
    /// Unit.
    pub unit_id: i64,
    /// Unit name.
    pub unit_name: String,
    /// Declaration, monitoring or self-evaluation.
    pub kind: DocumentKind,
    /// Budget year.
    pub fiscal_year: i64,
    /// Cut-off month of the round.
    pub month: i64,
    /// Deadline of the round.
    pub deadline: String,
    /// The declaration measured against.
    pub declaration_id: i64,
    /// Its approved version that was copied.
    pub declaration_version: i64,
    /// Workflow status.
    pub status: FormStatus,
    /// Current version.
    pub version: i64,
    /// The worst light of the current version (monitoring; `red|yellow|green|blue`).
    pub colour: Option<String>,
    /// The computed total of the current version (self-evaluation; decimal text).
    pub total: Option<String>,
    /// Its grade (优, 良, 中, 差).
    pub grade: Option<String>,
    /// Errors of the current version.
    pub errors: i64,
    /// Warnings of the current version.
    pub warnings: i64,
    /// Whether the unit's region asks for the unit approver's sign-off.
    pub sign_off: bool,
    /// First submitted (Unix ms).
    pub first_submitted_at: Option<i64>,
    /// First reached the finance bureau (Unix ms): the finance side sees it from then on.
    pub reached_finance_at: Option<i64>,
    /// Created (Unix ms).
    pub created_at: i64,
    /// Last changed (Unix ms).
    pub updated_at: i64,
    /// The unit's department in charge (主管部门), if it has one.
    pub department_id: Option<i64>,
    /// Whether the region asks the department in charge to review before the finance bureau.
    pub department_review: bool,
}

const REPORT_COLUMNS: &str = "p.id, p.round_id, p.region_id, p.unit_id, un.name, p.kind, p.fiscal_year, \
    r.month, r.deadline, p.declaration_id, p.declaration_version, p.status, p.version, p.colour, \
    p.total, p.grade, p.errors, p.warnings, rg.unit_sign_off, p.first_submitted_at, p.created_at, \
    p.updated_at, p.reached_finance_at, un.department_id, rg.department_review";

const REPORT_FROM: &str = "reports p JOIN rounds r ON r.id = p.round_id \
    JOIN units un ON un.id = p.unit_id JOIN regions rg ON rg.id = p.region_id";

fn report_from(row: sqlx::any::AnyRow) -> Result<ReportRow> {
    use sqlx::Row;
    let kind: String = row.try_get(5)?;
    let status: String = row.try_get(11)?;
    let sign_off: i64 = row.try_get(18)?;
    Ok(ReportRow {
        id: row.try_get(0)?,
        round_id: row.try_get(1)?,
        region_id: row.try_get(2)?,
        unit_id: row.try_get(3)?,
        unit_name: row.try_get(4)?,
        kind: parse_kind(&kind)?,
        fiscal_year: row.try_get(6)?,
        month: row.try_get(7)?,
        deadline: row.try_get(8)?,
        declaration_id: row.try_get(9)?,
        declaration_version: row.try_get(10)?,
        status: parse_status(&status)?,
        version: row.try_get(12)?,
        colour: row.try_get(13)?,
        total: row.try_get(14)?,
        grade: row.try_get(15)?,
        errors: row.try_get(16)?,
        warnings: row.try_get(17)?,
        sign_off: sign_off != 0,
        first_submitted_at: row.try_get(19)?,
        created_at: row.try_get(20)?,
        updated_at: row.try_get(21)?,
        reached_finance_at: row.try_get(22)?,
        department_id: row.try_get(23)?,
        department_review: row.try_get::<i64, _>(24)? != 0,
    })
}

/// What a saved version of a report stores besides its number.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportData {
    /// The canonical JSON of the document.
    pub doc_json: String,
    /// Its worst light (monitoring).
    pub colour: Option<String>,
    /// Its computed total (self-evaluation).
    pub total: Option<String>,
    /// Its grade (self-evaluation).
    pub grade: Option<String>,
    /// Errors.
    pub errors: i64,
    /// Warnings.
    pub warnings: i64,
}

/// A new round.
#[derive(Debug, Clone)]
pub struct NewRound<'a> {
    /// Region.
    pub region_id: i64,
    /// Kind.
    pub kind: DocumentKind,
    /// Year.
    pub fiscal_year: i64,
    /// Cut-off month.
    pub month: i64,
    /// Deadline (`YYYY-MM-DD`).
    pub deadline: &'a str,
    /// Who opens it.
    pub opened_by: i64,
}

/// A new report of a round.
#[derive(Debug, Clone)]
pub struct NewReport {
    /// Round.
    pub round_id: i64,
    /// Region.
    pub region_id: i64,
    /// Unit.
    pub unit_id: i64,
    /// Kind.
    pub kind: DocumentKind,
    /// Year.
    pub fiscal_year: i64,
    /// Declaration measured against.
    pub declaration_id: i64,
    /// Its approved version.
    pub declaration_version: i64,
    /// Who creates it (the one opening the round).
    pub created_by: i64,
}

/// A decision on a submitted report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportReview {
    /// Id.
    pub id: i64,
    /// Version decided on.
    pub version: i64,
    /// The reviewer as people read it.
    pub reviewer_name: String,
    /// Accept or return.
    pub decision: Decision,
    /// Reason (required to return).
    pub reason: String,
    /// When (Unix ms).
    pub created_at: i64,
}

/// An approved declaration a round measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovedDeclaration {
    /// Form id.
    pub form_id: i64,
    /// Unit.
    pub unit_id: i64,
    /// Unit name.
    pub unit_name: String,
    /// The approved version (the latest, after any adjustment).
    pub version: i64,
}

impl Db {
    /// A round.
    pub async fn round(&self, id: i64) -> Result<Option<Round>> {
        let row = sqlx::query(&format!(
            "SELECT {ROUND_COLUMNS} FROM rounds r JOIN regions rg ON rg.id = r.region_id WHERE r.id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(round_from).transpose()
    }

    /// The rounds of a region (or of every region with `None`), newest first.
    pub async fn rounds(&self, region_id: Option<i64>) -> Result<Vec<Round>> {
        let rows = sqlx::query(&format!(
            "SELECT {ROUND_COLUMNS} FROM rounds r JOIN regions rg ON rg.id = r.region_id \
             WHERE ($1 IS NULL OR r.region_id = $1) ORDER BY r.fiscal_year DESC, r.id DESC LIMIT 500"
        ))
        .bind(region_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(round_from).collect()
    }

    /// A report.
    pub async fn report(&self, id: i64) -> Result<Option<ReportRow>> {
        let row = sqlx::query(&format!(
            "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE p.id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(report_from).transpose()
    }

    /// The reports of a round, by unit name.
    pub async fn reports_of_round(&self, round_id: i64) -> Result<Vec<ReportRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE p.round_id = $1 ORDER BY un.name, p.id"
        ))
        .bind(round_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(report_from).collect()
    }

    /// The reports of a unit, newest round first.
    pub async fn reports_of_unit(&self, unit_id: i64) -> Result<Vec<ReportRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE p.unit_id = $1 \
             ORDER BY p.fiscal_year DESC, r.id DESC LIMIT 200"
        ))
        .bind(unit_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(report_from).collect()
    }

    /// The JSON of a stored report version.
    pub async fn report_version_json(
        &self,
        report_id: i64,
        version: i64,
    ) -> Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT doc_json FROM report_versions WHERE report_id = $1 AND version = $2",
        )
        .bind(report_id)
        .bind(version)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| r.0))
    }

    /// The decisions on a report, oldest first.
    pub async fn report_reviews(&self, report_id: i64) -> Result<Vec<ReportReview>> {
        let rows = sqlx::query(&format!(
            "SELECT v.id, v.version, {}, v.decision, v.reason, v.created_at FROM report_reviews v \
             JOIN users u ON u.id = v.reviewer_id WHERE v.report_id = $1 ORDER BY v.id",
            crate::users::PERSON
        ))
        .bind(report_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|row| {
                use sqlx::Row;
                let decision: String = row.try_get(3)?;
                Ok(ReportReview {
                    id: row.try_get(0)?,
                    version: row.try_get(1)?,
                    reviewer_name: row.try_get(2)?,
                    decision: Decision::parse(&decision).ok_or_else(|| {
                        StorageError::Corrupt(format!("未知的审核结论「{decision}」"))
                    })?,
                    reason: row.try_get(4)?,
                    created_at: row.try_get(5)?,
                })
            })
            .collect()
    }

    /// The approved declarations of a region's year: per unit its newest form with an approved
    /// version, by unit name.
    pub async fn approved_declarations(
        &self,
        region_id: i64,
        fiscal_year: i64,
    ) -> Result<Vec<ApprovedDeclaration>> {
        let rows: Vec<(i64, i64, String, i64)> = sqlx::query_as(
            "SELECT f.id, f.unit_id, un.name, f.approved_version FROM forms f \
             JOIN units un ON un.id = f.unit_id \
             WHERE f.region_id = $1 AND f.fiscal_year = $2 AND f.approved_version IS NOT NULL \
             ORDER BY un.name, f.id",
        )
        .bind(region_id)
        .bind(fiscal_year)
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<ApprovedDeclaration> = Vec::with_capacity(rows.len());
        for (form_id, unit_id, unit_name, version) in rows {
            // One form per unit and year is the rule; keep the newest if data says otherwise.
            out.retain(|d| d.unit_id != unit_id);
            out.push(ApprovedDeclaration {
                form_id,
                unit_id,
                unit_name,
                version,
            });
        }
        Ok(out)
    }

    /// The current JSON of the unit's latest monitoring report of a year (the one with the
    /// latest cut-off month), if any.
    pub async fn latest_monitoring_json(
        &self,
        unit_id: i64,
        fiscal_year: i64,
    ) -> Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT v.doc_json FROM reports p JOIN rounds r ON r.id = p.round_id \
             JOIN report_versions v ON v.report_id = p.id AND v.version = p.version \
             WHERE p.unit_id = $1 AND p.fiscal_year = $2 AND p.kind = $3 \
             ORDER BY r.month DESC, p.id DESC LIMIT 1",
        )
        .bind(unit_id)
        .bind(fiscal_year)
        .bind(DocumentKind::Monitoring.as_str())
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| r.0))
    }

    /// The audit log of a report, oldest first.
    pub async fn report_audit(&self, report_id: i64) -> Result<Vec<crate::AuditEntry>> {
        let rows: Vec<crate::reviews::AuditTuple> = sqlx::query_as(&format!(
            "SELECT {} FROM audit_log a \
             LEFT JOIN users u ON u.id = a.user_id WHERE a.report_id = $1 ORDER BY a.id LIMIT 10000",
            crate::reviews::audit_columns()
        ))
        .bind(report_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(crate::reviews::audit_from).collect())
    }
}

impl WriteTx {
    /// Creates a round; a second round of the same region, kind, year and month is refused with
    /// [`StorageError::Duplicate`].
    pub async fn create_round(&mut self, r: &NewRound<'_>) -> Result<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO rounds (region_id, kind, fiscal_year, month, deadline, opened_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(r.region_id)
        .bind(r.kind.as_str())
        .bind(r.fiscal_year)
        .bind(r.month)
        .bind(r.deadline)
        .bind(r.opened_by)
        .bind(now_ms())
        .fetch_one(self.conn())
        .await
        .map_err(|e| {
            let what = match r.kind {
                DocumentKind::Monitoring => {
                    format!("本区划 {} 年 1-{} 月的监控任务", r.fiscal_year, r.month)
                }
                _ => format!("本区划 {} 年度的{}任务", r.fiscal_year, r.kind.label()),
            };
            StorageError::duplicate_as(e, &what)
        })?;
        Ok(id)
    }

    /// Creates a report with its first version (status `draft`); returns its id.
    pub async fn create_report(&mut self, r: &NewReport, data: &ReportData) -> Result<i64> {
        let now = now_ms();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO reports (round_id, region_id, unit_id, kind, fiscal_year, declaration_id, \
             declaration_version, status, version, colour, total, grade, errors, warnings, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $11, $12, $13, $14, $14) \
             RETURNING id",
        )
        .bind(r.round_id)
        .bind(r.region_id)
        .bind(r.unit_id)
        .bind(r.kind.as_str())
        .bind(r.fiscal_year)
        .bind(r.declaration_id)
        .bind(r.declaration_version)
        .bind(FormStatus::Draft.as_str())
        .bind(data.colour.clone())
        .bind(data.total.clone())
        .bind(data.grade.clone())
        .bind(data.errors)
        .bind(data.warnings)
        .bind(now)
        .fetch_one(self.conn())
        .await?;
        self.insert_report_version(id, 1, FormStatus::Draft, data, r.created_by, now)
            .await?;
        Ok(id)
    }

    async fn insert_report_version(
        &mut self,
        report_id: i64,
        version: i64,
        status: FormStatus,
        data: &ReportData,
        saved_by: i64,
        at: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO report_versions (report_id, version, status, doc_json, saved_by, saved_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(report_id)
        .bind(version)
        .bind(status.as_str())
        .bind(data.doc_json.as_str())
        .bind(saved_by)
        .bind(at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Reads and locks a report for a step.
    pub async fn lock_report(&mut self, id: i64) -> Result<Option<ReportRow>> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM {REPORT_FROM} WHERE p.id = $1{}",
            match self.backend {
                crate::Backend::Postgres => " FOR UPDATE OF p",
                crate::Backend::Sqlite => "",
            }
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.map(report_from).transpose()
    }

    /// The JSON of a stored report version, inside the transaction.
    pub async fn report_version_json(
        &mut self,
        report_id: i64,
        version: i64,
    ) -> Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT doc_json FROM report_versions WHERE report_id = $1 AND version = $2",
        )
        .bind(report_id)
        .bind(version)
        .fetch_optional(self.conn())
        .await?;
        Ok(row.map(|r| r.0))
    }

    /// Appends version `base_version + 1` if the report is still at `base_version` (compare and
    /// set); returns the new version, or `None` when the base is stale.
    pub async fn append_report_version(
        &mut self,
        report_id: i64,
        base_version: i64,
        status: FormStatus,
        data: &ReportData,
        saved_by: i64,
    ) -> Result<Option<i64>> {
        let now = now_ms();
        let next = base_version + 1;
        let changed = sqlx::query(
            "UPDATE reports SET version = $1, colour = $2, total = $3, grade = $4, errors = $5, \
             warnings = $6, updated_at = $7 WHERE id = $8 AND version = $9",
        )
        .bind(next)
        .bind(data.colour.clone())
        .bind(data.total.clone())
        .bind(data.grade.clone())
        .bind(data.errors)
        .bind(data.warnings)
        .bind(now)
        .bind(report_id)
        .bind(base_version)
        .execute(self.conn())
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(None);
        }
        self.insert_report_version(report_id, next, status, data, saved_by, now)
            .await?;
        Ok(Some(next))
    }

    /// Sets a report's status; the first submission is remembered.
    pub async fn set_report_status(&mut self, report_id: i64, status: FormStatus) -> Result<()> {
        let now = now_ms();
        sqlx::query("UPDATE reports SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status.as_str())
            .bind(now)
            .bind(report_id)
            .execute(self.conn())
            .await?;
        if status == FormStatus::Submitted {
            sqlx::query(
                "UPDATE reports SET reached_finance_at = $1 WHERE id = $2 AND reached_finance_at IS NULL",
            )
            .bind(now)
            .bind(report_id)
            .execute(self.conn())
            .await?;
        }
        if matches!(status, FormStatus::Submitted | FormStatus::AwaitingSignOff) {
            sqlx::query(
                "UPDATE reports SET first_submitted_at = $1 WHERE id = $2 AND first_submitted_at IS NULL",
            )
            .bind(now)
            .bind(report_id)
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }

    /// Records a decision on a report; returns its id.
    pub async fn insert_report_review(
        &mut self,
        report_id: i64,
        version: i64,
        reviewer_id: i64,
        decision: Decision,
        reason: &str,
    ) -> Result<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO report_reviews (report_id, version, reviewer_id, decision, reason, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(report_id)
        .bind(version)
        .bind(reviewer_id)
        .bind(decision.as_str())
        .bind(reason)
        .bind(now_ms())
        .fetch_one(self.conn())
        .await?;
        Ok(id)
    }

    /// Writes an audit row about a report inside the transaction.
    pub async fn audit_report(
        &mut self,
        report_id: i64,
        user_id: Option<i64>,
        action: &str,
        detail: &str,
    ) -> Result<()> {
        let subject = crate::audit::Subject {
            form_id: None,
            report_id: Some(report_id),
        };
        self.append_audit(subject, user_id, action, detail, crate::audit::Outcome::Ok)
            .await
    }
}
