//! The printed form, laid out once.
//!
//! [`PrintedForm::new`] turns a [`Form`] (with its template and a [`Privacy`] setting) into
//! everything a printed copy shows: the sections in the official order, every cell's text as
//! printed, the merged level-1/level-2 cells with their row spans, the fixed Chinese labels, the
//! funding totals and shares derived through the domain's arithmetic
//! ([`jixiao_domain::compute::funding_figures`]), and the personal data the copy may carry.
//! The HTML page, the PDF (through typst, fed this layout as JSON data), the XLSX workbook and
//! the web editor's read-only parts only *draw* it, each in its own geometry; none of them
//! formats an amount, computes a share or decides what personal data to show.
//!
//! The rules (`docs/export.md`, "One layout for every printed copy"):
//! - an amount is shown as stored, with at least two decimals and never rounded (`1.008`);
//! - a 合计 the form left empty is the sum of its rows (`ColumnFigures::total`);
//! - a share the form left empty is the amount ÷ the 合计 as printed, to two decimals; the 合计
//!   row's is 100.00% (DOMAIN.md §3); an entered share or total is shown as entered, and the
//!   layout says whether it agrees with the computed one (the XLSX writes a live formula then);
//! - paragraphs are numbered by their position (`1、`, `目标1：`), so a printed number matches the
//!   JSON Pointer of a finding or a comment;
//! - a public copy has no 填报人 and no 联系电话 (and no row for them where a renderer can drop it).

pub mod labels;
pub mod lifecycle;

use jixiao_domain::compute::{Column, funding_figures};
use jixiao_domain::form::{FundingAmounts, FundingBlock, IndicatorTable};
use jixiao_domain::{Form, Money, Percent, Privacy, TableKind, TargetValue, Template};
use serde::Serialize;

/// Where a printed figure comes from; the XLSX writer turns this into a formula or a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// As the form holds it, and not derived from other cells (an amount of a row), or empty.
    Entered,
    /// Entered, and equal to what the domain computes from the other cells.
    EnteredAgrees,
    /// Entered, but not what the domain computes (shown as entered, so the discrepancy stays
    /// visible and the validator can report it).
    EnteredDiffers,
    /// Left empty by the form; computed.
    Computed,
}

impl Source {
    fn of<T: PartialEq>(entered: Option<T>, computed: Option<T>) -> Source {
        match entered {
            None => Source::Computed,
            Some(e) if Some(&e) == computed.as_ref() => Source::EnteredAgrees,
            Some(_) => Source::EnteredDiffers,
        }
    }
}

/// A printed amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Amount {
    /// The value printed (entered, or computed for a 合计 left empty).
    pub value: Option<Money>,
    /// As printed: at least two decimals and every further one stored (`1.008`); empty when none.
    pub text: String,
    /// Where the value comes from.
    pub source: Source,
}

impl Amount {
    /// An amount as entered.
    pub fn entered(value: Option<Money>) -> Amount {
        Amount {
            value,
            text: value.map(Money::display_min2).unwrap_or_default(),
            source: Source::Entered,
        }
    }
}

/// A printed share (占比).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Share {
    /// The share printed (entered, or computed when left empty).
    pub value: Option<Percent>,
    /// As printed, two decimals (`50.39%`); empty when none.
    pub text: String,
    /// Where the value comes from.
    pub source: Source,
}

/// Personal data of the header: only on private copies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    /// 填报人.
    pub filler: String,
    /// 联系电话 (as the form holds it; the server masks it before for viewers outside the unit).
    pub phone: String,
}

/// Title and header rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Header {
    /// The template's title (`部门整体绩效目标申报表`).
    pub title: String,
    /// The budget year.
    pub fiscal_year: u16,
    /// 填报日期 as printed (`2025 年 11 月 17 日`), empty when unknown.
    pub fill_date: String,
    /// The unit of amounts (`万元`).
    pub amount_unit: String,
    /// 部门（单位）名称.
    pub unit_name: String,
    /// 填报人 and 联系电话; `None` on a public copy.
    pub contact: Option<Contact>,
}

/// One printed funding row (a fixed row, or the block's 合计 row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundingLine {
    /// The row's name (`财政拨款`, `合计`).
    pub name: String,
    /// Whether this is the 合计 row (its amounts are the sums of the rows above).
    pub is_total: bool,
    /// 当年金额.
    pub current: Amount,
    /// 占比.
    pub share: Share,
    /// 上年 amount.
    pub last_year: Amount,
    /// 前年 amount.
    pub year_before: Amount,
}

/// 收入构成 or 支出构成.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundingBlockLayout {
    /// The JSON key (`income`, `expenditure`).
    pub key: &'static str,
    /// The block's label (`收入构成`).
    pub label: &'static str,
    /// The fixed rows, then the 合计 row (always last).
    pub lines: Vec<FundingLine>,
}

