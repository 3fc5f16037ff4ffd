//! Row-level rules of an indicator table (I008–I022, I024–I026): name, target values and their
//! units and bounds, basis, class, required columns, and the 前年/上年 history columns.
//!
//! Messages name the row (`第 9 行「立项规范性」`); they are built only for rows that have a
//! finding, which keeps validating a clean table cheap.

use super::indicators::Placement;
use super::{Ctx, RowHit, quote, row_label, row_ptr};
use crate::form::{Indicator, IndicatorTable, TableKind};
use crate::target::TargetValue;
use crate::template::{Level1, Level2, Template};

/// Findings of aggregated rules, collected over a table and pushed at its end.
#[derive(Default)]
struct Hits<'f> {
    cost_basis: Vec<RowHit<'f>>,
    usual_class: Vec<RowHit<'f>>,
    copied: Vec<RowHit<'f>>,
    targets_as_history: Vec<RowHit<'f>>,
}

/// One row being checked, with what the messages need.
struct RowCtx<'f> {
    kind: TableKind,
    i: usize,
    row: &'f Indicator,
}

impl<'f> RowCtx<'f> {
    /// `年度绩效指标第 9 行「立项规范性」`.
    fn who(&self) -> String {
        format!(
            "{}{}",
            self.kind.label(),
            row_label(self.i, self.row.name.trim())
        )
    }

    fn ptr(&self, field: &str) -> String {
        row_ptr(self.kind, self.i, field)
    }

    fn hit(&self, field: &'static str, other: &'static str) -> RowHit<'f> {
        RowHit {
            kind: self.kind,
            row: self.i,
            field,
            name: self.row.name.trim(),
            other,
        }
    }
}

pub(crate) fn check<'f>(
    ctx: &mut Ctx<'f>,
    kind: TableKind,
    table: &'f IndicatorTable,
    placement: &Placement,
) {
    let mut hits = Hits::default();
    for (i, row) in table.rows.iter().enumerate() {
        let (l1, l2) = placement[i];
        let r = RowCtx { kind, i, row };
        row_checks(ctx, &r, l1, l2, &mut hits);
    }
    let label = kind.label();
    let rows = &table.rows;
    let cost_basis = ctx.template.rules.cost_basis.clone().unwrap_or_default();
    ctx.push_grouped(
        "I021",
        kind,
        &hits.cost_basis,
        |h| {
            format!(
                "{label}{}属于「{}」，不是成本指标，却以「{cost_basis}」为依据：该依据只适用于成本指标",
                h.label(),
                rows[h.row].level1.trim()
            )
        },
        RowHit::label,
        |n, ex| {
            format!(
                "{label}有 {n} 行非成本指标以「{cost_basis}」为依据（{ex}）：该依据只适用于成本指标，请改为计划标准、历史标准或行业标准"
            )
        },
    );
    ctx.push_grouped(
        "I020",
        kind,
        &hits.usual_class,
        |h| {
            format!(
                "{label}{}的指标分类为{}，「{}」下的指标通常为「{}」",
                h.label(),
                quote(rows[h.row].class.as_deref().unwrap_or("")),
                rows[h.row].level1.trim(),
                h.other
            )
        },
        RowHit::label,
        |n, ex| format!("{label}有 {n} 行的指标分类与所属一级指标的惯例不同（{ex}）"),
    );
    ctx.push_grouped(
        "I024",
        kind,
        &hits.copied,
        |h| {
            format!(
                "{label}{}的前年、上年与预期当年实现值都是「{}」：前年、上年应填过去两年的实际完成值，请核实是否照抄",
                h.label(),
                rows[h.row].target.as_ref().map(ToString::to_string).unwrap_or_default()
            )
        },
        RowHit::label,
        |n, ex| {
            format!(
                "{label}有 {n} 行的前年、上年与预期当年实现值完全相同（{ex}）：前年、上年应填过去两年的实际完成值，请核实是否照抄了目标值"
            )
        },
    );
    ctx.push_grouped(
        "I025",
        kind,
        &hits.targets_as_history,
        |h| {
            let (col, v) = if h.field == "year_before" {
                ("前年值", &rows[h.row].year_before)
            } else {
                ("上年值", &rows[h.row].last_year)
            };
            let v = v.as_ref().map(ToString::to_string).unwrap_or_default();
            format!(
                "{label}{}的{col}为「{v}」，带有计算符号：应填实际完成值",
                h.label()
            )
        },
        RowHit::label,
        |n, ex| {
            format!("{label}有 {n} 行的前年或上年值带有 ≥、≤ 等计算符号（{ex}）：应填实际完成值")
        },
    );
}

