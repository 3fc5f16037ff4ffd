//! Row-level rules of an indicator table (I008–I022, I024–I026): name, target values and their
//! units and bounds, basis, class, required columns, and the 前年/上年 history columns.

use super::indicators::Placement;
use super::{Ctx, RowHit, quote, row_label, row_ptr};
use crate::form::{Indicator, IndicatorTable, TableKind};
use crate::target::TargetValue;
use crate::template::{Level1, Level2, Template};

/// Findings of aggregated rules, collected over a table and pushed at its end.
#[derive(Default)]
struct Hits {
    cost_basis: Vec<RowHit>,
    usual_class: Vec<RowHit>,
    copied: Vec<RowHit>,
    targets_as_history: Vec<RowHit>,
}

pub(crate) fn check(ctx: &mut Ctx, kind: TableKind, table: &IndicatorTable, placement: &Placement) {
    let mut hits = Hits::default();
    for (i, row) in table.rows.iter().enumerate() {
        let (l1, l2) = placement[i];
        row_checks(ctx, kind, i, row, l1, l2, &mut hits);
    }
    let label = kind.label();
    let cost_basis = ctx.template.rules.cost_basis.clone().unwrap_or_default();
    ctx.push_grouped("I021", kind, hits.cost_basis, |n, ex| {
        format!(
            "{label}有 {n} 行非成本指标以「{cost_basis}」为依据（{ex}）：该依据只适用于成本指标，请改为计划标准、历史标准或行业标准"
        )
    });
    ctx.push_grouped("I020", kind, hits.usual_class, |n, ex| {
        format!("{label}有 {n} 行的指标分类与所属一级指标的惯例不同（{ex}）")
    });
    ctx.push_grouped("I024", kind, hits.copied, |n, ex| {
        format!(
            "{label}有 {n} 行的前年、上年与预期当年实现值完全相同（{ex}）：前年、上年应填过去两年的实际完成值，请核实是否照抄了目标值"
        )
    });
    ctx.push_grouped("I025", kind, hits.targets_as_history, |n, ex| {
        format!("{label}有 {n} 行的前年或上年值带有 ≥、≤ 等计算符号（{ex}）：应填实际完成值")
    });
}

#[allow(clippy::too_many_arguments)]
fn row_checks(
    ctx: &mut Ctx,
    kind: TableKind,
    i: usize,
    row: &Indicator,
    l1: Option<&Level1>,
    l2: Option<&Level2>,
    hits: &mut Hits,
) {
    let t = ctx.template;
    let label = kind.label();
    let name = row.name.trim();
    let who = row_label(i, name);
    if name.is_empty() {
        ctx.push(
            "I008",
            row_ptr(kind, i, "name"),
            format!("{label}第 {} 行未填三级指标名称", i + 1),
        );
    }
    let bounded = bounded_percent(t, &row.level1, &row.level2);
    match &row.target {
        None if t.requires("target") => {
            ctx.push(
                "I009",
                row_ptr(kind, i, "target"),
                format!("{label}{who}未填指标值"),
            );
        }
        None => {}
        Some(v) => value_checks(ctx, kind, i, &who, "target", "指标值", v, bounded),
    }
    let history_allowed = kind == TableKind::Annual && t.annual_history_columns;
    for (field, col) in [("year_before", "前年值"), ("last_year", "上年值")] {
        let v = if field == "year_before" {
            &row.year_before
        } else {
            &row.last_year
        };
        match v {
            Some(v) if history_allowed => value_checks(ctx, kind, i, &who, field, col, v, bounded),
            Some(v) => {
                let why = if kind == TableKind::LongTerm {
                    "长期指标表没有此列"
                } else {
                    "模板的年度指标表没有此列"
                };
                ctx.push(
                    "I026",
                    row_ptr(kind, i, field),
                    format!("{label}{who}填了{col}{}，{why}", quote(&v.to_string())),
                );
            }
            None if history_allowed && t.requires("history") => {
                ctx.push(
                    "I022",
                    row_ptr(kind, i, field),
                    format!("{label}{who}未填{col}（模板要求填写近两年指标值）"),
                );
            }
            None => {}
        }
    }
    if history_allowed {
        history(kind, i, row, &who, hits);
    }
    basis_and_class(ctx, kind, i, row, &who, l1, l2, hits);
    for (column, field, present) in [
        (
            "definition",
            "指标解释",
            row.definition
                .as_deref()
                .is_some_and(|s| !s.trim().is_empty()),
        ),
        (
            "scoring_rule",
            "评（扣）分标准",
            row.scoring_rule
                .as_deref()
                .is_some_and(|s| !s.trim().is_empty()),
        ),
        ("weight", "权重", row.weight.is_some()),
    ] {
        if !present && t.requires(column) {
            ctx.push(
                "I022",
                row_ptr(kind, i, column),
                format!("{label}{who}未填{field}（模板要求填写）"),
            );
        }
    }
}

/// True when percentages of this row must lie within 0–100% (its level-1 or level-2 node is
/// listed in `bounded_percent_nodes`).
fn bounded_percent(t: &Template, level1: &str, level2: &str) -> bool {
    t.rules
        .bounded_percent_nodes
        .iter()
        .any(|n| n == level1.trim() || n == level2.trim())
}

