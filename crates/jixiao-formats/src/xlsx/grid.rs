//! A sparse, bounded copy of a worksheet's cells and merged ranges. calamine's `Range` allocates
//! the whole bounding box (one cell at XFD1048576 would allocate billions), so cells are streamed
//! into a map instead, with a cap on their number.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{DataRef, Xlsx};

use super::layout::{LAST_COL, cell_ref};
use super::zipguard::MAX_CELLS;
use crate::report::ImportError;

/// A cell's value as the reader needs it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// No value (or an empty cached formula result).
    Empty,
    /// Text.
    Text(String),
    /// A number (integers included).
    Number(f64),
    /// A date as an Excel serial day number.
    Date(f64),
    /// A date written as ISO text.
    DateIso(String),
    /// A boolean.
    Bool(bool),
    /// An error such as `#DIV/0!`.
    Error(String),
}

/// One cell: its value (the cached value for a formula) and its formula, if any.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Value.
    pub value: Value,
    /// Formula text (without `=`), if the cell holds one.
    pub formula: Option<String>,
}

/// The cells and merges of one sheet.
#[derive(Debug, Default)]
pub struct Grid {
    cells: HashMap<(u32, u16), Cell>,
    /// Merged ranges: (first row, first col, last row, last col).
    merges: Vec<(u32, u16, u32, u16)>,
    /// For every cell covered by a merge (top-left included): the merge's index.
    merged_at: HashMap<(u32, u16), usize>,
    /// One past the last row that holds a cell.
    pub rows: u32,
}

/// Rows of an Excel worksheet (`A1` to `XFD1048576`).
pub const MAX_ROWS: u32 = 1_048_576;

fn malformed(sheet: &str, e: impl std::fmt::Display) -> ImportError {
    ImportError::Malformed {
        location: crate::report::SourceLocation {
            cell: Some(sheet.to_string()),
            ..Default::default()
        },
        message: format!("工作表无法读取：{e}"),
    }
}

impl Grid {
    /// Reads a sheet. Cells right of [`LAST_COL`] are ignored; more than [`MAX_CELLS`] cells, a
    /// merge over more than [`MAX_CELLS`] cells, or a cell below row [`MAX_ROWS`] refuse the
    /// workbook.
    pub fn load(xlsx: &mut Xlsx<Cursor<&[u8]>>, sheet: &str) -> Result<Grid, ImportError> {
        let too_many = || ImportError::TooLarge {
            what: format!("工作表「{sheet}」的单元格数量"),
            limit: format!("{MAX_CELLS} 个"),
        };
        let mut grid = Grid::default();
        let merges = xlsx
            .merge_cells_by_sheet_name(sheet)
            .map_err(|e| malformed(sheet, e))?;
        let mut covered: usize = 0;
        for d in merges {
            let (r1, c1) = d.start;
            let (r2, c2) = d.end;
            if r2 < r1 || c2 < c1 || c1 > LAST_COL as u32 {
                continue;
            }
            let c2 = c2.min(LAST_COL as u32);
            covered = covered
                .saturating_add(((r2 - r1 + 1) as usize).saturating_mul((c2 - c1 + 1) as usize));
            if covered > MAX_CELLS {
                return Err(too_many());
            }
            let idx = grid.merges.len();
            grid.merges.push((r1, c1 as u16, r2, c2 as u16));
            for r in r1..=r2 {
                for c in c1..=c2 {
                    grid.merged_at.insert((r, c as u16), idx);
                }
            }
        }
        let mut reader = xlsx
            .worksheet_cells_reader(sheet)
            .map_err(|e| malformed(sheet, e))?;
        let mut count = 0usize;
        while let Some(cell) = reader
            .next_cell_with_formula()
            .map_err(|e| malformed(sheet, e))?
        {
            count += 1;
            if count > MAX_CELLS {
                return Err(too_many());
            }
            let (r, c) = cell.pos;
            if r >= MAX_ROWS {
                // Not a position Excel can hold (a mangled `r="…"`); the readers walk rows up
                // to the last one, so it is refused rather than kept.
                return Err(malformed(
                    sheet,
                    format!(
                        "单元格位于第 {} 行，超出 Excel 的最大行数（{MAX_ROWS} 行），文件可能已损坏",
                        r as u64 + 1
                    ),
                ));
            }
            if c > LAST_COL as u32 {
                continue;
            }
            let value = match cell.value {
                DataRef::Empty => Value::Empty,
                DataRef::String(s) => Value::Text(s),
                DataRef::SharedString(s) => Value::Text(s.to_string()),
                DataRef::Int(i) => Value::Number(i as f64),
                DataRef::Float(f) => Value::Number(f),
                DataRef::Bool(b) => Value::Bool(b),
                DataRef::DateTime(d) => Value::Date(d.as_f64()),
                DataRef::DateTimeIso(s) => Value::DateIso(s),
                DataRef::DurationIso(s) => Value::Text(s),
                DataRef::Error(e) => Value::Error(e.to_string()),
            };
            let formula = cell.formula.filter(|f| !f.is_empty());
            if value == Value::Empty && formula.is_none() {
                continue;
            }
            grid.rows = grid.rows.max(r + 1);
            grid.cells.insert((r, c as u16), Cell { value, formula });
        }
        Ok(grid)
    }

