//! The gate for heavy work: imports (PDF, XLSX, text), exports (typst PDF, XLSX) and password
//! hashing run on the blocking pool, and each costs a core for milliseconds to seconds. Without
//! a bound, a burst of uploads or logins would queue without end and starve every other request.
//! So at most `max_jobs` run at once; a job that cannot start within `queue_wait` is refused
//! with 503 and `Retry-After`, and one that runs longer than `timeout` is answered 503 (its
//! thread cannot be stopped and finishes in the background, then its result is dropped).

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use tokio::sync::Semaphore;

use crate::error::{ApiError, ApiResult};

/// The gate (cheap to clone: one shared semaphore).
#[derive(Debug, Clone)]
pub struct Jobs {
    permits: Arc<Semaphore>,
    max: usize,
    queue_wait: Duration,
    timeout: Duration,
}

impl Jobs {
    /// A gate for `max_jobs` jobs at once (at least 1).
    pub fn new(max_jobs: usize, queue_wait: Duration, timeout: Duration) -> Jobs {
        Jobs {
            permits: Arc::new(Semaphore::new(max_jobs.max(1))),
            max: max_jobs.max(1),
            queue_wait,
            timeout,
        }
    }

    /// Jobs holding a place now.
    pub fn running(&self) -> usize {
        self.max.saturating_sub(self.permits.available_permits())
    }

    /// Runs `f` on the blocking pool once a place is free; 503 when none frees up in time or
    /// the job overruns.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> ApiResult<T> {
        let busy = || {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "服务器正忙（同时处理的导入、导出和登录已达上限），请稍后再试",
            )
        };
        let permit = tokio::time::timeout(self.queue_wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(ApiError::internal)?;
        let job = tokio::task::spawn_blocking(move || {
            let out = f();
            drop(permit);
            out
        });
        match tokio::time::timeout(self.timeout, job).await {
            Ok(joined) => joined.map_err(ApiError::internal),
            Err(_) => Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                format!(
                    "处理时间超过 {} 秒，已放弃；文件可能过大或过于复杂",
                    self.timeout.as_secs()
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_gate_refuses_after_its_wait_and_an_overrun_is_503() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let jobs = Jobs::new(1, Duration::from_millis(50), Duration::from_secs(5));
        let (started, release) = (
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicBool::new(false)),
        );
        let holder = {
            let (jobs, s, r) = (jobs.clone(), started.clone(), release.clone());
            tokio::spawn(async move {
                jobs.run(move || {
                    s.store(true, Ordering::SeqCst);
                    while !r.load(Ordering::SeqCst) {
                        std::thread::sleep(Duration::from_millis(2));
                    }
                })
                .await
            })
        };
        while !started.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let refused = jobs.run(|| 1).await.unwrap_err();
        assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
        release.store(true, Ordering::SeqCst);
        assert!(holder.await.unwrap().is_ok());
        assert_eq!(jobs.run(|| 2).await.unwrap(), 2, "the place is free again");
        let short = Jobs::new(1, Duration::from_secs(5), Duration::from_millis(50));
        let overrun = short
            .run(|| std::thread::sleep(Duration::from_millis(500)))
            .await
            .unwrap_err();
        assert_eq!(overrun.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(overrun.message.contains("秒"));
    }
}
