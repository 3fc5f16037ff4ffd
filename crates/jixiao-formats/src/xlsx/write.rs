//! Writes a form (or a blank made from a template) into the official layout, on one worksheet.

use std::collections::BTreeMap;

use jixiao_domain::Money;
use jixiao_domain::form::Form;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, Formula, Workbook, Worksheet, XlsxError};

use super::layout::*;
use super::styles::{Styles, is_formula_like, lines_needed, row_height};
use crate::printed::{
    Amount, FundingBlockLayout, FundingLayout, FundingLine, PrintedForm, Source, labels,
};

/// Whether a filled form or a fillable blank is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A filled form: values as entered, formulas where they agree with the entered values.
    Form,
    /// A blank: empty input cells, formulas for every derived cell, split target columns.
    Blank,
}

/// Where the writer put the input areas, for the blank's data validation.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Amount input cells of the funding table: (row, col).
    pub amount_cells: Vec<(u32, u16)>,
    /// First and last project row.
    pub project_rows: Option<(u32, u32)>,
    /// First and last data row of each indicator table.
    pub indicator_rows: Vec<(u32, u32)>,
    /// Row of the fill date value cell.
    pub fill_date_cell: (u32, u16),
}

/// What the writer needs beyond the form.
pub(crate) struct WriteSpec<'a> {
    /// Form or blank.
    pub mode: Mode,
    /// The printed form this sheet draws.
    pub layout: &'a PrintedForm,
}

/// Writes the main sheet and the hidden metadata sheet into `wb`.
pub(crate) fn write_workbook(
    wb: &mut Workbook,
    form: &Form,
    spec: &WriteSpec,
) -> Result<Plan, XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    let mut w = Writer {
        ws,
        st: Styles::new(),
        mode: spec.mode,
        row: 0,
        lines: BTreeMap::new(),
        derived: Vec::new(),
        plan: Plan::default(),
    };
    let layout = spec.layout;
    w.header(layout)?;
    w.funding(&layout.funding)?;
    for section in &layout.paragraphs {
        w.paragraphs(section)?;
    }
    w.projects(&layout.projects)?;
    w.goals(&layout.goals)?;
    for (table, rows) in layout.tables.iter().zip([
        &form.indicators.long_term.rows,
        &form.indicators.annual.rows,
    ]) {
        w.indicator_table(table, rows)?;
    }
    w.finish()?;
    let Writer { derived, plan, .. } = w;

    let meta = wb.add_worksheet();
    meta.set_name(META_SHEET)?;
    let kind = match spec.mode {
        Mode::Form => "form",
        Mode::Blank => "blank",
    };
    let rows: [(&str, String); 6] = [
        ("format", META_FORMAT.to_string()),
        ("layout", LAYOUT_VERSION.to_string()),
        ("kind", kind.to_string()),
        ("template_id", form.template.id.clone()),
        ("template_version", form.template.version.to_string()),
        ("fiscal_year", form.header.fiscal_year.to_string()),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        meta.write_string(i as u32, 0, *k)?;
        meta.write_string(i as u32, 1, v)?;
    }
    // One row per derived cell with its formula: a reader honours the mark only while the cell
    // still holds that formula (inserted rows move cells and change their formulas).
    for (i, (cell, formula)) in derived.iter().enumerate() {
        let r = (rows.len() + i) as u32;
        meta.write_string(r, 0, format!("{DERIVED_PREFIX}{cell}"))?;
        meta.write_string(r, 1, formula.trim_start_matches('='))?;
    }
    meta.set_very_hidden(true);
    Ok(plan)
}

pub(super) struct Writer<'a> {
    pub(super) ws: &'a mut Worksheet,
    pub(super) st: Styles,
    pub(super) mode: Mode,
    /// Next free row.
    pub(super) row: u32,
    /// Wrapped lines needed per row.
    pub(super) lines: BTreeMap<u32, usize>,
    /// Formula cells whose value the form left empty (read back as "not entered").
    pub(super) derived: Vec<(String, String)>,
    pub(super) plan: Plan,
}

