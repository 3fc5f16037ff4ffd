//! `jixiao audit verify`: walks the audit log's hash chain and reports the first broken row.
//! `jixiao audit archive -o FILE`: writes the rows older than the retention period (the security
//! policy's `audit_retention_days`, at least 180) to a JSON Lines file, then removes them; the
//! chain goes on from the last archived row's hash.

use std::process::ExitCode;

use super::db::DbArgs;

/// Arguments of `jixiao audit`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// 校验操作日志的哈希链：完整时退出码 0，断开时报告第一条断开的记录并以退出码 2 结束
    Verify {
        #[command(flatten)]
        db: DbArgs,
        /// 以 JSON 输出结果
        #[arg(long)]
        json: bool,
    },
    /// 归档：把早于保存期限（安全策略的 audit_retention_days，至少 180 天）的操作日志写入 JSON Lines 文件，再从数据库移出
    Archive {
        #[command(flatten)]
        db: DbArgs,
        /// 归档文件（.jsonl；已存在则拒绝覆盖）
        #[arg(short, long)]
        out: std::path::PathBuf,
        /// 保存天数（不少于安全策略的设置；默认取安全策略）
        #[arg(long)]
        keep_days: Option<u32>,
    },
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    let (db, json) = match args.command {
        Command::Verify { db, json } => (db, json),
        Command::Archive { db, out, keep_days } => return archive(db, out, keep_days),
    };
    let mut broken = false;
    let mut ran = false;
    let code = super::block_on(async {
        let conn = db.connect().await?;
        let v = conn.verify_audit().await?;
        conn.close().await;
        broken = v.broken.is_some();
        ran = true;
        if json {
            println!("{}", serde_json::to_string_pretty(&v)?);
        } else {
            match &v.broken {
                None => println!(
                    "操作日志完整：已校验 {} 条链式记录{}（{}）",
                    v.checked,
                    if v.unchained > 0 {
                        format!("，另有 {} 条为启用哈希链之前的记录", v.unchained)
                    } else {
                        String::new()
                    },
                    db.describe()
                ),
                Some(b) => eprintln!(
                    "操作日志被改动：序号 {}{} 处断开：{}（此前 {} 条完好）",
                    b.seq,
                    b.id.map(|i| format!("（记录编号 {i}）"))
                        .unwrap_or_default(),
                    b.reason,
                    v.checked
                ),
            }
        }
        Ok(())
    });
    if ran && broken {
        ExitCode::from(2)
    } else {
        code
    }
}

fn archive(db: DbArgs, out: std::path::PathBuf, keep_days: Option<u32>) -> ExitCode {
    use anyhow::{Context, bail};
    use std::io::Write;
    super::block_on(async move {
        if out.exists() {
            bail!("归档文件 {} 已存在，不覆盖", out.display());
        }
        let conn = db.connect().await?;
        conn.migrate().await?;
        let policy = jixiao_server::policy::stored(&conn)
            .await
            .map_err(|e| anyhow::anyhow!(e.message))?;
        let days = keep_days.unwrap_or(policy.audit_retention_days);
        if days < policy.audit_retention_days {
            bail!(
                "保存天数 {days} 少于安全策略的 {} 天，不能归档",
                policy.audit_retention_days
            );
        }
        let before = jixiao_storage::now_ms() - i64::from(days) * 86_400_000;
        let batch = conn.audit_rows_to_archive(before).await?;
        if batch.rows.is_empty() {
            println!("没有早于 {days} 天的操作日志，无需归档");
            conn.close().await;
            return Ok(());
        }
        // The file is complete and on disk before anything is removed.
        let mut file = std::fs::File::create_new(&out)
            .with_context(|| format!("无法创建 {}", out.display()))?;
        for row in &batch.rows {
            writeln!(file, "{row}")?;
        }
        file.sync_all()?;
        let removed = conn
            .drop_archived_audit(&batch, None, &out.display().to_string())
            .await?;
        conn.close().await;
        println!(
            "已归档 {removed} 条早于 {days} 天的操作日志到 {}；链条从序号 {} 的哈希继续",
            out.display(),
            batch.last_seq.unwrap_or(0)
        );
        Ok(())
    })
}