impl FundingBlockLayout {
    /// The 合计 row.
    pub fn total(&self) -> &FundingLine {
        self.lines.last().expect("a block always has its 合计 row")
    }
}

/// 部门总体资金情况.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundingLayout {
    /// Header of the 上年 column (`2025 年`).
    pub last_year_label: String,
    /// Header of the 前年 column (`2024 年`).
    pub year_before_label: String,
    /// Income, then expenditure.
    pub blocks: [FundingBlockLayout; 2],
    /// Rows the section spans: two header rows plus every block line.
    pub rows: usize,
}

/// A numbered paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Paragraph {
    /// The text as stored.
    pub text: String,
    /// As printed, with its number (`1、…`, `目标1：…`).
    pub line: String,
}

/// 部门职能概述 or 年度工作任务.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Paragraphs {
    /// The section label.
    pub label: &'static str,
    /// The paragraphs, numbered `1、`.
    pub items: Vec<Paragraph>,
}

/// One printed project row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectLine {
    /// 项目名称.
    pub name: String,
    /// 支出项目类别.
    pub category: String,
    /// 项目总预算.
    pub total_budget: Amount,
    /// 项目本年度预算.
    pub current_budget: Amount,
    /// 项目主要支出方向和用途.
    pub purpose: String,
}

/// 整体绩效总目标.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Goals {
    /// `长期目标（截止 2026 年）`.
    pub long_term_label: String,
    /// 长期目标 items, numbered `目标1：`.
    pub long_term: Vec<Paragraph>,
    /// 年度目标 items, numbered `目标1：`.
    pub annual: Vec<Paragraph>,
}

/// A merged cell starting on this row and spanning `span` rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Spanned {
    /// The cell's text.
    pub text: String,
    /// Rows it covers, this one included.
    pub span: usize,
}

/// One level-3 indicator row. `level1`/`level2` are present only on the first row of their
/// merged cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorLine {
    /// The level-1 cell, on the first row of its run of equal level-1 nodes.
    pub level1: Option<Spanned>,
    /// The level-2 cell, on the first row of its run within the level-1 run.
    pub level2: Option<Spanned>,
    /// 三级指标.
    pub name: String,
    /// 指标值 / 预期当年实现值.
    pub target: String,
    /// 前年 value.
    pub year_before: String,
    /// 上年 value.
    pub last_year: String,
    /// 指标值确定依据.
    pub basis: String,
    /// 指标分类.
    pub class: String,
}

/// An indicator table with its goal row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorTableLayout {
    /// Which table.
    #[serde(skip)]
    pub kind: TableKind,
    /// The table's JSON key (`long_term`, `annual`).
    pub key: &'static str,
    /// The section label (`长期绩效指标`).
    pub label: &'static str,
    /// The goal row's label (`长期目标（截止 2026 年）`, `年度目标`).
    pub goal_label: String,
    /// The goal text.
    pub goal: String,
    /// Whether the table has the 前年 / 上年 value columns.
    pub history: bool,
    /// The level-3 rows, in stored order.
    pub rows: Vec<IndicatorLine>,
}

/// The whole printed form (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedForm {
    /// Which copy this is.
    pub privacy: Privacy,
    /// Title and header.
    pub header: Header,
    /// 部门总体资金情况.
    pub funding: FundingLayout,
    /// 部门职能概述 and 年度工作任务.
    pub paragraphs: [Paragraphs; 2],
    /// 项目支出情况.
    pub projects: Vec<ProjectLine>,
    /// 整体绩效总目标.
    pub goals: Goals,
    /// The long-term, then the annual indicator table.
    pub tables: [IndicatorTableLayout; 2],
}