/// Cached result of a formula whose value is an empty text (`""`): rust_xlsxwriter treats an
/// empty result as "not given" and caches 0, so a single space stands in (read back as empty).
const EMPTY_RESULT: &str = " ";

/// Sum of the widths of columns `c1..=c2`.
pub(super) fn span_width(c1: u16, c2: u16) -> f64 {
    (c1..=c2).map(|c| WIDTHS[c as usize]).sum()
}

/// `F$12`: column relative, row absolute.
fn abs_row_ref(row: u32, col: u16) -> String {
    format!("{}${}", col_name(col), row + 1)
}

/// The `f64` text Excel caches for a decimal.
fn f64_text(d: Decimal) -> String {
    d.to_f64().unwrap_or(0.0).to_string()
}

impl Writer<'_> {
    /// Merges when the range spans more than one cell.
    pub(super) fn merge(
        &mut self,
        r1: u32,
        c1: u16,
        r2: u32,
        c2: u16,
        fmt: &Format,
    ) -> Result<(), XlsxError> {
        if r1 != r2 || c1 != c2 {
            self.ws.merge_range(r1, c1, r2, c2, "", fmt)?;
        }
        Ok(())
    }

    /// Writes text over a (possibly merged) range, keeping formula-like text plain.
    pub(super) fn text(
        &mut self,
        r1: u32,
        c1: u16,
        r2: u32,
        c2: u16,
        text: &str,
        fmt: &Format,
    ) -> Result<(), XlsxError> {
        self.merge(r1, c1, r2, c2, fmt)?;
        if text.is_empty() {
            self.ws.write_blank(r1, c1, fmt)?;
            return Ok(());
        }
        if is_formula_like(text) {
            let quoted = fmt.clone().set_quote_prefix();
            self.ws.write_string_with_format(r1, c1, text, &quoted)?;
        } else {
            self.ws.write_string_with_format(r1, c1, text, fmt)?;
        }
        if r1 == r2 && c2 <= LAST_PRINTED_COL {
            let need = lines_needed(text, span_width(c1, c2));
            let e = self.lines.entry(r1).or_insert(1);
            *e = (*e).max(need);
        }
        Ok(())
    }

    /// Writes a number (or a bordered blank) over a (possibly merged) range.
    pub(super) fn number(
        &mut self,
        r1: u32,
        c1: u16,
        r2: u32,
        c2: u16,
        v: Option<f64>,
        fmt: &Format,
    ) -> Result<(), XlsxError> {
        self.merge(r1, c1, r2, c2, fmt)?;
        match v {
            Some(v) => self.ws.write_number_with_format(r1, c1, v, fmt)?,
            None => self.ws.write_blank(r1, c1, fmt)?,
        };
        Ok(())
    }

    /// Writes a formula with its cached result over a (possibly merged) range.
    #[allow(clippy::too_many_arguments)] // a cell range is four coordinates
    pub(super) fn formula(
        &mut self,
        r1: u32,
        c1: u16,
        r2: u32,
        c2: u16,
        f: &str,
        result: String,
        fmt: &Format,
    ) -> Result<(), XlsxError> {
        self.merge(r1, c1, r2, c2, fmt)?;
        self.ws
            .write_formula_with_format(r1, c1, Formula::new(f).set_result(result), fmt)?;
        Ok(())
    }

    fn header(&mut self, layout: &PrintedForm) -> Result<(), XlsxError> {
        let h = &layout.header;
        let st_title = self.st.title.clone();
        self.ws
            .merge_range(0, COL_SECTION, 0, LAST_PRINTED_COL, &h.title, &st_title)?;
        self.ws.set_row_height(0, 36)?;
        let (left, right) = (self.st.above_left.clone(), self.st.above_right.clone());
        self.ws
            .merge_range(1, COL_SECTION, 1, COL_B, L_FILL_DATE, &left)?;
        self.ws
            .merge_range(1, COL_C, 1, COL_F, &h.fill_date, &left)?;
        self.plan.fill_date_cell = (1, COL_C);
        let unit = format!("{L_AMOUNT_UNIT}{}", h.amount_unit);
        self.ws
            .merge_range(1, COL_I, 1, LAST_PRINTED_COL, &unit, &right)?;
        self.ws.set_row_height(1, 20)?;

        let (label, text) = (self.st.label.clone(), self.st.text.clone());
        self.text(2, COL_SECTION, 2, COL_B, L_UNIT_NAME, &label)?;
        self.text(2, COL_C, 2, LAST_PRINTED_COL, &h.unit_name, &text)?;
        // The workbook keeps the row on a public copy (its cells empty), so that a filled-in
        // public copy still reads back.
        let (filler, phone) = match &h.contact {
            Some(c) => (c.filler.as_str(), c.phone.as_str()),
            None => ("", ""),
        };
        self.text(3, COL_SECTION, 3, COL_B, L_FILLER, &label)?;
        self.text(3, COL_C, 3, COL_E, filler, &text)?;
        self.text(3, COL_F, 3, COL_G, L_PHONE, &label)?;
        self.text(3, COL_H, 3, LAST_PRINTED_COL, phone, &text)?;
        self.row = 4;
        Ok(())
    }

    fn funding(&mut self, f: &FundingLayout) -> Result<(), XlsxError> {
        let first = self.row;
        let label = self.st.label.clone();
        self.text(first, COL_B, first + 1, COL_E, labels::FUNDING_HEAD, &label)?;
        self.text(first, COL_F, first + 1, COL_F, labels::CURRENT, &label)?;
        self.text(first, COL_G, first + 1, COL_G, labels::SHARE, &label)?;
        self.text(first, COL_H, first, COL_K, labels::HISTORY_AMOUNTS, &label)?;
        self.text(
            first + 1,
            COL_H,
            first + 1,
            COL_I,
            &f.last_year_label,
            &label,
        )?;
        self.text(
            first + 1,
            COL_J,
            first + 1,
            COL_K,
            &f.year_before_label,
            &label,
        )?;
        self.row = first + 2;
        for block in &f.blocks {
            self.funding_block(block)?;
        }
        self.text(
            first,
            COL_SECTION,
            self.row - 1,
            COL_SECTION,
            L_FUNDING,
            &label,
        )?;
        Ok(())
    }

    fn funding_block(&mut self, block: &FundingBlockLayout) -> Result<(), XlsxError> {
        let first = self.row;
        let rows = &block.lines[..block.lines.len() - 1];
        let total = block.total();
        let total_row = first + rows.len() as u32;
        let (lab, text, amount) = (
            self.st.label.clone(),
            self.st.center.clone(),
            self.st.amount.clone(),
        );
        self.text(first, COL_B, total_row, COL_B, block.label, &lab)?;
        for (i, line) in rows.iter().enumerate() {
            let r = first + i as u32;
            self.text(r, COL_C, r, COL_E, &line.name, &text)?;
            self.number(
                r,
                COL_F,
                r,
                COL_F,
                line.current.value.map(Money::to_f64),
                &amount,
            )?;
            self.number(
                r,
                COL_H,
                r,
                COL_I,
                line.last_year.value.map(Money::to_f64),
                &amount,
            )?;
            self.number(
                r,
                COL_J,
                r,
                COL_K,
                line.year_before.value.map(Money::to_f64),
                &amount,
            )?;
            self.plan
                .amount_cells
                .extend([(r, COL_F), (r, COL_H), (r, COL_J)]);
            self.share_cell(r, line, total, total_row)?;
        }
        self.text(total_row, COL_C, total_row, COL_E, &total.name, &lab)?;
        let cols: [(u16, u16, &Amount); 3] = [
            (COL_F, COL_F, &total.current),
            (COL_H, COL_I, &total.last_year),
            (COL_J, COL_K, &total.year_before),
        ];
        for (c1, c2, figure) in cols {
            let f = if rows.is_empty() {
                "=0".to_string()
            } else {
                format!(
                    "=SUM({}:{})",
                    cell_ref(first, c1),
                    cell_ref(total_row - 1, c1)
                )
            };
            // The layout says whether the 合计 is the rows' sum (a live formula) or an entered
            // figure that differs from it (the number, so the discrepancy stays visible).
            let cached = match (self.mode, figure.value) {
                (Mode::Blank, None) => EMPTY_RESULT.to_string(),
                (_, v) => v.unwrap_or(Money::ZERO).to_string(),
            };
            match (self.mode, figure.source) {
                (Mode::Form, Source::Computed) => {
                    self.derived.push((cell_ref(total_row, c1), f.clone()));
                    self.formula(total_row, c1, total_row, c2, &f, cached, &amount)?
                }
                (Mode::Form, Source::EnteredDiffers) => self.number(
                    total_row,
                    c1,
                    total_row,
                    c2,
                    figure.value.map(Money::to_f64),
                    &amount,
                )?,
                _ => self.formula(total_row, c1, total_row, c2, &f, cached, &amount)?,
            }
        }
        self.share_cell(total_row, total, total, total_row)?;
        self.row = total_row + 1;
        Ok(())
    }

    /// 占比: a formula when it agrees with the amounts (or was not entered), else the entered
    /// value. The cached result is the exact ratio of the cells the formula reads.
    fn share_cell(
        &mut self,
        r: u32,
        line: &FundingLine,
        total: &FundingLine,
        total_row: u32,
    ) -> Result<(), XlsxError> {
        let fmt = self.st.percent.clone();
        let t = abs_row_ref(total_row, COL_F);
        let f = format!("=IF({t}=0,\"\",{}/{t})", cell_ref(r, COL_F));
        let ratio = match total.current.value {
            Some(t) if !t.value().is_zero() => {
                let a = line.current.value.unwrap_or(Money::ZERO).value();
                a.checked_div(t.value()).map(f64_text).unwrap_or_default()
            }
            _ => EMPTY_RESULT.to_string(),
        };
        match (self.mode, line.share.source, line.share.value) {
            (Mode::Form, Source::Computed, _) => {
                self.derived.push((cell_ref(r, COL_G), f.clone()));
                self.formula(r, COL_G, r, COL_G, &f, ratio, &fmt)
            }
            (Mode::Form, Source::EnteredDiffers, Some(s)) => {
                let v = s
                    .value()
                    .checked_div(Decimal::ONE_HUNDRED)
                    .unwrap_or_default();
                self.number(r, COL_G, r, COL_G, v.to_f64(), &fmt)
            }
            _ => self.formula(r, COL_G, r, COL_G, &f, ratio, &fmt),
        }
    }

    /// Column widths, row heights, hidden extra columns and the print set-up.
    fn finish(&mut self) -> Result<(), XlsxError> {
        for (c, w) in WIDTHS.iter().enumerate() {
            self.ws.set_column_width(c as u16, *w)?;
        }
        for c in COL_DEFINITION..=LAST_COL {
            self.ws.set_column_hidden(c)?;
        }
        for r in 2..self.row {
            let lines = self.lines.get(&r).copied().unwrap_or(1);
            self.ws.set_row_height(r, row_height(lines))?;
        }
        let last = self.row.saturating_sub(1);
        self.ws.set_paper_size(9); // A4
        self.ws.set_portrait();
        self.ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
        self.ws.set_print_fit_to_pages(1, 0);
        self.ws.set_print_center_horizontally(true);
        self.ws
            .set_print_area(0, COL_SECTION, last, LAST_PRINTED_COL)?;
        self.ws.set_repeat_rows(0, 0)?;
        self.ws.set_footer("&C第 &P 页 共 &N 页");
        Ok(())
    }
}
