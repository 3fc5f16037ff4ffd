//! A fillable blank workbook for a template: the official layout with empty input cells, a few
//! empty indicator rows under every level-2 node, formulas for totals and shares, and drop-down
//! lists (data validation) for the comparator, unit, basis, class and project category. A unit
//! fills it offline in Excel, WPS or LibreOffice; [`super::read_form`] reads it back.

use crate::printed::PrintedForm;
use jixiao_domain::Privacy;
use jixiao_domain::Template;
use jixiao_domain::form::{
    FiscalYear, Form, Goals, Indicator, IndicatorTable, Indicators, LongTermGoals, Project,
};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, Worksheet, XlsxError,
};

use super::layout::*;
use super::write::{self, Mode, Plan, WriteSpec};
use super::xlsx_error;
use crate::export::ExportError;

/// Options of the blank workbook.
#[derive(Debug, Clone, Copy)]
pub struct BlankOptions {
    /// The budget year the blank is for.
    pub fiscal_year: FiscalYear,
    /// Empty level-3 rows under each level-2 node.
    pub rows_per_node: usize,
    /// How many numbered level-2 nodes (`核心业务产出1…n`) to offer.
    pub numbered_nodes: usize,
    /// Empty rows for functions, annual tasks, projects and goals.
    pub text_rows: usize,
}

impl BlankOptions {
    /// Defaults for a budget year: 3 rows per node, 3 numbered nodes, 5 text rows.
    pub fn for_year(fiscal_year: FiscalYear) -> Self {
        BlankOptions {
            fiscal_year,
            rows_per_node: 3,
            numbered_nodes: 3,
            text_rows: 5,
        }
    }
}

/// An empty form shaped by the template.
fn blank_form(t: &Template, o: &BlankOptions) -> Form {
    let empty = |n: usize| vec![String::new(); n.max(1)];
    let per_node = o.rows_per_node.clamp(1, 50);
    let mut rows = Vec::new();
    for l1 in &t.indicator_frame {
        for l2 in &l1.children {
            let names: Vec<String> = if l2.numbered {
                (1..=o.numbered_nodes.clamp(1, 20))
                    .map(|i| format!("{}{i}", l2.name))
                    .collect()
            } else {
                vec![l2.name.clone()]
            };
            for name in names {
                for _ in 0..per_node {
                    rows.push(Indicator {
                        level1: l1.name.clone(),
                        level2: name.clone(),
                        class: l1.usual_class.clone(),
                        ..Default::default()
                    });
                }
            }
        }
    }
    let mut form = jixiao_domain::rollover::blank_form(t, o.fiscal_year, "");
    form.functions = empty(o.text_rows);
    form.annual_tasks = empty(o.text_rows);
    form.projects = (0..o.text_rows.max(1))
        .map(|_| Project {
            name: String::new(),
            category: String::new(),
            total_budget: None,
            current_budget: None,
            purpose: String::new(),
        })
        .collect();
    form.goals = Goals {
        long_term: LongTermGoals {
            deadline_year: Some(o.fiscal_year),
            items: empty(o.text_rows),
        },
        annual: empty(o.text_rows),
    };
    form.indicators = Indicators {
        long_term: IndicatorTable {
            goal: String::new(),
            rows: rows.clone(),
        },
        annual: IndicatorTable {
            goal: String::new(),
            rows,
        },
    };
    form
}

/// Writes the blank workbook for a template.
pub fn write_blank(template: &Template, options: &BlankOptions) -> Result<Vec<u8>, ExportError> {
    let form = blank_form(template, options);
    let layout = PrintedForm::new(&form, Some(template), Privacy::Private);
    let spec = WriteSpec {
        mode: Mode::Blank,
        layout: &layout,
    };
    let mut wb = super::new_workbook();
    let plan = write::write_workbook(&mut wb, &form, &spec).map_err(xlsx_error)?;
    let ws = wb.worksheet_from_name(SHEET).map_err(xlsx_error)?;
    validations(ws, template, &plan).map_err(xlsx_error)?;
    wb.save_to_buffer().map_err(xlsx_error)
}

/// A drop-down list; `strict` refuses other values, otherwise other values are allowed after a note.
fn list(
    items: &[String],
    title: &str,
    prompt: &str,
    strict: bool,
) -> Result<DataValidation, XlsxError> {
    let refs: Vec<&str> = items.iter().map(String::as_str).collect();
    let style = if strict {
        DataValidationErrorStyle::Stop
    } else {
        DataValidationErrorStyle::Information
    };
    Ok(DataValidation::new()
        .allow_list_strings(&refs)?
        .set_input_title(title)?
        .set_input_message(prompt)?
        .set_error_title(title)?
        .set_error_message(if strict {
            "请从下拉列表中选择。"
        } else {
            "该值不在常用列表中，如确需使用请确认。"
        })?
        .set_error_style(style)
        .ignore_blank(true))
}

fn validations(ws: &mut Worksheet, t: &Template, plan: &Plan) -> Result<(), XlsxError> {
    let d = &t.dictionaries;
    let (r, c) = plan.fill_date_cell;
    let date = DataValidation::new()
        .allow_any_value()
        .set_input_title("填报日期")?
        .set_input_message("填写日期，如 2025-11-17 或 2025 年 11 月 17 日")?;
    ws.add_data_validation(r, c, r, c, &date)?;
    let amount = DataValidation::new()
        .allow_decimal_number(DataValidationRule::Between(-1e11, 1e11))
        .set_input_message("金额（万元），填数字，如 1679.6")?
        .set_error_title("金额")?
        .set_error_message("请填写数字金额（万元）。")?;
    for &(r, c) in &plan.amount_cells {
        ws.add_data_validation(r, c, r, c, &amount)?;
    }
    if let Some((r1, r2)) = plan.project_rows {
        let cats: Vec<String> = t
            .project_categories
            .iter()
            .map(|c| c.name.clone())
            .collect();
        ws.add_data_validation(
            r1,
            COL_E,
            r2,
            COL_E,
            &list(&cats, "支出项目类别", "请选择项目类别", true)?,
        )?;
        let money = DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(-1e11, 1e11))
            .set_error_message("请填写数字金额（万元）。")?;
        ws.add_data_validation(r1, COL_F, r2, COL_G, &money)?;
    }
    let comparator = list(
        &d.comparators,
        "符号",
        "定量指标选择比较符号（≥ > = ≤ <）；定性指标留空",
        true,
    )?;
    let units = list(
        &d.units,
        "单位",
        "计量单位，如 %、项、家；定性指标留空",
        false,
    )?;
    let basis = list(&d.basis, "指标值确定依据", "请选择指标值确定依据", true)?;
    let class = list(&d.class, "指标分类", "请选择指标分类", true)?;
    let value = DataValidation::new()
        .allow_any_value()
        .set_input_title("数值或定性值")?
        .set_input_message("定量指标填数字（如 95），定性指标填文字（如 健全、是）")?;
    for &(r1, r2) in &plan.indicator_rows {
        ws.add_data_validation(r1, COL_G, r2, COL_G, &comparator)?;
        ws.add_data_validation(r1, COL_H, r2, COL_H, &value)?;
        ws.add_data_validation(r1, COL_I, r2, COL_I, &units)?;
        ws.add_data_validation(r1, COL_J, r2, COL_J, &basis)?;
        ws.add_data_validation(r1, COL_K, r2, COL_K, &class)?;
    }
    Ok(())
}
