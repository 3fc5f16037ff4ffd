//! `jixiao monitoring new|warn` and `jixiao selfeval new|score`: the documents that follow an
//! approved declaration. `new` makes one from any importable declaration (canonical JSON or a
//! fillable workbook, by the output's extension); `warn` and `score` read canonical JSON or a
//! filled workbook and print the lights or the scores. Exit status as `validate`: 0 without
//! errors, 1 with errors, 2 when unreadable.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use jixiao_domain::lifecycle::monitoring::{MonitoringReport, Warnings, warn};
use jixiao_domain::lifecycle::selfeval::{Scores, SelfEvaluation, score};
use jixiao_domain::lifecycle::{Colour, LifecycleRules, dec};
use jixiao_domain::validate::{Finding, counts, has_errors};
use jixiao_domain::{Form, Registry};
use jixiao_formats::ImportReport;
use jixiao_formats::import::ImportOptions;
use jixiao_formats::lifecycle::{Document, read_document, write_monitoring, write_self_evaluation};

use super::template::registry;
use super::validate::MAX_FORM_BYTES;

/// Output formats of `warn` and `score`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// 中文列表
    Text,
    /// JSON（数字为十进制字符串，颜色为 red|yellow|green|blue）
    Json,
}

/// Arguments of `jixiao monitoring`.
#[derive(Debug, clap::Args)]
pub struct MonitoringArgs {
    #[command(subcommand)]
    command: MonitoringCommand,
}

