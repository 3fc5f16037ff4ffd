//! The `jixiao` command: one binary, subcommands.

use clap::{Parser, Subcommand};

mod cmd;

/// jixiao —— 部门整体绩效目标申报、审核与公开系统
#[derive(Debug, Parser)]
#[command(name = "jixiao", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 校验申报表（规范 JSON），列出错误、警告和提示
    Validate(cmd::validate::Args),
    /// 导出申报表的 PDF（A4，正式版式）
    Pdf(cmd::pdf::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate(args) => cmd::validate::run(args),
        Command::Pdf(args) => cmd::pdf::run(args),
    }
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
