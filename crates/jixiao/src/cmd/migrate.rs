//! `jixiao migrate`: applies the database migrations.

use std::process::ExitCode;

use super::db::DbArgs;

/// Arguments of `jixiao migrate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    db: DbArgs,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    super::block_on(async move {
        let db = args.db.connect().await?;
        db.migrate().await?;
        db.close().await;
        println!("数据库已迁移到最新版本（{}）", args.db.describe());
        Ok(())
    })
}
