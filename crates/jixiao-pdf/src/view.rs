//! The form as the template sees it: every value already formatted as printed text, and the
//! row spans of the merged cells already counted. The typst template only places strings; it
//! never computes, so the numbers on paper are the ones jixiao's domain code produces.

use jixiao_domain::form::{FundingAmounts, FundingBlock, IndicatorTable};
use jixiao_domain::target::TargetValue;
use jixiao_domain::{Form, Money, Percent};
use serde::Serialize;

/// The whole printed form.
#[derive(Debug, Serialize)]
pub(crate) struct View {
    /// Font families, preferred first (a run-time font directory's, then the embedded one).
    pub fonts: Vec<String>,
    /// The fill date as printed (`2025 年 11 月 17 日`), empty when unknown.
    pub fill_date: String,
    /// The unit of amounts (`万元`).
    pub amount_unit: String,
    /// 部门（单位）名称.
    pub unit_name: String,
    /// 填报人 and 联系电话; `None` on public copies (the row is left out).
    pub contact: Option<Contact>,
    /// 部门总体资金情况.
    pub funding: FundingView,
    /// 部门职能概述, numbered (`1、…`).
    pub functions: Vec<String>,
    /// 年度工作任务, numbered.
    pub annual_tasks: Vec<String>,
    /// 项目支出情况.
    pub projects: Vec<ProjectView>,
    /// `长期目标（截止 2026 年）` or `长期目标` when no deadline year was given.
    pub long_term_label: String,
    /// 长期目标 items, numbered (`目标 1：…`).
    pub long_term_goals: Vec<String>,
    /// 年度目标 items, numbered.
    pub annual_goals: Vec<String>,
    /// The long-term indicator table.
    pub long_term: TableView,
    /// The annual indicator table.
    pub annual: TableView,
}

/// Personal data of the header, only on internal copies.
#[derive(Debug, Serialize)]
pub(crate) struct Contact {
    pub filler: String,
    pub phone: String,
}

/// The funding table.
#[derive(Debug, Serialize)]
pub(crate) struct FundingView {
    /// Label of the 上年 column (`2025 年`).
    pub last_year: String,
    /// Label of the 前年 column (`2024 年`).
    pub year_before: String,
    /// 收入构成 rows, the 合计 row last.
    pub income: Vec<FundingRowView>,
    /// 支出构成 rows, the 合计 row last.
    pub expenditure: Vec<FundingRowView>,
}

/// One printed funding row.
#[derive(Debug, Serialize)]
pub(crate) struct FundingRowView {
    pub name: String,
    pub current: String,
    pub share: String,
    pub last_year: String,
    pub year_before: String,
}

/// One printed project row.
#[derive(Debug, Serialize)]
pub(crate) struct ProjectView {
    pub name: String,
    pub category: String,
    pub total_budget: String,
    pub current_budget: String,
    pub purpose: String,
}

/// An indicator table with its goal text.
#[derive(Debug, Serialize)]
pub(crate) struct TableView {
    /// The goal paragraph printed above the table.
    pub goal: String,
    /// The level-3 rows.
    pub rows: Vec<IndicatorRowView>,
}

/// A merged cell that starts on this row and spans `span` rows.
#[derive(Debug, Serialize)]
pub(crate) struct Spanned {
    pub text: String,
    pub span: usize,
}

/// One printed level-3 row. `level1`/`level2` are present only on the first row of their
/// merged cell.
#[derive(Debug, Serialize)]
pub(crate) struct IndicatorRowView {
    pub level1: Option<Spanned>,
    pub level2: Option<Spanned>,
    pub name: String,
    pub target: String,
    pub year_before: String,
    pub last_year: String,
    pub basis: String,
    pub class: String,
}

