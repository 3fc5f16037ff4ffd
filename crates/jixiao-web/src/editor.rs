//! The form as the pages show it: sections in the official order, funding blocks with computed
//! totals and shares, and the indicator tables as a tree (level 1 → level 2 from the template,
//! level-3 rows under them), each field with its JSON Pointer. Shared by the editor, the review
//! page and the read-only view.

use std::collections::BTreeMap;

use jixiao_domain::compute::{BlockFigures, Column, funding_figures};
use jixiao_domain::form::{FundingAmounts, FundingBlock, Indicator};
use jixiao_domain::money::Money;
use jixiao_domain::{Form, TargetValue, Template, mask_phone};
use jixiao_formats::printed::labels;
use serde::Serialize;

use crate::views::{CommentView, FormPage};

/// A funding row (or the 合计 row) with its pointer prefix.
#[derive(Serialize)]
pub(crate) struct FundRowCtx {
    path: String,
    key: String,
    name: String,
    current: String,
    share: String,
    last_year: String,
    year_before: String,
}

#[derive(Serialize)]
pub(crate) struct BlockCtx {
    key: &'static str,
    label: &'static str,
    rows: Vec<FundRowCtx>,
    total: FundRowCtx,
    /// The sum of the rows' current amounts, when it differs from the entered total.
    total_calc: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct IndCtx {
    idx: usize,
    path: String,
    level1: String,
    level2: String,
    name: String,
    target: String,
    meaning: String,
    year_before: String,
    last_year: String,
    basis: String,
    class: String,
    extra: String,
}

#[derive(Serialize)]
pub(crate) struct L2Ctx {
    name: String,
    /// The level-1 and level-2 texts its rows carry.
    level1: String,
    level2: String,
    stem: String,
    numbered: bool,
    rows: Vec<IndCtx>,
}

#[derive(Serialize)]
pub(crate) struct L1Ctx {
    name: String,
    usual_class: String,
    outside: bool,
    groups: Vec<L2Ctx>,
}

#[derive(Serialize)]
pub(crate) struct TableCtx {
    key: &'static str,
    label: &'static str,
    goal_label: &'static str,
    value_label: &'static str,
    history: bool,
    goal: String,
    count: usize,
    tree: Vec<L1Ctx>,
}

#[derive(Serialize)]
pub(crate) struct FindingCtx {
    code: String,
    severity: String,
    severity_label: &'static str,
    path: String,
    label: String,
    message: String,
}

/// Everything the form templates need.
#[derive(Serialize)]
pub(crate) struct FormCtx {
    id: i64,
    status: String,
    version: i64,
    editable: bool,
    template_id: String,
    template_version: u32,
    title: String,
    form: serde_json::Value,
    fill_date: String,
    /// The phone as shown on read-only pages (masked: personal data).
    phone_shown: String,
    blocks: Vec<BlockCtx>,
    tables: Vec<TableCtx>,
    categories: Vec<String>,
    basis: Vec<String>,
    classes: Vec<String>,
    comparators: Vec<String>,
    findings: Vec<FindingCtx>,
    errors: usize,
    warnings: usize,
    /// Worst severity per JSON Pointer, for highlighting fields.
    marks: BTreeMap<String, String>,
    /// Open comments grouped by the place they are shown at.
    comments: BTreeMap<String, Vec<CommentView>>,
    /// Number of open comments.
    comment_count: usize,
    /// Every comment, open first, with its place's label.
    all_comments: Vec<CommentRow>,
    /// The places (as comments attach to them) changed since the last returned version.
    changed: Vec<String>,
    /// That version and the number of changed values.
    changed_since: Option<(i64, usize)>,
    grades: Option<crate::views::Grades>,
    return_reason: Option<String>,
}

/// A comment in the list of all comments of a form.
#[derive(Debug, Clone, Serialize)]
struct CommentRow {
    /// The place in Chinese (`年度绩效指标第 4 行`).
    label: String,
    comment: CommentView,
}

fn opt_money(m: Option<Money>) -> String {
    m.map(|m| m.to_string()).unwrap_or_default()
}

fn fund_row(path: String, key: &str, name: &str, a: &FundingAmounts) -> FundRowCtx {
    FundRowCtx {
        path,
        key: key.to_string(),
        name: name.to_string(),
        current: opt_money(a.current),
        share: a
            .share
            .map(|p| p.value().normalize().to_string())
            .unwrap_or_default(),
        last_year: opt_money(a.last_year),
        year_before: opt_money(a.year_before),
    }
}

fn block(
    key: &'static str,
    label: &'static str,
    b: &FundingBlock,
    figures: &BlockFigures,
) -> BlockCtx {
    let prefix = format!("/funding/{key}");
    let rows = b
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| fund_row(format!("{prefix}/rows/{i}"), &r.key, &r.name, &r.amounts))
        .collect();
    // The domain's sum of the rows, shown beside an entered 合计 that differs from it.
    let calc = figures.column(Column::Current).sum.unwrap_or(Money::ZERO);
    let total_calc = (b.total.current != Some(calc)).then(|| calc.to_string());
    BlockCtx {
        key,
        label,
        rows,
        total: fund_row(format!("{prefix}/total"), "", labels::TOTAL, &b.total),
        total_calc,
    }
}

