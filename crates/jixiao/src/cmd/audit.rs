//! `jixiao audit verify`: walks the audit log's hash chain and reports the first broken row.

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
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    let Command::Verify { db, json } = args.command;
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
