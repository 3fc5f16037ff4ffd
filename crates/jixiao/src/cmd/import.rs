//! `jixiao import FILE|DIR`: imports published text, PDF, XLSX or canonical JSON into canonical JSON,
//! with the import report (text or JSON). A directory is imported file by file with a progress
//! bar and a summary table; one bad file does not stop the batch.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use jixiao_domain::Registry;
use jixiao_formats::import::{ImportOptions, Imported, OcrProgress, import_path};
use jixiao_formats::{ImportError, ImportReport, ReportKind};

/// Arguments of `jixiao import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 要导入的文件（公开文本、PDF、XLSX 工作簿或规范 JSON），或一个目录（批量导入）
    pub path: PathBuf,
    /// 输出：单个文件时为规范 JSON 文件（默认写到标准输出）；目录时为输出目录（必填）
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// 模板 ID（默认依次尝试内置模板，先试 hubei-dept-2026）
    #[arg(long)]
    pub template: Option<String>,
    /// 严格模式：任何推断修复或未识别内容都按错误处理
    #[arg(long)]
    pub strict: bool,
    /// 不对扫描页做文字识别（OCR）；默认在安装了 Tesseract 时识别
    #[arg(long)]
    pub no_ocr: bool,
    /// 导入报告的格式
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

/// How the report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// 中文文字
    Text,
    /// JSON
    Json,
}

/// Runs the command: exit 0 when everything was imported, 1 when a file failed.
pub fn run(args: Args) -> ExitCode {
    if super::lifecycle::other_kind(&args.path).is_some() {
        return super::lifecycle::import_file(&args.path, args.output.as_deref());
    }
    match run_inner(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(1)
        }
    }
}

fn run_inner(args: &Args) -> anyhow::Result<bool> {
    let registry = super::template::registry()?;
    let options = ImportOptions {
        template: args.template.clone(),
        strict: args.strict,
        no_ocr: args.no_ocr,
        ..Default::default()
    };
    if args.path.is_dir() {
        let Some(out) = &args.output else {
            bail!("批量导入目录时必须用 -o 指定输出目录")
        };
        return batch(&args.path, out, &registry, &options, args.format);
    }
    // A scan takes seconds a page: say which page OCR is on (on a terminal).
    let mut options = options;
    let tty = std::io::stderr().is_terminal();
    if tty {
        options.ocr_progress = Some(OcrProgress(std::sync::Arc::new(|page, pages| {
            eprint!("\r正在文字识别（OCR）：第 {page}/{pages} 页…\x1b[K");
        })));
    }
    let result = import_path(&args.path, &registry, &options);
    if tty {
        eprint!("\r\x1b[K");
    }
    // The form goes where -o says (standard output by default); the report to the other stream.
    let report_to_stdout = args.output.is_some();
    let printed = render_result(&args.path, &result, args.format);
    if report_to_stdout {
        print!("{printed}");
    } else {
        eprint!("{printed}");
    }
    let Ok(imported) = result else {
        return Ok(false);
    };
    let json = serde_json::to_string_pretty(&imported.form).context("无法序列化申报表")? + "\n";
    match &args.output {
        Some(out) => {
            std::fs::write(out, json).with_context(|| format!("无法写入 {}", out.display()))?
        }
        None => std::io::stdout()
            .write_all(json.as_bytes())
            .context("无法写到标准输出")?,
    }
    Ok(true)
}

/// The report of one file (or its error) as text or JSON.
fn render_result(
    path: &Path,
    result: &Result<Imported, ImportError>,
    format: ReportFormat,
) -> String {
    match format {
        ReportFormat::Json => {
            let value = match result {
                Ok(i) => serde_json::json!({
                    "file": path.display().to_string(), "ok": true, "template": i.template_id,
                    "report": i.report,
                }),
                Err(e) => serde_json::json!({
                    "file": path.display().to_string(), "ok": false, "error": e.to_string(),
                    "report": strict_report(e),
                }),
            };
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
        }
        ReportFormat::Text => {
            let mut s = String::new();
            match result {
                Ok(i) => {
                    s += &format!(
                        "导入 {}（{}，模板 {}）\n",
                        path.display(),
                        format_name(&i.report.format),
                        i.template_id
                    );
                    s += &i.report.to_text(false);
                    s += &format!(
                        "结果：成功；推断修复 {} 处，未能识别 {} 处，说明 {} 条\n",
                        i.report.count(ReportKind::Guess),
                        i.report.count(ReportKind::Unplaced),
                        i.report.count(ReportKind::Note)
                    );
                }
                Err(e) => {
                    s += &format!("导入 {} 失败：{e}\n", path.display());
                    if let Some(r) = strict_report(e) {
                        s += &r.to_text(true);
                    }
                }
            }
            s
        }
    }
}

fn strict_report(e: &ImportError) -> Option<&ImportReport> {
    match e {
        ImportError::Strict { report, .. } => Some(report),
        _ => None,
    }
}

fn format_name(f: &str) -> &str {
    match f {
        "text" => "公开文本",
        "pdf" => "PDF",
        "json" => "规范 JSON",
        "xlsx" => "XLSX",
        other => other,
    }
}

/// One line of the batch summary.
struct Summary {
    file: String,
    unit: String,
    year: String,
    rows: String,
    warnings: usize,
    error: Option<String>,
}

