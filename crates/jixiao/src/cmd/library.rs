//! `jixiao library build DIR -o library.json`: the indicator library (指标库) harvested from a
//! directory of forms (any format `jixiao import` reads), with a progress bar; and `jixiao
//! library show library.json [--search TEXT]`: its entries, most used first. A library file that
//! cannot be used is a clear error with exit status 2.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use jixiao_domain::library::{Library, build};

use super::export::{form_files, progress};

/// Arguments of `jixiao library`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// 从目录中的申报表（规范 JSON、公开文本、PDF、XLSX）生成指标库
    Build {
        /// 申报表所在目录
        dir: PathBuf,
        /// 输出的指标库文件（JSON）
        #[arg(long, short = 'o')]
        output: PathBuf,
    },
    /// 列出指标库的指标（按使用的申报表数从多到少）
    Show {
        /// 指标库文件
        library: PathBuf,
        /// 只列出名称、二级指标或一级指标含此文字的指标
        #[arg(long)]
        search: Option<String>,
    },
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    let result = match args.command {
        Command::Build { dir, output } => build_library(&dir, &output),
        Command::Show { library, search } => show(&library, search.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}

/// Reads a library file: a clear error when it is missing, too large or not a library.
pub fn load(path: &Path) -> anyhow::Result<Library> {
    let text = super::validate::read_text(path, 256 * 1024 * 1024)?;
    Library::from_json(text.strip_prefix('\u{feff}').unwrap_or(&text))
        .map_err(|e| anyhow::anyhow!("{}：{e}", path.display()))
}

fn build_library(dir: &Path, output: &Path) -> anyhow::Result<()> {
    let registry = super::template::registry()?;
    let files = form_files(dir)?;
    let bar = progress(files.len());
    let mut forms = Vec::with_capacity(files.len());
    let mut failed = Vec::new();
    for file in &files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        bar.set_message(name.clone());
        match jixiao_formats::import::import_path(file, &registry, &Default::default()) {
            Ok(imported) => forms.push(imported.form),
            Err(e) => failed.push(format!("{name}：{e}")),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    for f in &failed {
        eprintln!("无法读取 {f}");
    }
    let template = forms
        .first()
        .and_then(|f| registry.get(&f.template.id, Some(f.template.version)).ok());
    let library = build(&forms, template).with_context(|| format!("目录 {}", dir.display()))?;
    let json = serde_json::to_string_pretty(&library)?;
    std::fs::write(output, json + "\n")
        .with_context(|| format!("无法写入 {}", output.display()))?;
    eprintln!(
        "已由 {} 份申报表（{} 年）生成指标库：{} 个指标，写入 {}（无法读取 {} 个文件）",
        library.forms,
        library
            .years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        library.entries.len(),
        output.display(),
        failed.len()
    );
    Ok(())
}

fn show(path: &Path, search: Option<&str>) -> anyhow::Result<()> {
    let library = load(path)?;
    let entries = library.search(search.unwrap_or(""));
    println!(
        "指标库（模板 {}，{} 份申报表）：{} 个指标{}",
        library.template_id,
        library.forms,
        entries.len(),
        search.map_or(String::new(), |s| format!("含「{s}」"))
    );
    for e in entries {
        let range = e.spread.as_ref().map_or(String::new(), |s| {
            format!(
                "；目标 p10 {}{u}、中位数 {}{u}、p90 {}{u}（{} 个）",
                s.p10.normalize(),
                s.median.normalize(),
                s.p90.normalize(),
                s.n,
                u = e.unit
            )
        });
        println!(
            "{} / {} / {}  [{}{}]  {} 份申报表{range}；例：{}",
            e.level1,
            e.level2,
            e.name,
            e.direction,
            if e.unit.is_empty() {
                String::new()
            } else {
                format!(" {}", e.unit)
            },
            e.forms,
            e.examples.join("、")
        );
    }
    Ok(())
}
