//! Rules on each indicator table as a whole (I…): size, the level-1/level-2 frame of the template,
//! numbered nodes, duplicate names and weights. Row-level rules are in `rows.rs`.

use std::collections::HashSet;

use super::{Ctx, FnvBuild, quote, row_label, row_ptr, rows, rows_ptr};
use crate::form::{IndicatorTable, TableKind};
use crate::template::{Level1, Level2, Template};

pub(crate) fn check(ctx: &mut Ctx) {
    for (kind, table) in ctx.form.indicators.tables() {
        let max = ctx.template.rules.max_indicator_rows;
        if ctx.oversized(kind) {
            ctx.push(
                "I001",
                rows_ptr(kind),
                format!(
                    "{}有 {} 行，超过模板上限 {max} 行，未逐行检查",
                    kind.label(),
                    table.rows.len()
                ),
            );
            continue;
        }
        if table.rows.is_empty() {
            ctx.push(
                "I002",
                rows_ptr(kind),
                format!("{}表没有任何三级指标", kind.label()),
            );
            continue;
        }
        let nodes = frame(ctx, kind, table);
        rows::check(ctx, kind, table, &nodes);
        duplicates(ctx, kind, table);
        weights(ctx, kind, table);
    }
}

/// Where each row sits in the template frame (`None` when its node is unknown).
pub(crate) type Placement<'t> = Vec<(Option<&'t Level1>, Option<&'t Level2>)>;

/// I003–I007: every row's nodes exist in the template; every level-1 node and every required
/// level-2 node has a row; numbered nodes are numbered 1…n. Unknown names are reported once per
/// distinct name, at its first row, with the number of rows using it.
fn frame<'t>(ctx: &mut Ctx<'t>, kind: TableKind, table: &IndicatorTable) -> Placement<'t> {
    let mut walk = FrameWalk::place(ctx.template, table);
    report_unknown_nodes(ctx, kind, &walk);
    report_missing_nodes(ctx, kind, &mut walk);
    walk.placement
}