fn row_checks<'f>(
    ctx: &mut Ctx,
    r: &RowCtx<'f>,
    l1: Option<&'f Level1>,
    l2: Option<&Level2>,
    hits: &mut Hits<'f>,
) {
    let t = ctx.template;
    let row = r.row;
    let kind = r.kind;
    if row.name.trim().is_empty() {
        ctx.push(
            "I008",
            r.ptr("name"),
            format!("{}第 {} 行未填三级指标名称", kind.label(), r.i + 1),
        );
    }
    let bounded = bounded_percent(t, &row.level1, &row.level2);
    match &row.target {
        None if t.requires("target") => {
            ctx.push("I009", r.ptr("target"), format!("{}未填指标值", r.who()))
        }
        None => {}
        Some(v) => value_checks(ctx, r, "target", "指标值", v, bounded),
    }
    let history_allowed = kind == TableKind::Annual && t.annual_history_columns;
    for (field, col, v) in [
        ("year_before", "前年值", &row.year_before),
        ("last_year", "上年值", &row.last_year),
    ] {
        match v {
            Some(v) if history_allowed => value_checks(ctx, r, field, col, v, bounded),
            Some(v) => {
                let why = if kind == TableKind::LongTerm {
                    "长期指标表没有此列"
                } else {
                    "模板的年度指标表没有此列"
                };
                ctx.push(
                    "I026",
                    r.ptr(field),
                    format!("{}填了{col}{}，{why}", r.who(), quote(&v.to_string())),
                );
            }
            None if history_allowed && t.requires("history") => {
                ctx.push(
                    "I022",
                    r.ptr(field),
                    format!("{}未填{col}（模板要求填写近两年指标值）", r.who()),
                );
            }
            None => {}
        }
    }
    if history_allowed {
        history(r, hits);
    }
    basis_and_class(ctx, r, l1, l2, hits);
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
                r.ptr(column),
                format!("{}未填{field}（模板要求填写）", r.who()),
            );
        }
    }
}

/// True when percentages of this row must lie within 0–100% (its level-1 or level-2 node is
/// listed in `bounded_percent_nodes`).
fn bounded_percent(t: &Template, level1: &str, level2: &str) -> bool {
    let (level1, level2) = (level1.trim(), level2.trim());
    t.rules
        .bounded_percent_nodes
        .iter()
        .any(|n| n == level1 || n == level2)
}

