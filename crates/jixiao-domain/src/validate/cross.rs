//! Checks across the two indicator tables (X001–X006): the long-term and the annual table
//! normally list the same indicators; where they share a name, their values should agree in
//! kind, direction, unit and class, and a differing qualitative word is likely a typo.

use std::collections::HashMap;

use super::{Ctx, FnvBuild, RowHit, quote, row_ptr};
use crate::form::{Indicator, TableKind};
use crate::target::TargetValue;

pub(crate) fn check(ctx: &mut Ctx) {
    let ind = &ctx.form.indicators;
    if ctx.oversized(TableKind::LongTerm)
        || ctx.oversized(TableKind::Annual)
        || ind.long_term.rows.is_empty()
        || ind.annual.rows.is_empty()
    {
        return;
    }
    let lt = &ind.long_term.rows;
    let an = &ind.annual.rows;
    let mut by_name: HashMap<&str, usize, FnvBuild> =
        HashMap::with_capacity_and_hasher(an.len(), FnvBuild::default());
    for (j, r) in an.iter().enumerate().rev() {
        by_name.insert(r.name.trim(), j);
    }
    let mut matched_an = vec![false; an.len()];
    let mut unmatched_lt: Vec<usize> = Vec::new();
    for (i, a) in lt.iter().enumerate() {
        match by_name.get(a.name.trim()) {
            Some(&j) if !matched_an[j] => {
                matched_an[j] = true;
                compare(ctx, i, a, j, &an[j]);
            }
            _ => unmatched_lt.push(i),
        }
    }
    let mut unmatched_an: Vec<usize> = (0..an.len()).filter(|&j| !matched_an[j]).collect();

    // Pair what is left by position under the same level-2 node: a renamed indicator.
    let mut renamed = Vec::new();
    let mut only_lt = Vec::new();
    for i in unmatched_lt {
        let a = &lt[i];
        let (level1, level2) = (a.level1.trim(), a.level2.trim());
        let partner = unmatched_an
            .iter()
            .position(|&j| an[j].level2.trim() == level2 && an[j].level1.trim() == level1);
        match partner {
            Some(p) => {
                let j = unmatched_an.remove(p);
                // `other` carries the long-term name; the long-term row index is looked up again.
                renamed.push((
                    i,
                    RowHit {
                        kind: TableKind::Annual,
                        row: j,
                        field: "name",
                        name: an[j].name.trim(),
                        other: a.name.trim(),
                    },
                ));
            }
            None => only_lt.push(RowHit {
                kind: TableKind::LongTerm,
                row: i,
                field: "name",
                name: a.name.trim(),
                other: "",
            }),
        }
    }
    let only_an: Vec<RowHit> = unmatched_an
        .into_iter()
        .map(|j| RowHit {
            kind: TableKind::Annual,
            row: j,
            field: "name",
            name: an[j].name.trim(),
            other: "",
        })
        .collect();
    let lt_row: Vec<usize> = renamed.iter().map(|(i, _)| *i).collect();
    let renamed: Vec<RowHit> = renamed.into_iter().map(|(_, h)| h).collect();
    let level2 = |h: &RowHit| an[h.row].level2.trim().to_string();
    ctx.push_grouped(
        "X002",
        TableKind::Annual,
        &renamed,
        |h| {
            let i = lt_row[renamed.iter().position(|x| x.row == h.row).unwrap_or(0)];
            format!(
                "「{}」下长期表第 {} 行为{}，年度表第 {} 行为{}：若是同一指标，宜统一名称",
                level2(h),
                i + 1,
                quote(h.other),
                h.row + 1,
                quote(h.name)
            )
        },
        |h| format!("{}：{}／{}", level2(h), quote(h.other), quote(h.name)),
        |n, ex| format!("长期表与年度表有 {n} 处同一二级指标下的指标名称不同（{ex}）：若是同一指标，宜统一名称"),
    );
    ctx.push_grouped(
        "X001",
        TableKind::LongTerm,
        &only_lt,
        |h| format!("长期绩效指标{}在年度绩效指标中没有对应指标", h.label()),
        RowHit::label,
        |n, ex| format!("长期绩效指标有 {n} 行在年度绩效指标中没有对应指标（{ex}）"),
    );
    ctx.push_grouped(
        "X001",
        TableKind::Annual,
        &only_an,
        |h| format!("年度绩效指标{}在长期绩效指标中没有对应指标", h.label()),
        RowHit::label,
        |n, ex| format!("年度绩效指标有 {n} 行在长期绩效指标中没有对应指标（{ex}）"),
    );
}

