//! The export formats, named once for the command line (`--format pdf`), the server's download
//! URLs (`?format=pdf`), file names and HTTP answers.

use std::fmt;
use std::str::FromStr;

/// A format a form can be exported in. The renderer for each is
/// `jixiao_server::state::render` (it sees both this crate and `jixiao-pdf`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Print-ready PDF in the official layout.
    Pdf,
    /// Excel workbook in the official layout, with live formulas.
    Xlsx,
    /// Standalone printable HTML page.
    Html,
    /// Canonical JSON.
    Json,
    /// One CSV line per level-3 indicator.
    Csv,
}

impl Format {
    /// Every format, in the order the command line lists them.
    pub const ALL: [Format; 5] = [
        Format::Pdf,
        Format::Xlsx,
        Format::Html,
        Format::Json,
        Format::Csv,
    ];

    /// The name on the command line and in URLs (`pdf`), also the file extension.
    pub fn name(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        self.name()
    }

    /// The HTTP content type of the file.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Html => "text/html; charset=utf-8",
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    /// What the format is, in Chinese (the command line's help).
    pub fn chinese_name(self) -> &'static str {
        match self {
            Format::Pdf => "可打印、可盖章的 PDF（A4，正式版式，内嵌字体）",
            Format::Xlsx => "Excel 工作簿（官方版式，含公式）",
            Format::Html => "可打印的独立网页",
            Format::Json => "规范 JSON",
            Format::Csv => "指标明细 CSV（UTF-8 带 BOM）",
        }
    }

    /// The format of a name (`pdf`, `PDF`); `None` when unknown.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name.trim()))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown format name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("不支持的导出格式「{0}」")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Format, UnknownFormat> {
        Format::from_name(s).ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>(), Ok(f));
            assert_eq!(Format::from_name(&f.name().to_uppercase()), Some(f));
        }
        assert!("xml".parse::<Format>().is_err());
        assert_eq!(Format::Xlsx.extension(), "xlsx");
    }
}
