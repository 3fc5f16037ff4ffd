//! `jixiao summary DIR -o summary.xlsx`: one row per unit with funding totals and shares,
//! indicator counts and validation status, plus a totals row.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use jixiao_formats::summary::{SummaryInput, write_summary};

use super::export::{form_files, load_form, progress};

/// Arguments of `jixiao summary`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 包含多个申报表（规范 JSON 或 jixiao XLSX）的目录
    pub dir: PathBuf,
    /// 输出的汇总工作簿（.xlsx）
    #[arg(long, short = 'o')]
    pub output: PathBuf,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    match run_inner(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_inner(args: &Args) -> anyhow::Result<()> {
    let registry = super::template::registry()?;
    let files = form_files(&args.dir)?;
    let bar = progress(files.len());
    let mut inputs = Vec::with_capacity(files.len());
    for file in &files {
        let source = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        bar.set_message(source.clone());
        let form = load_form(file, &registry).map_err(|e| format!("{e:#}"));
        inputs.push(SummaryInput { source, form });
        bar.inc(1);
    }
    bar.finish_and_clear();
    let failed = inputs.iter().filter(|i| i.form.is_err()).count();
    let bytes = write_summary(&inputs, &registry)?;
    std::fs::write(&args.output, bytes)
        .with_context(|| format!("无法写入 {}", args.output.display()))?;
    eprintln!(
        "已汇总 {} 个申报表（无法读取 {failed} 个）到 {}",
        inputs.len() - failed,
        args.output.display()
    );
    Ok(())
}
