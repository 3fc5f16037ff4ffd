//! Reviews (审核) with grades, comments attached to places in a form, and the audit log.

use jixiao_domain::workflow::Decision;
use serde::Serialize;

use crate::{Db, Result, WriteTx, now_ms};

/// A review decision on a submitted form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    /// Id.
    pub id: i64,
    /// Form.
    pub form_id: i64,
    /// The version reviewed.
    pub version: i64,
    /// Reviewer's user id.
    pub reviewer_id: i64,
    /// Reviewer's username.
    pub reviewer: String,
    /// The reviewer as people read it: office and display name.
    pub reviewer_name: String,
    /// Approve or return.
    pub decision: Decision,
    /// Reason (required when returning).
    pub reason: String,
    /// Grades as JSON text (`{"completeness":"优",…}`).
    pub grades: String,
    /// When (Unix ms).
    pub created_at: i64,
}

/// A review comment attached to a place in the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    /// Id.
    pub id: i64,
    /// Form.
    pub form_id: i64,
    /// Version commented on.
    pub version: i64,
    /// The review it belongs to.
    pub review_id: Option<i64>,
    /// JSON Pointer into the form.
    pub path: String,
    /// Text.
    pub body: String,
    /// Author's user id.
    pub author_id: i64,
    /// Author's username.
    pub author: String,
    /// The author as people read it: office and display name.
    pub author_name: String,
    /// When (Unix ms).
    pub created_at: i64,
    /// The version whose submission resolved it (the unit revised and submitted again);
    /// `None` while it is open.
    pub resolved_version: Option<i64>,
}

/// A row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// Id (ascending in time).
    pub id: i64,
    /// Form concerned, if any.
    pub form_id: Option<i64>,
    /// When (Unix ms).
    pub at: i64,
    /// Acting user id.
    pub user_id: Option<i64>,
    /// Acting username.
    pub username: Option<String>,
    /// The actor as people read it: office and display name.
    pub person: Option<String>,
    /// What was done (`save`, `submit`, `approve`…).
    pub action: String,
    /// Details (Chinese text).
    pub detail: String,
    /// Monitoring report or self-evaluation concerned, if any.
    pub report_id: Option<i64>,
    /// Client address (empty for the command line and rows before migration 0004).
    pub address: String,
    /// Client's `User-Agent`.
    pub user_agent: String,
    /// `ok`, or `refused` for an attempt that was turned down (a failed login).
    pub outcome: String,
}

/// Row shape of a query.
type ReviewTuple = (
    i64,
    i64,
    i64,
    i64,
    String,
    String,
    String,
    String,
    i64,
    String,
);

/// Row shape of a query.
type CommentTuple = (
    i64,
    i64,
    i64,
    Option<i64>,
    String,
    String,
    i64,
    String,
    i64,
    String,
    Option<i64>,
);

/// Row shape of a query.
pub(crate) type AuditTuple = (
    i64,
    Option<i64>,
    i64,
    Option<i64>,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<i64>,
    String,
    String,
    String,
);

/// The columns of an audit query, in [`AuditTuple`] order (`a` is `audit_log`, `u` the user).
pub(crate) fn audit_columns() -> String {
    format!(
        "a.id, a.form_id, a.at, a.user_id, u.username, a.action, a.detail, {}, a.report_id, \
         a.address, a.user_agent, a.outcome",
        crate::users::PERSON
    )
}

pub(crate) fn audit_from(t: AuditTuple) -> AuditEntry {
    AuditEntry {
        id: t.0,
        form_id: t.1,
        at: t.2,
        user_id: t.3,
        username: t.4,
        action: t.5,
        detail: t.6,
        person: t.7,
        report_id: t.8,
        address: t.9,
        user_agent: t.10,
        outcome: t.11,
    }
}

