//! The grid of the jixiao workbook, shared by the writer and the reader: column positions, fixed
//! labels, the hidden metadata sheet, and cell-reference helpers.
//!
//! The main sheet has eleven printed columns, A–K. Sections are labelled in column A (merged
//! vertically over the section); the other columns are merged per section as the official layout
//! needs. Columns L–P hold the indicator fields that the official form does not print (指标内容,
//! 评（扣）分标准, 计量单位, 权重, 备注); they are hidden and outside the print area, so nothing a
//! unit keeps is lost on a round trip.

/// Name of the form worksheet (the official title).
pub const SHEET: &str = "部门整体绩效目标申报表";
/// Name of the hidden metadata sheet.
pub const META_SHEET: &str = "jixiao";
/// Value of the `format` key in the metadata sheet.
pub const META_FORMAT: &str = "jixiao-xlsx";
/// Prefix of the metadata keys that mark derived cells (`derived:G9`).
pub const DERIVED_PREFIX: &str = "derived:";
/// Layout version written into the metadata sheet.
pub const LAYOUT_VERSION: u32 = 1;

/// Column A: section labels.
pub const COL_SECTION: u16 = 0;
/// Column B: level-1 indicator, funding block label.
pub const COL_B: u16 = 1;
/// Column C: level-2 indicator, funding row name.
pub const COL_C: u16 = 2;
/// Column D: level-3 indicator name.
pub const COL_D: u16 = 3;
/// Column E: 前年 value (annual table).
pub const COL_E: u16 = 4;
/// Column F: 上年 value (annual table); 当年金额 in the funding table.
pub const COL_F: u16 = 5;
/// Column G: target value (or its comparator in a blank); 占比 in the funding table.
pub const COL_G: u16 = 6;
/// Column H: number of a target in a blank; 上年 amount in the funding table.
pub const COL_H: u16 = 7;
/// Column I: unit of measure of a target in a blank.
pub const COL_I: u16 = 8;
/// Column J: basis; 前年 amount in the funding table.
pub const COL_J: u16 = 9;
/// Column K: class.
pub const COL_K: u16 = 10;
/// Last printed column (K).
pub const LAST_PRINTED_COL: u16 = COL_K;
/// First hidden extra column (L): 指标内容.
pub const COL_DEFINITION: u16 = 11;
/// 评（扣）分标准.
pub const COL_SCORING_RULE: u16 = 12;
/// 计量单位.
pub const COL_UNIT_OF_MEASURE: u16 = 13;
/// 权重.
pub const COL_WEIGHT: u16 = 14;
/// 备注.
pub const COL_REMARK: u16 = 15;
/// Last column the reader looks at.
pub const LAST_COL: u16 = COL_REMARK;

/// Widths of columns A–P, in Excel character units.
pub const WIDTHS: [f64; 16] = [
    5.5, 9.0, 13.0, 20.0, 9.0, 9.0, 7.5, 9.0, 6.5, 12.5, 8.0, 24.0, 24.0, 10.0, 8.0, 16.0,
];

// The fixed labels are the printed form's (one list for every renderer and for the reader).
pub use crate::printed::labels::{
    AMOUNT_UNIT as L_AMOUNT_UNIT, ANNUAL_GOAL as L_ANNUAL_GOAL, ANNUAL_TABLE as L_ANNUAL_TABLE,
    EXPENDITURE as L_EXPENDITURE, FILL_DATE as L_FILL_DATE, FILLER as L_FILLER,
    FUNCTIONS as L_FUNCTIONS, FUNDING as L_FUNDING, GOALS as L_GOALS, INCOME as L_INCOME,
    LEVEL1 as L_LEVEL1, LONG_TERM_GOAL as L_LONG_TERM_GOAL, LONG_TERM_TABLE as L_LONG_TERM_TABLE,
    PHONE as L_PHONE, PROJECTS as L_PROJECTS, TASKS as L_TASKS, TOTAL as L_TOTAL,
    UNIT_NAME as L_UNIT_NAME,
};

/// Column letters of a 0-based column (`0` → `A`).
pub fn col_name(col: u16) -> String {
    let mut n = col as u32 + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A1-style reference of a 0-based cell (`(0, 0)` → `A1`).
pub fn cell_ref(row: u32, col: u16) -> String {
    format!("{}{}", col_name(col), row + 1)
}

/// Strips one `{n}、` (or `{prefix}{n}：`) numbering prefix written by the exporter, where `n` is
/// the expected ordinal; other text is returned unchanged.
pub fn strip_number<'a>(text: &'a str, prefix: &str, n: usize, sep: &[char]) -> &'a str {
    let head = format!("{prefix}{n}");
    if let Some(rest) = text.strip_prefix(head.as_str()) {
        let rest = rest.trim_start_matches(' ');
        for s in sep {
            if let Some(r) = rest.strip_prefix(*s) {
                return r.trim_start_matches(' ');
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(10, 10), "K11");
        assert_eq!(col_name(26), "AA");
    }

    #[test]
    fn numbering() {
        assert_eq!(strip_number("1、宣传", "", 1, &['、']), "宣传");
        assert_eq!(strip_number("2、宣传", "", 1, &['、']), "2、宣传");
        assert_eq!(strip_number("目标3：提升", "目标", 3, &['：', ':']), "提升");
        assert_eq!(strip_number("2026年", "", 2, &['、']), "2026年");
    }
}
