//! The intermediate every source is turned into: rows of cells with their source location, in
//! the order of the published form. The text reader and the PDF reader both produce rows; one
//! assembler ([`super::assemble`]) turns rows into the canonical form.

use crate::report::SourceLocation;

/// One row of the published table: its cells left to right (merged cells as empty cells).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    /// Cell texts, as extracted (not yet cleaned).
    pub cells: Vec<String>,
    /// Where the row is in the source.
    pub loc: SourceLocation,
    /// True when a page break (a blank line in extracted text) comes just before this row.
    pub after_break: bool,
    /// The cells whose text the source cut at the cell's edge (bit `i` for cell `i`): what
    /// shows may lack its start and its end (a PDF printed from a spreadsheet).
    pub cut: u64,
    /// True when the row was read by OCR from a scanned page: its labels may be misread, so
    /// the assembler may place it by position where its label matches nothing.
    pub ocr: bool,
}

impl SourceRow {
    /// The cell at `i`, or "" past the end.
    pub fn cell(&self, i: usize) -> &str {
        self.cells.get(i).map(String::as_str).unwrap_or("")
    }

    /// True when cell `i`'s text was cut at its edge.
    pub fn is_cut(&self, i: usize) -> bool {
        i < 64 && self.cut & (1 << i) != 0
    }

    /// True when every cell is blank.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Most rows read from one source; more is not a form.
pub const MAX_ROWS: usize = 20_000;
/// Most cells in one row.
pub const MAX_CELLS: usize = 64;

/// Splits extracted text (the seed's layout) into rows: one line per row, cells separated by
/// tabs, blank lines marking page breaks. Lines and cells beyond the limits are cut off (the
/// assembler reports the truncation through `truncated`).
pub fn text_rows(text: &str) -> (Vec<SourceRow>, bool) {
    let mut rows = Vec::new();
    let mut pending_break = false;
    let mut truncated = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            // The blank lines at the very top are not page breaks.
            pending_break = !rows.is_empty();
            continue;
        }
        if rows.len() >= MAX_ROWS {
            truncated = true;
            break;
        }
        let mut cells: Vec<String> = line.split('\t').map(str::to_string).collect();
        if cells.len() > MAX_CELLS {
            cells.truncate(MAX_CELLS);
            truncated = true;
        }
        rows.push(SourceRow {
            cells,
            loc: SourceLocation {
                line: Some(i + 1),
                ..Default::default()
            },
            after_break: pending_break,
            cut: 0,
            ocr: false,
        });
        pending_break = false;
    }
    (rows, truncated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_mark_page_breaks_with_line_numbers() {
        let (rows, cut) = text_rows("\n\na\tb\n\n\tc\n");
        assert!(!cut);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].loc.line, Some(3));
        assert!(!rows[0].after_break);
        assert!(rows[1].after_break);
        assert_eq!(rows[1].cell(1), "c");
        assert_eq!(rows[1].cell(5), "");
    }
}