impl Db {
    /// The reviews of a form, oldest first.
    pub async fn reviews(&self, form_id: i64) -> Result<Vec<Review>> {
        let rows: Vec<ReviewTuple> = sqlx::query_as(&format!(
            "SELECT r.id, r.form_id, r.version, r.reviewer_id, u.username, r.decision, r.reason, r.grades, \
             r.created_at, {} FROM reviews r JOIN users u ON u.id = r.reviewer_id WHERE r.form_id = $1 ORDER BY r.id",
            crate::users::PERSON
        ))
        .bind(form_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|t| {
                let decision = Decision::parse(&t.5).ok_or_else(|| {
                    crate::StorageError::Corrupt(format!("未知的审核决定「{}」", t.5))
                })?;
                Ok(Review {
                    id: t.0,
                    form_id: t.1,
                    version: t.2,
                    reviewer_id: t.3,
                    reviewer: t.4,
                    decision,
                    reason: t.6,
                    grades: t.7,
                    created_at: t.8,
                    reviewer_name: t.9,
                })
            })
            .collect()
    }

    /// The comments of a form, oldest first.
    pub async fn comments(&self, form_id: i64) -> Result<Vec<Comment>> {
        let rows: Vec<CommentTuple> = sqlx::query_as(&format!(
            "SELECT c.id, c.form_id, c.version, c.review_id, c.path, c.body, c.author_id, u.username, c.created_at, \
             {}, c.resolved_version FROM comments c JOIN users u ON u.id = c.author_id WHERE c.form_id = $1 ORDER BY c.id",
            crate::users::PERSON
        ))
        .bind(form_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|t| Comment {
                id: t.0,
                form_id: t.1,
                version: t.2,
                review_id: t.3,
                path: t.4,
                body: t.5,
                author_id: t.6,
                author: t.7,
                created_at: t.8,
                author_name: t.9,
                resolved_version: t.10,
            })
            .collect())
    }

    /// The audit log of a form (or, with `None`, of everything), oldest first, at most `limit` rows.
    pub async fn audit(&self, form_id: Option<i64>, limit: i64) -> Result<Vec<AuditEntry>> {
        let rows: Vec<AuditTuple> = sqlx::query_as(&format!(
            "SELECT {} FROM audit_log a \
             LEFT JOIN users u ON u.id = a.user_id WHERE ($1 IS NULL OR a.form_id = $1) ORDER BY a.id LIMIT $2",
            audit_columns()
        ))
        .bind(form_id)
        .bind(limit.clamp(1, 10_000))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(audit_from).collect())
    }
}

impl Db {
    /// The latest `limit` rows of the whole audit log, oldest first.
    pub async fn audit_latest(&self, limit: i64) -> Result<Vec<AuditEntry>> {
        let mut rows: Vec<AuditTuple> = sqlx::query_as(&format!(
            "SELECT {} FROM audit_log a \
             LEFT JOIN users u ON u.id = a.user_id ORDER BY a.id DESC LIMIT $1",
            audit_columns()
        ))
        .bind(limit.clamp(1, 10_000))
        .fetch_all(self.pool())
        .await?;
        rows.reverse();
        Ok(rows.into_iter().map(audit_from).collect())
    }
}

impl WriteTx {
    /// Records a review decision; returns its id.
    pub async fn insert_review(
        &mut self,
        form_id: i64,
        version: i64,
        reviewer_id: i64,
        decision: Decision,
        reason: &str,
        grades_json: &str,
    ) -> Result<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO reviews (form_id, version, reviewer_id, decision, reason, grades, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(form_id)
        .bind(version)
        .bind(reviewer_id)
        .bind(decision.as_str())
        .bind(reason)
        .bind(grades_json)
        .bind(now_ms())
        .fetch_one(self.conn())
        .await?;
        Ok(id)
    }

    /// Marks every open comment of a form resolved by the submission of `version`.
    pub async fn resolve_comments(&mut self, form_id: i64, version: i64) -> Result<u64> {
        let r = sqlx::query(
            "UPDATE comments SET resolved_version = $2 WHERE form_id = $1 AND resolved_version IS NULL \
             AND version < $2",
        )
        .bind(form_id)
        .bind(version)
        .execute(self.conn())
        .await?;
        Ok(r.rows_affected())
    }

    /// Attaches a comment to a place in the form.
    pub async fn insert_comment(
        &mut self,
        form_id: i64,
        version: i64,
        review_id: Option<i64>,
        path: &str,
        body: &str,
        author_id: i64,
    ) -> Result<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO comments (form_id, version, review_id, path, body, author_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(form_id)
        .bind(version)
        .bind(review_id)
        .bind(path)
        .bind(body)
        .bind(author_id)
        .bind(now_ms())
        .fetch_one(self.conn())
        .await?;
        Ok(id)
    }
}
