//! Importing forms that exist today: text extracted from published forms, PDF files, and
//! canonical JSON. Every importer yields the canonical [`Form`] and an [`ImportReport`].

pub mod assemble;
pub mod cells;
pub mod json;
pub mod pdf;
pub mod rows;

use std::path::Path;

use jixiao_domain::{Form, Registry, Template};

use crate::report::{ImportError, ImportReport, ReportKind, SourceLocation};

/// Largest file jixiao reads (20 MB).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// Options of an import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The template to read the form with; `None` tries the built-in ones, `hubei-dept-2026`
    /// first.
    pub template: Option<String>,
    /// Turns every guess and every unplaced item into an error.
    pub strict: bool,
    /// Never reads scanned PDF pages by OCR, even when Tesseract is installed.
    pub no_ocr: bool,
    /// Told `(page being read, pages to read)` before each scanned page is read by OCR (a
    /// page takes seconds): for a progress bar.
    pub ocr_progress: Option<OcrProgress>,
}

/// A callback for OCR's progress: `(page being read, 1-based; pages to read)`.
#[derive(Clone)]
pub struct OcrProgress(pub std::sync::Arc<dyn Fn(usize, usize) + Send + Sync>);

impl std::fmt::Debug for OcrProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OcrProgress")
    }
}

/// A successfully imported form.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The canonical form.
    pub form: Form,
    /// What the importer has to say about the source.
    pub report: ImportReport,
    /// The template the form was read with.
    pub template_id: String,
}

/// The source formats jixiao recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// Canonical JSON.
    Json,
    /// A PDF file.
    Pdf,
    /// An Office Open XML spreadsheet.
    Xlsx,
    /// Text extracted from a published form.
    Text,
}

/// Detects the format from the content (never from the name alone).
pub fn detect(bytes: &[u8]) -> Result<SourceFormat, ImportError> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&bytes[start..]);
    if bytes.len() >= 5
        && bytes[..bytes.len().min(1024)]
            .windows(5)
            .any(|w| w == b"%PDF-")
    {
        return Ok(SourceFormat::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(SourceFormat::Xlsx);
    }
    if body.trim_ascii_start().starts_with(b"{") {
        return Ok(SourceFormat::Json);
    }
    if std::str::from_utf8(bytes).is_err_and(|e| e.error_len().is_some())
        && decode_gbk(bytes).is_none()
    {
        return Err(ImportError::UnknownFormat(
            "既不是 PDF、XLSX，也不是 UTF-8 或 GBK 文本（可能是二进制文件）".into(),
        ));
    }
    Ok(SourceFormat::Text)
}

/// Decodes GB18030 (a superset of GBK, the usual encoding of Chinese text files on Windows);
/// `None` when the bytes are not valid GB18030 or hold control characters (a binary file).
fn decode_gbk(bytes: &[u8]) -> Option<String> {
    let text = encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)?;
    let binary = text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
    (!binary).then(|| text.into_owned())
}

/// Imports a file.
pub fn import_path(
    path: &Path,
    registry: &Registry,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(too_large(meta.len() as usize));
    }
    let bytes = std::fs::read(path).map_err(|e| io_error(path, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    import_bytes(&name, &bytes, registry, options)
}

fn io_error(path: &Path, e: std::io::Error) -> ImportError {
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".to_string(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".to_string(),
        std::io::ErrorKind::IsADirectory => "这是一个目录".to_string(),
        _ => format!("读取出错（{e}）"),
    };
    ImportError::Io {
        path: path.display().to_string(),
        reason,
    }
}

fn too_large(len: usize) -> ImportError {
    ImportError::TooLarge {
        what: format!("{} 字节", len),
        limit: format!("{} MB", MAX_FILE_BYTES / 1024 / 1024),
    }
}

