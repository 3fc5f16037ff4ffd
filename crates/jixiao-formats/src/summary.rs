//! A summary workbook over many forms (汇总表): one row per unit with its funding (this year's
//! amounts, totals and shares), its indicator counts by level-1 node and by class, and its
//! validation status, plus a totals row. Sums and shares are formulas with cached values.

use jixiao_domain::validate::{Severity, validate};
use jixiao_domain::{Form, Money, Registry};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Formula, Worksheet, XlsxError};

use crate::export::ExportError;
use crate::xlsx::xlsx_error;

/// Sheet name of the summary.
pub const SUMMARY_SHEET: &str = "汇总";

/// One input of the summary: where it came from and the form, or why it could not be read.
#[derive(Debug, Clone)]
pub struct SummaryInput {
    /// File name (or another label) shown in the summary.
    pub source: String,
    /// The form, or the Chinese reason it could not be read.
    pub form: Result<Form, String>,
}

/// What the summary computes for one form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UnitFigures {
    /// Unit name.
    pub unit_name: String,
    /// Budget year.
    pub fiscal_year: u16,
    /// This year's amount per income row name, in order.
    pub income: Vec<(String, Option<Money>)>,
    /// This year's income total as entered.
    pub income_total: Option<Money>,
    /// This year's amount per expenditure row name, in order.
    pub expenditure: Vec<(String, Option<Money>)>,
    /// This year's expenditure total as entered.
    pub expenditure_total: Option<Money>,
    /// Level-3 rows of the long-term table.
    pub long_term_count: usize,
    /// Level-3 rows of the annual table.
    pub annual_count: usize,
    /// Annual-table rows per level-1 node.
    pub by_level1: Vec<(String, usize)>,
    /// Annual-table rows per class (`未填` for none).
    pub by_class: Vec<(String, usize)>,
    /// Validation errors.
    pub errors: usize,
    /// Validation warnings.
    pub warnings: usize,
    /// Set when the form's template is unknown (then it was not validated).
    pub template_problem: Option<String>,
}

/// Computes the figures of one form.
pub fn figures(form: &Form, registry: &Registry) -> UnitFigures {
    let mut fig = figures_unchecked(form);
    match registry
        .get(&form.template.id, Some(form.template.version))
        .or_else(|_| registry.get(&form.template.id, None))
    {
        Ok(t) => {
            for f in validate(form, t) {
                match f.severity {
                    Severity::Error => fig.errors += 1,
                    Severity::Warning => fig.warnings += 1,
                    Severity::Info => {}
                }
            }
        }
        Err(e) => fig.template_problem = Some(e.to_string()),
    }
    fig
}

/// The figures of one form without checking it (`errors` and `warnings` stay 0): for callers
/// that counted them when the form was saved.
pub fn figures_unchecked(form: &Form) -> UnitFigures {
    let (by_level1, by_class) = tally(
        form.indicators
            .annual
            .rows
            .iter()
            .map(|r| (r.level1.as_str(), r.class.as_deref())),
    );
    let rows = |b: &jixiao_domain::form::FundingBlock| {
        b.rows
            .iter()
            .map(|r| (r.name.clone(), r.amounts.current))
            .collect()
    };
    UnitFigures {
        unit_name: form.header.unit_name.clone(),
        fiscal_year: form.header.fiscal_year.get(),
        income: rows(&form.funding.income),
        income_total: form.funding.income.total.current,
        expenditure: rows(&form.funding.expenditure),
        expenditure_total: form.funding.expenditure.total.current,
        long_term_count: form.indicators.long_term.rows.len(),
        annual_count: form.indicators.annual.rows.len(),
        by_level1,
        by_class,
        errors: 0,
        warnings: 0,
        template_problem: None,
    }
}

/// Annual rows counted per level-1 node and per class (`未填` for none), in order of first
/// appearance.
#[allow(clippy::type_complexity)]
fn tally<'a>(
    rows: impl Iterator<Item = (&'a str, Option<&'a str>)>,
) -> (Vec<(String, usize)>, Vec<(String, usize)>) {
    let mut by_level1: Vec<(String, usize)> = Vec::new();
    let mut by_class: Vec<(String, usize)> = Vec::new();
    let bump = |v: &mut Vec<(String, usize)>, k: &str| match v.iter_mut().find(|(n, _)| n == k) {
        Some((_, c)) => *c += 1,
        None => v.push((k.to_string(), 1)),
    };
    for (level1, class) in rows {
        bump(&mut by_level1, level1);
        bump(
            &mut by_class,
            class.filter(|c| !c.is_empty()).unwrap_or("未填"),
        );
    }
    (by_level1, by_class)
}

