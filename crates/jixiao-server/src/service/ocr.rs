//! OCR jobs: a scanned PDF uploaded through the web is read in the background. The upload
//! becomes a row of `ocr_jobs` ([`start`]); this server's worker claims it at once, and any
//! server's sweep ([`spawn_sweeper`], every [`SWEEP`]) claims what is queued or was left by a
//! server that stopped. One job at a time per server process: OCR keeps one core busy for
//! seconds a page, and the other cores serve requests. The owner follows the job ([`get`]):
//! pages read out of pages to read, then the form and its import report, as an import preview.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use jixiao_formats::ImportReport;
use jixiao_formats::import::OcrProgress;
use jixiao_storage::{OcrJob, OcrStatus, User};
use serde::Serialize;

use super::import::{Imported, UploadedFile};
use super::{audit_event, counts, findings_of};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// How often a server looks for jobs nobody is reading, and purges old ones.
pub const SWEEP: Duration = Duration::from_secs(20);
/// A running job whose heartbeat is older than this was left by a server that stopped. A page
/// takes at most 4 minutes (render and read limits), and the heartbeat beats every
/// [`HEARTBEAT`] whatever the page.
pub const STALE: Duration = Duration::from_secs(5 * 60);
/// How often the worker records that it is still reading.
pub const HEARTBEAT: Duration = Duration::from_secs(15);
/// How long a finished job (its result) is kept.
pub const KEEP: Duration = Duration::from_secs(24 * 3600);
/// Jobs one user may have waiting or running at once.
pub const MAX_PENDING_PER_USER: i64 = 3;

/// This process's worker: its name in the jobs it claims, and whether it is reading.
#[derive(Debug)]
pub struct Worker {
    name: String,
    busy: AtomicBool,
}

impl Default for Worker {
    fn default() -> Worker {
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        Worker {
            name: format!(
                "{}-{}-{}",
                host.trim(),
                std::process::id(),
                jixiao_storage::now_ms()
            ),
            busy: AtomicBool::new(false),
        }
    }
}

/// A job as its owner sees it, with the import preview once it is done.
#[derive(Debug, Clone, Serialize)]
pub struct JobView {
    /// The job.
    #[serde(flatten)]
    pub job: OcrJob,
    /// Its status in Chinese.
    pub status_label: &'static str,
    /// When done: the form, its report and findings.
    #[serde(skip)]
    pub imported: Option<Imported>,
}

/// True when this server can read scans (Tesseract with `chi_sim` and `pdftoppm` installed).
pub fn available() -> bool {
    jixiao_formats::import::pdf::ocr::available().is_ok()
}

/// Why this server cannot read scans, with how to install what is missing.
pub fn unavailable_reason() -> Option<String> {
    jixiao_formats::import::pdf::ocr::available().err()
}

/// Queues an uploaded scan for OCR and starts this server's worker; audited as `import`.
pub async fn start(state: &AppState, user: &User, file: UploadedFile) -> ApiResult<OcrJob> {
    if file.bytes.is_empty() {
        return Err(ApiError::unprocessable("上传的文件是空的"));
    }
    if !file.bytes.starts_with(b"%PDF-") {
        return Err(ApiError::unprocessable(
            "只有 PDF 扫描件需要文字识别（OCR）；其他文件请直接导入",
        ));
    }
    if let Some(why) = unavailable_reason() {
        return Err(ApiError::unprocessable(format!(
            "本服务器不能识别扫描件：{why}。请联系管理员，或在命令行用 jixiao import 识别后导入得到的 JSON"
        )));
    }
    let pending = state.db.ocr_jobs_pending_for(user.id).await?;
    if pending >= MAX_PENDING_PER_USER {
        return Err(ApiError::new(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            "too_many_jobs",
            format!(
                "您已有 {pending} 个扫描件在识别中（每人最多 {MAX_PENDING_PER_USER} 个），请等它们完成后再上传"
            ),
        ));
    }
    let id = state
        .db
        .create_ocr_job(user.id, &file.name, &file.bytes)
        .await?;
    let shown: String = file.name.chars().take(100).collect();
    audit_event(
        state,
        user.id,
        jixiao_storage::Subject::default(),
        "import",
        &format!(
            "上传扫描件「{shown}」（{} 字节），排队文字识别（任务 {id}）",
            file.bytes.len()
        ),
        jixiao_storage::Outcome::Ok,
    )
    .await?;
    kick(state);
    let job = state
        .db
        .ocr_job(id)
        .await?
        .ok_or_else(|| ApiError::internal("OCR job vanished"))?;
    Ok(job)
}