/// Imports a file's content. `name` (the file name) only serves messages: a `.pdf` whose
/// content is not a PDF is refused rather than read as text.
pub fn import_bytes(
    name: &str,
    bytes: &[u8],
    registry: &Registry,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(bytes.len()));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::Empty);
    }
    let imported = match detect(bytes)? {
        SourceFormat::Json => json::read(bytes, registry, options.template.as_deref())?,
        SourceFormat::Xlsx => {
            // As for PDF: a panic inside the workbook parser (calamine overflows on a cell
            // reference with a row number too large to hold, in a debug build) is a refusal.
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                crate::xlsx::read_form(bytes, registry)
            }))
            .map_err(|_| ImportError::Malformed {
                location: Default::default(),
                message: "XLSX 文件结构异常，无法解析（可能已损坏）".into(),
            })?;
            let (form, report) = read?;
            Imported {
                template_id: form.template.id.clone(),
                form,
                report,
            }
        }
        SourceFormat::Pdf => {
            // Defence in depth: a panic inside the PDF parser on a hostile file must not take
            // a batch down with it.
            let mode = if options.no_ocr {
                pdf::Ocr::Off
            } else {
                pdf::Ocr::On
            };
            let progress = options
                .ocr_progress
                .as_ref()
                .map(|p| &*p.0 as &dyn Fn(usize, usize));
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                pdf::read_with_progress(bytes, mode, progress)
            }))
            .map_err(|_| ImportError::Malformed {
                location: Default::default(),
                message: "PDF 文件结构异常，无法解析（可能已损坏）".into(),
            })??;
            let assembled = with_templates(registry, options, "pdf", |t, f| {
                assemble::Assembler::new(t, f).assemble(&read.rows)
            });
            let mut imported = match assembled {
                Ok(imported) => imported,
                // A scan of something else reads as text that fits no template.
                Err(e) if !read.ocr.is_empty() && read.ocr.len() == read.pages => {
                    return Err(ImportError::UnknownFormat(format!(
                        "扫描件经文字识别（OCR）后不是部门整体绩效目标申报表（{e}）"
                    )));
                }
                // A table without borders read line by line loses its columns: say why.
                Err(e) if !read.ruled => {
                    return Err(ImportError::Malformed {
                        location: Default::default(),
                        message: format!(
                            "这份 PDF 中的表格没有表格线，按行读取后无法还原各栏（{e}）：请提供带表格线的 PDF、原始表格（XLSX）或文本"
                        ),
                    });
                }
                Err(e) => return Err(e),
            };
            report_cut_cells(&mut imported, &read.cut);
            report_ocr(&mut imported, &read.ocr, read.ocr.len() == read.pages);
            for &page in &read.image_pages {
                imported.report.push(
                    ReportKind::Unplaced,
                    SourceLocation {
                        page: Some(page),
                        ..Default::default()
                    },
                    None,
                    format!(
                        "这一页只有图像、没有文字层（可能是扫描页），其内容未读取：{}",
                        read.image_pages_why
                    ),
                );
            }
            imported
        }
        SourceFormat::Text if has_extension(name, &["pdf", "xlsx", "xls", "docx", "doc"]) => {
            return Err(ImportError::UnknownFormat(format!(
                "文件「{name}」的扩展名表明它不是文本，但内容也不是可识别的 PDF 或 XLSX（可能已损坏）"
            )));
        }
        SourceFormat::Text => {
            // A file cut in the middle of a character keeps its complete part (and says so).
            let mut gbk = false;
            let (text, cut): (std::borrow::Cow<str>, bool) = match std::str::from_utf8(bytes) {
                Ok(t) => (t.into(), false),
                Err(e) if e.error_len().is_none() => (
                    std::str::from_utf8(&bytes[..e.valid_up_to()])
                        .unwrap_or("")
                        .into(),
                    true,
                ),
                Err(_) => match decode_gbk(bytes) {
                    Some(t) => {
                        gbk = true;
                        (t.into(), false)
                    }
                    None => {
                        return Err(ImportError::UnknownFormat(
                            "文本既不是 UTF-8 也不是 GBK 编码".into(),
                        ));
                    }
                },
            };
            let text: &str = &text;
            let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
            let (rows, truncated) = rows::text_rows(text);
            let mut imported = with_templates(registry, options, "text", |t, f| {
                assemble::Assembler::new(t, f).assemble(&rows)
            })?;
            if gbk {
                imported.report.push(
                    ReportKind::Note,
                    Default::default(),
                    None,
                    "文本不是 UTF-8，已按 GB18030（GBK）编码读取",
                );
            }
            if cut {
                imported.report.push(
                    ReportKind::Unplaced,
                    Default::default(),
                    None,
                    "文件末尾在一个字符中间被截断，截断的字符未读取",
                );
            }
            if truncated {
                imported.report.push(
                    ReportKind::Unplaced,
                    Default::default(),
                    None,
                    format!(
                        "文本超过 {} 行或单行超过 {} 列，超出部分未读取",
                        rows::MAX_ROWS,
                        rows::MAX_CELLS
                    ),
                );
            }
            imported
        }
    };
    if options.strict {
        let n = imported.report.count(ReportKind::Guess)
            + imported.report.count(ReportKind::Unplaced)
            + imported.report.count(ReportKind::Incomplete);
        if n > 0 {
            return Err(ImportError::Strict {
                count: n,
                report: Box::new(imported.report),
            });
        }
    }
    Ok(imported)
}

