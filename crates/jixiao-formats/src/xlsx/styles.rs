//! Cell formats of the workbook and the row-height estimate for wrapped Chinese text.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder};

/// Body font: the one Chinese offices expect; viewers without it fall back to a CJK face.
const FONT: &str = "宋体";
/// Body font size in points.
const SIZE: f64 = 10.0;
/// Height of one wrapped line of body text, in points.
const LINE_HEIGHT: f64 = 13.5;
/// Excel's largest row height, in points.
const MAX_ROW_HEIGHT: f64 = 409.0;

/// All formats the writer uses.
pub struct Styles {
    /// The title line.
    pub title: Format,
    /// Text above the table, left (填报日期).
    pub above_left: Format,
    /// Text above the table, right (单位：万元).
    pub above_right: Format,
    /// Header and section labels: bordered, centred, bold.
    pub label: Format,
    /// Bordered, left-aligned, wrapped text.
    pub text: Format,
    /// Bordered, centred, wrapped text.
    pub center: Format,
    /// Amounts: `0.00`.
    pub amount: Format,
    /// Shares: `0.00%`.
    pub percent: Format,
    /// Weights and other plain numbers.
    pub number: Format,
}

fn base() -> Format {
    Format::new()
        .set_font_name(FONT)
        .set_font_size(SIZE)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
}

impl Styles {
    /// Builds the formats.
    pub fn new() -> Styles {
        let plain = Format::new()
            .set_font_name(FONT)
            .set_font_size(SIZE)
            .set_align(FormatAlign::VerticalCenter);
        Styles {
            title: Format::new()
                .set_font_name(FONT)
                .set_font_size(18)
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            above_left: plain.clone().set_align(FormatAlign::Left),
            above_right: plain.set_align(FormatAlign::Right),
            label: base().set_bold().set_align(FormatAlign::Center),
            // Text cells are formatted as text (`@`) so that what a user types later stays text.
            text: base().set_align(FormatAlign::Left).set_num_format("@"),
            center: base().set_align(FormatAlign::Center).set_num_format("@"),
            amount: base().set_align(FormatAlign::Right).set_num_format("0.00"),
            percent: base().set_align(FormatAlign::Right).set_num_format("0.00%"),
            number: base()
                .set_align(FormatAlign::Right)
                .set_num_format("General"),
        }
    }
}

impl Default for Styles {
    fn default() -> Self {
        Styles::new()
    }
}

/// True when Excel would read the text as a formula (or as a command) if a user edited the cell:
/// such text is written with the quote prefix (`'`), which keeps it plain text.
pub fn is_formula_like(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r', '\n'])
}

/// Width of text in Excel character units: CJK and full-width characters count about two.
pub fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| {
            if jixiao_domain::text::is_cjk(c) || (c as u32) > 0x2E80 {
                1.8
            } else {
                1.0
            }
        })
        .sum()
}

/// Number of lines `text` needs in a cell `width` character units wide.
pub fn lines_needed(text: &str, width: f64) -> usize {
    let usable = (width - 0.6).max(2.0);
    text.split('\n')
        .map(|para| ((text_width(para) / usable).ceil() as usize).max(1))
        .sum()
}

/// Row height in points for a number of wrapped lines.
pub fn row_height(lines: usize) -> f64 {
    (lines as f64 * LINE_HEIGHT + 6.0).clamp(18.0, MAX_ROW_HEIGHT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_detected() {
        assert!(is_formula_like("=1+1"));
        assert!(is_formula_like("-5%"));
        assert!(is_formula_like("@SUM(A1)"));
        assert!(!is_formula_like("≥90%"));
        assert!(!is_formula_like("健全"));
    }

    #[test]
    fn wrapped_lines_grow_with_text() {
        assert_eq!(lines_needed("健全", 9.0), 1);
        assert!(lines_needed(&"保障职工待遇".repeat(20), 20.0) > 10);
        assert_eq!(lines_needed("a\nb", 20.0), 2);
        assert!(row_height(1000) <= 409.0);
    }
}
