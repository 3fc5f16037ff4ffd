//! `jixiao validate FILE`: reads a form, validates it against its template and prints the
//! findings. Exit status: 0 no errors, 1 errors, 2 the file or a template cannot be read.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use jixiao_domain::validate::{Finding, Section, counts, has_errors, validate};
use jixiao_domain::{Form, Template};

use super::template::{Source, load_template_file, registry};

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
    /// 申报表文件（规范 JSON）
    pub file: PathBuf,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// 按此模板文件校验（不用申报表记录的模板）
    #[arg(long, value_name = "PATH")]
    pub template_file: Option<PathBuf>,
    #[command(flatten)]
    pub source: Source,
}

/// Reads a form from a file. Today: canonical JSON. Importers extend this by file type.
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
    let (form, template) = match prepare(&args) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("错误：{e:#}");
            return ExitCode::from(2);
        }
    };
    let findings = validate(&form, &template);
    let out = match args.format {
        Format::Json => serde_json::to_string_pretty(&findings).unwrap_or_default() + "\n",
        Format::Text => text_report(&args.file, &form, &template, &findings),
    };
    print!("{out}");
    if has_errors(&findings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn prepare(args: &Args) -> anyhow::Result<(Form, Template)> {
    let form = load_form(&args.file)?;
    let template = match &args.template_file {
        Some(p) => load_template_file(p)?,
        None => registry(&args.source)?.for_form(&form)?.clone(),
    };
    Ok((form, template))
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
