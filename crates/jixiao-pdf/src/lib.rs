//! # jixiao-pdf
//!
//! The print-ready PDF of a performance-target form (部门整体绩效目标申报表) in the official
//! layout on A4: title, fill date and 单位：万元, header, the funding table with its merged
//! cells, functions and annual tasks, projects, overall goals, and the long-term and annual
//! indicator tables with merged level-1 and level-2 cells. Pages are numbered 第 X 页 共 Y 页;
//! table headers repeat on every page a table runs onto.
//!
//! Layout is done by [typst](https://typst.app) used as a library: a fixed template
//! (`src/form.typ`) reads the form as JSON data from a virtual file, so user text is never
//! evaluated as markup. The Chinese font (Noto Sans SC, subset to GBK, SIL OFL 1.1) is embedded
//! in the binary and parsed once per process; [`PdfOptions::font_dir`] adds other fonts at run
//! time. Nothing is read from the network or the system's font directories.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let form: jixiao_domain::Form = serde_json::from_str(&std::fs::read_to_string("form.json")?)?;
//! let pdf = jixiao_pdf::render(&form, &jixiao_pdf::PdfOptions::default())?;
//! std::fs::write("form.pdf", pdf)?;
//! # Ok(()) }
//! ```

mod lifecycle;
mod view;
mod world;

use std::path::PathBuf;

use jixiao_domain::{Form, Privacy, Template};
use jixiao_formats::printed::PrintedForm;
use typst::foundations::Smart;
use typst_layout::PagedDocument;

pub use crate::lifecycle::{render_monitoring, render_self_evaluation};
use crate::view::View;
use crate::world::{EMBEDDED_FAMILY, FormWorld, Sheet};

/// How to render the PDF.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PdfOptions {
    /// A public copy (for 预算公开, the default) leaves out the filler's name and the phone
    /// number; a private one keeps them.
    pub privacy: Privacy,
    /// A directory of extra font files (`.otf`, `.ttf`, `.otc`, `.ttc`, not searched
    /// recursively). Their families are preferred; the embedded font still covers any
    /// character they lack. Parsed once per directory and process.
    pub font_dir: Option<PathBuf>,
}

/// Why a form could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The font directory could not be read or holds no usable font.
    #[error("字体目录 {dir} 不可用：{reason}")]
    FontDir {
        /// The directory given.
        dir: PathBuf,
        /// What went wrong, in Chinese.
        reason: String,
    },
    /// The document is larger than a printed one can reasonably be (see [`MAX_TEXT_BYTES`] and
    /// [`MAX_ROWS`]).
    #[error("文件过大，无法生成 PDF：{0}")]
    TooLarge(String),
    /// Layout failed. This is a bug in jixiao's template, not in the form; the message carries
    /// typst's diagnostics for the log.
    #[error("生成 PDF 时排版失败：{0}")]
    Layout(String),
}

/// The most text (all strings of the form together, in bytes) a form may hold to be printed:
/// about 1,300 pages of Chinese text.
pub const MAX_TEXT_BYTES: usize = 4 * 1024 * 1024;

/// The most rows (indicator rows of both tables, projects, paragraphs) a printed form may have.
pub const MAX_ROWS: usize = 20_000;

/// Prepares what every render needs and keeps it for the life of the process: parses the
/// embedded font, hashes it (typst identifies fonts by their content), and builds typst's
/// standard library and the template's syntax tree. [`render`] does this itself on first use;
/// calling `preload` on another thread while the form is read lets the two overlap (the
/// `export` command does so), and a server calls it at start so that its first PDF is not
/// slower than the rest. Cheap when already done.
pub fn preload() {
    world::preload();
}

/// Renders `form` as a PDF document (A4 portrait, the official layout).
///
/// Fonts are parsed on the first call and reused afterwards. Bad or odd input never panics:
/// empty tables print one empty row, missing amounts print as empty cells, shares not entered
/// are computed from the block total, and a form too large to print is refused with
/// [`PdfError::TooLarge`].
pub fn render(form: &Form, options: &PdfOptions) -> Result<Vec<u8>, PdfError> {
    render_with(form, None, options)
}

