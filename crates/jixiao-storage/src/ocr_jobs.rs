//! OCR jobs: a scanned PDF uploaded through the web is read in the background, by whichever app
//! server's worker claims it first. The job row is the only state: a server that stops mid-job
//! leaves a stale heartbeat, and another claims the job again (at most [`MAX_ATTEMPTS`] times).
//! The uploaded file is dropped when the job ends; the result (the form and its import report,
//! as JSON) is kept until [`Db::purge_ocr_jobs`] removes old jobs.

use serde::Serialize;

use crate::{Db, Result, now_ms};

/// Claims of one job before it is given up (a file that kills the server each time).
pub const MAX_ATTEMPTS: i64 = 3;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OcrStatus {
    /// Waiting for a worker.
    Queued,
    /// A worker is reading it.
    Running,
    /// Read: the result is there.
    Done,
    /// Could not be read: the error says why.
    Failed,
}

impl OcrStatus {
    fn parse(s: &str) -> OcrStatus {
        match s {
            "running" => OcrStatus::Running,
            "done" => OcrStatus::Done,
            "failed" => OcrStatus::Failed,
            _ => OcrStatus::Queued,
        }
    }

    /// The status in Chinese.
    pub fn label(self) -> &'static str {
        match self {
            OcrStatus::Queued => "排队等待识别",
            OcrStatus::Running => "正在识别",
            OcrStatus::Done => "识别完成",
            OcrStatus::Failed => "识别失败",
        }
    }

    /// True once the job will not change any more.
    pub fn is_final(self) -> bool {
        matches!(self, OcrStatus::Done | OcrStatus::Failed)
    }
}

/// A job as its owner sees it (without the file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OcrJob {
    /// Id.
    pub id: i64,
    /// Who uploaded the file.
    pub user_id: i64,
    /// The uploaded file's name.
    pub file_name: String,
    /// Its size in bytes.
    pub file_size: i64,
    /// Where the job is.
    pub status: OcrStatus,
    /// Scanned pages read so far.
    pub pages_done: i64,
    /// Scanned pages to read (0 until the worker has looked at the file).
    pub pages_total: i64,
    /// When done: `{"form": …, "report": …}`.
    pub result: Option<String>,
    /// When failed: why, in Chinese.
    pub error: Option<String>,
    /// When it was uploaded (Unix ms).
    pub created_at: i64,
    /// When a worker last started it (Unix ms).
    pub started_at: Option<i64>,
    /// When it ended (Unix ms).
    pub finished_at: Option<i64>,
}

/// A job a worker has claimed: what it needs to read the file.
#[derive(Debug, Clone)]
pub struct ClaimedOcrJob {
    /// Id.
    pub id: i64,
    /// Who uploaded it.
    pub user_id: i64,
    /// The file's name.
    pub file_name: String,
    /// The file.
    pub file: Vec<u8>,
}

type JobRow = (
    i64,
    i64,
    String,
    i64,
    String,
    i64,
    i64,
    Option<String>,
    Option<String>,
    i64,
    Option<i64>,
    Option<i64>,
);

const JOB_COLUMNS: &str = "id, user_id, file_name, file_size, status, pages_done, pages_total, \
    result, error, created_at, started_at, finished_at";

fn job_from(r: JobRow) -> OcrJob {
    OcrJob {
        id: r.0,
        user_id: r.1,
        file_name: r.2,
        file_size: r.3,
        status: OcrStatus::parse(&r.4),
        pages_done: r.5,
        pages_total: r.6,
        result: r.7,
        error: r.8,
        created_at: r.9,
        started_at: r.10,
        finished_at: r.11,
    }
}

