//! Fillable workbooks of a monitoring report and a self-evaluation: the published layout with
//! the entered cells unlocked (the sheet is protected without a password, so the targets copied
//! from the declaration are not changed by accident), drop-down lists for the closed choices, and
//! the values already entered. Derived cells (执行率, 合计) are formulas for the person filling
//! it; the reader recomputes them and never trusts them.

use jixiao_domain::Money;
use jixiao_domain::lifecycle::monitoring::{Likelihood, MonitoringReport};
use jixiao_domain::lifecycle::selfeval::SelfEvaluation;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    DataValidation, Format, FormatAlign, FormatBorder, ProtectionOptions, Workbook, Worksheet,
    XlsxError,
};

use super::{META_SHEET, MONITORING_SHEET, SELF_EVALUATION_SHEET};
use crate::export::ExportError;
use crate::printed::labels;
use crate::xlsx::{formula_like, new_workbook, xlsx_error};

struct Styles {
    title: Format,
    plain: Format,
    label: Format,
    fixed: Format,
    input: Format,
    amount_in: Format,
    amount: Format,
    percent: Format,
}

impl Styles {
    fn new() -> Styles {
        let base = Format::new()
            .set_font_name("宋体")
            .set_font_size(10)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap();
        Styles {
            title: Format::new()
                .set_font_name("宋体")
                .set_font_size(16)
                .set_bold()
                .set_align(FormatAlign::Center),
            plain: Format::new().set_font_name("宋体").set_font_size(10),
            label: base.clone().set_bold().set_align(FormatAlign::Center),
            fixed: base.clone().set_num_format("@"),
            input: base.clone().set_num_format("@").set_unlocked(),
            amount_in: base
                .clone()
                .set_align(FormatAlign::Right)
                .set_num_format("0.00####")
                .set_unlocked(),
            amount: base
                .clone()
                .set_align(FormatAlign::Right)
                .set_num_format("0.00####"),
            percent: base.set_align(FormatAlign::Right).set_num_format("0.00%"),
        }
    }
}

/// The format for a text: with Excel's quote prefix when the text starts like a formula
/// (`= + - @`), so that editing the cell later never runs it.
fn quoted(text: &str, format: &Format) -> Format {
    if formula_like(text) {
        format.clone().set_quote_prefix()
    } else {
        format.clone()
    }
}

/// Writes a text cell (always a string, never a formula).
fn put(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, col, text, &quoted(text, format))?;
    Ok(())
}

/// Writes a text over a merged range.
fn put_merged(
    ws: &mut Worksheet,
    (r1, c1, r2, c2): (u32, u16, u32, u16),
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    ws.merge_range(r1, c1, r2, c2, text, &quoted(text, format))?;
    Ok(())
}

fn money_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<Money>,
    format: &Format,
) -> Result<(), XlsxError> {
    match value {
        Some(m) => ws.write_number_with_format(row, col, m.to_f64(), format)?,
        None => ws.write_blank(row, col, format)?,
    };
    Ok(())
}

fn decimal_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: Option<Decimal>,
    format: &Format,
) -> Result<(), XlsxError> {
    use rust_decimal::prelude::ToPrimitive;
    match value.and_then(|d| d.to_f64()) {
        Some(v) => ws.write_number_with_format(row, col, v, format)?,
        None => ws.write_blank(row, col, format)?,
    };
    Ok(())
}

/// The meta sheet: key/value rows the reader uses when present (template, declaration).
fn write_meta(wb: &mut Workbook, pairs: &[(&str, String)]) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(META_SHEET)?;
    for (i, (k, v)) in pairs.iter().enumerate() {
        ws.write_string(i as u32, 0, *k)?;
        ws.write_string(i as u32, 1, v)?;
    }
    ws.set_very_hidden(true);
    Ok(())
}

fn header_line(
    ws: &mut Worksheet,
    s: &Styles,
    row: u32,
    unit: &str,
    filler: Option<&str>,
    phone: Option<&str>,
    amount_unit: &str,
) -> Result<(), XlsxError> {
    put(ws, row, 0, &format!("部门（单位）名称：{unit}"), &s.plain)?;
    put(
        ws,
        row,
        4,
        &format!("填报人：{}", filler.unwrap_or_default()),
        &s.plain,
    )?;
    put(
        ws,
        row,
        6,
        &format!("联系电话：{}", phone.unwrap_or_default()),
        &s.plain,
    )?;
    ws.write_string_with_format(row, 9, format!("单位：{amount_unit}"), &s.plain)?;
    Ok(())
}