/// X003–X006 on a long-term row `a` (row `i`) and the annual row `b` (row `j`) of the same name.
fn compare(ctx: &mut Ctx, i: usize, a: &Indicator, j: usize, b: &Indicator) {
    let name = a.name.trim();
    if let (Some(va), Some(vb)) = (&a.target, &b.target) {
        match (va, vb) {
            (TargetValue::Quality(wa), TargetValue::Quality(wb)) if wa.trim() != wb.trim() => {
                let known = |w: &str| ctx.template.dictionaries.qualitative.iter().any(|q| q == w);
                // Point at the value that is not a usual word, if only one of them is unusual.
                let path = if !known(wa.trim()) && known(wb.trim()) {
                    row_ptr(TableKind::LongTerm, i, "target")
                } else {
                    row_ptr(TableKind::Annual, j, "target")
                };
                ctx.push(
                    "X003",
                    path,
                    format!(
                        "「{name}」长期表（第 {} 行）为{}，年度表（第 {} 行）为{}，可能是笔误",
                        i + 1,
                        quote(wa),
                        j + 1,
                        quote(wb)
                    ),
                );
            }
            (TargetValue::Quantity { unit: ua, .. }, TargetValue::Quantity { unit: ub, .. }) => {
                let (da, db) = (va.direction(), vb.direction());
                if da != db {
                    ctx.push(
                        "X004",
                        row_ptr(TableKind::Annual, j, "target"),
                        format!(
                            "「{name}」长期表为「{va}」（{}），年度表为「{vb}」（{}）：计分方向不同，请统一计算符号",
                            direction_label(va),
                            direction_label(vb)
                        ),
                    );
                }
                if ua.trim() != ub.trim() {
                    ctx.push(
                        "X005",
                        row_ptr(TableKind::Annual, j, "target"),
                        format!(
                            "「{name}」长期表的计量单位为{}，年度表为{}",
                            quote(ua),
                            quote(ub)
                        ),
                    );
                }
            }
            (TargetValue::Quantity { .. }, TargetValue::Quality(_))
            | (TargetValue::Quality(_), TargetValue::Quantity { .. }) => {
                ctx.push(
                    "X004",
                    row_ptr(TableKind::Annual, j, "target"),
                    format!(
                        "「{name}」长期表为「{va}」，年度表为「{vb}」：一为定量一为定性，请统一"
                    ),
                );
            }
            _ => {}
        }
    }
    if let (Some(ca), Some(cb)) = (a.class.as_deref(), b.class.as_deref())
        && !ca.trim().is_empty()
        && !cb.trim().is_empty()
        && ca.trim() != cb.trim()
    {
        ctx.push(
            "X006",
            row_ptr(TableKind::Annual, j, "class"),
            format!(
                "「{name}」长期表的指标分类为{}，年度表为{}",
                quote(ca),
                quote(cb)
            ),
        );
    }
}

/// How a quantity is scored, in words.
fn direction_label(v: &TargetValue) -> &'static str {
    use crate::target::Direction;
    match (v, v.direction()) {
        (
            TargetValue::Quantity {
                comparator: None, ..
            },
            _,
        ) => "无计算符号，按“≥”计分",
        (_, Some(Direction::Positive)) => "越大越好",
        (_, Some(Direction::Reverse)) => "越小越好",
        (_, Some(Direction::Equal)) => "等于",
        _ => "",
    }
}