/// What placing a table's rows in the template frame found.
struct FrameWalk<'t, 'f> {
    placement: Placement<'t>,
    /// Per level-1 node: has a row.
    seen_l1: Vec<bool>,
    /// Per level-1, level-2 node: has a row.
    seen_l2: Vec<Vec<bool>>,
    /// Per level-1, level-2 node: the numbers of a numbered node's rows.
    numbers: Vec<Vec<Vec<u32>>>,
    /// Unknown level-1 names: name, first row, rows.
    unknown_l1: Vec<(&'f str, usize, usize)>,
    /// Unknown level-2 names: level-1 name, level-2 name, first row, rows.
    unknown_l2: Vec<(&'f str, &'f str, usize, usize)>,
}

impl<'t, 'f> FrameWalk<'t, 'f> {
    /// Places every row of the table under its level-1 and level-2 node.
    fn place(t: &'t Template, table: &'f IndicatorTable) -> FrameWalk<'t, 'f> {
        let mut walk = FrameWalk {
            placement: Vec::with_capacity(table.rows.len()),
            seen_l1: vec![false; t.indicator_frame.len()],
            seen_l2: t
                .indicator_frame
                .iter()
                .map(|l| vec![false; l.children.len()])
                .collect(),
            numbers: t
                .indicator_frame
                .iter()
                .map(|l| vec![Vec::new(); l.children.len()])
                .collect(),
            unknown_l1: Vec::new(),
            unknown_l2: Vec::new(),
        };
        for (i, row) in table.rows.iter().enumerate() {
            let l1_name = row.level1.trim();
            let Some(a) = t.indicator_frame.iter().position(|l| l.name == l1_name) else {
                match walk.unknown_l1.iter_mut().find(|u| u.0 == l1_name) {
                    Some(u) => u.2 += 1,
                    None => walk.unknown_l1.push((l1_name, i, 1)),
                }
                walk.placement.push((None, None));
                continue;
            };
            walk.seen_l1[a] = true;
            let l1 = &t.indicator_frame[a];
            let l2_name = row.level2.trim();
            let Some(b) = l1.children.iter().position(|c| c.matches(l2_name)) else {
                match walk
                    .unknown_l2
                    .iter_mut()
                    .find(|u| u.0 == l1_name && u.1 == l2_name)
                {
                    Some(u) => u.3 += 1,
                    None => walk.unknown_l2.push((l1_name, l2_name, i, 1)),
                }
                walk.placement.push((Some(l1), None));
                continue;
            };
            walk.seen_l2[a][b] = true;
            let l2 = &l1.children[b];
            if l2.numbered
                && let Ok(n) = l2_name[l2.name.len()..].parse::<u32>()
            {
                walk.numbers[a][b].push(n);
            }
            walk.placement.push((Some(l1), Some(l2)));
        }
        walk
    }
}

/// I003, I004: level-1 and level-2 names the template's frame does not have.
fn report_unknown_nodes(ctx: &mut Ctx, kind: TableKind, walk: &FrameWalk) {
    let t = ctx.template;
    for &(name, i, count) in &walk.unknown_l1 {
        let known: Vec<&str> = t.indicator_frame.iter().map(|l| l.name.as_str()).collect();
        ctx.push(
            "I003",
            row_ptr(kind, i, "level1"),
            format!(
                "{}一级指标{}不在模板中（共 {count} 行），应为 {} 之一",
                kind.label(),
                quote(name),
                known.join("、")
            ),
        );
    }
    for &(l1, l2, i, count) in &walk.unknown_l2 {
        let known: Vec<String> = t
            .level1(l1)
            .map(|l| {
                l.children
                    .iter()
                    .map(|c| {
                        if c.numbered {
                            format!("{}n", c.name)
                        } else {
                            c.name.clone()
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        ctx.push(
            "I004",
            row_ptr(kind, i, "level2"),
            format!(
                "{}二级指标{}不在一级指标「{l1}」之下（共 {count} 行），应为 {} 之一",
                kind.label(),
                quote(l2),
                known.join("、")
            ),
        );
    }
}

/// I005–I007: level-1 nodes without rows, required level-2 nodes without rows, numbered nodes
/// not numbered 1…n.
fn report_missing_nodes(ctx: &mut Ctx, kind: TableKind, walk: &mut FrameWalk) {
    let t = ctx.template;
    for (a, l1) in t.indicator_frame.iter().enumerate() {
        if !walk.seen_l1[a] {
            ctx.push(
                "I005",
                rows_ptr(kind),
                format!("{}缺少一级指标「{}」", kind.label(), l1.name),
            );
            continue;
        }
        for (b, l2) in l1.children.iter().enumerate() {
            if l2.required && !walk.seen_l2[a][b] {
                ctx.push(
                    "I006",
                    rows_ptr(kind),
                    format!(
                        "{}缺少必填的二级指标「{}」（一级指标「{}」）",
                        kind.label(),
                        l2.name,
                        l1.name
                    ),
                );
            }
            let nums = &mut walk.numbers[a][b];
            if l2.numbered && !nums.is_empty() {
                nums.sort_unstable();
                nums.dedup();
                let contiguous = nums.iter().enumerate().all(|(k, &n)| n as usize == k + 1);
                if !contiguous {
                    let list: Vec<String> = nums.iter().take(20).map(u32::to_string).collect();
                    ctx.push(
                        "I007",
                        rows_ptr(kind),
                        format!(
                            "{}「{}」的编号为 {}，应从 1 连续编号",
                            kind.label(),
                            l2.name,
                            list.join("、")
                        ),
                    );
                }
            }
        }
    }
}

/// I023: two level-3 rows with the same name under the same level-2 node.
fn duplicates(ctx: &mut Ctx, kind: TableKind, table: &IndicatorTable) {
    let mut seen: HashSet<(&str, &str), FnvBuild> =
        HashSet::with_capacity_and_hasher(table.rows.len(), FnvBuild::default());
    for (i, row) in table.rows.iter().enumerate() {
        let name = row.name.trim();
        if !name.is_empty() && !seen.insert((row.level2.trim(), name)) {
            ctx.push(
                "I023",
                row_ptr(kind, i, "name"),
                format!(
                    "{}{}与同一二级指标「{}」下的另一行重名",
                    kind.label(),
                    row_label(i, name),
                    row.level2.trim()
                ),
            );
        }
    }
}

/// I027, I028: weights within 0–100, and given for every row or none.
fn weights(ctx: &mut Ctx, kind: TableKind, table: &IndicatorTable) {
    let hundred = rust_decimal::Decimal::ONE_HUNDRED;
    let mut with = 0;
    let mut first_without = None;
    for (i, row) in table.rows.iter().enumerate() {
        match row.weight {
            Some(w) => {
                with += 1;
                if w.is_sign_negative() && !w.is_zero() || w > hundred {
                    ctx.push(
                        "I027",
                        row_ptr(kind, i, "weight"),
                        format!(
                            "{}{}的权重为 {}，应在 0 到 100 之间",
                            kind.label(),
                            row_label(i, &row.name),
                            w.normalize()
                        ),
                    );
                }
            }
            None => {
                first_without.get_or_insert(i);
            }
        }
    }
    if let Some(i) = first_without
        && with > 0
    {
        ctx.push(
            "I028",
            row_ptr(kind, i, "weight"),
            format!(
                "{}有 {with} 行填了权重，{} 行没填（如{}）",
                kind.label(),
                table.rows.len() - with,
                row_label(i, &table.rows[i].name)
            ),
        );
    }
}