/// I010–I015 on one value cell.
#[allow(clippy::too_many_arguments)]
fn value_checks(
    ctx: &mut Ctx,
    kind: TableKind,
    i: usize,
    who: &str,
    field: &str,
    col: &str,
    v: &TargetValue,
    bounded: bool,
) {
    let t = ctx.template;
    let label = kind.label();
    let dict = &t.dictionaries;
    match v {
        TargetValue::Unparsed(text) => ctx.push(
            "I010",
            row_ptr(kind, i, field),
            format!(
                "{label}{who}的{col}{}无法识别：应为“计算符号 + 数字 + 单位”（如 ≥90%、≥4 项）、定性词（如 健全）或“不适用”",
                quote(text)
            ),
        ),
        TargetValue::Quantity { comparator, number, unit } => {
            let unit = unit.trim();
            if unit.is_empty() {
                ctx.push(
                    "I011",
                    row_ptr(kind, i, field),
                    format!("{label}{who}的{col}「{v}」缺少计量单位（如 %、项、家）"),
                );
            } else if !dict.units.iter().any(|u| u == unit) {
                ctx.push(
                    "I012",
                    row_ptr(kind, i, field),
                    format!("{label}{who}的计量单位{}不在常用单位中，请确认", quote(unit)),
                );
            }
            if let Some(c) = comparator
                && !dict.comparators.iter().any(|s| s == c.symbol())
            {
                ctx.push(
                    "I014",
                    row_ptr(kind, i, field),
                    format!("{label}{who}的计算符号「{}」不在模板允许的 {} 中", c.symbol(), dict.comparators.join(" ")),
                );
            }
            if bounded && unit == "%" && (number.is_sign_negative() && !number.is_zero() || *number > rust_decimal::Decimal::ONE_HUNDRED) {
                ctx.push(
                    "I015",
                    row_ptr(kind, i, field),
                    format!("{label}{who}的{col}「{v}」超出 0%–100%"),
                );
            }
        }
        TargetValue::Quality(word) => {
            if !dict.qualitative.iter().any(|q| q == word.trim()) {
                ctx.push(
                    "I013",
                    row_ptr(kind, i, field),
                    format!("{label}{who}的{col}{}不在常用定性指标值中，请确认是否笔误", quote(word)),
                );
            }
        }
        TargetValue::NotApplicable => {}
    }
}

/// I024/I025 hits: history copying the target, or history written as targets.
fn history(kind: TableKind, i: usize, row: &Indicator, who: &str, hits: &mut Hits) {
    let (Some(before), Some(last)) = (&row.year_before, &row.last_year) else {
        return;
    };
    if row
        .target
        .as_ref()
        .is_some_and(|t| t == before && t == last)
    {
        hits.copied.push(RowHit {
            path: row_ptr(kind, i, "year_before"),
            message: format!(
                "{}{who}的前年、上年与预期当年实现值都是「{before}」：前年、上年应填过去两年的实际完成值，请核实是否照抄",
                kind.label()
            ),
            detail: who.to_string(),
        });
        return;
    }
    for (field, v) in [("year_before", before), ("last_year", last)] {
        if let TargetValue::Quantity {
            comparator: Some(_),
            ..
        } = v
        {
            hits.targets_as_history.push(RowHit {
                path: row_ptr(kind, i, field),
                message: format!(
                    "{}{who}的{}为「{v}」，带有计算符号：应填实际完成值",
                    kind.label(),
                    if field == "year_before" {
                        "前年值"
                    } else {
                        "上年值"
                    }
                ),
                detail: who.to_string(),
            });
            return;
        }
    }
}

/// I016–I021 on the basis and class columns.
#[allow(clippy::too_many_arguments)]
fn basis_and_class(
    ctx: &mut Ctx,
    kind: TableKind,
    i: usize,
    row: &Indicator,
    who: &str,
    l1: Option<&Level1>,
    l2: Option<&Level2>,
    hits: &mut Hits,
) {
    let t = ctx.template;
    let label = kind.label();
    let dict = &t.dictionaries;
    match row
        .basis
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
    {
        None if t.requires("basis") => {
            ctx.push(
                "I016",
                row_ptr(kind, i, "basis"),
                format!("{label}{who}未填指标值确定依据"),
            );
        }
        None => {}
        Some(b) if !dict.basis.iter().any(|d| d == b) => ctx.push(
            "I017",
            row_ptr(kind, i, "basis"),
            format!(
                "{label}{who}的指标值确定依据{}不在字典中，应为 {} 之一",
                quote(b),
                dict.basis.join("、")
            ),
        ),
        Some(b) => {
            let is_cost = l1.is_some_and(|l| l.cost) || l2.is_some_and(|l| l.cost);
            if l1.is_some() && !is_cost && t.rules.cost_basis.as_deref() == Some(b) {
                hits.cost_basis.push(RowHit {
                    path: row_ptr(kind, i, "basis"),
                    message: format!(
                        "{label}{who}属于「{}」，不是成本指标，却以「{b}」为依据：该依据只适用于成本指标",
                        row.level1.trim()
                    ),
                    detail: who.to_string(),
                });
            }
        }
    }
    match row
        .class
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None if t.requires("class") => {
            ctx.push(
                "I018",
                row_ptr(kind, i, "class"),
                format!("{label}{who}未填指标分类"),
            );
        }
        None => {}
        Some(c) if !dict.class.iter().any(|d| d == c) => ctx.push(
            "I019",
            row_ptr(kind, i, "class"),
            format!(
                "{label}{who}的指标分类{}不在字典中，应为 {} 之一",
                quote(c),
                dict.class.join("、")
            ),
        ),
        Some(c) => {
            if let Some(usual) = l1.and_then(|l| l.usual_class.as_deref())
                && usual != c
            {
                hits.usual_class.push(RowHit {
                    path: row_ptr(kind, i, "class"),
                    message: format!(
                        "{label}{who}的指标分类为「{c}」，「{}」下的指标通常为「{usual}」",
                        row.level1.trim()
                    ),
                    detail: who.to_string(),
                });
            }
        }
    }
}