impl PrintedForm {
    /// Lays out `form`. `template` (the form's template) gives the title and whether the annual
    /// table has the 前年 / 上年 columns; without it the Hubei layout is used.
    pub fn new(form: &Form, template: Option<&Template>, privacy: Privacy) -> PrintedForm {
        let h = &form.header;
        let contact = privacy.shows_personal_data().then(|| Contact {
            filler: h.filler.clone().unwrap_or_default(),
            phone: h.phone.clone().unwrap_or_default(),
        });
        let long_term_label =
            labels::long_term_label(form.goals.long_term.deadline_year.map(|y| y.get()));
        let history = template.is_none_or(|t| t.annual_history_columns);
        let blocks = funding_blocks(form);
        let rows = 2 + blocks.iter().map(|b| b.lines.len()).sum::<usize>();
        PrintedForm {
            privacy,
            header: Header {
                title: template
                    .map(|t| t.title.clone())
                    .unwrap_or_else(|| labels::DEFAULT_TITLE.to_string()),
                fiscal_year: h.fiscal_year.get(),
                fill_date: h.fill_date.map(|d| d.chinese()).unwrap_or_default(),
                amount_unit: h.amount_unit.clone(),
                unit_name: h.unit_name.clone(),
                contact,
            },
            funding: FundingLayout {
                last_year_label: labels::year_label(form.funding.last_year.get()),
                year_before_label: labels::year_label(form.funding.year_before.get()),
                blocks,
                rows,
            },
            paragraphs: [
                Paragraphs {
                    label: labels::FUNCTIONS,
                    items: numbered(&form.functions, ""),
                },
                Paragraphs {
                    label: labels::TASKS,
                    items: numbered(&form.annual_tasks, ""),
                },
            ],
            projects: form
                .projects
                .iter()
                .map(|p| ProjectLine {
                    name: p.name.clone(),
                    category: p.category.clone(),
                    total_budget: Amount::entered(p.total_budget),
                    current_budget: Amount::entered(p.current_budget),
                    purpose: p.purpose.clone(),
                })
                .collect(),
            goals: Goals {
                long_term_label: long_term_label.clone(),
                long_term: numbered(&form.goals.long_term.items, "目标"),
                annual: numbered(&form.goals.annual, "目标"),
            },
            tables: [
                table(
                    TableKind::LongTerm,
                    &form.indicators.long_term,
                    long_term_label,
                    false,
                ),
                table(
                    TableKind::Annual,
                    &form.indicators.annual,
                    labels::ANNUAL_GOAL.to_string(),
                    history,
                ),
            ],
        }
    }
}

/// Numbers paragraphs by position: `1、…` without a prefix, `目标1：…` with one.
fn numbered(items: &[String], prefix: &str) -> Vec<Paragraph> {
    items
        .iter()
        .enumerate()
        .map(|(i, text)| Paragraph {
            text: text.clone(),
            line: if prefix.is_empty() {
                format!("{}、{text}", i + 1)
            } else {
                format!("{prefix}{}：{text}", i + 1)
            },
        })
        .collect()
}

fn funding_blocks(form: &Form) -> [FundingBlockLayout; 2] {
    let figures = funding_figures(&form.funding);
    let f = &form.funding;
    [
        funding_block("income", labels::INCOME, &f.income, &figures.income.columns),
        funding_block(
            "expenditure",
            labels::EXPENDITURE,
            &f.expenditure,
            &figures.expenditure.columns,
        ),
    ]
}

fn funding_block(
    key: &'static str,
    label: &'static str,
    block: &FundingBlock,
    columns: &[jixiao_domain::compute::ColumnFigures; 3],
) -> FundingBlockLayout {
    // The 合计 of each column as printed: as entered, else the domain's total (the rows' sum).
    let total_amount = |c: Column| {
        let fig = &columns[c as usize];
        let entered = c.of(&block.total);
        let value = entered.or_else(|| fig.total());
        // An empty column sums to 0 (what a spreadsheet's SUM gives).
        let sum = fig.sum.or(Some(Money::ZERO));
        Amount {
            value,
            text: value.map(Money::display_min2).unwrap_or_default(),
            source: Source::of(entered, sum),
        }
    };
    let current_total = total_amount(Column::Current);
    let base = current_total.value;
    let share = |amount: Option<Money>, entered: Option<Percent>| {
        let computed = amount.and_then(|a| a.share_of(base?));
        let value = entered.or(computed);
        Share {
            value,
            text: value.map(Percent::display2).unwrap_or_default(),
            source: Source::of(entered, computed),
        }
    };
    let mut lines: Vec<FundingLine> = block
        .rows
        .iter()
        .map(|r| FundingLine {
            name: r.name.clone(),
            is_total: false,
            current: Amount::entered(r.amounts.current),
            share: share(r.amounts.current, r.amounts.share),
            last_year: Amount::entered(r.amounts.last_year),
            year_before: Amount::entered(r.amounts.year_before),
        })
        .collect();
    let total: &FundingAmounts = &block.total;
    lines.push(FundingLine {
        name: labels::TOTAL.to_string(),
        is_total: true,
        share: share(base, total.share),
        current: current_total,
        last_year: total_amount(Column::LastYear),
        year_before: total_amount(Column::YearBefore),
    });
    FundingBlockLayout { key, label, lines }
}

