//! # jixiao-storage
//!
//! The database of jixiao: regions, units, users, sessions, versioned forms with their indicator
//! rows, reviews, comments, rounds with their monitoring reports and self-evaluations, and the
//! audit log. One SQL text per query (`$1..$N` placeholders)
//! runs on SQLite (embedded, the default) and PostgreSQL (for several app servers) through
//! sqlx's `AnyPool`. The `Any` driver knows only bools, integers, floats, strings and bytes, so
//! money is stored as decimal TEXT, times as Unix milliseconds and flags as 0/1.
//!
//! Writes that belong together go through [`Db::begin_write`], which locks the way each backend
//! needs (see [`WriteTx`]).

pub mod audit;
pub mod forms;
pub mod library;
mod migrate;
pub mod ocr_jobs;
pub mod publications;
pub mod reports;
pub mod reviews;
pub mod rounds;
pub mod saves;
pub mod time;
pub mod users;

pub use sqlx;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

pub use audit::{ArchiveBatch, AuditContext, AuditVerification, BrokenRow, Outcome, Subject};
pub use forms::{DashboardForm, FormRow, FormSummary, ListFilter, SummarySource, VersionRow};
pub use library::{CurationRow, StoredLibrary};
pub use ocr_jobs::{ClaimedOcrJob, OcrJob, OcrStatus};
pub use publications::{DatasetStamp, PublicIndicator, PublicYear, Publication};
pub use reports::{ApprovedDeclaration, ReportData, ReportReview, ReportRow, Round};
pub use reviews::{AuditEntry, Comment, Review};
pub use rounds::{Notice, RoundUnit};
pub use time::{beijing_date, format_for_people, format_time, now_ms};
pub use users::{Region, Role, SessionInfo, SessionUser, Unit, User};

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (one file, WAL mode).
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// Errors of the storage layer. Messages are Chinese; internal detail stays in
/// [`StorageError::Database`] and is never shown to users by the server.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database failed (connection, SQL, I/O).
    #[error("数据库错误")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("数据库迁移失败：{0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database server could not be reached or refused the connection.
    #[error("{0}")]
    Unreachable(String),
    /// Unsupported or malformed database URL.
    #[error("数据库地址无效：{0}")]
    BadUrl(String),
    /// Stored data could not be read back (for example a form JSON that no longer parses).
    #[error("存储的数据无法读取：{0}")]
    Corrupt(String),
    /// A unique name is already taken.
    #[error("{0}已存在")]
    Duplicate(String),
    /// The database handle is shutting down.
    #[error("数据库连接已关闭")]
    Closed,
    /// The database was migrated by a newer release than this program.
    #[error(
        "数据库结构版本为 {found}，比本程序支持的版本 {known} 新：它已被更新版本的 jixiao 升级。请使用该版本或更新的版本运行，不要用旧版本打开（以免损坏数据）"
    )]
    SchemaTooNew {
        /// The version found in the database.
        found: i64,
        /// The latest version this program knows.
        known: i64,
    },
}

impl StorageError {
    /// True when the database was too busy to answer in time (pool or lock timeout).
    pub fn is_busy(&self) -> bool {
        match self {
            StorageError::Database(sqlx::Error::PoolTimedOut) => true,
            StorageError::Database(sqlx::Error::Database(d)) => {
                // SQLite: SQLITE_BUSY (5) / SQLITE_LOCKED (6) after busy_timeout.
                matches!(d.code().as_deref(), Some("5") | Some("6"))
            }
            _ => false,
        }
    }

    /// True when the database's disk (or its size limit) is full: SQLite `SQLITE_FULL` (13),
    /// PostgreSQL `disk_full` (53100). Nothing was written.
    pub fn is_disk_full(&self) -> bool {
        match self {
            StorageError::Database(sqlx::Error::Database(d)) => {
                matches!(d.code().as_deref(), Some("13") | Some("53100"))
            }
            _ => false,
        }
    }

    /// True when the database server cannot be reached or is going away (a restart): the
    /// connection broke, the server shuts down or does not take connections yet.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StorageError::Database(
                sqlx::Error::Io(_) | sqlx::Error::PoolClosed | sqlx::Error::WorkerCrashed,
            ) => true,
            StorageError::Database(sqlx::Error::Database(d)) => d.code().is_some_and(|c| {
                // admin_shutdown, crash_shutdown, cannot_connect_now; connection exceptions.
                matches!(c.as_ref(), "57P01" | "57P02" | "57P03") || c.starts_with("08")
            }),
            _ => false,
        }
    }

    /// Maps a unique-constraint violation to [`StorageError::Duplicate`] naming `what`.
    pub fn duplicate_as(e: sqlx::Error, what: &str) -> StorageError {
        match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                StorageError::Duplicate(what.to_string())
            }
            _ => StorageError::Database(e),
        }
    }
}

