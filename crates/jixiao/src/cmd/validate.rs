//! `jixiao validate FILE`.

use std::process::ExitCode;

/// Arguments of `jixiao validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 申报表文件（规范 JSON）
    pub file: std::path::PathBuf,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    let _ = args;
    ExitCode::SUCCESS
}