fn target_text(t: &Option<TargetValue>) -> String {
    t.as_ref().map(|t| t.to_string()).unwrap_or_default()
}

fn indicator(key: &str, idx: usize, r: &Indicator) -> IndCtx {
    let mut extra = serde_json::Map::new();
    if let Ok(serde_json::Value::Object(all)) = serde_json::to_value(r) {
        for k in [
            "definition",
            "scoring_rule",
            "unit_of_measure",
            "weight",
            "remark",
        ] {
            if let Some(v) = all.get(k) {
                extra.insert(k.to_string(), v.clone());
            }
        }
    }
    IndCtx {
        idx,
        path: format!("/indicators/{key}/rows/{idx}"),
        level1: r.level1.clone(),
        level2: r.level2.clone(),
        name: r.name.clone(),
        target: target_text(&r.target),
        meaning: r
            .target
            .as_ref()
            .map(TargetValue::meaning)
            .unwrap_or_default(),
        year_before: target_text(&r.year_before),
        last_year: target_text(&r.last_year),
        basis: r.basis.clone().unwrap_or_default(),
        class: r.class.clone().unwrap_or_default(),
        extra: if extra.is_empty() {
            String::new()
        } else {
            serde_json::Value::Object(extra).to_string()
        },
    }
}

/// Groups a table's rows under the template's frame; rows outside the frame are kept in a
/// trailing group so that nothing is lost.
fn tree(key: &str, rows: &[Indicator], template: &Template) -> Vec<L1Ctx> {
    let mut used = vec![false; rows.len()];
    let mut out = Vec::new();
    for l1 in &template.indicator_frame {
        let mut groups = Vec::new();
        for l2 in &l1.children {
            let mut names: Vec<String> = Vec::new();
            if l2.numbered {
                for r in rows
                    .iter()
                    .filter(|r| r.level1 == l1.name && l2.matches(&r.level2))
                {
                    if !names.contains(&r.level2) {
                        names.push(r.level2.clone());
                    }
                }
                if names.is_empty() {
                    names.push(format!("{}1", l2.name));
                }
            } else {
                names.push(l2.name.clone());
            }
            for name in names {
                let mut group_rows = Vec::new();
                for (i, r) in rows.iter().enumerate() {
                    if !used[i] && r.level1 == l1.name && r.level2 == name {
                        used[i] = true;
                        group_rows.push(indicator(key, i, r));
                    }
                }
                groups.push(L2Ctx {
                    level1: l1.name.clone(),
                    level2: name.clone(),
                    name,
                    stem: l2.name.clone(),
                    numbered: l2.numbered,
                    rows: group_rows,
                });
            }
        }
        out.push(L1Ctx {
            name: l1.name.clone(),
            usual_class: l1.usual_class.clone().unwrap_or_default(),
            outside: false,
            groups,
        });
    }
    let mut outside: Vec<L2Ctx> = Vec::new();
    for (i, r) in rows.iter().enumerate().filter(|(i, _)| !used[*i]) {
        let name = format!("{} / {}", r.level1, r.level2);
        match outside.iter_mut().find(|g| g.name == name) {
            Some(g) => g.rows.push(indicator(key, i, r)),
            None => outside.push(L2Ctx {
                level1: r.level1.clone(),
                level2: r.level2.clone(),
                name,
                stem: String::new(),
                numbered: false,
                rows: vec![indicator(key, i, r)],
            }),
        }
    }
    if !outside.is_empty() {
        out.push(L1Ctx {
            name: "模板外指标".to_string(),
            usual_class: String::new(),
            outside: true,
            groups: outside,
        });
    }
    out
}

/// The places comments are shown at, deepest first matching wins.
fn comment_anchor(path: &str) -> String {
    let segs: Vec<&str> = path.split('/').skip(1).collect();
    let keep = match segs.as_slice() {
        ["indicators", _, "rows", _, ..] => 4,
        ["indicators", _, ..] => 2,
        ["projects" | "functions" | "annual_tasks", n, ..] if n.parse::<usize>().is_ok() => 2,
        ["goals", ..] => 1,
        [_, ..] => 1,
        [] => 0,
    };
    if keep == 0 {
        return String::new();
    }
    let kept: Vec<&str> = segs.into_iter().take(keep).collect();
    format!("/{}", kept.join("/"))
}