/// Result alias of this crate.
pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// A handle on the database: a connection pool plus, for SQLite, the in-process writer gate.
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer at a time. Writers of this process queue here (fair, no
    /// polling) instead of spinning in SQLite's busy handler; other processes still meet
    /// `busy_timeout`.
    write_gate: Option<Arc<Mutex<()>>>,
    /// The queue of draft saves written with group commit (see [`saves`]).
    saves: Option<saves::SaveQueue>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

/// Connection settings beyond the URL.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Largest number of pooled connections.
    pub max_connections: u32,
    /// SQLite only: checkpoint the WAL from a background task (every 200 ms) instead of in the
    /// committing writer, so that no save waits for a checkpoint's writes and syncs. For
    /// long-running servers; short commands keep SQLite's automatic checkpoints.
    pub background_checkpoint: bool,
    /// How long to wait for a connection (also when the server is unreachable at start).
    pub acquire_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            max_connections: 16,
            background_checkpoint: false,
            acquire_timeout: Duration::from_secs(30),
        }
    }
}

impl Db {
    /// Connects to `url` (`sqlite://PATH?mode=rwc` or `postgres://…`). SQLite connections get
    /// WAL mode, `synchronous=NORMAL` (a committed transaction survives a killed process),
    /// foreign keys and a busy timeout.
    pub async fn connect(url: &str, options: &ConnectOptions) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StorageError::BadUrl(
                "只支持 sqlite:// 与 postgres:// 地址".into(),
            ));
        };
        let connect = AnyConnectOptions::from_str(url)
            .map_err(|_| StorageError::BadUrl("无法解析数据库地址".into()))?;
        let mut pool = AnyPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(options.acquire_timeout);
        let background = backend == Backend::Sqlite && options.background_checkpoint;
        if backend == Backend::Sqlite {
            pool = pool
                .after_connect(move |conn, _meta| {
                    Box::pin(async move {
                        conn.execute(
                            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; \
                         PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; \
                         PRAGMA journal_size_limit=67108864;",
                        )
                        .await?;
                        if background {
                            conn.execute("PRAGMA wal_autocheckpoint=0;").await?;
                        }
                        Ok(())
                    })
                })
                // A write that fails with SQLITE_FULL (or an I/O error) makes SQLite roll the
                // transaction back itself; sqlx's own ROLLBACK then fails and the connection stays
                // marked as inside a transaction, so every later BEGIN on it would fail. Such a
                // connection is closed instead of going back to the pool. The ping first runs the
                // rollback a dropped transaction queued.
                .after_release(|conn, _meta| {
                    Box::pin(async move {
                        sqlx::Connection::ping(&mut *conn).await?;
                        Ok(!sqlx::Connection::is_in_transaction(&*conn))
                    })
                });
        }
        if backend == Backend::Postgres {
            probe(&connect, options.acquire_timeout).await?;
        }
        let pool = pool.connect_with(connect).await?;
        let write_gate = (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(())));
        if background && let Some(gate) = &write_gate {
            tokio::spawn(checkpointer(pool.clone(), gate.clone()));
        }
        let mut db = Db {
            pool,
            backend,
            write_gate,
            saves: None,
        };
        db.saves = Some(saves::start(&db));
        Ok(db)
    }

    /// The SQLite URL of a database file (created when missing).
    pub fn sqlite_url(path: &std::path::Path) -> String {
        format!("sqlite://{}?mode=rwc", path.display())
    }

    /// Applies the migrations of this backend that are not yet applied. A database whose
    /// schema is newer than this program knows (a newer release migrated it) is refused with
    /// [`StorageError::SchemaTooNew`] before anything is touched: an older binary must not
    /// write to it.
    pub async fn migrate(&self) -> Result<()> {
        let known = migrate::latest_version();
        if let Some(found) = self.schema_version().await?
            && found > known
        {
            return Err(StorageError::SchemaTooNew { found, known });
        }
        migrate::migrator(self.backend).run(&self.pool).await?;
        Ok(())
    }

    /// The highest migration applied to this database; `None` for a database never migrated.
    pub async fn schema_version(&self) -> Result<Option<i64>> {
        let exists = match self.backend {
            Backend::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'"
            }
        };
        let (n,): (i64,) = sqlx::query_as(exists).fetch_one(&self.pool).await?;
        if n == 0 {
            return Ok(None);
        }
        let (v,): (Option<i64>,) = sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations")
            .fetch_one(&self.pool)
            .await?;
        Ok(v)
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for read queries.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Closes the pool (waits for connections to be returned).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A cheap liveness query.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Begins a write transaction. On SQLite it waits for this process's writer gate and then
    /// runs `BEGIN IMMEDIATE`, taking the database write lock up front so that no transaction
    /// fails half-way on a lock upgrade. On PostgreSQL it is a plain `BEGIN`; rows that a step
    /// checks are locked with `SELECT … FOR UPDATE` (see [`WriteTx::for_update`]).
    pub async fn begin_write(&self) -> Result<WriteTx> {
        let gate = match &self.write_gate {
            Some(g) => Some(g.clone().lock_owned().await),
            None => None,
        };
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx {
            tx,
            backend: self.backend,
            _gate: gate,
        })
    }

    /// Copies the whole SQLite database into `out` with `VACUUM INTO` (a consistent online copy).
    /// PostgreSQL databases are copied with `pg_dump`; this returns an error saying so.
    pub async fn backup_sqlite(&self, out: &std::path::Path) -> Result<()> {
        if self.backend != Backend::Sqlite {
            return Err(StorageError::BadUrl(
                "PostgreSQL 数据库请用 pg_dump 备份（例如 pg_dump -Fc 数据库地址 > 备份文件）"
                    .into(),
            ));
        }
        let path = out
            .to_str()
            .ok_or_else(|| StorageError::BadUrl("备份路径不是有效的 UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Runs `PRAGMA integrity_check` (SQLite) and returns its answer (`ok` when intact).
    pub async fn integrity_check(&self) -> Result<String> {
        if self.backend != Backend::Sqlite {
            return Ok("ok".into());
        }
        let row: (String,) = sqlx::query_as("PRAGMA integrity_check")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.0)
    }
}

/// WAL size (in 4 KiB frames) above which the checkpointer restarts the log.
const RESTART_FRAMES: i64 = 8192;

/// Checkpoints the WAL every 200 ms with `PASSIVE` (never blocks writers or readers) until the
/// pool is closed. Under steady load some reader always holds the log, so it would only grow:
/// past [`RESTART_FRAMES`] the checkpointer takes the writer gate and runs `RESTART`, which
/// waits (at most 20 ms, else it is retried at the next tick) for readers to move to the
/// database file, so that the next writer starts the log afresh.
async fn checkpointer(pool: AnyPool, gate: Arc<Mutex<()>>) {
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if pool.is_closed() {
            return;
        }
        // (busy, frames in the log, frames checkpointed); errors are retried at the next tick.
        let passive: Result<(i64, i64, i64), _> = sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
            .fetch_one(&pool)
            .await;
        if let Ok((_, log, _)) = passive
            && log > RESTART_FRAMES
        {
            let _writers_wait = gate.lock().await;
            if let Ok(mut conn) = pool.acquire().await {
                // Give up quickly when readers hold the log (retried at the next tick) rather
                // than hold the writers through the busy handler's long sleeps.
                let _ = conn.execute("PRAGMA busy_timeout=20").await;
                let _ = conn.execute("PRAGMA wal_checkpoint(RESTART)").await;
                let _ = conn.execute("PRAGMA busy_timeout=10000").await;
            }
        }
    }
}