fn protect(ws: &mut Worksheet) {
    let options = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    };
    ws.protect_with_options(&options);
}

/// Writes a fillable workbook of a monitoring report.
pub fn write_monitoring(report: &MonitoringReport) -> Result<Vec<u8>, ExportError> {
    let mut wb = new_workbook();
    monitoring_sheet(&mut wb, report).map_err(xlsx_error)?;
    let declaration = serde_json::to_string(&report.declaration).unwrap_or_default();
    write_meta(
        &mut wb,
        &[
            ("kind", "monitoring".into()),
            ("template_id", report.template.id.clone()),
            ("template_version", report.template.version.to_string()),
            ("fiscal_year", report.header.fiscal_year.get().to_string()),
            ("month", report.header.month.to_string()),
            ("declaration", declaration),
        ],
    )
    .map_err(xlsx_error)?;
    wb.save_to_buffer().map_err(xlsx_error)
}

fn monitoring_sheet(wb: &mut Workbook, r: &MonitoringReport) -> Result<(), XlsxError> {
    let s = Styles::new();
    let m = r.header.month;
    let ws = wb.add_worksheet().set_name(MONITORING_SHEET)?;
    for (c, w) in [
        6.0, 10.0, 18.0, 11.0, 11.0, 11.0, 14.0, 14.0, 16.0, 12.0, 12.0,
    ]
    .iter()
    .enumerate()
    {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.merge_range(
        0,
        0,
        0,
        10,
        &labels::monitoring_title(r.header.fiscal_year.get(), m),
        &s.title,
    )?;
    header_line(
        ws,
        &s,
        1,
        &r.header.unit_name,
        r.header.filler.as_deref(),
        r.header.phone.as_deref(),
        &r.header.amount_unit,
    )?;

    // Budget execution.
    let executed_header = labels::executed_to_month(m);
    let lines: Vec<BudgetLine> = r
        .budget
        .iter()
        .map(|b| BudgetLine {
            name: &b.name,
            amounts: [b.initial, b.adjusted, b.executed],
            extra: vec![Extra::Amount(b.expected)],
        })
        .collect();
    let total = budget_block(
        ws,
        &s,
        3,
        ["年初预算数", "调整后预算数", &executed_header],
        &["全年预计执行数"],
        &lines,
    )?;
    let first = 4;
    let f = format!("=SUM({}:{})", cell(first, 6), cell(total - 1, 6));
    ws.write_formula_with_format(total, 6, &*f, &s.amount)?;
    let mut row = total;

    // Indicators.
    row += 2;
    ws.write_string_with_format(row, 0, "年度目标", &s.label)?;
    put_merged(ws, (row, 1, row, 10), &r.goal, &s.fixed)?;
    row += 1;
    let headers = [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "当前完成值",
        "完成可能性",
        "全年预计完成情况",
        "偏差原因",
        "偏差原因说明",
        "备注",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &s.label)?;
    }
    let first_indicator = row + 1;
    for i in &r.indicators {
        row += 1;
        put(ws, row, 0, &i.level1, &s.fixed)?;
        put(ws, row, 1, &i.level2, &s.fixed)?;
        put(ws, row, 2, &i.name, &s.fixed)?;
        let target = i.target.as_ref().map(|t| t.to_string()).unwrap_or_default();
        put(ws, row, 3, &target, &s.fixed)?;
        put(ws, row, 4, &i.actual, &s.input)?;
        ws.write_string_with_format(row, 5, i.likelihood.map_or("", Likelihood::label), &s.input)?;
        put(ws, row, 6, &i.expected, &s.input)?;
        let reasons: Vec<&str> = i.reasons.iter().map(|r| r.label()).collect();
        ws.write_string_with_format(row, 7, reasons.join("、"), &s.input)?;
        put(ws, row, 8, &i.reason_text, &s.input)?;
        put(ws, row, 9, &i.remark, &s.input)?;
    }
    if row >= first_indicator {
        let labels: Vec<&str> = Likelihood::ALL.iter().map(|l| l.label()).collect();
        let v = DataValidation::new()
            .allow_list_strings(&labels)?
            .set_input_title("完成可能性")?
            .set_input_message("确定能 / 有可能 / 完全不可能")?;
        ws.add_data_validation(first_indicator, 5, row, 5, &v)?;
        let v = DataValidation::new()
            .allow_any_value()
            .set_input_title("偏差原因")?
            .set_input_message("可多选，用顿号分隔：经费保障、制度保障、人员保障、硬件条件保障、其他。红灯、黄灯指标必填。")?;
        ws.add_data_validation(first_indicator, 7, row, 7, &v)?;
    }
    row += 2;
    for (label, text) in [
        ("偏差或不能完成目标原因分析", &r.analysis),
        ("相关建议或举措", &r.suggestions),
    ] {
        ws.merge_range(row, 0, row, 2, label, &s.label)?;
        put_merged(ws, (row, 3, row, 10), text, &s.input)?;
        ws.set_row_height(row, 60)?;
        row += 1;
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    protect(ws);
    Ok(())
}

/// Writes a fillable workbook of a self-evaluation; `execution_weight` is the template's points
/// of budget execution (10).
pub fn write_self_evaluation(
    eval: &SelfEvaluation,
    execution_weight: Decimal,
) -> Result<Vec<u8>, ExportError> {
    let mut wb = new_workbook();
    self_evaluation_sheet(&mut wb, eval, execution_weight).map_err(xlsx_error)?;
    let declaration = serde_json::to_string(&eval.declaration).unwrap_or_default();
    write_meta(
        &mut wb,
        &[
            ("kind", "self_evaluation".into()),
            ("template_id", eval.template.id.clone()),
            ("template_version", eval.template.version.to_string()),
            ("fiscal_year", eval.header.fiscal_year.get().to_string()),
            ("declaration", declaration),
        ],
    )
    .map_err(xlsx_error)?;
    wb.save_to_buffer().map_err(xlsx_error)
}

fn self_evaluation_sheet(
    wb: &mut Workbook,
    e: &SelfEvaluation,
    execution_weight: Decimal,
) -> Result<(), XlsxError> {
    let s = Styles::new();
    let ws = wb.add_worksheet().set_name(SELF_EVALUATION_SHEET)?;
    for (c, w) in [6.0, 10.0, 18.0, 11.0, 11.0, 9.0, 9.0, 24.0, 10.0, 10.0]
        .iter()
        .enumerate()
    {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.merge_range(
        0,
        0,
        0,
        7,
        &labels::self_evaluation_title(e.header.fiscal_year.get()),
        &s.title,
    )?;
    header_line(
        ws,
        &s,
        1,
        &e.header.unit_name,
        e.header.filler.as_deref(),
        e.header.phone.as_deref(),
        &e.header.amount_unit,
    )?;

    let lines: Vec<BudgetLine> = e
        .budget
        .iter()
        .map(|b| BudgetLine {
            name: &b.name,
            amounts: [b.initial, b.full_year, b.executed],
            extra: vec![Extra::Blank, Extra::Blank],
        })
        .collect();
    let mut row = budget_block(
        ws,
        &s,
        3,
        ["年初预算数", "全年预算数", "全年执行数"],
        &["分值", "得分"],
        &lines,
    )?;
    decimal_cell(ws, row, 6, Some(execution_weight), &s.amount)?;
    decimal_cell(ws, row, 7, e.budget_declared_score, &s.amount_in)?;

    row += 2;
    ws.merge_range(row, 0, row + 1, 0, "年度总体目标", &s.label)?;
    ws.write_string_with_format(row, 1, "预期目标", &s.label)?;
    put_merged(ws, (row, 2, row, 7), &e.goal.expected, &s.fixed)?;
    ws.write_string_with_format(row + 1, 1, "实际完成情况", &s.label)?;
    put_merged(ws, (row + 1, 2, row + 1, 7), &e.goal.actual, &s.input)?;
    ws.set_row_height(row + 1, 45)?;
    row += 3;
    for (c, h) in [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(row, c as u16, *h, &s.label)?;
    }
    for i in &e.indicators {
        row += 1;
        put(ws, row, 0, &i.level1, &s.fixed)?;
        put(ws, row, 1, &i.level2, &s.fixed)?;
        put(ws, row, 2, &i.name, &s.fixed)?;
        let target = i.target.as_ref().map(|t| t.to_string()).unwrap_or_default();
        put(ws, row, 3, &target, &s.fixed)?;
        put(ws, row, 4, &i.actual, &s.input)?;
        decimal_cell(ws, row, 5, i.weight, &s.amount_in)?;
        decimal_cell(ws, row, 6, i.declared_score, &s.amount_in)?;
        put(ws, row, 7, &i.analysis, &s.input)?;
    }
    row += 1;
    ws.merge_range(row, 0, row, 5, "总分", &s.label)?;
    decimal_cell(ws, row, 6, e.declared_total, &s.amount_in)?;
    ws.write_blank(row, 7, &s.fixed)?;
    row += 2;
    ws.merge_range(row, 0, row, 1, "偏差原因、改进措施及结果应用", &s.label)?;
    put_merged(ws, (row, 2, row, 7), &e.analysis, &s.input)?;
    ws.set_row_height(row, 60)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    protect(ws);
    Ok(())
}

/// One funding row of a budget block: 年初预算数 (fixed), the budget and the executed amount
/// (entered), then the document's own extra columns after 执行率.
struct BudgetLine<'a> {
    name: &'a str,
    amounts: [Option<Money>; 3],
    extra: Vec<Extra>,
}

/// An extra cell of a budget row.
enum Extra {
    /// An entered amount.
    Amount(Option<Money>),
    /// An empty cell (filled on the 合计 row only).
    Blank,
}

/// Writes a budget block with its header row at `top`: 资金来源 (columns A–B), the three amounts
/// (C–E), 执行率 as a formula (F), then the extra columns. Returns the 合计 row, whose C–F
/// hold formulas and whose extra cells the caller fills.
fn budget_block(
    ws: &mut Worksheet,
    s: &Styles,
    top: u32,
    amount_headers: [&str; 3],
    extra_headers: &[&str],
    lines: &[BudgetLine],
) -> Result<u32, XlsxError> {
    ws.merge_range(top, 0, top, 1, "资金来源", &s.label)?;
    let headers = amount_headers
        .iter()
        .copied()
        .chain(["执行率"])
        .chain(extra_headers.iter().copied());
    for (c, h) in headers.enumerate() {
        ws.write_string_with_format(top, 2 + c as u16, h, &s.label)?;
    }
    let rate = |ws: &mut Worksheet, row: u32| {
        let (d, e) = (cell(row, 3), cell(row, 4));
        let f = format!("=IF(N({d})=0,\"\",N({e})/{d})");
        ws.write_formula_with_format(row, 5, &*f, &s.percent)
            .map(|_| ())
    };
    let mut row = top;
    for line in lines {
        row += 1;
        put_merged(ws, (row, 0, row, 1), line.name, &s.fixed)?;
        let [initial, budget, executed] = line.amounts;
        money_cell(ws, row, 2, initial, &s.amount)?;
        money_cell(ws, row, 3, budget, &s.amount_in)?;
        money_cell(ws, row, 4, executed, &s.amount_in)?;
        rate(ws, row)?;
        for (k, extra) in line.extra.iter().enumerate() {
            let col = 6 + k as u16;
            match extra {
                Extra::Amount(v) => money_cell(ws, row, col, *v, &s.amount_in)?,
                Extra::Blank => {
                    ws.write_blank(row, col, &s.fixed)?;
                }
            }
        }
    }
    row += 1;
    ws.merge_range(row, 0, row, 1, "合计", &s.label)?;
    for c in [2u16, 3, 4] {
        let f = format!("=SUM({}:{})", cell(top + 1, c), cell(row - 1, c));
        ws.write_formula_with_format(row, c, &*f, &s.amount)?;
    }
    rate(ws, row)?;
    Ok(row)
}

/// An A1 reference (`D5`) of a zero-based row and column.
fn cell(row: u32, col: u16) -> String {
    crate::xlsx::cell_ref(row, col)
}