#[derive(Debug, clap::Subcommand)]
enum MonitoringCommand {
    /// 由已批复的申报表生成监控表（.json 规范格式或 .xlsx 可填写工作簿）
    New {
        /// 申报表文件：规范 JSON、公开文本、PDF 或 XLSX
        declaration: PathBuf,
        /// 截止月份 M（1–12），监控 1–M 月
        #[arg(long, value_name = "M")]
        month: u8,
        /// 输出文件（.json 或 .xlsx）
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
    },
    /// 计算监控表的预警灯（红、黄、绿、蓝）并列出问题
    Warn {
        /// 监控表：规范 JSON 或填好的工作簿
        file: PathBuf,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// Arguments of `jixiao selfeval`.
#[derive(Debug, clap::Args)]
pub struct SelfevalArgs {
    #[command(subcommand)]
    command: SelfevalCommand,
}

#[derive(Debug, clap::Subcommand)]
enum SelfevalCommand {
    /// 由已批复的申报表生成自评表（.json 规范格式或 .xlsx 可填写工作簿），按模板预设分值
    New {
        /// 申报表文件：规范 JSON、公开文本、PDF 或 XLSX
        declaration: PathBuf,
        /// 输出文件（.json 或 .xlsx）
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
    },
    /// 计算自评得分、总分和等级，并列出问题（含填报得分与计算得分的差异）
    Score {
        /// 自评表：规范 JSON 或填好的工作簿
        file: PathBuf,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// Runs `jixiao monitoring`.
pub fn run_monitoring(args: MonitoringArgs) -> ExitCode {
    match args.command {
        MonitoringCommand::New {
            declaration,
            month,
            output,
        } => finish_new(new_monitoring(&declaration, month, &output)),
        MonitoringCommand::Warn { file, format } => match load(&file) {
            Ok((Document::Monitoring(r), report, reg)) => {
                let rules = rules_of(&reg, &r.template);
                let w = warn(&r, &rules);
                print!("{}", warnings_out(&file, &r, &w, &report, format));
                exit_for(&w.findings)
            }
            Ok((other, ..)) => wrong_kind(&file, &other, "监控表"),
            Err(e) => unreadable(e),
        },
    }
}

/// Runs `jixiao selfeval`.
pub fn run_selfeval(args: SelfevalArgs) -> ExitCode {
    match args.command {
        SelfevalCommand::New {
            declaration,
            output,
        } => finish_new(new_selfeval(&declaration, &output)),
        SelfevalCommand::Score { file, format } => match load(&file) {
            Ok((Document::SelfEvaluation(e), report, reg)) => {
                let rules = rules_of(&reg, &e.template);
                let s = score(&e, &rules);
                print!("{}", scores_out(&file, &e, &s, &report, format));
                exit_for(&s.findings)
            }
            Ok((other, ..)) => wrong_kind(&file, &other, "自评表"),
            Err(e) => unreadable(e),
        },
    }
}

fn finish_new(result: anyhow::Result<String>) -> ExitCode {
    match result {
        Ok(msg) => {
            eprintln!("{msg}");
            ExitCode::SUCCESS
        }
        Err(e) => unreadable(e),
    }
}

fn unreadable(e: anyhow::Error) -> ExitCode {
    eprintln!("错误：{e:#}");
    ExitCode::from(2)
}

fn wrong_kind(file: &Path, doc: &Document, wanted: &str) -> ExitCode {
    eprintln!(
        "错误：{} 是{}，不是{wanted}",
        file.display(),
        doc.kind().label()
    );
    ExitCode::from(2)
}

fn not_other_kind(file: &Path) -> ExitCode {
    eprintln!(
        "错误：{} 看似监控表或自评表，但按申报表读出；请检查文件的 kind 字段或工作表名",
        file.display()
    );
    ExitCode::from(2)
}

fn exit_for(findings: &[Finding]) -> ExitCode {
    if has_errors(findings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Reads any document file with the registry it was resolved with.
pub fn load(file: &Path) -> anyhow::Result<(Document, ImportReport, Registry)> {
    let reg = registry()?;
    let bytes = read_bounded(file)?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (doc, report) = read_document(&name, &bytes, &reg, &ImportOptions::default())
        .map_err(|e| anyhow::anyhow!("{} 无法读取：{e}", file.display()))?;
    Ok((doc, report, reg))
}

fn read_bounded(file: &Path) -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
    let f = std::fs::File::open(file).map_err(|e| super::validate::io_error(file, &e))?;
    let mut bytes = Vec::new();
    f.take(MAX_FORM_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| super::validate::io_error(file, &e))?;
    if bytes.len() as u64 > MAX_FORM_BYTES {
        bail!(
            "{} 过大（超过 {} MB）",
            file.display(),
            MAX_FORM_BYTES >> 20
        );
    }
    Ok(bytes)
}

/// The lifecycle rules of a document's template (the national defaults for an unknown one).
pub fn rules_of(reg: &Registry, t: &jixiao_domain::form::TemplateRef) -> LifecycleRules {
    reg.get(&t.id, Some(t.version))
        .or_else(|_| reg.get(&t.id, None))
        .map(|t| t.lifecycle.clone())
        .unwrap_or_default()
}

fn declaration(file: &Path) -> anyhow::Result<(Form, Registry)> {
    match load(file)? {
        (Document::Declaration(f), _, reg) => Ok((*f, reg)),
        (other, ..) => bail!(
            "{} 是{}，请给出申报表",
            file.display(),
            other.kind().label()
        ),
    }
}

enum Out {
    Json,
    Xlsx,
}

fn out_kind(output: &Path) -> anyhow::Result<Out> {
    match output
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .as_deref()
    {
        Some("json") => Ok(Out::Json),
        Some("xlsx") => Ok(Out::Xlsx),
        _ => bail!("输出文件 {} 的扩展名应为 .json 或 .xlsx", output.display()),
    }
}

fn write_out(output: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(output, bytes).with_context(|| format!("无法写入 {}", output.display()))
}

fn new_monitoring(file: &Path, month: u8, output: &Path) -> anyhow::Result<String> {
    if !(1..=12).contains(&month) {
        bail!("截止月份为 {month}，应在 1–12 之间");
    }
    let kind = out_kind(output)?;
    let (form, _) = declaration(file)?;
    let report = MonitoringReport::from_declaration(&form, month);
    let bytes = match kind {
        Out::Json => serde_json::to_vec_pretty(&report)?,
        Out::Xlsx => write_monitoring(&report)?,
    };
    write_out(output, &bytes)?;
    Ok(format!(
        "已生成 {} 1-{month}月监控表：{}（{} 个指标）",
        report.header.unit_name,
        output.display(),
        report.indicators.len()
    ))
}

fn new_selfeval(file: &Path, output: &Path) -> anyhow::Result<String> {
    let kind = out_kind(output)?;
    let (form, reg) = declaration(file)?;
    let rules = rules_of(&reg, &form.template);
    let eval = SelfEvaluation::from_declaration(&form, &rules);
    let bytes = match kind {
        Out::Json => serde_json::to_vec_pretty(&eval)?,
        Out::Xlsx => write_self_evaluation(&eval, rules.execution_weight)?,
    };
    write_out(output, &bytes)?;
    Ok(format!(
        "已生成 {} {} 年自评表：{}（{} 个指标，指标分值合计 {}）",
        eval.header.unit_name,
        eval.header.fiscal_year,
        output.display(),
        eval.indicators.len(),
        dec(rules.indicator_points)
    ))
}

fn colour_text(c: Option<Colour>) -> &'static str {
    c.map_or("未判定", Colour::label)
}

fn findings_text(report: &ImportReport, findings: &[Finding]) -> String {
    let mut out = String::new();
    if !report.items.is_empty() {
        out.push_str(&format!("导入报告：\n{}\n", report.to_text(false)));
    }
    let (e, w, i) = counts(findings);
    out.push_str(&format!("结果：{e} 个错误，{w} 个警告，{i} 个提示\n"));
    for f in findings {
        out.push_str(&format!(
            "  [{}] {}  {}\n      {}\n",
            f.severity.label(),
            f.code,
            f.path,
            f.message
        ));
    }
    out
}

fn warnings_out(
    file: &Path,
    r: &MonitoringReport,
    w: &Warnings,
    report: &ImportReport,
    format: Format,
) -> String {
    if format == Format::Json {
        return serde_json::to_string_pretty(w).unwrap_or_default() + "\n";
    }
    let mut out = format!(
        "监控 {}：{} {} 年 1-{}月，总体{}\n",
        file.display(),
        r.header.unit_name,
        r.header.fiscal_year,
        w.month,
        colour_text(w.colour)
    );
    out.push_str(&format!(
        "■ 预算执行：执行率 {}%，序时进度 {}%，{}\n■ 指标\n",
        w.budget.rate.map_or("—".into(), dec),
        dec(w.budget.benchmark),
        colour_text(w.budget.colour)
    ));
    for l in &w.indicators {
        out.push_str(&format!(
            "  [{}] {}  指标值 {}  当前 {}{}\n",
            colour_text(l.colour),
            l.name,
            l.target,
            if l.actual.is_empty() {
                "（未填）"
            } else {
                &l.actual
            },
            match (l.benchmark, l.ratio) {
                (Some(b), Some(q)) => format!("  序时目标 {}  完成比 {}%", dec(b), dec(q)),
                _ => String::new(),
            }
        ));
    }
    out + &findings_text(report, &w.findings)
}

fn scores_out(
    file: &Path,
    e: &SelfEvaluation,
    s: &Scores,
    report: &ImportReport,
    format: Format,
) -> String {
    if format == Format::Json {
        return serde_json::to_string_pretty(s).unwrap_or_default() + "\n";
    }
    let mut out = format!(
        "自评 {}：{} {} 年\n总分 {}，等级 {}{}\n",
        file.display(),
        e.header.unit_name,
        e.header.fiscal_year,
        dec(s.total),
        s.grade.label(),
        s.declared_total
            .map(|d| format!("（填报总分 {}）", dec(d)))
            .unwrap_or_default()
    );
    out.push_str(&format!(
        "■ 预算执行：执行率 {}%，分值 {}，得分 {}\n■ 指标\n",
        s.budget.rate.map_or("—".into(), dec),
        dec(s.budget.weight),
        s.budget.score.map_or("—".into(), dec)
    ));
    for i in &s.indicators {
        out.push_str(&format!(
            "  {}  指标值 {}  实际 {}  分值 {}  得分 {}{}\n",
            i.name,
            i.target,
            if i.actual.is_empty() {
                "（未填）"
            } else {
                &i.actual
            },
            i.weight.map_or("—".into(), dec),
            i.score.map_or("—".into(), dec),
            i.declared_score
                .map(|d| format!("（填报 {}）", dec(d)))
                .unwrap_or_default()
        ));
    }
    out + &findings_text(report, &s.findings)
}

/// The kind of a monitoring report or self-evaluation file (canonical JSON with its `kind`, or a
/// workbook with its sheet); `None` for anything else, which the declaration importers read.
pub fn other_kind(file: &Path) -> Option<jixiao_domain::DocumentKind> {
    use jixiao_domain::DocumentKind;
    let ext = file.extension()?.to_string_lossy().to_ascii_lowercase();
    let bytes = read_bounded(file).ok()?;
    let kind = match ext.as_str() {
        "json" => {
            let text = std::str::from_utf8(&bytes).ok()?;
            jixiao_formats::lifecycle::json_kind(text.strip_prefix('\u{feff}').unwrap_or(text))
        }
        "xlsx" => jixiao_formats::lifecycle::workbook_kind(&bytes)?,
        _ => return None,
    };
    (kind != DocumentKind::Declaration).then_some(kind)
}

/// `jixiao validate` of a monitoring report or self-evaluation: its lights or scores' findings,
/// as text or as the JSON array `validate` prints. Exit 0 / 1 / 2 as `validate`.
pub fn validate_file(file: &Path, json: bool) -> ExitCode {
    let (doc, report, reg) = match load(file) {
        Ok(x) => x,
        Err(e) => return unreadable(e),
    };
    let findings = match &doc {
        Document::Monitoring(r) => warn(r, &rules_of(&reg, &r.template)).findings,
        Document::SelfEvaluation(e) => score(e, &rules_of(&reg, &e.template)).findings,
        // The file looked like another kind but read as a declaration: say so, never panic.
        Document::Declaration(_) => return not_other_kind(file),
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&findings).unwrap_or_default()
        );
    } else {
        print!(
            "校验 {}（{}）\n{}",
            file.display(),
            doc.kind().label(),
            findings_text(&report, &findings)
        );
    }
    exit_for(&findings)
}

/// `jixiao import` of a monitoring or self-evaluation workbook: its canonical JSON to `output`
/// (standard output when `None`), the import report to standard error.
pub fn import_file(file: &Path, output: Option<&Path>) -> ExitCode {
    let (doc, report, _) = match load(file) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("错误：{e:#}");
            return ExitCode::from(1);
        }
    };
    let json = match &doc {
        Document::Monitoring(r) => serde_json::to_string_pretty(r),
        Document::SelfEvaluation(e) => serde_json::to_string_pretty(e),
        Document::Declaration(f) => serde_json::to_string_pretty(f),
    }
    .unwrap_or_default()
        + "\n";
    if !report.items.is_empty() {
        eprintln!("导入报告：\n{}", report.to_text(false));
    }
    let written = match output {
        Some(o) => write_out(o, json.as_bytes())
            .map(|_| eprintln!("已导入{}：{}", doc.kind().label(), o.display())),
        None => {
            print!("{json}");
            Ok(())
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(1)
        }
    }
}

