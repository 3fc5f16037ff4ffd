//! A standalone, printable HTML page of the form: inline CSS, no external resources, A4 print
//! CSS. Rendered by minijinja with auto-escaping from a typed view, so user text never becomes
//! markup. The public copy leaves out the filler's name and the phone number.

use jixiao_domain::form::{FundingAmounts, FundingBlock, IndicatorTable};
use jixiao_domain::{Form, Money, TableKind, TargetValue};
use serde::Serialize;

use crate::export::ExportError;

const TEMPLATE: &str = include_str!("../templates/form.html");

/// Options of the HTML export.
#[derive(Debug, Clone, Copy, Default)]
pub struct HtmlOptions {
    /// Include the filler's name and the phone number (left out by default: public copy).
    pub private: bool,
}

#[derive(Serialize)]
struct View {
    title: String,
    fiscal_year: u16,
    fill_date: String,
    amount_unit: String,
    unit_name: String,
    filler: String,
    phone: String,
    last_year: u16,
    year_before: u16,
    funding_rows: usize,
    blocks: Vec<BlockView>,
    paragraphs: Vec<ParagraphsView>,
    projects: Vec<ProjectView>,
    long_term_label: String,
    long_term_goals: Vec<String>,
    annual_goals: Vec<String>,
    tables: Vec<TableView>,
}

#[derive(Serialize)]
struct BlockView {
    label: &'static str,
    rows: Vec<AmountView>,
}

#[derive(Serialize)]
struct AmountView {
    name: String,
    current: String,
    share: String,
    last_year: String,
    year_before: String,
}

#[derive(Serialize)]
struct ParagraphsView {
    label: &'static str,
    items: Vec<String>,
}

#[derive(Serialize)]
struct ProjectView {
    name: String,
    category: String,
    total_budget: String,
    current_budget: String,
    purpose: String,
}

#[derive(Serialize)]
struct TableView {
    label: &'static str,
    goal_label: String,
    goal: String,
    history: bool,
    rows: Vec<RowView>,
}

#[derive(Serialize)]
struct RowView {
    level1: String,
    /// Rows the level-1 cell spans; 0 when an earlier row's cell covers this one.
    level1_span: usize,
    level2: String,
    level2_span: usize,
    name: String,
    target: String,
    year_before: String,
    last_year: String,
    basis: String,
    class: String,
}

/// An amount with at least two decimals and any further ones it has (`1.008`).
fn money(m: Option<Money>) -> String {
    m.map(Money::display_min2).unwrap_or_default()
}

fn amounts(name: &str, a: &FundingAmounts, total: Option<Money>) -> AmountView {
    // The share as entered; when none was entered, the computed one.
    let share = a
        .share
        .or_else(|| total.and_then(|t| a.current.and_then(|c| c.share_of(t))));
    AmountView {
        name: name.to_string(),
        current: money(a.current),
        share: share.map(|s| s.display2()).unwrap_or_default(),
        last_year: money(a.last_year),
        year_before: money(a.year_before),
    }
}

fn block(label: &'static str, b: &FundingBlock) -> BlockView {
    let mut rows: Vec<AmountView> = b
        .rows
        .iter()
        .map(|r| amounts(&r.name, &r.amounts, b.total.current))
        .collect();
    rows.push(amounts("合计", &b.total, b.total.current));
    BlockView { label, rows }
}

fn value(v: &Option<TargetValue>) -> String {
    v.as_ref().map(|v| v.to_string()).unwrap_or_default()
}