/// A write transaction (one workflow step). Dropping it without [`WriteTx::commit`] rolls back.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    backend: Backend,
    _gate: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    /// ` FOR UPDATE` on PostgreSQL, empty on SQLite (whose `BEGIN IMMEDIATE` already holds the
    /// write lock), to append to a `SELECT` of the rows a step checks.
    pub fn for_update(&self) -> &'static str {
        match self.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        }
    }

    /// The transaction's connection, for queries.
    pub fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Commits the step.
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }

    /// Writes an audit row inside the transaction.
    pub async fn audit(
        &mut self,
        form_id: Option<i64>,
        user_id: Option<i64>,
        action: &str,
        detail: &str,
    ) -> Result<()> {
        let subject = audit::Subject {
            form_id,
            report_id: None,
        };
        self.append_audit(subject, user_id, action, detail, audit::Outcome::Ok)
            .await
    }
}

/// One connection to a PostgreSQL server before the pool is made, so that a wrong address, a
/// server that is down, a wrong password or a missing database is named in one line (the pool
/// would only say that it timed out).
async fn probe(connect: &AnyConnectOptions, timeout: std::time::Duration) -> Result<()> {
    use sqlx::Connection;
    let attempt = sqlx::AnyConnection::connect_with(connect);
    match tokio::time::timeout(timeout, attempt).await {
        Err(_) => Err(StorageError::Unreachable(format!(
            "连接超时：数据库服务器在 {} 秒内没有回应（地址、端口或防火墙是否正确？）",
            timeout.as_secs()
        ))),
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            Ok(())
        }
        Ok(Err(e)) => Err(StorageError::Unreachable(explain_connect_error(&e))),
    }
}

/// A connection error in one line of Chinese, without the password.
fn explain_connect_error(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "连接被拒绝：该地址和端口上没有数据库在监听（PostgreSQL 是否已启动？端口是否正确？）"
                .into()
        }
        sqlx::Error::Io(io) => format!("网络错误：{io}（主机名和端口是否正确？）"),
        sqlx::Error::Tls(t) => format!("TLS 连接失败：{t}"),
        sqlx::Error::Database(db) => match db.code().as_deref() {
            Some("3D000") => format!("数据库不存在：{}", db.message()),
            Some("28P01") | Some("28000") => {
                format!("用户名或密码错误，或该用户不允许登录：{}", db.message())
            }
            _ => format!("数据库拒绝连接：{}", db.message()),
        },
        other => format!("无法连接：{other}"),
    }
}
