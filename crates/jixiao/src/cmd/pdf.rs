//! `jixiao pdf FILE -o OUT.pdf [--public] [--font-dir DIR]`: the print-ready PDF of a form.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

/// Arguments of `jixiao pdf`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 申报表文件（规范 JSON）
    pub file: PathBuf,
    /// 输出的 PDF 文件
    #[arg(short, long, value_name = "OUT.pdf")]
    pub output: PathBuf,
    /// 公开版：不含填报人和联系电话
    #[arg(long)]
    pub public: bool,
    /// 另用此目录中的字体（.otf/.ttf/.otc/.ttc）；缺字时仍用内置字体
    #[arg(long, value_name = "DIR", env = "JIXIAO_FONT_DIR")]
    pub font_dir: Option<PathBuf>,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    match export(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The largest form file read (a real form is well under 1 MB).
const MAX_FORM_FILE: u64 = 16 * 1024 * 1024;

fn export(args: &Args) -> anyhow::Result<()> {
    let size = std::fs::metadata(&args.file)
        .with_context(|| format!("无法读取申报表文件 {}", args.file.display()))?
        .len();
    anyhow::ensure!(
        size <= MAX_FORM_FILE,
        "申报表文件 {} 过大（{} MB，上限 16 MB）",
        args.file.display(),
        size >> 20
    );
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("无法读取申报表文件 {}", args.file.display()))?;
    let form: jixiao_domain::Form = serde_json::from_str(&text)
        .with_context(|| format!("{} 不是有效的申报表（规范 JSON）", args.file.display()))?;
    let options = jixiao_pdf::PdfOptions {
        public: args.public,
        font_dir: args.font_dir.clone(),
    };
    let pdf = jixiao_pdf::render(&form, &options)?;
    std::fs::write(&args.output, pdf)
        .with_context(|| format!("无法写入 {}", args.output.display()))?;
    Ok(())
}