impl Db {
    /// Queues a job for `user_id`'s upload; returns its id.
    pub async fn create_ocr_job(&self, user_id: i64, file_name: &str, file: &[u8]) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO ocr_jobs (user_id, file_name, file_size, file, status, created_at) \
             VALUES ($1, $2, $3, $4, 'queued', $5) RETURNING id",
        )
        .bind(user_id)
        .bind(file_name)
        .bind(file.len() as i64)
        .bind(file.to_vec())
        .bind(now_ms())
        .fetch_one(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A job, without its file.
    pub async fn ocr_job(&self, id: i64) -> Result<Option<OcrJob>> {
        let row: Option<JobRow> =
            sqlx::query_as(&format!("SELECT {JOB_COLUMNS} FROM ocr_jobs WHERE id = $1"))
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(job_from))
    }

    /// Jobs waiting or running, for the metrics and the admin: (queued, running).
    pub async fn ocr_job_counts(&self) -> Result<(i64, i64)> {
        let (queued, running): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN status = 'queued' THEN 1 ELSE 0 END), 0), \
                    COALESCE(SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END), 0) \
             FROM ocr_jobs",
        )
        .fetch_one(self.pool())
        .await?;
        Ok((queued, running))
    }

    /// A user's jobs waiting or running.
    pub async fn ocr_jobs_pending_for(&self, user_id: i64) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM ocr_jobs WHERE user_id = $1 AND status IN ('queued', 'running')",
        )
        .bind(user_id)
        .fetch_one(self.pool())
        .await?;
        Ok(n)
    }

    /// Claims the oldest queued job for `worker`, or a running one whose heartbeat is older
    /// than `stale_before` (its server stopped). A job claimed [`MAX_ATTEMPTS`] times is given up
    /// instead. Two workers never get the same job: the update checks the status again.
    pub async fn claim_ocr_job(
        &self,
        worker: &str,
        stale_before: i64,
    ) -> Result<Option<ClaimedOcrJob>> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE ocr_jobs SET status = 'failed', file = NULL, finished_at = $1, \
             error = '文字识别多次中断（服务器在识别时停止），已放弃；请重新上传，或在命令行用 jixiao import 识别' \
             WHERE status = 'running' AND heartbeat_at < $2 AND attempts >= $3",
        )
        .bind(now)
        .bind(stale_before)
        .bind(MAX_ATTEMPTS)
        .execute(tx.conn())
        .await?;
        let claimable = "(status = 'queued' OR (status = 'running' AND heartbeat_at < $3))";
        // PostgreSQL: a job another server is claiming right now is skipped, not waited for
        // (SQLite has one writer at a time anyway).
        let skip_locked = match self.backend() {
            crate::Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            crate::Backend::Sqlite => "",
        };
        let row: Option<(i64, i64, String, Option<Vec<u8>>)> = sqlx::query_as(&format!(
            "UPDATE ocr_jobs SET status = 'running', worker = $1, started_at = $2, \
             heartbeat_at = $2, attempts = attempts + 1, pages_done = 0 \
             WHERE id = (SELECT id FROM ocr_jobs WHERE {claimable} ORDER BY id LIMIT 1{skip_locked}) \
             AND {claimable} \
             RETURNING id, user_id, file_name, file"
        ))
        .bind(worker)
        .bind(now)
        .bind(stale_before)
        .fetch_optional(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(row.map(|(id, user_id, file_name, file)| ClaimedOcrJob {
            id,
            user_id,
            file_name,
            file: file.unwrap_or_default(),
        }))
    }

    /// Records `worker`'s progress on a job (and its heartbeat). False when the job is no
    /// longer this worker's (claimed again after a stale heartbeat): the worker stops.
    pub async fn ocr_job_progress(
        &self,
        id: i64,
        worker: &str,
        pages_done: i64,
        pages_total: i64,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE ocr_jobs SET pages_done = $3, pages_total = $4, heartbeat_at = $5 \
             WHERE id = $1 AND worker = $2 AND status = 'running'",
        )
        .bind(id)
        .bind(worker)
        .bind(pages_done)
        .bind(pages_total)
        .bind(now_ms())
        .execute(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Ends `worker`'s job: done with `result` (JSON), or failed with `error`. The file is
    /// dropped. False when the job was no longer this worker's.
    pub async fn finish_ocr_job(
        &self,
        id: i64,
        worker: &str,
        outcome: std::result::Result<&str, &str>,
    ) -> Result<bool> {
        let (status, result, error) = match outcome {
            Ok(r) => ("done", Some(r), None),
            Err(e) => ("failed", None, Some(e)),
        };
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE ocr_jobs SET status = $3, result = $4, error = $5, file = NULL, \
             finished_at = $6, heartbeat_at = $6 \
             WHERE id = $1 AND worker = $2 AND status = 'running'",
        )
        .bind(id)
        .bind(worker)
        .bind(status)
        .bind(result)
        .bind(error)
        .bind(now_ms())
        .execute(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Removes jobs that ended before `before` (Unix ms); returns how many.
    pub async fn purge_ocr_jobs(&self, before: i64) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "DELETE FROM ocr_jobs WHERE status IN ('done', 'failed') AND finished_at < $1",
        )
        .bind(before)
        .execute(tx.conn())
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}
