//! `jixiao backup OUT`: an online, consistent copy of the SQLite database (`VACUUM INTO`).
//! PostgreSQL databases are backed up with `pg_dump`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use jixiao_storage::Backend;

use super::db::DbArgs;

/// Arguments of `jixiao backup`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 备份文件（不能已存在）
    out: PathBuf,
    #[command(flatten)]
    db: DbArgs,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    super::block_on(async move {
        if args.out.exists() {
            bail!("备份文件 {} 已存在，请换一个文件名", args.out.display());
        }
        let is_postgres = args
            .db
            .database_url
            .as_ref()
            .is_some_and(|u| u.expose().starts_with("postgres"));
        if is_postgres {
            bail!(
                "PostgreSQL 数据库请用 pg_dump 备份，例如：pg_dump -Fc \"$JIXIAO_DATABASE_URL\" > {}",
                args.out.display()
            );
        }
        let db = args.db.connect().await?;
        if db.backend() != Backend::Sqlite {
            bail!("只能备份 SQLite 数据库");
        }
        db.backup_sqlite(&args.out).await?;
        db.close().await;
        println!("已备份到 {}", args.out.display());
        Ok(())
    })
}