/// I010–I015 on one value cell.
fn value_checks(ctx: &mut Ctx, r: &RowCtx, field: &str, col: &str, v: &TargetValue, bounded: bool) {
    let dict = &ctx.template.dictionaries;
    match v {
        TargetValue::Unparsed(text) => ctx.push(
            "I010",
            r.ptr(field),
            format!(
                "{}的{col}{}无法识别：应为“计算符号 + 数字 + 单位”（如 ≥90%、≥4 项）、定性词（如 健全）或“不适用”",
                r.who(),
                quote(text)
            ),
        ),
        TargetValue::Quantity { comparator, number, unit } => {
            let unit = unit.trim();
            if unit.is_empty() {
                ctx.push("I011", r.ptr(field), format!("{}的{col}「{v}」缺少计量单位（如 %、项、家）", r.who()));
            } else if !dict.units.iter().any(|u| u == unit) {
                ctx.push("I012", r.ptr(field), format!("{}的计量单位{}不在常用单位中，请确认", r.who(), quote(unit)));
            }
            if let Some(c) = comparator
                && !dict.comparators.iter().any(|s| s == c.symbol())
            {
                let allowed = dict.comparators.join(" ");
                ctx.push(
                    "I014",
                    r.ptr(field),
                    format!("{}的计算符号「{}」不在模板允许的 {allowed} 中", r.who(), c.symbol()),
                );
            }
            let out_of_bounds =
                number.is_sign_negative() && !number.is_zero() || *number > rust_decimal::Decimal::ONE_HUNDRED;
            if bounded && unit == "%" && out_of_bounds {
                ctx.push("I015", r.ptr(field), format!("{}的{col}「{v}」超出 0%–100%", r.who()));
            }
        }
        TargetValue::Quality(word) => {
            let word = word.trim();
            if !dict.qualitative.iter().any(|q| q == word) {
                ctx.push(
                    "I013",
                    r.ptr(field),
                    format!("{}的{col}{}不在常用定性指标值中，请确认是否笔误", r.who(), quote(word)),
                );
            }
        }
        TargetValue::NotApplicable => {}
    }
}

/// I024/I025 hits: history copying the target, or history written as targets.
fn history<'f>(r: &RowCtx<'f>, hits: &mut Hits<'f>) {
    let row = r.row;
    let (Some(before), Some(last)) = (&row.year_before, &row.last_year) else {
        return;
    };
    if row
        .target
        .as_ref()
        .is_some_and(|t| t == before && t == last)
    {
        hits.copied.push(r.hit("year_before", ""));
        return;
    }
    for (field, v) in [("year_before", before), ("last_year", last)] {
        if let TargetValue::Quantity {
            comparator: Some(_),
            ..
        } = v
        {
            hits.targets_as_history.push(r.hit(field, ""));
            return;
        }
    }
}

/// I016–I021 on the basis and class columns.
fn basis_and_class<'f>(
    ctx: &mut Ctx,
    r: &RowCtx<'f>,
    l1: Option<&'f Level1>,
    l2: Option<&Level2>,
    hits: &mut Hits<'f>,
) {
    let t = ctx.template;
    let row = r.row;
    let dict = &t.dictionaries;
    match row
        .basis
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
    {
        None if t.requires("basis") => ctx.push(
            "I016",
            r.ptr("basis"),
            format!("{}未填指标值确定依据", r.who()),
        ),
        None => {}
        Some(b) if !dict.basis.iter().any(|d| d == b) => ctx.push(
            "I017",
            r.ptr("basis"),
            format!(
                "{}的指标值确定依据{}不在字典中，应为 {} 之一",
                r.who(),
                quote(b),
                dict.basis.join("、")
            ),
        ),
        Some(b) => {
            let is_cost = l1.is_some_and(|l| l.cost) || l2.is_some_and(|l| l.cost);
            if l1.is_some() && !is_cost && t.rules.cost_basis.as_deref() == Some(b) {
                hits.cost_basis.push(r.hit("basis", ""));
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
            ctx.push("I018", r.ptr("class"), format!("{}未填指标分类", r.who()))
        }
        None => {}
        Some(c) if !dict.class.iter().any(|d| d == c) => ctx.push(
            "I019",
            r.ptr("class"),
            format!(
                "{}的指标分类{}不在字典中，应为 {} 之一",
                r.who(),
                quote(c),
                dict.class.join("、")
            ),
        ),
        Some(c) => {
            if let Some(usual) = l1.and_then(|l| l.usual_class.as_deref())
                && usual != c
            {
                let mut hit = r.hit("class", "");
                hit.other = usual;
                hits.usual_class.push(hit);
            }
        }
    }
}