impl View {
    /// Builds the printed view. `public` leaves out the filler and the phone number.
    pub(crate) fn new(form: &Form, public: bool, fonts: Vec<String>) -> View {
        let header = &form.header;
        let contact = (!public).then(|| Contact {
            filler: header.filler.clone().unwrap_or_default(),
            phone: header.phone.clone().unwrap_or_default(),
        });
        let goals = &form.goals;
        let long_term_label = match goals.long_term.deadline_year {
            Some(y) => format!("长期目标（截止 {y} 年）"),
            None => "长期目标".to_string(),
        };
        View {
            fonts,
            fill_date: header.fill_date.map(|d| d.chinese()).unwrap_or_default(),
            amount_unit: header.amount_unit.clone(),
            unit_name: header.unit_name.clone(),
            contact,
            funding: FundingView {
                last_year: format!("{} 年", form.funding.last_year),
                year_before: format!("{} 年", form.funding.year_before),
                income: funding_rows(&form.funding.income),
                expenditure: funding_rows(&form.funding.expenditure),
            },
            functions: numbered(&form.functions, |i| format!("{i}、")),
            annual_tasks: numbered(&form.annual_tasks, |i| format!("{i}、")),
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
            long_term_label,
            long_term_goals: numbered(&goals.long_term.items, |i| format!("目标 {i}：")),
            annual_goals: numbered(&goals.annual, |i| format!("目标 {i}：")),
            long_term: table(&form.indicators.long_term),
            annual: table(&form.indicators.annual),
        }
    }
}

/// Prefixes each paragraph with its number, dropping empty ones.
fn numbered(items: &[String], prefix: impl Fn(usize) -> String) -> Vec<String> {
    items
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .enumerate()
        .map(|(i, s)| format!("{}{s}", prefix(i + 1)))
        .collect()
}

/// An amount with at least two decimals (and any further ones it has, as the published form
/// prints `1.008`), empty when not entered.
fn money(m: Option<Money>) -> String {
    m.map(Money::display_min2).unwrap_or_default()
}

/// A share with two decimals: as entered, else computed from the block total.
fn share(amounts: &FundingAmounts, total: Option<Money>) -> String {
    amounts
        .share
        .or_else(|| amounts.current?.share_of(total?))
        .map(Percent::display2)
        .unwrap_or_default()
}

/// The block's rows then its 合计 row. The total used for computed shares is the entered 合计,
/// or the sum of the rows when the 合计 was left empty.
fn funding_rows(block: &FundingBlock) -> Vec<FundingRowView> {
    let total = block.total.current.or_else(|| {
        let amounts: Vec<Money> = block
            .rows
            .iter()
            .filter_map(|r| r.amounts.current)
            .collect();
        (!amounts.is_empty()).then(|| jixiao_domain::money::sum(&amounts))
    });
    let row = |name: &str, a: &FundingAmounts| FundingRowView {
        name: name.to_string(),
        current: money(a.current),
        share: share(a, total),
        last_year: money(a.last_year),
        year_before: money(a.year_before),
    };
    let mut rows: Vec<FundingRowView> = block
        .rows
        .iter()
        .map(|r| row(&r.name, &r.amounts))
        .collect();
    let mut total_row = row("合计", &block.total);
    if total_row.current.is_empty()
        && let Some(t) = total
    {
        total_row.current = t.display_min2();
        total_row.share = share(
            &FundingAmounts {
                current: Some(t),
                ..Default::default()
            },
            total,
        );
    }
    rows.push(total_row);
    rows
}

