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
    let mut by_level1: Vec<(String, usize)> = Vec::new();
    let mut by_class: Vec<(String, usize)> = Vec::new();
    let bump = |v: &mut Vec<(String, usize)>, k: &str| match v.iter_mut().find(|(n, _)| n == k) {
        Some((_, c)) => *c += 1,
        None => v.push((k.to_string(), 1)),
    };
    for r in &form.indicators.annual.rows {
        bump(&mut by_level1, &r.level1);
        bump(
            &mut by_class,
            r.class
                .as_deref()
                .filter(|c| !c.is_empty())
                .unwrap_or("未填"),
        );
    }
    let (mut errors, mut warnings, mut template_problem) = (0, 0, None);
    match registry
        .get(&form.template.id, Some(form.template.version))
        .or_else(|_| registry.get(&form.template.id, None))
    {
        Ok(t) => {
            for f in validate(form, t) {
                match f.severity {
                    Severity::Error => errors += 1,
                    Severity::Warning => warnings += 1,
                    Severity::Info => {}
                }
            }
        }
        Err(e) => template_problem = Some(e.to_string()),
    }
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
        errors,
        warnings,
        template_problem,
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

fn write_sheet(
    ws: &mut Worksheet,
    figs: &[(&str, Result<UnitFigures, &str>)],
    cols: &Cols,
) -> Result<(), XlsxError> {
    ws.set_name(SUMMARY_SHEET)?;
    let base = Format::new()
        .set_font_name("宋体")
        .set_font_size(10)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    let head = base
        .clone()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let text = base.clone().set_text_wrap().set_num_format("@");
    let quoted = text.clone().set_quote_prefix();
    let amount = base.clone().set_num_format("0.00");
    let pct = base.clone().set_num_format("0.00%");
    let int = base.clone().set_num_format("0");
    let title = Format::new()
        .set_font_name("宋体")
        .set_font_size(16)
        .set_bold()
        .set_align(FormatAlign::Center);

    // Column plan: (group, header, kind).
    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        Text,
        Amount,
        Share(u16),
        Count,
    }
    let mut plan: Vec<(&str, String, Kind)> = vec![
        ("基本信息", "序号".into(), Kind::Count),
        ("基本信息", "单位名称".into(), Kind::Text),
        ("基本信息", "预算年度".into(), Kind::Count),
        ("基本信息", "文件".into(), Kind::Text),
    ];
    for n in &cols.income {
        plan.push(("收入（当年，万元）", n.clone(), Kind::Amount));
    }
    plan.push(("收入（当年，万元）", "收入合计".into(), Kind::Amount));
    for n in &cols.expenditure {
        plan.push(("支出（当年，万元）", n.clone(), Kind::Amount));
        let amount_col = plan.len() as u16 - 1;
        plan.push((
            "支出（当年，万元）",
            format!("{n}占比"),
            Kind::Share(amount_col),
        ));
    }
    plan.push(("支出（当年，万元）", "支出合计".into(), Kind::Amount));
    plan.push(("指标数量", "长期指标".into(), Kind::Count));
    plan.push(("指标数量", "年度指标".into(), Kind::Count));
    for n in &cols.level1 {
        plan.push(("年度指标（按一级指标）", n.clone(), Kind::Count));
    }
    for n in &cols.classes {
        plan.push(("年度指标（按分类）", n.clone(), Kind::Count));
    }
    plan.push(("校验", "错误".into(), Kind::Count));
    plan.push(("校验", "警告".into(), Kind::Count));
    plan.push(("校验", "状态".into(), Kind::Text));
    let last_col = plan.len() as u16 - 1;

    ws.merge_range(0, 0, 0, last_col, "部门整体绩效目标汇总表", &title)?;
    ws.set_row_height(0, 30)?;
    // Group header row (merged runs) and column header row.
    let mut c = 0usize;
    while c < plan.len() {
        let mut e = c;
        while e + 1 < plan.len() && plan[e + 1].0 == plan[c].0 {
            e += 1;
        }
        if e > c {
            ws.merge_range(1, c as u16, 1, e as u16, plan[c].0, &head)?;
        } else {
            ws.write_string_with_format(1, c as u16, plan[c].0, &head)?;
        }
        c = e + 1;
    }
    for (i, (_, h, _)) in plan.iter().enumerate() {
        ws.write_string_with_format(2, i as u16, h, &head)?;
        let w = match plan[i].2 {
            Kind::Text if i == 1 => 24.0,
            Kind::Text => 16.0,
            _ => 10.0,
        };
        ws.set_column_width(i as u16, w)?;
    }
    ws.set_row_height(2, 42)?;
    let first_data = 3u32;
    let exp_total = plan.iter().position(|p| p.1 == "支出合计").unwrap_or(0) as u16;

    for (i, (source, fig)) in figs.iter().enumerate() {
        let r = first_data + i as u32;
        // Formula-like text keeps Excel's quote prefix, so it stays text even when edited.
        let fmt_for = |s: &str| {
            if crate::xlsx::formula_like(s) {
                quoted.clone()
            } else {
                text.clone()
            }
        };
        for (col, (_, header, kind)) in plan.iter().enumerate() {
            let col = col as u16;
            let value: Option<f64> = match (fig, header.as_str()) {
                (_, "序号") => Some((i + 1) as f64),
                (Ok(f), "预算年度") => Some(f.fiscal_year as f64),
                (Ok(f), "收入合计") => f64_of(f.income_total),
                (Ok(f), "支出合计") => f64_of(f.expenditure_total),
                (Ok(f), "长期指标") => Some(f.long_term_count as f64),
                (Ok(f), "年度指标") => Some(f.annual_count as f64),
                (Ok(f), "错误") if f.template_problem.is_none() => Some(f.errors as f64),
                (Ok(f), "警告") if f.template_problem.is_none() => Some(f.warnings as f64),
                (Ok(f), _) => match plan[col as usize].0 {
                    "收入（当年，万元）" => f
                        .income
                        .iter()
                        .find(|(n, _)| n == header)
                        .and_then(|(_, m)| f64_of(*m)),
                    "支出（当年，万元）" => f
                        .expenditure
                        .iter()
                        .find(|(n, _)| n == header)
                        .and_then(|(_, m)| f64_of(*m)),
                    "年度指标（按一级指标）" => Some(
                        f.by_level1
                            .iter()
                            .find(|(n, _)| n == header)
                            .map(|(_, c)| *c)
                            .unwrap_or(0) as f64,
                    ),
                    "年度指标（按分类）" => Some(
                        f.by_class
                            .iter()
                            .find(|(n, _)| n == header)
                            .map(|(_, c)| *c)
                            .unwrap_or(0) as f64,
                    ),
                    _ => None,
                },
                (Err(_), _) => None,
            };
            match (kind, header.as_str()) {
                (Kind::Text, "单位名称") => {
                    let name = fig
                        .as_ref()
                        .map(|f| f.unit_name.clone())
                        .unwrap_or_default();
                    ws.write_string_with_format(r, col, &name, &fmt_for(&name))?;
                }
                (Kind::Text, "文件") => {
                    ws.write_string_with_format(r, col, *source, &fmt_for(source))?;
                }
                (Kind::Text, _) => {
                    let status = match fig {
                        Err(e) => format!("无法读取：{e}"),
                        Ok(f) => match &f.template_problem {
                            Some(p) => format!("未校验：{p}"),
                            None if f.errors > 0 => "有错误".to_string(),
                            None if f.warnings > 0 => "有警告".to_string(),
                            None => "通过".to_string(),
                        },
                    };
                    ws.write_string_with_format(r, col, status, &text)?;
                }
                (Kind::Share(amount_col), _) => {
                    let a = rust_xlsxwriter::utility::row_col_to_cell(r, *amount_col);
                    let t = rust_xlsxwriter::utility::row_col_to_cell(r, exp_total);
                    let cached = match (
                        value_at(fig, &cols.expenditure, header),
                        fig.as_ref().ok().and_then(|f| f.expenditure_total),
                    ) {
                        (Some(a), Some(t)) if !t.value().is_zero() => ratio(a.value(), t.value()),
                        _ => " ".to_string(),
                    };
                    let f =
                        Formula::new(format!("=IF(N({t})=0,\"\",N({a})/{t})")).set_result(cached);
                    ws.write_formula_with_format(r, col, f, &pct)?;
                }
                (Kind::Amount, _) => {
                    match value {
                        Some(v) => ws.write_number_with_format(r, col, v, &amount)?,
                        None => ws.write_blank(r, col, &amount)?,
                    };
                }
                (Kind::Count, _) => {
                    match value {
                        Some(v) => ws.write_number_with_format(r, col, v, &int)?,
                        None => ws.write_blank(r, col, &int)?,
                    };
                }
            }
        }
    }

    // Totals row: SUM over the units for amounts and counts, shares of the summed amounts.
    let tr = first_data + figs.len() as u32;
    let last_data = tr.saturating_sub(1);
    for (col, (_, header, kind)) in plan.iter().enumerate() {
        let col = col as u16;
        let range = format!(
            "{}:{}",
            rust_xlsxwriter::utility::row_col_to_cell(first_data, col),
            rust_xlsxwriter::utility::row_col_to_cell(last_data, col)
        );
        match kind {
            _ if header == "单位名称" => {
                ws.write_string_with_format(
                    tr,
                    col,
                    format!(
                        "合计（{} 个单位）",
                        figs.iter().filter(|f| f.1.is_ok()).count()
                    ),
                    &head,
                )?;
            }
            Kind::Text | Kind::Count if col < 4 => {
                ws.write_blank(tr, col, &head)?;
            }
            Kind::Text => {
                let failed = figs.iter().filter(|f| f.1.is_err()).count();
                ws.write_string_with_format(tr, col, format!("无法读取 {failed} 个"), &head)?;
            }
            Kind::Share(amount_col) => {
                let a = rust_xlsxwriter::utility::row_col_to_cell(tr, *amount_col);
                let t = rust_xlsxwriter::utility::row_col_to_cell(tr, exp_total);
                let cached = column_sum(figs, |f| value_at_fig(f, &cols.expenditure, header));
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
                    &pct,
                )?;
            }
            Kind::Amount | Kind::Count => {
                let cached = total_cached(figs, plan[col as usize].0, header);
                let fmt = if *kind == Kind::Amount { &amount } else { &int };
                if figs.is_empty() {
                    ws.write_number_with_format(tr, col, 0, fmt)?;
                } else {
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
            "收入（当年，万元）" => money(&|f| {
                f.income
                    .iter()
                    .find(|(n, _)| n == header)
                    .and_then(|(_, m)| *m)
            }),
            "支出（当年，万元）" => money(&|f| {
                f.expenditure
                    .iter()
                    .find(|(n, _)| n == header)
                    .and_then(|(_, m)| *m)
            }),
            "年度指标（按一级指标）" => count(&|f| {
                f.by_level1
                    .iter()
                    .find(|(n, _)| n == header)
                    .map(|(_, c)| *c)
            }),
            "年度指标（按分类）" => count(&|f| {
                f.by_class
                    .iter()
                    .find(|(n, _)| n == header)
                    .map(|(_, c)| *c)
            }),
            _ => "0".to_string(),
        },
    }
}