/// The user's job, with the import preview once done; 404 for anyone else's (its existence
/// does not leak).
pub async fn get(state: &AppState, user: &User, id: i64) -> ApiResult<JobView> {
    let job = state
        .db
        .ocr_job(id)
        .await?
        .filter(|j| j.user_id == user.id)
        .ok_or_else(|| ApiError::not_found("没有这个识别任务（或它已过期被清除）"))?;
    let imported = match (&job.status, &job.result) {
        (OcrStatus::Done, Some(result)) => {
            let Stored { form, report } = serde_json::from_str(result).map_err(|e| {
                ApiError::internal(format!("OCR job {id}: stored result unreadable: {e}"))
            })?;
            let findings = findings_of(state, &form)?;
            let (errors, warnings) = counts(&findings);
            Some(Imported {
                file_name: job.file_name.clone(),
                form,
                report,
                findings,
                errors,
                warnings,
            })
        }
        _ => None,
    };
    Ok(JobView {
        status_label: job.status.label(),
        job,
        imported,
    })
}

/// What a finished job keeps.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    form: jixiao_domain::Form,
    report: ImportReport,
}

/// Starts this server's worker unless it is already reading: it takes jobs until none is left.
pub fn kick(state: &AppState) {
    if state.ocr_worker.busy.swap(true, Ordering::SeqCst) {
        return;
    }
    let state = state.clone();
    tokio::spawn(async move {
        loop {
            let stale_before = jixiao_storage::now_ms() - STALE.as_millis() as i64;
            let claimed = state
                .db
                .claim_ocr_job(&state.ocr_worker.name, stale_before)
                .await;
            match claimed {
                Ok(Some(job)) => run(&state, job).await,
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "claiming an OCR job failed");
                    break;
                }
            }
        }
        state.ocr_worker.busy.store(false, Ordering::SeqCst);
    });
}

/// Looks for jobs every [`SWEEP`] (queued on a busy server, or left by one that stopped) and
/// purges jobs that ended more than [`KEEP`] ago. Runs until the process ends.
pub fn spawn_sweeper(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP);
        loop {
            tick.tick().await;
            let before = jixiao_storage::now_ms() - KEEP.as_millis() as i64;
            if let Err(e) = state.db.purge_ocr_jobs(before).await {
                tracing::warn!(error = %e, "purging OCR jobs failed");
            }
            kick(&state);
        }
    });
}

/// Reads one claimed job on the blocking pool, recording progress and a heartbeat, then its end.
async fn run(state: &AppState, job: jixiao_storage::ClaimedOcrJob) {
    let worker = state.ocr_worker.name.clone();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, usize)>();
    let progress = OcrProgress(Arc::new(move |page: usize, pages: usize| {
        let _ = tx.send((page, pages));
    }));
    let hook = state.import.clone();
    let name = job.file_name.clone();
    let file = job.file;
    let mut reading = tokio::task::spawn_blocking(move || hook(&name, &file, Some(progress)));
    let mut beat = tokio::time::interval(HEARTBEAT);
    let mut seen = (0i64, 0i64);
    let outcome = loop {
        tokio::select! {
            done = &mut reading => break done,
            Some((page, pages)) = rx.recv() => {
                // `page` is the page about to be read: the ones before it are done.
                seen = (page.saturating_sub(1) as i64, pages as i64);
                let _ = state.db.ocr_job_progress(job.id, &worker, seen.0, seen.1).await;
            }
            _ = beat.tick() => {
                let _ = state.db.ocr_job_progress(job.id, &worker, seen.0, seen.1).await;
            }
        }
    };
    let result = match outcome {
        Ok(Ok((form, report))) => serde_json::to_string(&Stored { form, report })
            .map_err(|e| format!("识别结果无法保存（{e}）")),
        Ok(Err(failure)) => Err(failure.message),
        Err(e) => {
            tracing::error!(job = job.id, error = %e, "OCR job panicked");
            Err(
                "识别时出现内部错误，请在命令行用 jixiao import 识别，或提供可复制文字的 PDF"
                    .into(),
            )
        }
    };
    if result.is_ok() {
        let _ = state
            .db
            .ocr_job_progress(job.id, &worker, seen.1, seen.1)
            .await;
    }
    let outcome = match &result {
        Ok(json) => Ok(json.as_str()),
        Err(message) => Err(message.as_str()),
    };
    match state.db.finish_ocr_job(job.id, &worker, outcome).await {
        Ok(true) => {}
        Ok(false) => tracing::warn!(job = job.id, "OCR job was claimed by another worker"),
        Err(e) => tracing::warn!(job = job.id, error = %e, "recording an OCR job's end failed"),
    }
    let what = match &result {
        Ok(_) => "识别完成".to_string(),
        Err(m) => format!("识别失败：{m}"),
    };
    let _ = audit_event(
        state,
        job.user_id,
        jixiao_storage::Subject::default(),
        "import",
        &format!("文字识别任务 {}：{what}", job.id),
        if result.is_ok() {
            jixiao_storage::Outcome::Ok
        } else {
            jixiao_storage::Outcome::Refused
        },
    )
    .await;
}
