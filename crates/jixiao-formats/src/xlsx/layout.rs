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

/// Section label: 部门（单位）名称.
pub const L_UNIT_NAME: &str = "部门（单位）名称";
/// Section label: 填报人.
pub const L_FILLER: &str = "填报人";
/// Label: 联系电话.
pub const L_PHONE: &str = "联系电话";
/// Label before the fill date.
pub const L_FILL_DATE: &str = "填报日期：";
/// Prefix of the amount unit cell.
pub const L_AMOUNT_UNIT: &str = "单位：";
/// Section label: funding.
pub const L_FUNDING: &str = "部门总体资金情况";
/// Section label: functions.
pub const L_FUNCTIONS: &str = "部门职能概述";
/// Section label: annual tasks.
pub const L_TASKS: &str = "年度工作任务";
/// Section label: projects.
pub const L_PROJECTS: &str = "项目支出情况";
/// Section label: overall goals.
pub const L_GOALS: &str = "整体绩效总目标";
/// Section label of the long-term goal row (followed by the deadline).
pub const L_LONG_TERM_GOAL: &str = "长期目标";
/// Section label of the annual goal row.
pub const L_ANNUAL_GOAL: &str = "年度目标";
/// Section label: long-term indicators.
pub const L_LONG_TERM_TABLE: &str = "长期绩效指标";
/// Section label: annual indicators.
pub const L_ANNUAL_TABLE: &str = "年度绩效指标";
/// Funding block labels.
pub const L_INCOME: &str = "收入构成";
/// Funding block label.
pub const L_EXPENDITURE: &str = "支出构成";
/// The total row of a funding block.
pub const L_TOTAL: &str = "合计";
/// Header of the level-1 column, marks an indicator table header.
pub const L_LEVEL1: &str = "一级指标";

/// The `长期目标（截止 YYYY 年）` label.
pub fn long_term_label(deadline: Option<u16>) -> String {
    match deadline {
        Some(y) => format!("{L_LONG_TERM_GOAL}（截止 {y} 年）"),
        None => L_LONG_TERM_GOAL.to_string(),
    }
}

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
