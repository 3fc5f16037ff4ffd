//! The import report: what an importer could not place and what it guessed, with the source line
//! or page, in Chinese. Shared by every importer.

use serde::{Deserialize, Serialize};

/// Where in the source something was found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceLocation {
    /// 1-based line of a text source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based page of a PDF source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<usize>,
    /// Sheet and cell of a spreadsheet source (`部门整体绩效目标申报表!D12`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

impl std::fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut parts = Vec::new();
        if let Some(p) = self.page {
            parts.push(format!("第 {p} 页"));
        }
        if let Some(l) = self.line {
            parts.push(format!("第 {l} 行"));
        }
        if let Some(c) = &self.cell {
            parts.push(format!("单元格 {c}"));
        }
        if parts.is_empty() {
            f.write_str("（整份文件）")
        } else {
            f.write_str(&parts.join("，"))
        }
    }
}

/// What kind of report item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// Something in the source could not be placed in the form.
    Unplaced,
    /// The importer repaired or guessed something (a lost comparator, a joined page-break
    /// fragment, a repaired number). `--strict` turns guesses into errors.
    Guess,
    /// A value is incomplete in the source itself (text cut at a printed cell's edge): what was
    /// printed is imported, the rest cannot be recovered. `--strict` refuses it too.
    Incomplete,
    /// A plain note (what was recognised).
    Note,
}

impl ReportKind {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            ReportKind::Unplaced => "未能识别",
            ReportKind::Guess => "推断修复",
            ReportKind::Note => "说明",
            ReportKind::Incomplete => "内容不完整",
        }
    }
}

/// One item of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportItem {
    /// Kind.
    pub kind: ReportKind,
    /// Where in the source.
    pub source: SourceLocation,
    /// Where in the canonical form the result went (JSON Pointer), if anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Chinese explanation: what was found and what was done.
    pub message: String,
}

/// Everything an importer has to say about one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// The detected source format (`text`, `pdf`, `xlsx`, `json`).
    pub format: String,
    /// The items, in source order.
    pub items: Vec<ReportItem>,
}

impl ImportReport {
    /// A report for a format.
    pub fn new(format: &str) -> Self {
        ImportReport {
            format: format.to_string(),
            items: Vec::new(),
        }
    }

    /// Adds an item.
    pub fn push(
        &mut self,
        kind: ReportKind,
        source: SourceLocation,
        path: Option<String>,
        message: impl Into<String>,
    ) {
        self.items.push(ReportItem {
            kind,
            source,
            path,
            message: message.into(),
        });
    }

    /// The items as Chinese text, one line each (`  [推断修复] 第 21 行 → /functions/6：…`). With
    /// `strict`, guesses and unplaced items read as errors (错误). Shared by `jixiao import` and
    /// `jixiao validate`.
    pub fn to_text(&self, strict: bool) -> String {
        let mut s = String::new();
        for item in &self.items {
            let label = match (strict, item.kind) {
                (true, ReportKind::Guess | ReportKind::Unplaced) => "错误",
                _ => item.kind.label(),
            };
            let path = item
                .path
                .as_deref()
                .map(|p| format!(" → {p}"))
                .unwrap_or_default();
            s += &format!("  [{label}] {}{path}：{}\n", item.source, item.message);
        }
        s
    }

    /// Number of items of a kind.
    pub fn count(&self, kind: ReportKind) -> usize {
        self.items.iter().filter(|i| i.kind == kind).count()
    }
}

/// Why a file could not be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read at all.
    #[error("无法读取文件 {path}：{reason}")]
    Io {
        /// The path as given.
        path: String,
        /// Why, in Chinese.
        reason: String,
    },
    /// Nothing in the file.
    #[error("文件为空")]
    Empty,
    /// Not a format jixiao reads.
    #[error("无法识别的文件格式：{0}")]
    UnknownFormat(String),
    /// Larger than the limit for its format.
    #[error("文件过大：{what}（上限 {limit}）")]
    TooLarge {
        /// What exceeded the limit.
        what: String,
        /// The limit, in words.
        limit: String,
    },
    /// A PDF without a text layer (a scanned image) that was not read by OCR: why not, and
    /// what to do.
    #[error("该 PDF 没有文字层（可能是扫描件）。{0}")]
    NoTextLayer(String),
    /// The form belongs to a template jixiao does not know.
    #[error("无法识别表格所属模板：{0}")]
    UnknownTemplate(String),
    /// The content is broken (at a known place, when `location` is set).
    #[error("{}{message}", location_prefix(.location))]
    Malformed {
        /// Where.
        location: SourceLocation,
        /// What is wrong.
        message: String,
    },
    /// `--strict` and the report has guesses or unplaced items.
    #[error("严格模式：导入报告中有 {count} 处推断或未识别内容，按错误处理")]
    Strict {
        /// Number of guesses and unplaced items.
        count: usize,
        /// The full report, so the caller can show the items.
        report: Box<ImportReport>,
    },
}

/// `第 3 行：` for a known location, nothing for an unknown one.
fn location_prefix(location: &SourceLocation) -> String {
    if *location == SourceLocation::default() {
        String::new()
    } else {
        format!("{location}：")
    }
}