/// Says which fields hold text that the PDF cut at a cell's edge: each cut cell's visible text
/// is looked for among the form's text fields (spaces and line breaks ignored); the field that
/// holds its end is incomplete. A cut cell whose text is in no field (a cut label, say) is
/// reported on its page.
fn report_cut_cells(imported: &mut Imported, cut: &[pdf::CutCell]) {
    if cut.is_empty() {
        return;
    }
    let squeeze = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let mut found: Vec<(String, String)> = Vec::new();
    if let Ok(value) = serde_json::to_value(&imported.form) {
        fields(&value, false, &mut String::new(), &mut found);
    }
    let fields: Vec<(String, String)> = found.into_iter().map(|(p, v)| (p, squeeze(&v))).collect();
    let mut reported: Vec<String> = Vec::new();
    for cell in cut {
        let visible = squeeze(&cell.visible);
        let loc = SourceLocation {
            page: Some(cell.page),
            ..Default::default()
        };
        // The fields holding what shows: the one with its end and the one with its start, as
        // long as they are found (a paragraph may be imported without its number, a cell's last
        // line may start the next goal of a list), and any field shown whole in it.
        let chars: Vec<char> = visible.chars().collect();
        let holding = |piece: &dyn Fn(usize) -> String| {
            (4..=16).rev().find_map(|n| {
                if n > chars.len() {
                    return None;
                }
                let p = piece(n);
                fields.iter().position(|(_, v)| v.contains(&p))
            })
        };
        let tail = holding(&|n| chars[chars.len() - n..].iter().collect());
        let head = holding(&|n| chars[..n].iter().collect());
        let mut held: Vec<usize> = tail.into_iter().chain(head).collect();
        held.extend(
            (0..fields.len())
                .filter(|&i| fields[i].1.chars().count() >= 4 && visible.contains(&fields[i].1)),
        );
        held.sort_unstable();
        held.dedup();
        // Several items of one list in one cell (a goal list): the list is what is incomplete,
        // items may be missing at its start or end.
        let parent = |p: &str| p.rsplit_once('/').map(|(parent, _)| parent.to_string());
        let list = held.iter().find_map(|&i| {
            let p = parent(&fields[i].0)?;
            let members = held
                .iter()
                .filter(|&&j| parent(&fields[j].0).as_ref() == Some(&p))
                .count();
            (members >= 2).then_some(p)
        });
        let field = list.or_else(|| tail.or(head).map(|i| fields[i].0.clone()));
        match field {
            Some(pointer) if reported.contains(&pointer) => {}
            Some(pointer) => {
                reported.push(pointer.clone());
                imported.report.push(
                    ReportKind::Incomplete,
                    loc,
                    Some(pointer),
                    "打印时该单元格的文字超出了单元格边界，超出部分被截去：已导入能看到的部分，其余内容（可能在开头和末尾）无法从 PDF 恢复，请对照原件补全",
                );
            }
            None => {
                let shown: String = cell.visible.chars().take(30).collect();
                imported.report.push(
                    ReportKind::Incomplete,
                    loc,
                    None,
                    format!("打印时一个单元格的文字超出了单元格边界，超出部分被截去（可见部分：「{shown}」），无法从 PDF 恢复"),
                );
            }
        }
    }
}