fn value(v: &Option<TargetValue>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// The merged level-1 and level-2 cells of indicator rows given as (level 1, level 2): a level-1
/// cell on the first row of each run of equal level-1 names, spanning the run; a level-2 cell on
/// the first row of each run of equal level-2 names within it. Every renderer of every document
/// kind merges by this one rule.
pub(crate) fn level_cells(levels: &[(&str, &str)]) -> Vec<(Option<Spanned>, Option<Spanned>)> {
    levels
        .iter()
        .enumerate()
        .map(|(i, &(l1, l2))| {
            let starts_l1 = i == 0 || levels[i - 1].0 != l1;
            let starts_l2 = starts_l1 || levels[i - 1].1 != l2;
            let level1 = starts_l1.then(|| Spanned {
                text: l1.to_string(),
                span: levels[i..].iter().take_while(|x| x.0 == l1).count(),
            });
            let level2 = starts_l2.then(|| Spanned {
                text: l2.to_string(),
                span: levels[i..]
                    .iter()
                    .take_while(|x| x.0 == l1 && x.1 == l2)
                    .count(),
            });
            (level1, level2)
        })
        .collect()
}

/// The rows with level-1 cells merged over consecutive rows of the same level-1 node, and
/// level-2 cells merged over consecutive rows of the same level-2 node within it.
fn table(
    kind: TableKind,
    t: &IndicatorTable,
    goal_label: String,
    history: bool,
) -> IndicatorTableLayout {
    let rows = &t.rows;
    let levels: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r.level1.as_str(), r.level2.as_str()))
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for (r, (level1, level2)) in rows.iter().zip(level_cells(&levels)) {
        out.push(IndicatorLine {
            level1,
            level2,
            name: r.name.clone(),
            target: value(&r.target),
            year_before: value(&r.year_before),
            last_year: value(&r.last_year),
            basis: r.basis.clone().unwrap_or_default(),
            class: r.class.clone().unwrap_or_default(),
        });
    }
    IndicatorTableLayout {
        kind,
        key: kind.key(),
        label: kind.label(),
        goal_label,
        goal: t.goal.clone(),
        history,
        rows: out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> Form {
        serde_json::from_str(include_str!("../../../../fixtures/seed/seed.form.json")).unwrap()
    }

    #[test]
    fn spans_cover_every_row_exactly_once() {
        let p = PrintedForm::new(&seed(), None, Privacy::Private);
        for t in &p.tables {
            let l1: usize = t
                .rows
                .iter()
                .filter_map(|r| r.level1.as_ref())
                .map(|s| s.span)
                .sum();
            let l2: usize = t
                .rows
                .iter()
                .filter_map(|r| r.level2.as_ref())
                .map(|s| s.span)
                .sum();
            assert_eq!((l1, l2), (t.rows.len(), t.rows.len()));
        }
        let first = p.tables[0].rows[0].level1.as_ref().unwrap();
        assert_eq!((first.text.as_str(), first.span), ("运行成本", 4));
    }

    #[test]
    fn missing_totals_and_shares_are_computed_through_the_domain() {
        let mut form = seed();
        let p = PrintedForm::new(&form, None, Privacy::Private);
        let exp = &p.funding.blocks[1];
        assert_eq!(exp.lines[1].share.text, "4.90%");
        assert_eq!(exp.total().current.text, "1679.60");
        assert_eq!(exp.total().current.source, Source::EnteredAgrees);
        for row in &mut form.funding.expenditure.rows {
            row.amounts.share = None;
        }
        form.funding.expenditure.total = FundingAmounts::default();
        let p = PrintedForm::new(&form, None, Privacy::Private);
        let exp = &p.funding.blocks[1];
        assert_eq!(exp.lines[0].share.text, "50.39%");
        assert_eq!(exp.lines[0].share.source, Source::Computed);
        assert_eq!(exp.total().current.text, "1679.60");
        assert_eq!(exp.total().current.source, Source::Computed);
        assert_eq!(exp.total().share.text, "100.00%");
        assert_eq!(exp.total().last_year.text, "1170.20");
    }

    #[test]
    fn an_entered_total_that_differs_is_printed_and_is_the_share_base() {
        let mut form = seed();
        let b = &mut form.funding.expenditure;
        b.total.current = Some("2000".parse().unwrap());
        b.rows[0].amounts.share = None;
        let p = PrintedForm::new(&form, None, Privacy::Private);
        let exp = &p.funding.blocks[1];
        assert_eq!(exp.total().current.text, "2000.00");
        assert_eq!(exp.total().current.source, Source::EnteredDiffers);
        // 846.33 / 2000
        assert_eq!(exp.lines[0].share.text, "42.32%");
    }

    #[test]
    fn public_copy_has_no_contact_and_amounts_show_as_stored() {
        let p = PrintedForm::new(&seed(), None, Privacy::Public);
        assert!(p.header.contact.is_none());
        assert!(p.paragraphs[0].items[0].line.starts_with("1、"));
        assert!(p.goals.long_term[1].line.starts_with("目标2："));
        assert_eq!(p.goals.long_term_label, "长期目标（截止 2026 年）");
        assert_eq!(p.projects[0].total_budget.text, "1.008");
        let p = PrintedForm::new(&seed(), None, Privacy::Private);
        assert!(p.header.contact.is_some());
    }
}