/// Renders `form` as [`render`] does, with its template (the title, and whether the annual table
/// has the 前年 / 上年 columns); the export dispatcher uses this.
pub fn render_with(
    form: &Form,
    template: Option<&Template>,
    options: &PdfOptions,
) -> Result<Vec<u8>, PdfError> {
    let (document, _) = layout(form, template, options)?;
    write_pdf(
        &document,
        format!(
            "jixiao-form-{}-{}",
            form.header.fiscal_year, form.header.unit_name
        ),
    )
}

/// Writes a laid-out document as PDF bytes; `ident` keeps the PDF's identifier stable for the
/// same document (no date, no randomness).
fn write_pdf(document: &PagedDocument, ident: String) -> Result<Vec<u8>, PdfError> {
    let pdf_options = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident),
        creator: Smart::Custom(Some("jixiao".to_string())),
        ..Default::default()
    };
    let pdf = typst_pdf::pdf(document, &pdf_options)
        .map_err(|diags| PdfError::Layout(diagnostics(&diags)));
    // Drop memoized layout results older than a few renders so a long-running server does not
    // grow without bound.
    typst::comemo::evict(4);
    pdf
}

/// Lays the form out and returns the document and its page count (used by `render` and tests).
fn layout(
    form: &Form,
    template: Option<&Template>,
    options: &PdfOptions,
) -> Result<(PagedDocument, usize), PdfError> {
    check_size(form)?;
    let printed = PrintedForm::new(form, template, options.privacy);
    let document = compile(Sheet::Form, &printed, options)?;
    let pages = document.pages().len();
    Ok((document, pages))
}

/// Compiles a template with a printed layout as its data, in the fonts of `options`.
fn compile(
    sheet: Sheet,
    printed: &impl serde::Serialize,
    options: &PdfOptions,
) -> Result<PagedDocument, PdfError> {
    let fonts = match &options.font_dir {
        Some(dir) => world::fonts_with_dir(dir)?,
        None => world::default_fonts(),
    };
    let mut families = fonts.extra_families.clone();
    families.push(EMBEDDED_FAMILY.to_string());
    let view = View {
        fonts: families,
        form: printed,
    };
    let mut value = serde_json::to_value(&view).map_err(|e| PdfError::Layout(e.to_string()))?;
    view::clean_strings(&mut value);
    let data = serde_json::to_vec(&value).map_err(|e| PdfError::Layout(e.to_string()))?;
    let world = FormWorld::new(fonts, sheet, data);
    typst::compile(&world)
        .output
        .map_err(|diags| PdfError::Layout(diagnostics(&diags)))
}

/// The page count of the rendered form, without writing the PDF.
pub fn page_count(form: &Form, options: &PdfOptions) -> Result<usize, PdfError> {
    layout(form, None, options).map(|(_, pages)| pages)
}

fn diagnostics(diags: &[typst::diag::SourceDiagnostic]) -> String {
    diags
        .iter()
        .map(|d| d.message.as_str())
        .collect::<Vec<_>>()
        .join("；")
}

/// Refuses forms whose size would make layout take unbounded time or memory.
fn check_size(form: &Form) -> Result<(), PdfError> {
    let tables = [&form.indicators.long_term, &form.indicators.annual];
    let rows = form.functions.len()
        + form.annual_tasks.len()
        + form.projects.len()
        + form.goals.long_term.items.len()
        + form.goals.annual.len()
        + tables.iter().map(|t| t.rows.len()).sum::<usize>();
    check_limits(rows, form)
}

/// Refuses a document of more than [`MAX_ROWS`] rows or [`MAX_TEXT_BYTES`] of text.
fn check_limits(rows: usize, document: &impl serde::Serialize) -> Result<(), PdfError> {
    if rows > MAX_ROWS {
        return Err(PdfError::TooLarge(format!(
            "共 {rows} 行，超过上限 {MAX_ROWS} 行"
        )));
    }
    let text: usize = serde_json::to_vec(document)
        .map(|v| v.len())
        .unwrap_or(usize::MAX);
    if text > MAX_TEXT_BYTES {
        return Err(PdfError::TooLarge(format!(
            "文字共 {} KB，超过上限 {} KB",
            text / 1024,
            MAX_TEXT_BYTES / 1024
        )));
    }
    Ok(())
}