fn target(t: &Option<TargetValue>) -> String {
    t.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// The rows with level-1 cells merged over consecutive rows of the same level-1 node, and
/// level-2 cells merged over consecutive rows of the same level-2 node within it.
fn table(t: &IndicatorTable) -> TableView {
    let rows = &t.rows;
    let mut out = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let starts_l1 = i == 0 || rows[i - 1].level1 != r.level1;
        let starts_l2 = starts_l1 || rows[i - 1].level2 != r.level2;
        let level1 = starts_l1.then(|| Spanned {
            text: r.level1.clone(),
            span: rows[i..]
                .iter()
                .take_while(|x| x.level1 == r.level1)
                .count(),
        });
        let level2 = starts_l2.then(|| Spanned {
            text: r.level2.clone(),
            span: rows[i..]
                .iter()
                .take_while(|x| x.level1 == r.level1 && x.level2 == r.level2)
                .count(),
        });
        out.push(IndicatorRowView {
            level1,
            level2,
            name: r.name.clone(),
            target: target(&r.target),
            year_before: target(&r.year_before),
            last_year: target(&r.last_year),
            basis: r.basis.clone().unwrap_or_default(),
            class: r.class.clone().unwrap_or_default(),
        });
    }
    TableView {
        goal: t.goal.clone(),
        rows: out,
    }
}

/// Makes every string printable as it reads: line ends become `\n` (a line break), a tab a
/// space; other control characters, the byte-order mark and bidirectional overrides (which
/// could make printed text read differently from the stored text) are dropped.
pub(crate) fn clean_strings(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) if s.chars().any(needs_cleaning) => *s = clean(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(clean_strings),
        serde_json::Value::Object(map) => map.values_mut().for_each(clean_strings),
        _ => {}
    }
}

fn needs_cleaning(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

fn clean(s: &str) -> String {
    s.replace("\r\n", "\n")
        .chars()
        .filter_map(|c| match c {
            '\r' => Some('\n'),
            '\t' => Some(' '),
            c if needs_cleaning(c) => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> Form {
        let text = include_str!("../../../fixtures/seed/seed.form.json");
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn spans_cover_every_row_exactly_once() {
        let view = View::new(&seed(), false, vec![]);
        for table in [&view.long_term, &view.annual] {
            let l1: usize = table
                .rows
                .iter()
                .filter_map(|r| r.level1.as_ref())
                .map(|s| s.span)
                .sum();
            let l2: usize = table
                .rows
                .iter()
                .filter_map(|r| r.level2.as_ref())
                .map(|s| s.span)
                .sum();
            assert_eq!(l1, table.rows.len());
            assert_eq!(l2, table.rows.len());
        }
        let first = view.long_term.rows[0].level1.as_ref().unwrap();
        assert_eq!((first.text.as_str(), first.span), ("运行成本", 4));
    }

    #[test]
    fn shares_have_two_decimals_and_are_computed_when_missing() {
        let mut form = seed();
        let view = View::new(&form, false, vec![]);
        assert_eq!(view.funding.expenditure[1].share, "4.90%");
        assert_eq!(view.funding.expenditure[3].current, "1679.60");
        for row in &mut form.funding.expenditure.rows {
            row.amounts.share = None;
        }
        form.funding.expenditure.total = FundingAmounts::default();
        let view = View::new(&form, false, vec![]);
        assert_eq!(view.funding.expenditure[0].share, "50.39%");
        assert_eq!(view.funding.expenditure[3].current, "1679.60");
        assert_eq!(view.funding.expenditure[3].share, "100.00%");
    }

    #[test]
    fn strings_are_cleaned_of_controls_and_bidi_overrides() {
        let mut v = serde_json::json!({"a": ["x\r\ny\tz\u{0}\u{202e}w\u{feff}", 1], "b": "正常"});
        clean_strings(&mut v);
        assert_eq!(v, serde_json::json!({"a": ["x\ny zw", 1], "b": "正常"}));
    }

    #[test]
    fn public_copy_has_no_contact_and_paragraphs_are_numbered() {
        let view = View::new(&seed(), true, vec![]);
        assert!(view.contact.is_none());
        assert!(view.functions[0].starts_with("1、"));
        assert!(view.long_term_goals[1].starts_with("目标 2："));
        assert_eq!(view.long_term_label, "长期目标（截止 2026 年）");
        assert_eq!(view.projects[0].total_budget, "1.008");
    }
}