    /// The cell at a position.
    pub fn cell(&self, row: u32, col: u16) -> Option<&Cell> {
        self.cells.get(&(row, col))
    }

    /// The value at a position (`Empty` when absent).
    pub fn value(&self, row: u32, col: u16) -> &Value {
        self.cells
            .get(&(row, col))
            .map(|c| &c.value)
            .unwrap_or(&Value::Empty)
    }

    /// The cell's text, trimmed: numbers in their shortest form (`95`, `1.008`).
    pub fn text(&self, row: u32, col: u16) -> String {
        value_text(self.value(row, col))
    }

    /// The text of the merge covering the cell (its top-left), or the cell's own text.
    pub fn merged_text(&self, row: u32, col: u16) -> String {
        match self.merge_at(row, col) {
            Some((r, c, _, _)) => self.text(r, c),
            None => self.text(row, col),
        }
    }

    /// The merge covering a cell, if any.
    pub fn merge_at(&self, row: u32, col: u16) -> Option<(u32, u16, u32, u16)> {
        self.merged_at.get(&(row, col)).map(|&i| self.merges[i])
    }

    /// True when the cell is covered by a merge but is not its top-left cell.
    pub fn is_hidden_by_merge(&self, row: u32, col: u16) -> bool {
        self.merge_at(row, col)
            .is_some_and(|(r, c, _, _)| (r, c) != (row, col))
    }

    /// The sheet-qualified reference for reports (`部门整体绩效目标申报表!D12`).
    pub fn location(sheet: &str, row: u32, col: u16) -> crate::report::SourceLocation {
        crate::report::SourceLocation {
            cell: Some(format!("{sheet}!{}", cell_ref(row, col))),
            ..Default::default()
        }
    }
}

/// Text of a value: strings trimmed, numbers shortest, booleans as 是/否.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Empty | Value::Error(_) => String::new(),
        Value::Text(s) => s.trim().to_string(),
        Value::Number(f) => f.to_string(),
        Value::Date(d) => serial_to_date(*d)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        Value::DateIso(s) => s.chars().take(10).collect(),
        Value::Bool(b) => if *b { "是" } else { "否" }.to_string(),
    }
}

/// An Excel serial day number (1900 system) as a date.
pub fn serial_to_date(serial: f64) -> Option<jixiao_domain::form::Date> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Days since 1899-12-30 (Excel's 1900 leap-year bug is behind serial 61).
    let days = serial.floor() as i64 - 25_569; // serial 25569 = 1970-01-01
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    jixiao_domain::form::Date::new(y, m, d).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_dates() {
        assert_eq!(serial_to_date(45978.0).unwrap().to_string(), "2025-11-17");
        assert_eq!(serial_to_date(25569.0).unwrap().to_string(), "1970-01-01");
        assert_eq!(serial_to_date(-3.0), None);
    }

    #[test]
    fn numbers_in_shortest_form() {
        assert_eq!(value_text(&Value::Number(95.0)), "95");
        assert_eq!(value_text(&Value::Number(1.008)), "1.008");
        assert_eq!(value_text(&Value::Text(" 健全 ".into())), "健全");
    }
}
