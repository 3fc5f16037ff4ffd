//! The audit log: append-only in the application and tamper-evident.
//!
//! Every row written since migration 0004 carries a sequence number and the SHA-256 of the
//! previous row's hash followed by its own fields, so changing, deleting or inserting a row
//! breaks the chain at that row; `audit_head` keeps the last sequence number and hash, so a
//! removed tail shows too. [`Db::verify_audit`] walks the chain and names the first broken row.
//!
//! Rows older than the retention period (`jixiao audit archive`) can be written to a file and
//! removed: `audit_head` then keeps the last removed row's sequence number and hash as the
//! chain's base, and verification goes on from there.
//!
//! Appending takes the one `audit_head` row for update (PostgreSQL row lock; SQLite's single
//! writer already serialises): writers that audit run one after another through their commit.
//! Rows written before the migration have no sequence number; they are counted, not chained.
//!
//! Who did it from where: the server sets an [`AuditContext`] (client address, user agent) for
//! each request with [`AuditContext::scope`]; every row written inside carries it.

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{Db, Result, WriteTx, now_ms};

/// Where a request comes from, recorded on each audit row it writes.
#[derive(Debug, Clone, Default)]
pub struct AuditContext {
    /// Client address (IP).
    pub address: String,
    /// The `User-Agent` header, cut to 256 characters.
    pub user_agent: String,
}

tokio::task_local! {
    static CONTEXT: AuditContext;
}

impl AuditContext {
    /// Runs `f` with this context: audit rows written inside record it.
    pub async fn scope<F: std::future::Future>(self, f: F) -> F::Output {
        CONTEXT.scope(self, f).await
    }

    /// The current request's context (empty outside a request: the command line).
    pub fn current() -> AuditContext {
        CONTEXT.try_with(Clone::clone).unwrap_or_default()
    }
}

/// Whether what was attempted happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Ok,
    /// Refused (a failed login, a refused step).
    Refused,
}

impl Outcome {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Refused => "refused",
        }
    }
}

/// What an audit row is about.
#[derive(Debug, Clone, Copy, Default)]
pub struct Subject {
    /// A form.
    pub form_id: Option<i64>,
    /// A monitoring report or self-evaluation.
    pub report_id: Option<i64>,
}