fn batch(
    dir: &Path,
    out: &Path,
    registry: &Registry,
    options: &ImportOptions,
    format: ReportFormat,
) -> anyhow::Result<bool> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("无法读取目录 {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    std::fs::create_dir_all(out).with_context(|| format!("无法创建输出目录 {}", out.display()))?;
    let bar = Progress::new(files.len());
    let mut summary = Vec::new();
    let mut used_names = Vec::new();
    for (k, file) in files.iter().enumerate() {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        bar.show(k, &name);
        let result = import_path(file, registry, options);
        let line = match &result {
            Ok(imported) => {
                let target = output_name(file, &mut used_names);
                let json = serde_json::to_string_pretty(&imported.form)? + "\n";
                let write = std::fs::write(out.join(&target), json);
                Summary {
                    file: name.clone(),
                    unit: imported.form.header.unit_name.clone(),
                    year: imported.form.header.fiscal_year.to_string(),
                    rows: (imported.form.indicators.long_term.rows.len()
                        + imported.form.indicators.annual.rows.len())
                    .to_string(),
                    warnings: imported.report.count(ReportKind::Guess)
                        + imported.report.count(ReportKind::Unplaced),
                    error: write.err().map(|e| format!("无法写入 {target}：{e}")),
                }
            }
            Err(e) => Summary {
                file: name.clone(),
                unit: String::new(),
                year: String::new(),
                rows: String::new(),
                warnings: strict_report(e).map(|r| r.items.len()).unwrap_or(0),
                error: Some(e.to_string()),
            },
        };
        if result.is_ok() && line.error.is_none() {
            // Per-file details go to a report file beside the JSON so the terminal keeps the table.
            let text = render_result(file, &result, ReportFormat::Text);
            let _ = std::fs::write(out.join(format!("{}.report.txt", stem(file))), text);
        }
        summary.push(line);
    }
    bar.finish(files.len());
    let failed = summary.iter().filter(|s| s.error.is_some()).count();
    match format {
        ReportFormat::Json => {
            let rows: Vec<serde_json::Value> = summary
                .iter()
                .map(|s| {
                    serde_json::json!({"file": s.file, "unit": s.unit, "year": s.year, "rows": s.rows,
                        "warnings": s.warnings, "error": s.error})
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&rows)?);
        }
        ReportFormat::Text => print!("{}", table(&summary)),
    }
    eprintln!(
        "共 {} 个文件：成功 {}，失败 {}；结果在 {}",
        summary.len(),
        summary.len() - failed,
        failed,
        out.display()
    );
    Ok(failed == 0)
}

fn stem(file: &Path) -> String {
    file.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "form".into())
}

/// `<stem>.json`, or `<file name>.json` when two inputs share a stem.
fn output_name(file: &Path, used: &mut Vec<String>) -> String {
    let mut name = format!("{}.json", stem(file));
    if used.contains(&name) {
        name = format!(
            "{}.json",
            file.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        );
    }
    used.push(name.clone());
    name
}

/// Display width: CJK characters take two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if jixiao_domain::text::is_cjk(c) { 2 } else { 1 })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// The summary table: file, unit, year, rows imported, warnings, errors.
fn table(summary: &[Summary]) -> String {
    let head = ["文件", "单位", "年度", "指标行数", "警告", "错误"];
    let cells: Vec<[String; 6]> = summary
        .iter()
        .map(|s| {
            [
                s.file.clone(),
                s.unit.clone(),
                s.year.clone(),
                s.rows.clone(),
                s.warnings.to_string(),
                s.error.clone().unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    let mut widths: Vec<usize> = head.iter().map(|h| width(h)).collect();
    for row in &cells {
        for (i, c) in row.iter().enumerate().take(5) {
            widths[i] = widths[i].max(width(c));
        }
    }
    let mut out = String::new();
    let line = |cols: Vec<String>| cols.join("  ").trim_end().to_string() + "\n";
    out += &line(
        head.iter()
            .enumerate()
            .map(|(i, h)| pad(h, widths[i]))
            .collect(),
    );
    for row in &cells {
        out += &line(
            row.iter()
                .enumerate()
                .map(|(i, c)| pad(c, widths[i]))
                .collect(),
        );
    }
    out
}

/// A lean progress bar on standard error, shown only on a terminal.
struct Progress {
    total: usize,
    tty: bool,
}

impl Progress {
    fn new(total: usize) -> Self {
        Progress {
            total,
            tty: std::io::stderr().is_terminal(),
        }
    }

    fn show(&self, done: usize, name: &str) {
        if !self.tty || self.total == 0 {
            return;
        }
        let filled = done * 30 / self.total;
        let name: String = name.chars().take(40).collect();
        eprint!(
            "\r[{}{}] {done}/{} {name}\x1b[K",
            "#".repeat(filled),
            "-".repeat(30 - filled),
            self.total
        );
    }

    fn finish(&self, total: usize) {
        if self.tty && self.total > 0 {
            eprint!("\r[{}] {total}/{}\x1b[K\n", "#".repeat(30), self.total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_chinese_columns() {
        let t = table(&[Summary {
            file: "a.txt".into(),
            unit: "兴国镇".into(),
            year: "2026".into(),
            rows: "78".into(),
            warnings: 3,
            error: None,
        }]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            width(lines[0].split("年度").next().unwrap()),
            width(lines[1].split("2026").next().unwrap())
        );
    }

    #[test]
    fn output_names_do_not_collide() {
        let mut used = Vec::new();
        assert_eq!(output_name(Path::new("d/a.txt"), &mut used), "a.json");
        assert_eq!(output_name(Path::new("d/a.pdf"), &mut used), "a.pdf.json");
    }
}
