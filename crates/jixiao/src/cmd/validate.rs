//! `jixiao validate FILE`: reads a form (canonical JSON, published text, PDF or XLSX: every
//! format `jixiao import` reads), validates it against its template and prints the findings.
//! Exit status: 0 no errors, 1 errors, 2 the file or a template cannot be read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use jixiao_domain::validate::{Finding, Section, Severity, counts, has_errors, validate};
use jixiao_domain::{Form, Template};
use jixiao_formats::import::{ImportOptions, import_path};
use jixiao_formats::{ImportError, ImportReport, ReportItem, ReportKind};

use super::template::{load_template_file, registry};

/// The largest form file jixiao reads: a real form is under 100 KB, a 2,000-row table under
/// 1 MB; the limit leaves room for long texts while bounding memory.
pub const MAX_FORM_BYTES: u64 = 16 * 1024 * 1024;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// 按部分分组的中文列表
    Text,
    /// JSON 数组：[{code, severity, path, message}]
    Json,
}

/// Arguments of `jixiao validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 申报表文件：规范 JSON、公开发布的文本、PDF 或 XLSX 工作簿
    pub file: PathBuf,
    /// 导入非 JSON 文件时使用的模板 ID（默认自动识别）
    #[arg(long, value_name = "ID")]
    pub template: Option<String>,
    /// 严格模式：导入时的任何推断或未识别内容都作为错误
    #[arg(long)]
    pub strict: bool,
    /// 不对扫描页做文字识别（OCR）；默认在安装了 Tesseract 时识别
    #[arg(long)]
    pub no_ocr: bool,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// 按此模板文件校验（不用申报表记录的模板）
    #[arg(long, value_name = "PATH")]
    pub template_file: Option<PathBuf>,
    /// 加上指标库的辅助审核（目标比上年差、超出本区划常见范围、模糊表述）：jixiao library build 生成的文件
    #[arg(long, value_name = "PATH")]
    pub library: Option<PathBuf>,
}

/// Reads a canonical JSON form from a file, with line/column on errors.
pub fn load_form(path: &Path) -> anyhow::Result<Form> {
    let text = read_text(path, MAX_FORM_BYTES)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    jixiao_domain::form_from_json(text)
        .map_err(|e| anyhow::anyhow!("{} 不是有效的申报表：{e}", path.display()))
}

/// Reads a UTF-8 text file of at most `limit` bytes; never reads more than that into memory
/// (also for devices and pipes, whose size is unknown beforehand).
pub fn read_text(path: &Path, limit: u64) -> anyhow::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| io_error(path, &e))?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        bail!("{} 是目录，不是文件", path.display());
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, &e))?;
    if bytes.len() as u64 > limit {
        bail!(
            "{} 过大（超过上限 {} MB），不像是一份申报表",
            path.display(),
            limit / (1024 * 1024)
        );
    }
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} 不是 UTF-8 文本（第 {} 字节处编码有误）",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// A file error in Chinese.
pub fn io_error(path: &Path, e: &std::io::Error) -> anyhow::Error {
    use std::io::ErrorKind;
    let why = match e.kind() {
        ErrorKind::NotFound => "文件不存在".to_string(),
        ErrorKind::PermissionDenied => "没有读取权限".to_string(),
        _ => e.to_string(),
    };
    anyhow::anyhow!("无法读取 {}：{why}", path.display())
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    if super::lifecycle::other_kind(&args.file).is_some() {
        return super::lifecycle::validate_file(&args.file, args.format == Format::Json);
    }
    let (form, template, report) = match prepare(&args) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("错误：{e:#}");
            return ExitCode::from(2);
        }
    };
    let mut findings = validate(&form, &template);
    if let Some(path) = &args.library {
        let aids = super::library::load(path).and_then(|lib| {
            jixiao_domain::library::aids(&form, &lib, &template, Default::default())
                .map_err(|e| anyhow::anyhow!("{}：{e}", path.display()))
        });
        match aids {
            Ok(aids) => findings.extend(aids),
            Err(e) => {
                eprintln!("错误：{e:#}");
                return ExitCode::from(2);
            }
        }
    }
    let out = match args.format {
        Format::Json => {
            // The import report travels with the findings, as findings of code IMPORT.
            findings.extend(report.items.iter().map(report_finding));
            serde_json::to_string_pretty(&findings).unwrap_or_default() + "\n"
        }
        Format::Text => {
            let mut out = String::new();
            if !report.items.is_empty() {
                out.push_str(&format!(
                    "导入报告（{}）：\n{}\n",
                    report.format,
                    report.to_text(false)
                ));
            }
            out + &text_report(&args.file, &form, &template, &findings)
        }
    };
    print!("{out}");
    if has_errors(&findings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Reads the file (canonical JSON directly; anything else through the importers) and picks the
/// template to validate with.
fn prepare(args: &Args) -> anyhow::Result<(Form, Template, ImportReport)> {
    let reg = registry()?;
    let is_json = args
        .file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let (form, report) = if is_json && args.template.is_none() && !args.strict {
        (load_form(&args.file)?, ImportReport::new("json"))
    } else {
        let options = ImportOptions {
            template: args.template.clone(),
            strict: args.strict,
            no_ocr: args.no_ocr,
            ..Default::default()
        };
        match import_path(&args.file, &reg, &options) {
            Ok(imported) => (imported.form, imported.report),
            Err(ImportError::Strict { count, report }) => bail!(
                "{} 导入时有 {count} 处推断或未识别内容（严格模式）：\n{}",
                args.file.display(),
                report.to_text(true)
            ),
            Err(e) => bail!("{} 无法导入：{e}", args.file.display()),
        }
    };
    let template = match &args.template_file {
        Some(p) => load_template_file(p)?,
        None => reg.for_form(&form)?.clone(),
    };
    Ok((form, template, report))
}

/// An import report item as a finding (for `--format json`): guesses and unplaced content are
/// warnings, notes are information.
fn report_finding(item: &ReportItem) -> Finding {
    let severity = match item.kind {
        ReportKind::Note => Severity::Info,
        ReportKind::Guess | ReportKind::Unplaced | ReportKind::Incomplete => Severity::Warning,
    };
    Finding {
        code: "IMPORT".into(),
        severity,
        path: item.path.clone().unwrap_or_default(),
        message: format!("{}（{}）：{}", item.kind.label(), item.source, item.message),
    }
}

/// The readable Chinese report, grouped by section.
fn text_report(file: &Path, form: &Form, t: &Template, findings: &[Finding]) -> String {
    let (e, w, i) = counts(findings);
    let mut out = format!(
        "校验 {}：{} {} 年（模板 {} 第 {} 版）\n结果：{e} 个错误，{w} 个警告，{i} 个提示\n",
        file.display(),
        form.header.unit_name.chars().take(60).collect::<String>(),
        form.header.fiscal_year,
        t.id,
        t.version
    );
    for section in Section::ALL {
        let in_section: Vec<&Finding> =
            findings.iter().filter(|f| f.section() == section).collect();
        if in_section.is_empty() {
            continue;
        }
        out.push_str(&format!("\n■ {}\n", section.label()));
        for f in in_section {
            out.push_str(&format!(
                "  [{}] {}  {}\n      {}\n",
                f.severity.label(),
                f.code,
                f.path,
                f.message
            ));
        }
    }
    if findings.is_empty() {
        out.push_str("未发现问题。\n");
    }
    out
}