/// Marks what OCR read: a note per scanned page (words, mean confidence, skew undone), and a
/// guess for every field of the form that came from a scanned page, with its confidence: the
/// lowest confidence among the words that make up its value (words of two characters or more
/// found in it, or the one word equal to it; numbers compared as numbers), each word taken at
/// its best reading in the file. A field none of
/// whose words is found gets the pages' mean confidence when every page was scanned, and no
/// item otherwise (it came from a text page).
fn report_ocr(imported: &mut Imported, pages: &[pdf::OcrPage], all_scanned: bool) {
    if pages.is_empty() {
        return;
    }
    let squeeze = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let as_number = |s: &str| -> Option<f64> {
        let t: String = s
            .chars()
            .filter(|c| {
                !matches!(
                    c,
                    ',' | '，' | '%' | '％' | '≥' | '≤' | '>' | '<' | '＝' | '='
                )
            })
            .collect();
        t.parse::<f64>().ok()
    };
    let unread: Vec<&pdf::OcrPage> = pages.iter().filter(|p| !p.used).collect();
    for p in &unread {
        imported.report.push(
            ReportKind::Unplaced,
            SourceLocation {
                page: Some(p.page),
                ..Default::default()
            },
            None,
            format!(
                "这一页是扫描页，文字识别（OCR）的平均置信度只有 {:.0}%（图像太模糊或分辨率太低），其内容未导入：请用更清晰的扫描件（300 dpi 以上）替换，或对照原件补录",
                pdf::mean_confidence(&p.words)
            ),
        );
    }
    let pages: Vec<&pdf::OcrPage> = pages.iter().filter(|p| p.used).collect();
    if pages.is_empty() {
        return;
    }
    let mut total = (0.0f64, 0usize);
    for p in pages.iter().copied() {
        let mean = if p.words.is_empty() {
            0.0
        } else {
            p.words.iter().map(|w| w.conf as f64).sum::<f64>() / p.words.len() as f64
        };
        total.0 += p.words.iter().map(|w| w.conf as f64).sum::<f64>();
        total.1 += p.words.len();
        let turned = match p.turned {
            0 => String::new(),
            180 => "，页面上下颠倒，已转正".to_string(),
            d => format!("，页面横放，已顺时针旋转 {d}° 转正"),
        };
        let skew = if p.skew == 0.0 {
            turned
        } else {
            format!("{turned}，页面倾斜 {:.2}° 已校正", p.skew)
        };
        imported.report.push(
            ReportKind::Note,
            SourceLocation {
                page: Some(p.page),
                ..Default::default()
            },
            None,
            format!(
                "这一页是扫描页，已用文字识别（OCR）读出：共 {} 个词，平均置信度 {:.0}%{skew}",
                p.words.len(),
                mean
            ),
        );
    }
    let mean = if total.1 == 0 {
        0.0
    } else {
        total.0 / total.1 as f64
    };
    // Each distinct word once, with its best reading: a word printed in several places (指标,
    // 预算) is not judged by its worst one elsewhere.
    let mut best: std::collections::HashMap<String, (usize, f32)> = Default::default();
    for p in pages.iter().copied() {
        for w in &p.words {
            let e = best.entry(squeeze(&w.text)).or_insert((p.page, w.conf));
            if w.conf > e.1 {
                *e = (p.page, w.conf);
            }
        }
    }
    let words: Vec<(usize, String, Option<f64>, f32)> = best
        .into_iter()
        .map(|(text, (page, conf))| {
            let number = as_number(&text);
            (page, text, number, conf)
        })
        .collect();
    let mut found: Vec<(String, String)> = Vec::new();
    if let Ok(value) = serde_json::to_value(&imported.form) {
        fields(&value, true, &mut String::new(), &mut found);
    }
    for (pointer, value) in found {
        if pointer.starts_with("/template/") {
            continue;
        }
        let value = squeeze(&value);
        if value.is_empty() {
            continue;
        }
        let number = value.parse::<f64>().ok();
        let lowest = words
            .iter()
            .filter(|(_, w, n, _)| match (number, n) {
                (Some(v), Some(n)) => (v - n).abs() < 0.005,
                _ => *w == value || (w.chars().count() >= 2 && value.contains(w.as_str())),
            })
            .min_by(|a, b| a.3.total_cmp(&b.3));
        let (page, conf) = match lowest {
            Some((page, _, _, conf)) => (Some(*page), *conf as f64),
            None if all_scanned => (None, mean),
            None => continue,
        };
        let message = if conf < 60.0 {
            format!("由文字识别（OCR）读出，置信度低（{conf:.0}%），很可能有误：请对照原件核对")
        } else {
            format!("由文字识别（OCR）读出，置信度 {conf:.0}%：请对照原件核对")
        };
        imported.report.push(
            ReportKind::Guess,
            SourceLocation {
                page,
                ..Default::default()
            },
            Some(pointer),
            message,
        );
    }
}