/// `jixiao export` of a monitoring report or self-evaluation: canonical JSON, the workbook, a
/// CSV line per indicator with its light or score, or the published layout as PDF or HTML
/// (lights and scores computed under the template's rules). Public copies (the default) carry no
/// 填报人 and no 联系电话. `font_dir` adds fonts to the PDF.
pub fn export_file(
    file: &Path,
    format: jixiao_formats::Format,
    private: bool,
    output: &Path,
    font_dir: Option<&Path>,
) -> ExitCode {
    let privacy = jixiao_domain::Privacy::private_if(private);
    use jixiao_formats::Format as F;
    let (mut doc, _, reg) = match load(file) {
        Ok(x) => x,
        Err(e) => return unreadable(e),
    };
    if !private {
        match &mut doc {
            Document::Monitoring(r) => (r.header.filler, r.header.phone) = (None, None),
            Document::SelfEvaluation(e) => (e.header.filler, e.header.phone) = (None, None),
            Document::Declaration(_) => {}
        }
    }
    let bytes: anyhow::Result<Vec<u8>> = match (&doc, format) {
        (Document::Monitoring(r), F::Pdf) => {
            let options = jixiao_pdf::PdfOptions {
                privacy,
                font_dir: font_dir.map(Path::to_path_buf),
            };
            jixiao_pdf::render_monitoring(r, &rules_of(&reg, &r.template), &options)
                .map_err(Into::into)
        }
        (Document::SelfEvaluation(e), F::Pdf) => {
            let options = jixiao_pdf::PdfOptions {
                privacy,
                font_dir: font_dir.map(Path::to_path_buf),
            };
            jixiao_pdf::render_self_evaluation(e, &rules_of(&reg, &e.template), &options)
                .map_err(Into::into)
        }
        (Document::Monitoring(r), F::Html) => {
            let options = jixiao_formats::html::HtmlOptions { privacy };
            jixiao_formats::html::monitoring_to_html(r, &rules_of(&reg, &r.template), &options)
                .map(String::into_bytes)
                .map_err(Into::into)
        }
        (Document::SelfEvaluation(e), F::Html) => {
            let options = jixiao_formats::html::HtmlOptions { privacy };
            jixiao_formats::html::self_evaluation_to_html(e, &rules_of(&reg, &e.template), &options)
                .map(String::into_bytes)
                .map_err(Into::into)
        }
        (Document::Monitoring(r), F::Json) => serde_json::to_vec_pretty(r).map_err(Into::into),
        (Document::SelfEvaluation(e), F::Json) => serde_json::to_vec_pretty(e).map_err(Into::into),
        (Document::Monitoring(r), F::Xlsx) => write_monitoring(r).map_err(Into::into),
        (Document::SelfEvaluation(e), F::Xlsx) => {
            let rules = rules_of(&reg, &e.template);
            write_self_evaluation(e, rules.execution_weight).map_err(Into::into)
        }
        (Document::Monitoring(r), F::Csv) => {
            Ok(monitoring_csv(r, &rules_of(&reg, &r.template)).into_bytes())
        }
        (Document::SelfEvaluation(e), F::Csv) => {
            Ok(selfeval_csv(e, &rules_of(&reg, &e.template)).into_bytes())
        }
        (Document::Declaration(_), _) => return not_other_kind(file),
    };
    match bytes.and_then(|b| write_out(output, &b)) {
        Ok(()) => {
            eprintln!("已导出 {}", output.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

fn csv_line(fields: &[String]) -> String {
    let line: Vec<String> = fields
        .iter()
        .map(|f| jixiao_formats::csv::field(f))
        .collect();
    line.join(",") + "\r\n"
}

/// One line per indicator: the levels, the target, the value to date and the light.
fn monitoring_csv(r: &MonitoringReport, rules: &LifecycleRules) -> String {
    let w = warn(r, rules);
    let mut out = String::from("\u{feff}");
    out.push_str(&csv_line(
        &[
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "当前完成值",
            "完成可能性",
            "偏差原因",
            "序时目标",
            "完成比（%）",
            "预警",
        ]
        .map(String::from),
    ));
    for (row, light) in r.indicators.iter().zip(&w.indicators) {
        let reasons: Vec<&str> = row.reasons.iter().map(|x| x.label()).collect();
        out.push_str(&csv_line(&[
            row.level1.clone(),
            row.level2.clone(),
            row.name.clone(),
            light.target.clone(),
            row.actual.clone(),
            row.likelihood.map_or("", |l| l.label()).to_string(),
            reasons.join("、"),
            light.benchmark.map(dec).unwrap_or_default(),
            light.ratio.map(dec).unwrap_or_default(),
            light.colour.map_or("", Colour::label).to_string(),
        ]));
    }
    out
}

/// One line per indicator: the levels, the target, the actual, the weight and both scores.
fn selfeval_csv(e: &SelfEvaluation, rules: &LifecycleRules) -> String {
    let s = score(e, rules);
    let mut out = String::from("\u{feff}");
    out.push_str(&csv_line(
        &[
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "填报得分",
        ]
        .map(String::from),
    ));
    for (row, sc) in e.indicators.iter().zip(&s.indicators) {
        out.push_str(&csv_line(&[
            row.level1.clone(),
            row.level2.clone(),
            row.name.clone(),
            sc.target.clone(),
            row.actual.clone(),
            sc.weight.map(dec).unwrap_or_default(),
            sc.score.map(dec).unwrap_or_default(),
            sc.declared_score.map(dec).unwrap_or_default(),
        ]));
    }
    out
}
