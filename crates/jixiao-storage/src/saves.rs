//! Draft saves with group commit.
//!
//! A draft save is the most frequent write by far (the editor saves every few minutes for every
//! unit filling its form before a deadline). Each one appends a version row and an audit row
//! and moves the form row's version on, if the form is still at the version the user started
//! from and still editable. Such saves do not depend on each other, so the saves that arrive
//! while one transaction is running are written together in the next one: one `BEGIN`, one
//! commit (one WAL append on SQLite, one WAL flush on PostgreSQL) for the whole group instead of
//! one per save. Every save still gets its own version number, its own audit row and its own
//! answer, and no answer is given before its transaction has committed.
//!
//! A save whose form moved on (another save, a submit) or is no longer editable writes nothing
//! and answers [`SaveOutcome::Moved`]; the caller then looks at the locked form row to tell the
//! user exactly why. When a group's transaction fails, each of its saves is retried in a
//! transaction of its own, so one bad save cannot fail the others.

use jixiao_domain::workflow::FormStatus;
use tokio::sync::{mpsc, oneshot};

use crate::forms::VersionData;
use crate::{Backend, Db, Result, StorageError, now_ms};

/// The most saves written in one transaction.
pub const MAX_GROUP: usize = 64;

/// Saves waiting for the writer; senders wait when it is full.
const QUEUE: usize = 1024;

/// A draft save: version `base_version + 1` of a form.
#[derive(Debug, Clone)]
pub struct SaveRequest {
    /// The form.
    pub form_id: i64,
    /// The version the user's changes are based on.
    pub base_version: i64,
    /// The statuses in which the form may be saved; it keeps its status.
    pub editable: &'static [FormStatus],
    /// What is stored.
    pub data: VersionData,
    /// The saving user.
    pub user_id: i64,
    /// The audit row's text, given the new version number.
    pub audit_detail: fn(version: i64, errors: i64, warnings: i64) -> String,
}

/// The answer to a [`SaveRequest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Stored and committed as this version.
    Saved(i64),
    /// Nothing was written: the form does not exist, is no longer at `base_version`, or is not
    /// in an editable status.
    Moved,
}

pub(crate) struct SaveJob {
    request: SaveRequest,
    reply: oneshot::Sender<Result<SaveOutcome>>,
}

/// The sending side kept in [`Db`]; the writer task ends when every [`Db`] clone is dropped.
pub(crate) type SaveQueue = mpsc::Sender<SaveJob>;

/// Starts the writer task of a database and returns its queue.
pub(crate) fn start(db: &Db) -> SaveQueue {
    let (tx, rx) = mpsc::channel(QUEUE);
    // The task must not hold a sender (or the queue would never close): it gets a handle
    // without one.
    let handle = Db {
        pool: db.pool.clone(),
        backend: db.backend,
        write_gate: db.write_gate.clone(),
        saves: None,
    };
    tokio::spawn(writer(handle, rx));
    tx
}

async fn writer(db: Db, mut rx: mpsc::Receiver<SaveJob>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while rx.recv_many(&mut group, MAX_GROUP).await > 0 {
        let jobs = std::mem::take(&mut group);
        let requests: Vec<&SaveRequest> = jobs.iter().map(|j| &j.request).collect();
        match write_group(&db, &requests).await {
            Ok(outcomes) => {
                for (job, outcome) in jobs.into_iter().zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(e) if jobs.len() == 1 => {
                let job = jobs.into_iter().next().expect("one job");
                let _ = job.reply.send(Err(e));
            }
            Err(_) => {
                // Find the save that failed the group: each alone gets its own answer.
                for job in jobs {
                    let outcome = write_group(&db, &[&job.request])
                        .await
                        .map(|o| o.into_iter().next().unwrap_or(SaveOutcome::Moved));
                    let _ = job.reply.send(outcome);
                }
            }
        }
    }
}

/// Writes a group of saves in one transaction and commits it.
async fn write_group(db: &Db, requests: &[&SaveRequest]) -> Result<Vec<SaveOutcome>> {
    // PostgreSQL locks the form rows it updates until commit: taking them in id order keeps
    // two app servers' groups from deadlocking on each other.
    let mut order: Vec<usize> = (0..requests.len()).collect();
    if db.backend == Backend::Postgres {
        order.sort_by_key(|&i| requests[i].form_id);
    }
    let mut outcomes = vec![SaveOutcome::Moved; requests.len()];
    let mut saved = Vec::with_capacity(requests.len());
    let mut tx = db.begin_write().await?;
    let now = now_ms();
    for i in order {
        let r = requests[i];
        let next = r.base_version + 1;
        let placeholders = (0..r.editable.len())
            .map(|k| format!("${}", k + 9))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "UPDATE forms SET version = $3, income_total = $4, expenditure_total = $5, errors = $6, \
             warnings = $7, updated_at = $8 WHERE id = $1 AND version = $2 \
             AND status IN ({placeholders}) RETURNING status"
        );
        let mut q = sqlx::query_as::<_, (String,)>(&sql)
            .bind(r.form_id)
            .bind(r.base_version)
            .bind(next)
            .bind(r.data.income_total.clone())
            .bind(r.data.expenditure_total.clone())
            .bind(r.data.errors)
            .bind(r.data.warnings)
            .bind(now);
        for status in r.editable {
            q = q.bind(status.as_str());
        }
        let Some((status,)) = q.fetch_optional(tx.conn()).await? else {
            continue;
        };
        let status = crate::forms::parse_status(&status)?;
        tx.insert_version(r.form_id, next, status, &r.data, r.user_id, now)
            .await?;
        outcomes[i] = SaveOutcome::Saved(next);
        saved.push(i);
    }
    // The audit rows last: appending locks the one audit head row until commit, so a group that
    // held it while waiting for its next form row could deadlock with another app server's group
    // holding that row and waiting for the head.
    for i in saved {
        let r = requests[i];
        let SaveOutcome::Saved(version) = outcomes[i] else {
            continue;
        };
        tx.audit(
            Some(r.form_id),
            Some(r.user_id),
            "save",
            &(r.audit_detail)(version, r.data.errors, r.data.warnings),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(outcomes)
}

impl Db {
    /// Saves a draft version (see the [module](self) documentation): queued and written with
    /// the other saves waiting at the time, in one transaction; answered after the commit.
    pub async fn save_draft(&self, request: SaveRequest) -> Result<SaveOutcome> {
        let Some(queue) = &self.saves else {
            return write_group(self, &[&request])
                .await
                .map(|o| o.into_iter().next().unwrap_or(SaveOutcome::Moved));
        };
        let (reply, answer) = oneshot::channel();
        queue
            .send(SaveJob { request, reply })
            .await
            .map_err(|_| StorageError::Closed)?;
        answer.await.map_err(|_| StorageError::Closed)?
    }
}
