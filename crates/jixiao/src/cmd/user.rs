//! `jixiao user add|passwd|list`: user management from the command line (the first
//! administrator is made here; the rest can be managed in the web pages or the admin API).

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use jixiao_server::api::admin::{NewUserInput, create_user_in, set_password_in};
use jixiao_storage::{Db, Role};

use super::db::DbArgs;

/// Arguments of `jixiao user`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: UserCommand,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Debug, clap::Subcommand)]
enum UserCommand {
    /// 新建用户（不给 --password-stdin 时生成随机密码并显示）
    Add {
        /// 用户名
        name: String,
        /// 角色：filler（单位填报人）、unit_approver（单位审核人）、reviewer（财政审核人）、admin（系统管理员）、security_admin（安全管理员）、audit_admin（审计管理员）
        #[arg(long)]
        role: String,
        /// 所属单位（单位编码或名称；填报人和单位审核人必填）
        #[arg(long)]
        unit: Option<String>,
        /// 所属区划（区划代码或名称；财政审核人必填）
        #[arg(long)]
        region: Option<String>,
        /// 显示的姓名
        #[arg(long)]
        display_name: Option<String>,
        /// 科室（显示在姓名前，如“县财政局绩效股”）
        #[arg(long)]
        office: Option<String>,
        /// 从标准输入读取密码（一行）
        #[arg(long)]
        password_stdin: bool,
    },
    /// 重设密码（同时解除锁定并结束该用户的所有会话）
    Passwd {
        /// 用户名
        name: String,
        /// 从标准输入读取密码（一行）
        #[arg(long)]
        password_stdin: bool,
    },
    /// 列出用户
    List,
}

fn password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("无法从标准输入读取密码")?;
        let pw = line.trim_end_matches(['\r', '\n']).to_string();
        Ok((pw, false))
    } else {
        Ok((jixiao_server::auth::random_password(), true))
    }
}

async fn region_id(db: &Db, key: &str) -> anyhow::Result<i64> {
    db.regions()
        .await?
        .into_iter()
        .find(|r| r.code == key || r.name == key)
        .map(|r| r.id)
        .ok_or_else(|| anyhow!("区划「{key}」不存在"))
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    super::block_on(async move {
        let db = args.db.connect().await?;
        db.migrate().await?;
        match args.command {
            UserCommand::Add {
                name,
                role,
                unit,
                region,
                display_name,
                office,
                password_stdin,
            } => {
                let role = Role::parse(&role).ok_or_else(|| {
                    anyhow!("未知角色「{role}」，可用：filler、unit_approver、reviewer、admin、security_admin、audit_admin")
                })?;
                let unit_id = match unit {
                    Some(u) => Some(
                        db.unit_by_code_or_name(&u)
                            .await?
                            .ok_or_else(|| anyhow!("单位「{u}」不存在"))?
                            .id,
                    ),
                    None => None,
                };
                let region_id = match region {
                    Some(r) => Some(region_id(&db, &r).await?),
                    None => None,
                };
                let (pw, generated) = password(password_stdin)?;
                let input = NewUserInput {
                    username: name,
                    display_name,
                    office,
                    password: pw.clone(),
                    role,
                    unit_id,
                    region_id,
                };
                let user = create_user_in(&db, &input, None, false)
                    .await
                    .map_err(|e| anyhow!(e.message))?;
                println!("已新建用户 {}（{}）", user.username, user.role.label());
                if generated {
                    println!("初始密码：{pw}");
                }
            }
            UserCommand::Passwd {
                name,
                password_stdin,
            } => {
                let (user, _) = db
                    .user_for_login(&name)
                    .await?
                    .ok_or_else(|| anyhow!("用户「{name}」不存在"))?;
                let (pw, generated) = password(password_stdin)?;
                set_password_in(&db, user.id, &pw, None)
                    .await
                    .map_err(|e| anyhow!(e.message))?;
                println!("已重设用户 {name} 的密码");
                if generated {
                    println!("新密码：{pw}");
                }
            }
            UserCommand::List => {
                let users = db.users(None).await?;
                if users.is_empty() {
                    bail!("还没有用户；用 jixiao user add NAME --role admin 新建管理员");
                }
                for u in users {
                    let state = if u.disabled { "（已停用）" } else { "" };
                    println!(
                        "{}\t{}\t{}{state}",
                        u.username,
                        u.role.label(),
                        u.display_name
                    );
                }
            }
        }
        db.close().await;
        Ok(())
    })
}