/// The parts of a stored form that [`figures_unchecked`] reads, and nothing else: a summary of
/// thousands of forms skips the rest of each form's text instead of building it (a third of the
/// time of a full parse).
#[derive(serde::Deserialize)]
struct LiteForm {
    header: LiteHeader,
    funding: LiteFunding,
    indicators: LiteIndicators,
}

#[derive(serde::Deserialize)]
struct LiteHeader {
    fiscal_year: jixiao_domain::form::FiscalYear,
    unit_name: String,
}

#[derive(serde::Deserialize)]
struct LiteFunding {
    income: LiteBlock,
    expenditure: LiteBlock,
}

#[derive(serde::Deserialize)]
struct LiteBlock {
    rows: Vec<LiteRow>,
    total: LiteAmounts,
}

#[derive(serde::Deserialize)]
struct LiteRow {
    name: String,
    #[serde(default)]
    current: Option<Money>,
}

#[derive(serde::Deserialize)]
struct LiteAmounts {
    #[serde(default)]
    current: Option<Money>,
}

#[derive(serde::Deserialize)]
struct LiteIndicators {
    long_term: LiteTable,
    annual: LiteTable,
}

#[derive(serde::Deserialize)]
struct LiteTable {
    rows: Vec<LiteIndicator>,
}

#[derive(serde::Deserialize)]
struct LiteIndicator {
    level1: String,
    #[serde(default)]
    class: Option<String>,
}

/// [`figures_unchecked`] of a form's canonical JSON text, reading only what the figures need.
/// Text that is not a form is an error (the caller falls back to a full parse for its message).
pub fn figures_from_json(text: &str) -> Result<UnitFigures, serde_json::Error> {
    let f: LiteForm = serde_json::from_str(text)?;
    let (by_level1, by_class) = tally(
        f.indicators
            .annual
            .rows
            .iter()
            .map(|r| (r.level1.as_str(), r.class.as_deref())),
    );
    let rows = |b: LiteBlock| -> (Vec<(String, Option<Money>)>, Option<Money>) {
        (
            b.rows.into_iter().map(|r| (r.name, r.current)).collect(),
            b.total.current,
        )
    };
    let (income, income_total) = rows(f.funding.income);
    let (expenditure, expenditure_total) = rows(f.funding.expenditure);
    Ok(UnitFigures {
        unit_name: f.header.unit_name,
        fiscal_year: f.header.fiscal_year.get(),
        income,
        income_total,
        expenditure,
        expenditure_total,
        long_term_count: f.indicators.long_term.rows.len(),
        annual_count: f.indicators.annual.rows.len(),
        by_level1,
        by_class,
        errors: 0,
        warnings: 0,
        template_problem: None,
    })
}

/// Where a row of the streamed summary belongs: what the database knows of the form.
#[derive(Debug, Clone, Default)]
pub struct CsvRowMeta {
    /// 区划代码.
    pub region_code: String,
    /// 区划名称.
    pub region_name: String,
    /// 单位编码.
    pub unit_code: String,
    /// 单位名称.
    pub unit_name: String,
    /// 预算年度.
    pub fiscal_year: i64,
    /// Status as people read it (`已审核`).
    pub status: String,
    /// Version.
    pub version: i64,
    /// Validation errors, counted when the version was saved.
    pub errors: i64,
    /// Validation warnings, counted when the version was saved.
    pub warnings: i64,
}

/// The summary as CSV, written a batch of forms at a time (a province's thousands of forms
/// never sit in memory at once). Its columns are fixed before the first form: the funding rows
/// of every template the registry knows, by name, in order. A form's row with another name
/// counts in its total only. UTF-8 with a byte-order mark, CRLF, RFC 4180 quoting.
#[derive(Debug, Clone)]
pub struct CsvSummary {
    income: Vec<String>,
    expenditure: Vec<String>,
}