fn table(kind: TableKind, t: &IndicatorTable, goal_label: String, history: bool) -> TableView {
    let rows = &t.rows;
    let mut out: Vec<RowView> = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let starts_l1 = i == 0 || rows[i - 1].level1 != r.level1;
        let starts_l2 = starts_l1 || rows[i - 1].level2 != r.level2;
        let span = |same: &dyn Fn(usize) -> bool| (i..rows.len()).take_while(|&j| same(j)).count();
        let level1_span = if starts_l1 {
            span(&|j| rows[j].level1 == r.level1)
        } else {
            0
        };
        let level2_span = if starts_l2 {
            span(&|j| rows[j].level1 == r.level1 && rows[j].level2 == r.level2)
        } else {
            0
        };
        out.push(RowView {
            level1: r.level1.clone(),
            level1_span,
            level2: r.level2.clone(),
            level2_span,
            name: r.name.clone(),
            target: value(&r.target),
            year_before: value(&r.year_before),
            last_year: value(&r.last_year),
            basis: r.basis.clone().unwrap_or_default(),
            class: r.class.clone().unwrap_or_default(),
        });
    }
    TableView {
        label: kind.label(),
        goal_label,
        goal: t.goal.clone(),
        history,
        rows: out,
    }
}

fn long_term_label(form: &Form) -> String {
    match form.goals.long_term.deadline_year {
        Some(y) => format!("长期目标（截止 {y} 年）"),
        None => "长期目标".to_string(),
    }
}

fn view(form: &Form, title: &str, history: bool, options: &HtmlOptions) -> View {
    let h = &form.header;
    let blocks = vec![
        block("收入构成", &form.funding.income),
        block("支出构成", &form.funding.expenditure),
    ];
    let funding_rows = 2 + blocks.iter().map(|b| b.rows.len()).sum::<usize>();
    let long_label = long_term_label(form);
    View {
        title: title.to_string(),
        fiscal_year: h.fiscal_year.get(),
        fill_date: h.fill_date.map(|d| d.chinese()).unwrap_or_default(),
        amount_unit: h.amount_unit.clone(),
        unit_name: h.unit_name.clone(),
        filler: if options.private {
            h.filler.clone().unwrap_or_default()
        } else {
            String::new()
        },
        phone: if options.private {
            h.phone.clone().unwrap_or_default()
        } else {
            String::new()
        },
        last_year: form.funding.last_year.get(),
        year_before: form.funding.year_before.get(),
        funding_rows,
        blocks,
        paragraphs: vec![
            ParagraphsView {
                label: "部门职能概述",
                items: form.functions.clone(),
            },
            ParagraphsView {
                label: "年度工作任务",
                items: form.annual_tasks.clone(),
            },
        ],
        projects: form
            .projects
            .iter()
            .map(|p| ProjectView {
                name: p.name.clone(),
                category: p.category.clone(),
                total_budget: money(p.total_budget),
                current_budget: money(p.current_budget),
                purpose: p.purpose.clone(),
            })
            .collect(),
        long_term_label: long_label.clone(),
        long_term_goals: form.goals.long_term.items.clone(),
        annual_goals: form.goals.annual.clone(),
        tables: vec![
            table(
                TableKind::LongTerm,
                &form.indicators.long_term,
                long_label,
                false,
            ),
            table(
                TableKind::Annual,
                &form.indicators.annual,
                "年度目标".to_string(),
                history,
            ),
        ],
    }
}

/// Renders the form as a standalone HTML page. `template` (the form's template) gives the title
/// and whether the annual table has the 前年 / 上年 columns; without it the Hubei layout is used.
pub fn to_html(
    form: &Form,
    template: Option<&jixiao_domain::Template>,
    options: &HtmlOptions,
) -> Result<String, ExportError> {
    let title = template
        .map(|t| t.title.as_str())
        .unwrap_or("部门整体绩效目标申报表");
    let history = template.is_none_or(|t| t.annual_history_columns);
    let mut env = minijinja::Environment::new();
    // The `.html` name turns on HTML auto-escaping for every `{{ }}`.
    env.add_template("form.html", TEMPLATE)
        .map_err(|e| ExportError::Html(e.to_string()))?;
    let tmpl = env
        .get_template("form.html")
        .map_err(|e| ExportError::Html(e.to_string()))?;
    tmpl.render(view(form, title, history, options))
        .map(|s| s + "\n")
        .map_err(|e| ExportError::Html(e.to_string()))
}
