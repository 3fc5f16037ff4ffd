//! `jixiao export PATH --format pdf|xlsx|html|json|csv -o OUT [--private]`: one form, or every form
//! in a directory (with a progress bar; one bad file does not stop the batch).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use jixiao_domain::{Form, Privacy, Registry};
use jixiao_formats::Format;

/// The `--format` values: the names of [`Format`], with their Chinese descriptions as help.
fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    let values = Format::ALL.map(|f| PossibleValue::new(f.name()).help(f.chinese_name()));
    PossibleValuesParser::new(values)
        .map(|name| Format::from_name(&name).expect("clap only passes the listed names"))
}

/// Arguments of `jixiao export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 申报表文件（规范 JSON、XLSX、公开文本或 PDF），或包含多个申报表的目录
    pub path: PathBuf,
    /// 导出格式
    #[arg(long, short = 'f', value_parser = format_parser())]
    pub format: Format,
    /// 输出文件；PATH 为目录时为输出目录
    #[arg(long, short = 'o')]
    pub output: PathBuf,
    /// 包含填报人和联系电话（默认生成不含个人信息的公开版）
    #[arg(long)]
    pub private: bool,
    /// PDF：另用此目录中的字体（.otf/.ttf/.otc/.ttc）；缺字时仍用内置字体
    #[arg(long, value_name = "DIR", env = "JIXIAO_FONT_DIR")]
    pub font_dir: Option<PathBuf>,
}

/// Reads a form from any importable file (canonical JSON, published text, PDF, XLSX); the import
/// report, if it has anything to say, goes to stderr.
pub fn load_form(path: &Path, registry: &Registry) -> anyhow::Result<Form> {
    let imported = jixiao_formats::import::import_path(path, registry, &Default::default())
        .map_err(|e| anyhow::anyhow!("{} 无法导入：{e}", path.display()))?;
    if !imported.report.items.is_empty() {
        eprint!(
            "{} 的导入报告：\n{}",
            path.display(),
            imported.report.to_text(false)
        );
    }
    Ok(imported.form)
}

/// Renders one form in a format, through the one dispatcher the server's downloads use too.
pub fn render(
    form: &Form,
    format: Format,
    private: bool,
    registry: &Registry,
    font_dir: Option<&Path>,
) -> anyhow::Result<Vec<u8>> {
    let template = registry.for_form(form).ok();
    let privacy = Privacy::private_if(private);
    Ok(jixiao_server::state::render(
        format, form, template, privacy, font_dir,
    )?)
}

/// The form files of a directory (`.json`, `.xlsx`, `.txt`, `.pdf`), sorted by name; not recursive.
pub fn form_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("无法读取目录 {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            let ext = p
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            matches!(ext.as_str(), "json" | "xlsx" | "txt" | "pdf")
        })
        .collect();
    files.sort();
    Ok(files)
}

/// A progress bar on stderr (hidden when stderr is not a terminal).
pub fn progress(len: usize) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}") {
        bar.set_style(style);
    }
    bar
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    match run_inner(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_inner(args: &Args) -> anyhow::Result<ExitCode> {
    if !args.path.is_dir() && super::lifecycle::other_kind(&args.path).is_some() {
        return Ok(super::lifecycle::export_file(
            &args.path,
            args.format,
            args.private,
            &args.output,
            args.font_dir.as_deref(),
        ));
    }
    if args.format == Format::Pdf {
        // Font and typst's library get ready on the other core while the input is read.
        std::thread::spawn(jixiao_pdf::preload);
    }
    let registry = super::template::registry()?;
    if !args.path.is_dir() {
        let form = load_form(&args.path, &registry)?;
        let bytes = render(
            &form,
            args.format,
            args.private,
            &registry,
            args.font_dir.as_deref(),
        )?;
        std::fs::write(&args.output, bytes)
            .with_context(|| format!("无法写入 {}", args.output.display()))?;
        eprintln!("已导出 {}", args.output.display());
        return Ok(ExitCode::SUCCESS);
    }
    let files = form_files(&args.path)?;
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("无法创建输出目录 {}", args.output.display()))?;
    if args.path.canonicalize().ok() == args.output.canonicalize().ok() {
        bail!("输出目录不能与输入目录相同（会覆盖原文件）");
    }
    let bar = progress(files.len());
    // One worker a core, each taking the next file: a PDF is one core's work for ~13 ms.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures: std::sync::Mutex<Vec<(PathBuf, String)>> = Default::default();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(file) = files.get(i) else { break };
                    bar.set_message(
                        file.file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                    );
                    let stem = file
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_else(|| "form".into());
                    let out = args
                        .output
                        .join(format!("{stem}.{}", args.format.extension()));
                    let result = load_form(file, &registry)
                        .and_then(|form| {
                            render(
                                &form,
                                args.format,
                                args.private,
                                &registry,
                                args.font_dir.as_deref(),
                            )
                        })
                        .and_then(|bytes| {
                            std::fs::write(&out, bytes)
                                .with_context(|| format!("无法写入 {}", out.display()))
                        });
                    if let Err(e) = result {
                        failures
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push((file.clone(), format!("{e:#}")));
                    }
                    bar.inc(1);
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap_or_else(|p| p.into_inner());
    failures.sort();
    bar.finish_and_clear();
    eprintln!(
        "共 {} 个文件：导出 {} 个，失败 {} 个",
        files.len(),
        files.len() - failures.len(),
        failures.len()
    );
    for (f, e) in &failures {
        eprintln!("  {}：{e}", f.display());
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
