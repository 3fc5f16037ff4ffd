//! OCR jobs on SQLite and PostgreSQL: a queued job is claimed by one worker only, its progress
//! and end are recorded only by the worker that holds it, a job whose worker stopped is claimed
//! again and given up after `MAX_ATTEMPTS` claims, the file is dropped when the job ends, and
//! old jobs are purged.

mod support;

use jixiao_storage::ocr_jobs::MAX_ATTEMPTS;
use jixiao_storage::users::NewUser;
use jixiao_storage::{Db, OcrStatus, Role, now_ms};

async fn user(db: &Db) -> i64 {
    db.migrate().await.unwrap();
    let mut tx = db.begin_write().await.unwrap();
    let region = tx.create_region("420222", "阳新县").await.unwrap();
    let unit = tx.create_unit(region.id, "001", "兴国镇").await.unwrap();
    let user = tx
        .create_user(&NewUser {
            username: "filler",
            display_name: "填报人",
            office: "",
            password_hash: "x",
            role: Role::Filler,
            region_id: Some(region.id),
            unit_id: Some(unit.id),
            must_change_password: false,
        })
        .await
        .unwrap();
    tx.commit().await.unwrap();
    user.id
}

async fn lifecycle(db: &Db) {
    let user = user(db).await;
    let file: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let first = db.create_ocr_job(user, "扫描件.pdf", &file).await.unwrap();
    let second = db
        .create_ocr_job(user, "second.pdf", b"%PDF-")
        .await
        .unwrap();
    let job = db.ocr_job(first).await.unwrap().unwrap();
    assert_eq!(job.status, OcrStatus::Queued);
    assert_eq!(
        (job.file_name.as_str(), job.file_size),
        ("扫描件.pdf", 70_000)
    );
    assert_eq!(db.ocr_job_counts().await.unwrap(), (2, 0));
    assert_eq!(db.ocr_jobs_pending_for(user).await.unwrap(), 2);
    assert_eq!(db.ocr_jobs_pending_for(user + 1).await.unwrap(), 0);

    // The oldest first, with its bytes intact; then the next; then nothing.
    let fresh = now_ms() - 60_000;
    let a = db.claim_ocr_job("a", fresh).await.unwrap().unwrap();
    assert_eq!((a.id, a.user_id), (first, user));
    assert_eq!(a.file, file);
    let b = db.claim_ocr_job("b", fresh).await.unwrap().unwrap();
    assert_eq!(b.id, second);
    assert!(db.claim_ocr_job("c", fresh).await.unwrap().is_none());
    assert_eq!(db.ocr_job_counts().await.unwrap(), (0, 2));

    // Only the holder reports progress and the end.
    assert!(db.ocr_job_progress(first, "a", 1, 4).await.unwrap());
    assert!(!db.ocr_job_progress(first, "b", 2, 4).await.unwrap());
    let job = db.ocr_job(first).await.unwrap().unwrap();
    assert_eq!(
        (job.status, job.pages_done, job.pages_total),
        (OcrStatus::Running, 1, 4)
    );
    assert!(!db.finish_ocr_job(first, "b", Ok("{}")).await.unwrap());
    assert!(
        db.finish_ocr_job(first, "a", Ok(r#"{"form":1}"#))
            .await
            .unwrap()
    );
    assert!(!db.ocr_job_progress(first, "a", 4, 4).await.unwrap());
    let job = db.ocr_job(first).await.unwrap().unwrap();
    assert_eq!(job.status, OcrStatus::Done);
    assert_eq!(job.result.as_deref(), Some(r#"{"form":1}"#));
    assert!(job.finished_at.is_some());
    let (kept,): (Option<Vec<u8>>,) = sqlx_file(db, first).await;
    assert_eq!(kept, None, "the file is dropped when the job ends");

    // The second worker stopped: once its heartbeat is stale the job is claimed again, and
    // after MAX_ATTEMPTS claims it is given up.
    let stale = now_ms() + 1;
    let mut claims = 1;
    while let Some(again) = db.claim_ocr_job("d", stale).await.unwrap() {
        assert_eq!(again.id, second);
        assert_eq!(again.file, b"%PDF-");
        claims += 1;
        assert!(claims <= MAX_ATTEMPTS, "claimed {claims} times");
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    assert_eq!(claims, MAX_ATTEMPTS);
    // The next look gives it up (its heartbeat is stale again).
    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    assert!(db.claim_ocr_job("e", now_ms() + 1).await.unwrap().is_none());
    let job = db.ocr_job(second).await.unwrap().unwrap();
    assert_eq!(job.status, OcrStatus::Failed);
    assert!(job.error.unwrap().contains("多次中断"));
    assert!(!db.finish_ocr_job(second, "d", Ok("{}")).await.unwrap());

    // Purged once ended long enough ago; a queued job is never purged.
    let third = db.create_ocr_job(user, "third.pdf", b"x").await.unwrap();
    assert_eq!(db.purge_ocr_jobs(now_ms() + 1).await.unwrap(), 2);
    assert!(db.ocr_job(first).await.unwrap().is_none());
    assert!(db.ocr_job(third).await.unwrap().is_some());
    assert_eq!(db.ocr_job(third + 100).await.unwrap(), None);
}

/// Four workers claiming at once from twelve jobs: each job is claimed exactly once, and no
/// worker stops while jobs are left.
async fn concurrent_claims(db: &Db) {
    let user = user(db).await;
    let mut ids = Vec::new();
    for i in 0..12 {
        ids.push(
            db.create_ocr_job(user, &format!("{i}.pdf"), b"%PDF-")
                .await
                .unwrap(),
        );
    }
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let db = db.clone();
            tokio::spawn(async move {
                let mut got = Vec::new();
                let stale = now_ms() - 60_000;
                while let Some(job) = db.claim_ocr_job(&format!("w{w}"), stale).await.unwrap() {
                    got.push(job.id);
                    db.finish_ocr_job(job.id, &format!("w{w}"), Ok("{}"))
                        .await
                        .unwrap();
                }
                got
            })
        })
        .collect();
    let mut claimed = Vec::new();
    for w in workers {
        claimed.extend(w.await.unwrap());
    }
    claimed.sort();
    assert_eq!(claimed, ids);
}

async fn sqlx_file(db: &Db, id: i64) -> (Option<Vec<u8>>,) {
    jixiao_storage::sqlx::query_as("SELECT file FROM ocr_jobs WHERE id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn ocr_jobs_on_sqlite() {
    let s = support::Sqlite::new("ocr-jobs").await;
    lifecycle(&s.db).await;
    s.finish().await;
    let s = support::Sqlite::new("ocr-claims").await;
    concurrent_claims(&s.db).await;
    s.finish().await;
}

#[tokio::test]
async fn ocr_jobs_on_postgres() {
    let Some(p) = support::Postgres::new("ocr_jobs").await else {
        return;
    };
    lifecycle(&p.db).await;
    p.finish().await;
    let Some(p) = support::Postgres::new("ocr_claims").await else {
        return;
    };
    concurrent_claims(&p.db).await;
    p.finish().await;
}
