//! The `jixiao` command: one binary, subcommands.

use clap::{Parser, Subcommand};

mod cmd;

/// jixiao —— 部门整体绩效目标申报、审核与公开系统
#[derive(Debug, Parser)]
#[command(name = "jixiao", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    templates: cmd::template::Source,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 校验申报表（规范 JSON、公开文本、PDF 或 XLSX），列出导入报告及错误、警告和提示
    Validate(cmd::validate::Args),
    /// 输出申报表规范 JSON 的 JSON Schema
    Schema,
    /// 查看模板：list 列出，show ID 显示，xlsx ID 生成空白工作簿
    Template(cmd::template::Args),
    /// 导出申报表为 PDF、XLSX、HTML、JSON 或 CSV（文件或整个目录）
    Export(cmd::export::Args),
    /// 汇总多个申报表为一个 Excel 工作簿
    Summary(cmd::summary::Args),
    /// 指标库：由多个申报表生成（build），查看与搜索（show）
    Library(cmd::library::Args),
    /// 演示数据：生成大规模的区划、单位和多年申报表（generate），用于性能测试和演练
    Demo(cmd::demo::Args),
    /// 启动网页服务（默认 127.0.0.1:8080，内置 SQLite；--demo 载入演示数据）
    Serve(cmd::serve::Args),
    /// 迁移数据库到最新版本
    Migrate(cmd::migrate::Args),
    /// 管理用户：新建、重设密码、列出
    User(cmd::user::Args),
    /// 操作日志：校验哈希链（verify），报告第一条被改动的记录
    Audit(cmd::audit::Args),
    /// 在线备份数据库（SQLite：VACUUM INTO；PostgreSQL 请用 pg_dump）
    Backup(cmd::backup::Args),
    /// 导入现有申报表（公开文本、PDF、XLSX、规范 JSON）为规范 JSON，并给出导入报告；可批量导入目录
    Import(cmd::import::Args),
    /// 绩效运行监控：由申报表生成监控表（new），计算预警灯（warn）
    Monitoring(cmd::lifecycle::MonitoringArgs),
    /// 绩效自评：由申报表生成自评表（new），计算得分、总分和等级（score）
    Selfeval(cmd::lifecycle::SelfevalArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    cmd::template::set_source(cli.templates);
    match cli.command {
        Command::Validate(args) => cmd::validate::run(args),
        Command::Schema => cmd::schema::run(),
        Command::Template(args) => cmd::template::run(args),
        Command::Export(args) => cmd::export::run(args),
        Command::Summary(args) => cmd::summary::run(args),
        Command::Library(args) => cmd::library::run(args),
        Command::Demo(args) => cmd::demo::run(args),
        Command::Serve(args) => {
            init_logging();
            cmd::serve::run(args)
        }
        Command::Migrate(args) => cmd::migrate::run(args),
        Command::User(args) => cmd::user::run(args),
        Command::Audit(args) => cmd::audit::run(args),
        Command::Backup(args) => cmd::backup::run(args),
        Command::Import(args) => cmd::import::run(args),
        Command::Monitoring(args) => cmd::lifecycle::run_monitoring(args),
        Command::Selfeval(args) => cmd::lifecycle::run_selfeval(args),
    }
}

/// Logs to stderr at the level of `JIXIAO_LOG` (error, warn, info, debug; default warn).
fn init_logging() {
    let level = match std::env::var("JIXIAO_LOG").as_deref() {
        Ok("error") => tracing::Level::ERROR,
        Ok("info") => tracing::Level::INFO,
        Ok("debug") => tracing::Level::DEBUG,
        _ => tracing::Level::WARN,
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