impl CsvSummary {
    /// The column plan of these templates.
    pub fn new(registry: &Registry) -> CsvSummary {
        let names =
            |f: fn(&jixiao_domain::Template) -> &[jixiao_domain::template::FundingRowDef]| {
                union(
                    registry
                        .all()
                        .iter()
                        .map(|t| f(t).iter().map(|r| r.name.clone()).collect()),
                )
            };
        CsvSummary {
            income: names(|t| t.funding.income.as_slice()),
            expenditure: names(|t| t.funding.expenditure.as_slice()),
        }
    }

    /// The byte-order mark and the header line.
    pub fn header(&self) -> String {
        let mut cols: Vec<String> = [
            "区划代码",
            "区划名称",
            "单位编码",
            "单位名称",
            "预算年度",
            "状态",
            "版本",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        cols.extend(self.income.iter().map(|n| format!("收入：{n}（万元）")));
        cols.push("收入合计（万元）".into());
        cols.extend(
            self.expenditure
                .iter()
                .map(|n| format!("支出：{n}（万元）")),
        );
        cols.push("支出合计（万元）".into());
        for c in ["长期指标数", "年度指标数", "校验错误", "校验警告", "说明"] {
            cols.push(c.into());
        }
        let line: Vec<String> = cols.iter().map(|c| crate::csv::field(c)).collect();
        format!("\u{feff}{}\r\n", line.join(","))
    }

    /// One form's line: its figures, or (for a form that could not be read) the reason.
    pub fn row(&self, meta: &CsvRowMeta, fig: Result<&UnitFigures, &str>) -> String {
        let money = |m: Option<Money>| m.map(|m| m.to_string()).unwrap_or_default();
        let mut cells: Vec<String> = vec![
            meta.region_code.clone(),
            meta.region_name.clone(),
            meta.unit_code.clone(),
            meta.unit_name.clone(),
            meta.fiscal_year.to_string(),
            meta.status.clone(),
            meta.version.to_string(),
        ];
        let by_name = |rows: &[(String, Option<Money>)], name: &str| {
            money(rows.iter().find(|(n, _)| n == name).and_then(|(_, m)| *m))
        };
        match fig {
            Ok(f) => {
                cells.extend(self.income.iter().map(|n| by_name(&f.income, n)));
                cells.push(money(f.income_total));
                cells.extend(self.expenditure.iter().map(|n| by_name(&f.expenditure, n)));
                cells.push(money(f.expenditure_total));
                cells.push(f.long_term_count.to_string());
                cells.push(f.annual_count.to_string());
                cells.push(meta.errors.to_string());
                cells.push(meta.warnings.to_string());
                cells.push(String::new());
            }
            Err(why) => {
                let blanks = self.income.len() + self.expenditure.len() + 4;
                cells.extend(std::iter::repeat_n(String::new(), blanks));
                cells.push(meta.errors.to_string());
                cells.push(meta.warnings.to_string());
                cells.push(format!("无法读取：{why}"));
            }
        }
        let line: Vec<String> = cells.iter().map(|c| crate::csv::field(c)).collect();
        format!("{}\r\n", line.join(","))
    }
}

/// Names in order of first appearance over all units.
fn union(lists: impl Iterator<Item = Vec<String>>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in lists {
        for n in l {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

/// Column plan of the summary sheet.
struct Cols {
    income: Vec<String>,
    expenditure: Vec<String>,
    level1: Vec<String>,
    classes: Vec<String>,
}

/// Writes the summary workbook.
pub fn write_summary(inputs: &[SummaryInput], registry: &Registry) -> Result<Vec<u8>, ExportError> {
    let figs: Vec<(&str, Result<UnitFigures, &str>)> = inputs
        .iter()
        .map(|i| {
            (
                i.source.as_str(),
                i.form
                    .as_ref()
                    .map(|f| figures(f, registry))
                    .map_err(String::as_str),
            )
        })
        .collect();
    let ok = || figs.iter().filter_map(|(_, f)| f.as_ref().ok());
    let cols = Cols {
        income: union(ok().map(|f| f.income.iter().map(|(n, _)| n.clone()).collect())),
        expenditure: union(ok().map(|f| f.expenditure.iter().map(|(n, _)| n.clone()).collect())),
        level1: union(ok().map(|f| f.by_level1.iter().map(|(n, _)| n.clone()).collect())),
        classes: union(ok().map(|f| f.by_class.iter().map(|(n, _)| n.clone()).collect())),
    };
    let mut wb = crate::xlsx::new_workbook();
    let ws = wb.add_worksheet();
    write_sheet(ws, &figs, &cols).map_err(xlsx_error)?;
    wb.save_to_buffer().map_err(xlsx_error)
}

fn f64_of(m: Option<Money>) -> Option<f64> {
    m.map(Money::to_f64)
}

/// How the cells of a summary column are written.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Amount,
    /// A share of the expenditure total: the amount's column.
    Share(u16),
    Count,
}

/// One column of the summary sheet.
struct Column {
    /// The group header merged above it.
    group: &'static str,
    header: String,
    kind: Kind,
}

impl Column {
    fn new(group: &'static str, header: impl Into<String>, kind: Kind) -> Column {
        Column {
            group,
            header: header.into(),
            kind,
        }
    }
}

/// Group headers that name the value columns.
const BASIC: &str = "基本信息";
const INCOME: &str = "收入（当年，万元）";
const EXPENDITURE: &str = "支出（当年，万元）";
const COUNTS: &str = "指标数量";
const BY_LEVEL1: &str = "年度指标（按一级指标）";
const BY_CLASS: &str = "年度指标（按分类）";
const CHECK: &str = "校验";

/// The cell formats of the summary sheet.
struct Formats {
    head: Format,
    text: Format,
    quoted: Format,
    amount: Format,
    pct: Format,
    int: Format,
    title: Format,
}

impl Formats {
    fn new() -> Formats {
        let base = Format::new()
            .set_font_name("宋体")
            .set_font_size(10)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let text = base.clone().set_text_wrap().set_num_format("@");
        Formats {
            head: base
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            quoted: text.clone().set_quote_prefix(),
            text,
            amount: base.clone().set_num_format("0.00"),
            pct: base.clone().set_num_format("0.00%"),
            int: base.clone().set_num_format("0"),
            title: Format::new()
                .set_font_name("宋体")
                .set_font_size(16)
                .set_bold()
                .set_align(FormatAlign::Center),
        }
    }

    /// Formula-like text keeps Excel's quote prefix, so it stays text even when edited.
    fn text_for(&self, s: &str) -> &Format {
        if crate::xlsx::formula_like(s) {
            &self.quoted
        } else {
            &self.text
        }
    }
}

/// The first row of unit data (below the title, group and column header rows).
const FIRST_DATA: u32 = 3;

/// The sheet: title and headers, one row per unit, the totals row, then the page setup.
fn write_sheet(
    ws: &mut Worksheet,
    figs: &[(&str, Result<UnitFigures, &str>)],
    cols: &Cols,
) -> Result<(), XlsxError> {
    ws.set_name(SUMMARY_SHEET)?;
    let columns = column_plan(cols);
    let sheet = Sheet {
        exp_total: columns
            .iter()
            .position(|p| p.header == "支出合计")
            .unwrap_or(0) as u16,
        columns,
        expenditure: &cols.expenditure,
        fmts: Formats::new(),
    };
    write_headers(ws, &sheet)?;
    for (i, (source, fig)) in figs.iter().enumerate() {
        write_unit_row(ws, &sheet, i, source, fig)?;
    }
    let totals = FIRST_DATA + figs.len() as u32;
    write_totals_row(ws, &sheet, totals, figs)?;
    let last_data = totals.saturating_sub(1);
    set_page(ws, last_data, sheet.columns.len() as u16 - 1)
}

/// What every step of writing the sheet needs: the columns, where the expenditure total is,
/// the expenditure row names (for the shares) and the cell formats.
struct Sheet<'a> {
    columns: Vec<Column>,
    exp_total: u16,
    expenditure: &'a [String],
    fmts: Formats,
}

/// The columns in order: basic information, income, expenditure with shares, indicator counts,
/// validation.
fn column_plan(cols: &Cols) -> Vec<Column> {
    let mut plan = vec![
        Column::new(BASIC, "序号", Kind::Count),
        Column::new(BASIC, "单位名称", Kind::Text),
        Column::new(BASIC, "预算年度", Kind::Count),
        Column::new(BASIC, "文件", Kind::Text),
    ];
    for n in &cols.income {
        plan.push(Column::new(INCOME, n.clone(), Kind::Amount));
    }
    plan.push(Column::new(INCOME, "收入合计", Kind::Amount));
    for n in &cols.expenditure {
        plan.push(Column::new(EXPENDITURE, n.clone(), Kind::Amount));
        let amount_col = plan.len() as u16 - 1;
        plan.push(Column::new(
            EXPENDITURE,
            format!("{n}占比"),
            Kind::Share(amount_col),
        ));
    }
    plan.push(Column::new(EXPENDITURE, "支出合计", Kind::Amount));
    plan.push(Column::new(COUNTS, "长期指标", Kind::Count));
    plan.push(Column::new(COUNTS, "年度指标", Kind::Count));
    for n in &cols.level1 {
        plan.push(Column::new(BY_LEVEL1, n.clone(), Kind::Count));
    }
    for n in &cols.classes {
        plan.push(Column::new(BY_CLASS, n.clone(), Kind::Count));
    }
    plan.push(Column::new(CHECK, "错误", Kind::Count));
    plan.push(Column::new(CHECK, "警告", Kind::Count));
    plan.push(Column::new(CHECK, "状态", Kind::Text));
    plan
}

/// The title row, the group header row (merged runs) and the column header row, with the
/// column widths.
fn write_headers(ws: &mut Worksheet, sheet: &Sheet) -> Result<(), XlsxError> {
    let (plan, fmts) = (&sheet.columns, &sheet.fmts);
    let last_col = plan.len() as u16 - 1;
    ws.merge_range(0, 0, 0, last_col, "部门整体绩效目标汇总表", &fmts.title)?;
    ws.set_row_height(0, 30)?;
    let mut c = 0usize;
    while c < plan.len() {
        let mut e = c;
        while e + 1 < plan.len() && plan[e + 1].group == plan[c].group {
            e += 1;
        }
        if e > c {
            ws.merge_range(1, c as u16, 1, e as u16, plan[c].group, &fmts.head)?;
        } else {
            ws.write_string_with_format(1, c as u16, plan[c].group, &fmts.head)?;
        }
        c = e + 1;
    }
    for (i, column) in plan.iter().enumerate() {
        ws.write_string_with_format(2, i as u16, &column.header, &fmts.head)?;
        let w = match column.kind {
            Kind::Text if i == 1 => 24.0,
            Kind::Text => 16.0,
            _ => 10.0,
        };
        ws.set_column_width(i as u16, w)?;
    }
    ws.set_row_height(2, 42)?;
    Ok(())
}

/// The row of the `i`-th unit.
fn write_unit_row(
    ws: &mut Worksheet,
    sheet: &Sheet,
    i: usize,
    source: &str,
    fig: &Result<UnitFigures, &str>,
) -> Result<(), XlsxError> {
    let r = FIRST_DATA + i as u32;
    let fmts = &sheet.fmts;
    for (col, column) in sheet.columns.iter().enumerate() {
        let col = col as u16;
        let header = column.header.as_str();
        match (column.kind, header) {
            (Kind::Text, "单位名称") => {
                let name = fig
                    .as_ref()
                    .map(|f| f.unit_name.clone())
                    .unwrap_or_default();
                ws.write_string_with_format(r, col, &name, fmts.text_for(&name))?;
            }
            (Kind::Text, "文件") => {
                ws.write_string_with_format(r, col, source, fmts.text_for(source))?;
            }
            (Kind::Text, _) => {
                ws.write_string_with_format(r, col, unit_status(fig), &fmts.text)?;
            }
            (Kind::Share(amount_col), _) => {
                let a = rust_xlsxwriter::utility::row_col_to_cell(r, amount_col);
                let t = rust_xlsxwriter::utility::row_col_to_cell(r, sheet.exp_total);
                let cached = match (
                    value_at(fig, sheet.expenditure, header),
                    fig.as_ref().ok().and_then(|f| f.expenditure_total),
                ) {
                    (Some(a), Some(t)) if !t.value().is_zero() => ratio(a.value(), t.value()),
                    _ => " ".to_string(),
                };
                let f = Formula::new(format!("=IF(N({t})=0,\"\",N({a})/{t})")).set_result(cached);
                ws.write_formula_with_format(r, col, f, &fmts.pct)?;
            }
            (Kind::Amount | Kind::Count, _) => {
                let fmt = if column.kind == Kind::Amount {
                    &fmts.amount
                } else {
                    &fmts.int
                };
                match unit_value(i, fig, column) {
                    Some(v) => ws.write_number_with_format(r, col, v, fmt)?,
                    None => ws.write_blank(r, col, fmt)?,
                };
            }
        }
    }
    Ok(())
}

/// The number in an amount or count column of the `i`-th unit's row.
fn unit_value(i: usize, fig: &Result<UnitFigures, &str>, column: &Column) -> Option<f64> {
    let header = column.header.as_str();
    let count_of = |v: &[(String, usize)]| {
        Some(
            v.iter()
                .find(|(n, _)| n == header)
                .map(|(_, c)| *c)
                .unwrap_or(0) as f64,
        )
    };
    let amount_of = |v: &[(String, Option<Money>)]| {
        v.iter()
            .find(|(n, _)| n == header)
            .and_then(|(_, m)| f64_of(*m))
    };
    match (fig, header) {
        (_, "序号") => Some((i + 1) as f64),
        (Ok(f), "预算年度") => Some(f.fiscal_year as f64),
        (Ok(f), "收入合计") => f64_of(f.income_total),
        (Ok(f), "支出合计") => f64_of(f.expenditure_total),
        (Ok(f), "长期指标") => Some(f.long_term_count as f64),
        (Ok(f), "年度指标") => Some(f.annual_count as f64),
        (Ok(f), "错误") if f.template_problem.is_none() => Some(f.errors as f64),
        (Ok(f), "警告") if f.template_problem.is_none() => Some(f.warnings as f64),
        (Ok(f), _) => match column.group {
            INCOME => amount_of(&f.income),
            EXPENDITURE => amount_of(&f.expenditure),
            BY_LEVEL1 => count_of(&f.by_level1),
            BY_CLASS => count_of(&f.by_class),
            _ => None,
        },
        (Err(_), _) => None,
    }
}

/// The status column: why a form was not read or checked, or the outcome of its validation.
fn unit_status(fig: &Result<UnitFigures, &str>) -> String {
    match fig {
        Err(e) => format!("无法读取：{e}"),
        Ok(f) => match &f.template_problem {
            Some(p) => format!("未校验：{p}"),
            None if f.errors > 0 => "有错误".to_string(),
            None if f.warnings > 0 => "有警告".to_string(),
            None => "通过".to_string(),
        },
    }
}

/// The totals row (sheet row `tr`): SUM over the units for amounts and counts, shares of the
/// summed amounts.
fn write_totals_row(
    ws: &mut Worksheet,
    sheet: &Sheet,
    tr: u32,
    figs: &[(&str, Result<UnitFigures, &str>)],
) -> Result<(), XlsxError> {
    let last_data = tr.saturating_sub(1);
    let fmts = &sheet.fmts;
    for (col, column) in sheet.columns.iter().enumerate() {
        let col = col as u16;
        let header = column.header.as_str();
        match column.kind {
            _ if header == "单位名称" => {
                let units = figs.iter().filter(|f| f.1.is_ok()).count();
                ws.write_string_with_format(
                    tr,
                    col,
                    format!("合计（{units} 个单位）"),
                    &fmts.head,
                )?;
            }
            Kind::Text | Kind::Count if col < 4 => {
                ws.write_blank(tr, col, &fmts.head)?;
            }
            Kind::Text => {
                let failed = figs.iter().filter(|f| f.1.is_err()).count();
                ws.write_string_with_format(tr, col, format!("无法读取 {failed} 个"), &fmts.head)?;
            }
            Kind::Share(amount_col) => {
                let a = rust_xlsxwriter::utility::row_col_to_cell(tr, amount_col);
                let t = rust_xlsxwriter::utility::row_col_to_cell(tr, sheet.exp_total);
                let cached = column_sum(figs, |f| value_at_fig(f, sheet.expenditure, header));
                let total = column_sum(figs, |f| f.expenditure_total);
                let res = if total.is_zero() {
                    " ".to_string()
                } else {
                    ratio(cached, total)
                };
                ws.write_formula_with_format(
                    tr,
                    col,
                    Formula::new(format!("=IF(N({t})=0,\"\",N({a})/{t})")).set_result(res),
                    &fmts.pct,
                )?;
            }
            Kind::Amount | Kind::Count => {
                let cached = total_cached(figs, column.group, header);
                let fmt = if column.kind == Kind::Amount {
                    &fmts.amount
                } else {
                    &fmts.int
                };
                if figs.is_empty() {
                    ws.write_number_with_format(tr, col, 0, fmt)?;
                } else {
                    let range = format!(
                        "{}:{}",
                        rust_xlsxwriter::utility::row_col_to_cell(FIRST_DATA, col),
                        rust_xlsxwriter::utility::row_col_to_cell(last_data, col)
                    );
                    ws.write_formula_with_format(
                        tr,
                        col,
                        Formula::new(format!("=SUM({range})")).set_result(cached),
                        fmt,
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// Frozen headers, landscape A4 one page wide, headers repeated on every page, a filter.
fn set_page(ws: &mut Worksheet, last_data: u32, last_col: u16) -> Result<(), XlsxError> {
    ws.set_freeze_panes(3, 2)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(1, 2)?;
    ws.autofilter(2, 0, last_data.max(2), last_col)?;
    Ok(())
}

fn ratio(a: Decimal, t: Decimal) -> String {
    a.checked_div(t)
        .and_then(|d| d.to_f64())
        .map(|f| f.to_string())
        .unwrap_or_default()
}

/// The expenditure amount named by a share column header (`人员类项目支出占比`).
fn value_at(fig: &Result<UnitFigures, &str>, names: &[String], header: &str) -> Option<Money> {
    fig.as_ref()
        .ok()
        .and_then(|f| value_at_fig(f, names, header))
}

fn value_at_fig(f: &UnitFigures, names: &[String], header: &str) -> Option<Money> {
    let name = header.strip_suffix("占比")?;
    names.iter().find(|n| *n == name)?;
    f.expenditure
        .iter()
        .find(|(n, _)| n == name)
        .and_then(|(_, m)| *m)
}

fn column_sum(
    figs: &[(&str, Result<UnitFigures, &str>)],
    get: impl Fn(&UnitFigures) -> Option<Money>,
) -> Decimal {
    figs.iter()
        .filter_map(|(_, f)| f.as_ref().ok())
        .filter_map(&get)
        .map(Money::value)
        .sum()
}

/// The cached value of a totals-row SUM.
fn total_cached(figs: &[(&str, Result<UnitFigures, &str>)], group: &str, header: &str) -> String {
    let ok = || figs.iter().filter_map(|(_, f)| f.as_ref().ok());
    let money = |get: &dyn Fn(&UnitFigures) -> Option<Money>| {
        ok().filter_map(get)
            .map(Money::value)
            .sum::<Decimal>()
            .normalize()
            .to_string()
    };
    let count = |get: &dyn Fn(&UnitFigures) -> Option<usize>| {
        ok().filter_map(get).sum::<usize>().to_string()
    };
    match header {
        "收入合计" => money(&|f| f.income_total),
        "支出合计" => money(&|f| f.expenditure_total),
        "长期指标" => count(&|f| Some(f.long_term_count)),
        "年度指标" => count(&|f| Some(f.annual_count)),
        "错误" => count(&|f| f.template_problem.is_none().then_some(f.errors)),
        "警告" => count(&|f| f.template_problem.is_none().then_some(f.warnings)),
        _ => match group {
            INCOME => money(&|f| {
                f.income
                    .iter()
                    .find(|(n, _)| n == header)
                    .and_then(|(_, m)| *m)
            }),
            EXPENDITURE => money(&|f| {
                f.expenditure
                    .iter()
                    .find(|(n, _)| n == header)
                    .and_then(|(_, m)| *m)
            }),
            BY_LEVEL1 => count(&|f| {
                f.by_level1
                    .iter()
                    .find(|(n, _)| n == header)
                    .map(|(_, c)| *c)
            }),
            BY_CLASS => count(&|f| {
                f.by_class
                    .iter()
                    .find(|(n, _)| n == header)
                    .map(|(_, c)| *c)
            }),
            _ => "0".to_string(),
        },
    }
}