/// Every string (and, with `numbers`, every number as written) of a JSON value with its JSON
/// Pointer.
fn fields(
    value: &serde_json::Value,
    numbers: bool,
    pointer: &mut String,
    out: &mut Vec<(String, String)>,
) {
    let len = pointer.len();
    match value {
        serde_json::Value::String(s) => out.push((pointer.clone(), s.clone())),
        serde_json::Value::Number(n) if numbers => out.push((pointer.clone(), n.to_string())),
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointer.push_str(&format!("/{i}"));
                fields(v, numbers, pointer, out);
                pointer.truncate(len);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                pointer.push('/');
                pointer.push_str(&k.replace('~', "~0").replace('/', "~1"));
                fields(v, numbers, pointer, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

fn has_extension(name: &str, exts: &[&str]) -> bool {
    std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| exts.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Builds with the requested template, or with each built-in one in turn until one fits.
fn with_templates(
    registry: &Registry,
    options: &ImportOptions,
    format: &str,
    build: impl Fn(&Template, &str) -> Result<(Form, ImportReport), ImportError>,
) -> Result<Imported, ImportError> {
    let candidates: Vec<&Template> = match &options.template {
        Some(id) => vec![
            registry
                .get(id, None)
                .map_err(|e| ImportError::UnknownTemplate(e.to_string()))?,
        ],
        None => {
            let mut all: Vec<&Template> = registry.all().iter().collect();
            all.sort_by_key(|t| t.id != DEFAULT_TEMPLATE);
            all
        }
    };
    let mut first_err = None;
    for t in candidates {
        match build(t, format) {
            Ok((form, report)) => {
                return Ok(Imported {
                    form,
                    report,
                    template_id: t.id.clone(),
                });
            }
            Err(e @ ImportError::UnknownTemplate(_)) => {
                first_err.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    Err(first_err.unwrap_or_else(|| ImportError::UnknownTemplate("没有可用的模板".into())))
}

/// The template tried first.
pub const DEFAULT_TEMPLATE: &str = "hubei-dept-2026";