/// The fields a row's hash covers, in this order, as a JSON array.
#[allow(clippy::too_many_arguments)]
fn row_hash(
    prev: &str,
    seq: i64,
    at: i64,
    user_id: Option<i64>,
    subject: Subject,
    action: &str,
    detail: &str,
    address: &str,
    user_agent: &str,
    outcome: &str,
) -> String {
    let fields = serde_json::json!([
        prev,
        seq,
        at,
        user_id,
        subject.form_id,
        subject.report_id,
        action,
        detail,
        address,
        user_agent,
        outcome
    ]);
    let digest = Sha256::digest(fields.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl WriteTx {
    /// Appends a row to the audit log inside the transaction, chained to the one before.
    pub async fn append_audit(
        &mut self,
        subject: Subject,
        user_id: Option<i64>,
        action: &str,
        detail: &str,
        outcome: Outcome,
    ) -> Result<()> {
        let ctx = AuditContext::current();
        let head =
            sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
                .fetch_one(self.conn())
                .await?;
        let seq: i64 = head.try_get(0)?;
        let prev: String = head.try_get(1)?;
        let at = now_ms();
        let hash = row_hash(
            &prev,
            seq,
            at,
            user_id,
            subject,
            action,
            detail,
            &ctx.address,
            &ctx.user_agent,
            outcome.as_str(),
        );
        sqlx::query(
            "INSERT INTO audit_log (form_id, report_id, user_id, at, action, detail, address, \
             user_agent, outcome, seq, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(subject.form_id)
        .bind(subject.report_id)
        .bind(user_id)
        .bind(at)
        .bind(action)
        .bind(detail)
        .bind(&ctx.address)
        .bind(&ctx.user_agent)
        .bind(outcome.as_str())
        .bind(seq)
        .bind(&hash)
        .execute(self.conn())
        .await?;
        sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
            .bind(&hash)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}

/// Audit rows read for archiving ([`Db::audit_rows_to_archive`]).
#[derive(Debug, Clone)]
pub struct ArchiveBatch {
    /// The rows, oldest first, each with every column.
    pub rows: Vec<serde_json::Value>,
    /// Sequence number of the last chained row in the batch.
    pub last_seq: Option<i64>,
    /// Its hash: the chain goes on from it.
    pub last_hash: Option<String>,
    /// The cut-off (Unix ms).
    pub before: i64,
}

/// What [`Db::verify_audit`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditVerification {
    /// Rows whose chain was checked.
    pub checked: i64,
    /// Rows written before the chain began (migration 0004), not chained.
    pub unchained: i64,
    /// The first row that breaks the chain, if any.
    pub broken: Option<BrokenRow>,
}

/// A row where the chain breaks, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenRow {
    /// Row id (`None` when rows are missing at the end).
    pub id: Option<i64>,
    /// Sequence number expected there.
    pub seq: i64,
    /// Why (Chinese).
    pub reason: String,
}

impl Db {
    /// Walks the audit chain in sequence order and reports the first row that breaks it: a
    /// changed row (its hash does not match), a missing or inserted row (a gap or a repeat in
    /// the sequence, or a hash that does not follow from the one before), or a missing tail
    /// (the head's sequence number is ahead of the last row).
    pub async fn verify_audit(&self) -> Result<AuditVerification> {
        let unchained: i64 = sqlx::query("SELECT COUNT(*) FROM audit_log WHERE seq IS NULL")
            .fetch_one(self.pool())
            .await?
            .try_get(0)?;
        let head =
            sqlx::query("SELECT seq, hash, base_seq, base_hash FROM audit_head WHERE id = 1")
                .fetch_one(self.pool())
                .await?;
        let (head_seq, head_hash): (i64, String) = (head.try_get(0)?, head.try_get(1)?);
        // Rows archived and removed end at the base: the chain goes on from its hash.
        let mut prev: String = head.try_get(3)?;
        let mut expected = head.try_get::<i64, _>(2)? + 1;
        let mut checked = 0_i64;
        let mut last_id = 0_i64;
        // Pages of rows in sequence order, so a long log never sits in memory at once.
        loop {
            let rows = sqlx::query(
                "SELECT id, seq, at, user_id, form_id, report_id, action, detail, address, \
                 user_agent, outcome, hash FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT 5000",
            )
            .bind(expected)
            .fetch_all(self.pool())
            .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let id: i64 = r.try_get(0)?;
                let seq: i64 = r.try_get(1)?;
                let broken = |reason: String| AuditVerification {
                    checked,
                    unchained,
                    broken: Some(BrokenRow {
                        id: Some(id),
                        seq: expected,
                        reason,
                    }),
                };
                if seq != expected {
                    return Ok(broken(format!(
                        "序号应为 {expected}，实为 {seq}：其前有记录被删除"
                    )));
                }
                let stored: Option<String> = r.try_get(11)?;
                let outcome: String = r.try_get(10)?;
                let hash = row_hash(
                    &prev,
                    seq,
                    r.try_get(2)?,
                    r.try_get(3)?,
                    Subject {
                        form_id: r.try_get(4)?,
                        report_id: r.try_get(5)?,
                    },
                    &r.try_get::<String, _>(6)?,
                    &r.try_get::<String, _>(7)?,
                    &r.try_get::<String, _>(8)?,
                    &r.try_get::<String, _>(9)?,
                    &outcome,
                );
                if stored.as_deref() != Some(hash.as_str()) {
                    return Ok(broken(
                        "内容与哈希不符：该记录被修改，或其前的记录被改动".to_string(),
                    ));
                }
                prev = hash;
                expected += 1;
                checked += 1;
                last_id = id;
            }
        }
        let tail_broken = if head_seq != expected - 1 {
            Some(BrokenRow {
                id: None,
                seq: expected,
                reason: format!(
                    "日志应有 {head_seq} 条链式记录，只找到 {}：末尾记录被删除",
                    expected - 1
                ),
            })
        } else if head_hash != prev {
            Some(BrokenRow {
                id: Some(last_id),
                seq: expected - 1,
                reason: "最后一条记录的哈希与链头不符".to_string(),
            })
        } else {
            None
        };
        Ok(AuditVerification {
            checked,
            unchained,
            broken: tail_broken,
        })
    }

    /// The rows to archive before `before` (Unix ms): every unchained row older than it, and
    /// the chained rows up to the last one older than it, in order, each as a JSON object with
    /// all its columns (hash included, so the archive itself can be checked). Nothing is removed
    /// here: write the archive first, then [`Db::drop_archived_audit`].
    pub async fn audit_rows_to_archive(&self, before: i64) -> Result<ArchiveBatch> {
        let last: Option<i64> =
            sqlx::query("SELECT MAX(seq) FROM audit_log WHERE at < $1 AND seq IS NOT NULL")
                .bind(before)
                .fetch_one(self.pool())
                .await?
                .try_get(0)?;
        let rows = sqlx::query(
            "SELECT id, seq, at, user_id, form_id, report_id, action, detail, address, \
             user_agent, outcome, hash FROM audit_log \
             WHERE (seq IS NULL AND at < $1) OR seq <= $2 ORDER BY seq IS NOT NULL, seq, id",
        )
        .bind(before)
        .bind(last.unwrap_or(0))
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut last_hash = None;
        for r in &rows {
            let hash: Option<String> = r.try_get(11)?;
            if r.try_get::<Option<i64>, _>(1)?.is_some() {
                last_hash = hash.clone();
            }
            out.push(serde_json::json!({
                "id": r.try_get::<i64, _>(0)?,
                "seq": r.try_get::<Option<i64>, _>(1)?,
                "at": r.try_get::<i64, _>(2)?,
                "user_id": r.try_get::<Option<i64>, _>(3)?,
                "form_id": r.try_get::<Option<i64>, _>(4)?,
                "report_id": r.try_get::<Option<i64>, _>(5)?,
                "action": r.try_get::<String, _>(6)?,
                "detail": r.try_get::<String, _>(7)?,
                "address": r.try_get::<String, _>(8)?,
                "user_agent": r.try_get::<String, _>(9)?,
                "outcome": r.try_get::<String, _>(10)?,
                "hash": hash,
            }));
        }
        Ok(ArchiveBatch {
            rows: out,
            last_seq: last,
            last_hash,
            before,
        })
    }

    /// Removes the rows of an archive batch written out, and moves the chain's base to its
    /// last chained row, in one step with an audit row saying so. Refused (nothing removed)
    /// when the chain does not verify first, or when the batch's last row changed since it was
    /// read.
    pub async fn drop_archived_audit(
        &self,
        batch: &ArchiveBatch,
        actor: Option<i64>,
        file: &str,
    ) -> Result<u64> {
        let v = self.verify_audit().await?;
        if let Some(b) = v.broken {
            return Err(crate::StorageError::Corrupt(format!(
                "操作日志的哈希链在序号 {} 处断开（{}），不能归档：请先查明原因",
                b.seq, b.reason
            )));
        }
        let mut tx = self.begin_write().await?;
        let mut removed = 0;
        if let (Some(seq), Some(hash)) = (batch.last_seq, &batch.last_hash) {
            let now: Option<String> = sqlx::query("SELECT hash FROM audit_log WHERE seq = $1")
                .bind(seq)
                .fetch_optional(tx.conn())
                .await?
                .map(|r| r.try_get(0))
                .transpose()?;
            if now.as_deref() != Some(hash.as_str()) {
                return Err(crate::StorageError::Corrupt(
                    "归档期间操作日志有变化，请重新归档".into(),
                ));
            }
            removed += sqlx::query("DELETE FROM audit_log WHERE seq <= $1")
                .bind(seq)
                .execute(tx.conn())
                .await?
                .rows_affected();
            sqlx::query("UPDATE audit_head SET base_seq = $1, base_hash = $2 WHERE id = 1")
                .bind(seq)
                .bind(hash)
                .execute(tx.conn())
                .await?;
        }
        removed += sqlx::query("DELETE FROM audit_log WHERE seq IS NULL AND at < $1")
            .bind(batch.before)
            .execute(tx.conn())
            .await?
            .rows_affected();
        tx.append_audit(
            Subject::default(),
            actor,
            "audit.archive",
            &format!("归档并移出 {removed} 条操作日志到 {file}"),
            Outcome::Ok,
        )
        .await?;
        tx.commit().await?;
        Ok(removed)
    }

    /// How many rows the audit log holds.
    pub async fn audit_count(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM audit_log")
            .fetch_one(self.pool())
            .await?
            .try_get(0)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_covers_every_field() {
        let s = Subject {
            form_id: Some(1),
            report_id: None,
        };
        let base = row_hash("", 1, 10, Some(2), s, "save", "x", "1.2.3.4", "ua", "ok");
        assert_eq!(base.len(), 64);
        assert_ne!(
            base,
            row_hash("", 1, 10, Some(2), s, "save", "y", "1.2.3.4", "ua", "ok")
        );
        assert_ne!(
            base,
            row_hash("a", 1, 10, Some(2), s, "save", "x", "1.2.3.4", "ua", "ok")
        );
        assert_ne!(
            base,
            row_hash("", 1, 10, Some(2), s, "save", "x", "1.2.3.5", "ua", "ok")
        );
    }
}