impl FormCtx {
    /// Builds the context of a form page.
    pub(crate) fn new(p: &FormPage, editable: bool) -> FormCtx {
        let f: &Form = &p.form;
        let t = &p.template;
        let figures = funding_figures(&f.funding);
        let tables = [
            ("long_term", &f.indicators.long_term),
            ("annual", &f.indicators.annual),
        ]
        .into_iter()
        .map(|(key, table)| TableCtx {
            key,
            label: if key == "annual" {
                labels::ANNUAL_TABLE
            } else {
                labels::LONG_TERM_TABLE
            },
            goal_label: if key == "annual" {
                labels::ANNUAL_GOAL
            } else {
                labels::LONG_TERM_GOAL
            },
            value_label: if key == "annual" {
                labels::EXPECTED
            } else {
                labels::TARGET
            },
            history: key == "annual" && t.annual_history_columns,
            goal: table.goal.clone(),
            count: table.rows.len(),
            tree: tree(key, &table.rows, t),
        })
        .collect();
        let mut marks: BTreeMap<String, String> = BTreeMap::new();
        let findings: Vec<FindingCtx> = p
            .findings
            .iter()
            .map(|x| {
                let sev = serde_json::to_value(x.severity)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string));
                let sev = sev.unwrap_or_else(|| "info".into());
                let entry = marks.entry(x.path.clone()).or_insert_with(|| sev.clone());
                if sev == "error" {
                    *entry = sev.clone();
                }
                FindingCtx {
                    code: x.code.clone(),
                    severity: sev,
                    severity_label: x.severity.label(),
                    path: x.path.clone(),
                    label: crate::labels::path_label(&x.path, Some(f)),
                    message: x.message.clone(),
                }
            })
            .collect();
        let mut comments: BTreeMap<String, Vec<CommentView>> = BTreeMap::new();
        let mut all_comments: Vec<CommentRow> = p
            .comments
            .iter()
            .map(|c| CommentRow {
                label: if c.path.is_empty() {
                    "全表".to_string()
                } else {
                    crate::labels::path_label(&c.path, Some(f))
                },
                comment: c.clone(),
            })
            .collect();
        all_comments.sort_by_key(|c| c.comment.resolved_in.is_some());
        for c in p.comments.iter().filter(|c| c.resolved_in.is_none()) {
            comments
                .entry(comment_anchor(&c.path))
                .or_default()
                .push(c.clone());
        }
        FormCtx {
            id: p.id,
            status: p.status.clone(),
            version: p.version,
            editable,
            template_id: f.template.id.clone(),
            template_version: f.template.version,
            title: t.title.clone(),
            form: serde_json::to_value(f).unwrap_or_default(),
            fill_date: f
                .header
                .fill_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            phone_shown: f
                .header
                .phone
                .as_deref()
                .map(mask_phone)
                .unwrap_or_default(),
            blocks: vec![
                block("income", labels::INCOME, &f.funding.income, &figures.income),
                block(
                    "expenditure",
                    labels::EXPENDITURE,
                    &f.funding.expenditure,
                    &figures.expenditure,
                ),
            ],
            tables,
            categories: t
                .project_categories
                .iter()
                .map(|c| c.name.clone())
                .collect(),
            basis: t.dictionaries.basis.clone(),
            classes: t.dictionaries.class.clone(),
            comparators: t.dictionaries.comparators.clone(),
            errors: findings.iter().filter(|x| x.severity == "error").count(),
            warnings: findings.iter().filter(|x| x.severity == "warning").count(),
            findings,
            marks,
            comment_count: p
                .comments
                .iter()
                .filter(|c| c.resolved_in.is_none())
                .count(),
            comments,
            all_comments,
            changed: p
                .changed_since
                .iter()
                .flat_map(|c| c.paths.iter())
                .map(|path| comment_anchor(path))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect(),
            changed_since: p.changed_since.as_ref().map(|c| (c.version, c.paths.len())),
            grades: p.grades.clone(),
            return_reason: p.return_reason.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::comment_anchor;

    #[test]
    fn comments_attach_to_rows_and_sections() {
        assert_eq!(
            comment_anchor("/indicators/annual/rows/3/target"),
            "/indicators/annual/rows/3"
        );
        assert_eq!(
            comment_anchor("/indicators/annual/goal"),
            "/indicators/annual"
        );
        assert_eq!(comment_anchor("/projects/2/name"), "/projects/2");
        assert_eq!(comment_anchor("/funding/income/rows/0/current"), "/funding");
        assert_eq!(comment_anchor(""), "");
    }
}
