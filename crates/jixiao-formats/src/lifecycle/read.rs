//! Reads a filled monitoring or self-evaluation workbook: jixiao's own, or one another program
//! wrote with the same header cells. Blocks are found by their header rows and columns by their
//! header text; only entered cells are read, derived ones are recomputed by the domain.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Reader, Xlsx};
use jixiao_domain::form::{FiscalYear, TemplateRef};
use jixiao_domain::lifecycle::DeclarationRef;
use jixiao_domain::lifecycle::monitoring::{
    BudgetExecutionRow, DeviationReason, Likelihood, MonitoringHeader, MonitoringKind,
    MonitoringReport, MonitoringRow,
};
use jixiao_domain::lifecycle::selfeval::{
    GoalOutcome, SelfEvalBudgetRow, SelfEvalHeader, SelfEvalRow, SelfEvaluation, SelfEvaluationKind,
};
use jixiao_domain::{DocumentKind, Money, Registry, TargetValue};
use rust_decimal::Decimal;

use super::{META_SHEET, MONITORING_SHEET, SELF_EVALUATION_SHEET};
use crate::report::{ImportError, ImportReport, ReportKind, SourceLocation};
use crate::xlsx::grid::{Grid, Value};
use crate::xlsx::zipguard;

/// Labels of the text blocks below the indicator tables.
const FOOTERS: &[&str] = &[
    "偏差或不能完成目标原因分析",
    "相关建议或举措",
    "偏差原因、改进措施及结果应用",
];

/// The template a workbook without a meta sheet is read with.
const DEFAULT_TEMPLATE: &str = "hubei-dept-2026";

/// The kind of a workbook, from its sheet names (`None`: not a monitoring or self-evaluation
/// workbook). A file the ZIP guard refuses (a ZIP bomb, too many entries) is not opened at all:
/// `None`, and the declaration importer that reads it next answers with the guard's message.
pub fn workbook_kind(bytes: &[u8]) -> Option<DocumentKind> {
    zipguard::check(bytes).ok()?;
    let xlsx: Xlsx<Cursor<&[u8]>> = Xlsx::new(Cursor::new(bytes)).ok()?;
    let names = xlsx.sheet_names();
    if names.iter().any(|n| n == MONITORING_SHEET) {
        Some(DocumentKind::Monitoring)
    } else if names.iter().any(|n| n == SELF_EVALUATION_SHEET) {
        Some(DocumentKind::SelfEvaluation)
    } else {
        None
    }
}

struct Sheet {
    name: &'static str,
    grid: Grid,
    meta: HashMap<String, String>,
    report: ImportReport,
}

fn open(bytes: &[u8], name: &'static str) -> Result<Sheet, ImportError> {
    zipguard::check(bytes)?;
    let mut xlsx: Xlsx<Cursor<&[u8]>> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| ImportError::UnknownFormat(format!("不是有效的 Excel（XLSX）文件：{e}")))?;
    let names = xlsx.sheet_names();
    if !names.iter().any(|n| n == name) {
        return Err(ImportError::UnknownFormat(format!(
            "工作簿中没有名为「{name}」的工作表"
        )));
    }
    let mut meta = HashMap::new();
    if names.iter().any(|n| n == META_SHEET) {
        let g = Grid::load(&mut xlsx, META_SHEET)?;
        for r in 0..g.rows.min(1000) {
            let k = g.text(r, 0);
            if !k.is_empty() {
                meta.insert(k, g.text(r, 1));
            }
        }
    }
    let grid = Grid::load(&mut xlsx, name)?;
    Ok(Sheet {
        name,
        grid,
        meta,
        report: ImportReport::new("xlsx"),
    })
}

fn compact(s: &str) -> String {
    jixiao_domain::text::to_half_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The header line's personal fields and amount unit.
struct HeaderCells {
    filler: Option<String>,
    phone: Option<String>,
    amount_unit: String,
}

/// A header row: its index and the column of each header text.
struct Header {
    row: u32,
    cols: HashMap<String, u16>,
}

impl Header {
    fn col(&self, name: &str) -> Option<u16> {
        self.cols.get(name).copied()
    }
}

impl Sheet {
    fn loc(&self, row: u32, col: u16) -> SourceLocation {
        Grid::location(self.name, row, col)
    }

    fn malformed(&self, message: String) -> ImportError {
        ImportError::Malformed {
            location: SourceLocation {
                cell: Some(self.name.to_string()),
                ..Default::default()
            },
            message,
        }
    }

    /// The first row holding every one of `needed` as a whole cell, with its columns.
    fn find_header(&self, needed: &[&str], block: &str) -> Result<Header, ImportError> {
        for row in 0..self.grid.rows.min(100_000) {
            let mut cols = HashMap::new();
            for col in 0..=crate::xlsx::LAST_READ_COL {
                let t = compact(&self.grid.text(row, col));
                if !t.is_empty() && !self.grid.is_hidden_by_merge(row, col) {
                    cols.entry(t).or_insert(col);
                }
            }
            if needed.iter().all(|n| cols.contains_key(*n)) {
                return Ok(Header { row, cols });
            }
            // A row with the block's first header and some others, but not all: name the
            // missing ones (another block's header row shares some names, never the first).
            let found = needed.iter().filter(|n| cols.contains_key(**n)).count();
            if cols.contains_key(needed[0]) && found >= 2 && found < needed.len() {
                let missing: Vec<&str> = needed
                    .iter()
                    .copied()
                    .filter(|n| !cols.contains_key(*n))
                    .collect();
                return Err(ImportError::Malformed {
                    location: self.loc(row, 0),
                    message: format!(
                        "{block}的表头行缺少「{}」（表头单元格须原样保留）",
                        missing.join("」「")
                    ),
                });
            }
        }
        Err(self.malformed(format!(
            "找不到{block}的表头行：应有一行单元格分别为「{}」",
            needed.join("」「")
        )))
    }

    fn text(&self, row: u32, col: Option<u16>) -> String {
        col.map(|c| self.grid.merged_text(row, c))
            .unwrap_or_default()
    }

    /// An entered amount; text that is not a number is reported and left empty.
    fn money(&mut self, row: u32, col: Option<u16>, path: String) -> Option<Money> {
        let col = col?;
        let v = self.grid.value(row, col).clone();
        let text = match &v {
            Value::Empty => return None,
            Value::Number(f) => f.to_string(),
            other => crate::xlsx::grid::value_text(other),
        };
        if text.is_empty() {
            return None;
        }
        match text.parse::<Money>() {
            Ok(m) => Some(m),
            Err(e) => {
                let loc = self.loc(row, col);
                self.report.push(
                    ReportKind::Unplaced,
                    loc,
                    Some(path),
                    format!("金额「{text}」无法识别（{e}），未导入"),
                );
                None
            }
        }
    }

    fn decimal(&mut self, row: u32, col: Option<u16>, path: String) -> Option<Decimal> {
        self.money(row, col, path).map(Money::value)
    }

    fn year(&self) -> Option<FiscalYear> {
        if let Some(y) = self.meta.get("fiscal_year").and_then(|y| y.parse().ok()) {
            return FiscalYear::new(y).ok();
        }
        for row in 0..self.grid.rows.min(5) {
            for col in 0..4 {
                let t = self.grid.text(row, col);
                if let Some(i) = t.find("年度") {
                    let digits: String = t[..i]
                        .chars()
                        .rev()
                        .take_while(|c| c.is_ascii_digit())
                        .collect();
                    let digits: String = digits.chars().rev().collect();
                    if let Ok(y) = digits.parse() {
                        return FiscalYear::new(y).ok();
                    }
                }
            }
        }
        None
    }

    /// `label：value` cells above the first block (部门（单位）名称：…, 填报人：…).
    fn labelled(&self, label: &str, before: u32) -> Option<String> {
        for row in 0..before {
            for col in 0..=crate::xlsx::LAST_READ_COL {
                let t = self.grid.text(row, col);
                let c = t.replace(char::is_whitespace, "");
                if let Some(rest) = c.strip_prefix(label) {
                    let v = rest.trim_start_matches(['：', ':']).trim().to_string();
                    return Some(v);
                }
            }
        }
        None
    }

    /// The header line's 填报人, 联系电话 and 单位 (万元 when absent).
    fn header_cells(&self, before: u32) -> HeaderCells {
        let get = |label: &str| self.labelled(label, before).filter(|v| !v.is_empty());
        HeaderCells {
            filler: get("填报人"),
            phone: get("联系电话"),
            amount_unit: get("单位").unwrap_or_else(|| "万元".into()),
        }
    }

    /// The text right of a label cell anywhere below `from` (a footer such as 相关建议或举措).
    fn after_label(&self, label: &str, from: u32) -> String {
        for row in from..self.grid.rows {
            for col in 0..crate::xlsx::LAST_READ_COL {
                if compact(&self.grid.text(row, col)) == label {
                    let mut c = col + 1;
                    while c <= crate::xlsx::LAST_READ_COL && self.grid.is_hidden_by_merge(row, c) {
                        c += 1;
                    }
                    return self
                        .grid
                        .merged_text(row, c.min(crate::xlsx::LAST_READ_COL));
                }
            }
        }
        String::new()
    }

    /// The funding row names (and aliases) of the workbook's template, with their keys.
    fn funding_keys(&self, registry: &Registry) -> Result<Vec<(String, String)>, ImportError> {
        let t = self.template();
        let template = registry
            .get(&t.id, Some(t.version))
            .map_err(|e| ImportError::UnknownTemplate(e.to_string()))?;
        Ok(template
            .funding
            .income
            .iter()
            .flat_map(|r| {
                std::iter::once((compact(&r.name), r.key.clone()))
                    .chain(r.aliases.iter().map(|a| (compact(a), r.key.clone())))
            })
            .collect())
    }

    fn template(&self) -> TemplateRef {
        TemplateRef {
            id: self
                .meta
                .get("template_id")
                .cloned()
                .unwrap_or_else(|| DEFAULT_TEMPLATE.to_string()),
            version: self
                .meta
                .get("template_version")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1),
        }
    }

    fn declaration(&self, unit_name: &str, year: FiscalYear) -> DeclarationRef {
        self.meta
            .get("declaration")
            .and_then(|d| serde_json::from_str(d).ok())
            .unwrap_or_else(|| DeclarationRef {
                unit_name: unit_name.to_string(),
                fiscal_year: year,
                version: None,
            })
    }

    /// The rows of a block below its header: until an empty row, a 合计 row, or the end.
    fn block_rows(&self, header: &Header, label_col: u16, stop_at_total: bool) -> Vec<u32> {
        let mut rows = Vec::new();
        for row in header.row + 1..self.grid.rows {
            let label = compact(&self.grid.merged_text(row, label_col));
            let any = (0..=crate::xlsx::LAST_READ_COL).any(|c| !self.grid.text(row, c).is_empty());
            let first = compact(&self.grid.merged_text(row, 0));
            if !any
                || (stop_at_total && label == "合计")
                || label == "总分"
                || first == "总分"
                || FOOTERS.contains(&first.as_str())
            {
                break;
            }
            rows.push(row);
        }
        rows
    }

    fn target(&mut self, row: u32, col: Option<u16>) -> Option<TargetValue> {
        TargetValue::parse(&self.text(row, col))
    }
}

/// Reads a filled monitoring workbook.
pub fn read_monitoring(
    bytes: &[u8],
    registry: &Registry,
) -> Result<(MonitoringReport, ImportReport), ImportError> {
    let mut s = open(bytes, MONITORING_SHEET)?;
    let keys = s.funding_keys(registry)?;
    let budget_h = find_budget_header(&s)?;
    let month = budget_h.1;
    let budget_h = budget_h.0;
    let ind_h = s.find_header(
        &[
            "三级指标",
            "年度指标值",
            "当前完成值",
            "完成可能性",
            "偏差原因",
        ],
        "指标表",
    )?;
    let year = s
        .year()
        .ok_or_else(|| s.malformed("无法确定年度：标题中没有“YYYY年度”".into()))?;
    let unit_name = s
        .labelled("部门（单位）名称", budget_h.row)
        .unwrap_or_default();
    let label_col = budget_h.col("资金来源").unwrap_or(0);
    let executed_name = format!("1-{month}月执行数");
    let mut budget = Vec::new();
    for (i, row) in s
        .block_rows(&budget_h, label_col, true)
        .into_iter()
        .enumerate()
    {
        let name = s.text(row, Some(label_col));
        let p = |f: &str| format!("/budget/{i}/{f}");
        budget.push(BudgetExecutionRow {
            key: key_of(&keys, &name),
            initial: s.money(row, budget_h.col("年初预算数"), p("initial")),
            adjusted: s.money(row, budget_h.col("调整后预算数"), p("adjusted")),
            executed: s.money(row, budget_h.col(&executed_name), p("executed")),
            expected: s.money(row, budget_h.col("全年预计执行数"), p("expected")),
            name,
        });
    }
    let mut indicators = Vec::new();
    let (mut last1, mut last2) = (String::new(), String::new());
    for (i, row) in s
        .block_rows(&ind_h, ind_h.col("三级指标").unwrap_or(2), false)
        .into_iter()
        .enumerate()
    {
        let level1 = fill(&mut last1, s.text(row, ind_h.col("一级指标")));
        let level2 = fill(&mut last2, s.text(row, ind_h.col("二级指标")));
        let likelihood_text = s.text(row, ind_h.col("完成可能性"));
        let likelihood = Likelihood::from_label(&likelihood_text);
        if likelihood.is_none() && !likelihood_text.is_empty() {
            let loc = s.loc(row, ind_h.col("完成可能性").unwrap_or(0));
            s.report.push(
                ReportKind::Unplaced,
                loc,
                Some(format!("/indicators/{i}/likelihood")),
                format!("完成可能性「{likelihood_text}」应为 确定能、有可能 或 完全不可能，未导入"),
            );
        }
        let (reasons, unknown) = DeviationReason::parse_list(&s.text(row, ind_h.col("偏差原因")));
        let mut reason_text = s.text(row, ind_h.col("偏差原因说明"));
        if !unknown.is_empty() {
            // Words that are not one of the five reasons are kept as the reason's text.
            let extra = unknown.join("、");
            reason_text = if reason_text.is_empty() {
                extra
            } else {
                format!("{extra}；{reason_text}")
            };
        }
        indicators.push(MonitoringRow {
            level1,
            level2,
            name: s.text(row, ind_h.col("三级指标")),
            target: s.target(row, ind_h.col("年度指标值")),
            actual: s.text(row, ind_h.col("当前完成值")),
            likelihood,
            expected: s.text(row, ind_h.col("全年预计完成情况")),
            reasons,
            reason_text,
            remark: s.text(row, ind_h.col("备注")),
        });
    }
    let goal = s.after_label("年度目标", budget_h.row);
    let analysis = s.after_label("偏差或不能完成目标原因分析", ind_h.row);
    let suggestions = s.after_label("相关建议或举措", ind_h.row);
    let people = s.header_cells(budget_h.row);
    let report = MonitoringReport {
        kind: MonitoringKind::Monitoring,
        template: s.template(),
        declaration: s.declaration(&unit_name, year),
        header: MonitoringHeader {
            fiscal_year: year,
            month,
            filler: people.filler,
            phone: people.phone,
            amount_unit: people.amount_unit,
            unit_name,
            fill_date: None,
        },
        budget,
        goal,
        indicators,
        analysis,
        suggestions,
    };
    Ok((report, s.report))
}

/// The budget header of a monitoring report and the month its `1-M月执行数` names.
fn find_budget_header(s: &Sheet) -> Result<(Header, u8), ImportError> {
    for row in 0..s.grid.rows.min(100_000) {
        for col in 0..=crate::xlsx::LAST_READ_COL {
            let t = compact(&s.grid.text(row, col)).replace(['–', '—', '~', '～'], "-");
            if let Some(m) = t
                .strip_prefix("1-")
                .and_then(|r| r.strip_suffix("月执行数"))
                .and_then(|m| m.parse::<u8>().ok())
            {
                let h =
                    s.find_header(&["调整后预算数", &format!("1-{m}月执行数")], "预算执行表")?;
                return Ok((h, m));
            }
        }
    }
    Err(s.malformed(
        "找不到预算执行表的表头行：应有“调整后预算数”和“1-M月执行数”（如“1-6月执行数”）".into(),
    ))
}

/// The template key of a funding row name; the compacted name itself when the template has no
/// such row (the row is kept, and the domain reports nothing about keys).
fn key_of(keys: &[(String, String)], name: &str) -> String {
    let c = compact(name);
    keys.iter()
        .find(|(n, _)| *n == c)
        .map_or(c, |(_, k)| k.clone())
}

/// Level-1 / level-2 cells are often merged or left empty under the first row of a group.
fn fill(last: &mut String, text: String) -> String {
    if !text.is_empty() {
        *last = text;
    }
    last.clone()
}

/// Reads a filled self-evaluation workbook.
pub fn read_self_evaluation(
    bytes: &[u8],
    registry: &Registry,
) -> Result<(SelfEvaluation, ImportReport), ImportError> {
    let mut s = open(bytes, SELF_EVALUATION_SHEET)?;
    let keys = s.funding_keys(registry)?;
    let budget_h = s.find_header(&["全年预算数", "全年执行数"], "预算执行表")?;
    let ind_h = s.find_header(
        &["三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        "指标表",
    )?;
    let year = s
        .year()
        .ok_or_else(|| s.malformed("无法确定年度：标题中没有“YYYY年度”".into()))?;
    let unit_name = s
        .labelled("部门（单位）名称", budget_h.row)
        .unwrap_or_default();
    let label_col = budget_h.col("资金来源").unwrap_or(0);
    let mut budget = Vec::new();
    let rows = s.block_rows(&budget_h, label_col, true);
    let total_row = rows.last().map_or(budget_h.row + 1, |r| r + 1);
    for (i, row) in rows.into_iter().enumerate() {
        let p = |f: &str| format!("/budget/{i}/{f}");
        let name = s.text(row, Some(label_col));
        budget.push(SelfEvalBudgetRow {
            key: key_of(&keys, &name),
            name,
            initial: s.money(row, budget_h.col("年初预算数"), p("initial")),
            full_year: s.money(row, budget_h.col("全年预算数"), p("full_year")),
            executed: s.money(row, budget_h.col("全年执行数"), p("executed")),
        });
    }
    let budget_declared_score = if compact(&s.text(total_row, Some(label_col))) == "合计" {
        s.decimal(
            total_row,
            budget_h.col("得分"),
            "/budget_declared_score".into(),
        )
    } else {
        None
    };
    let mut indicators = Vec::new();
    let (mut last1, mut last2) = (String::new(), String::new());
    let rows = s.block_rows(&ind_h, ind_h.col("三级指标").unwrap_or(2), false);
    let after = rows.last().map_or(ind_h.row + 1, |r| r + 1);
    for (i, row) in rows.into_iter().enumerate() {
        let p = |f: &str| format!("/indicators/{i}/{f}");
        indicators.push(SelfEvalRow {
            level1: fill(&mut last1, s.text(row, ind_h.col("一级指标"))),
            level2: fill(&mut last2, s.text(row, ind_h.col("二级指标"))),
            name: s.text(row, ind_h.col("三级指标")),
            target: s.target(row, ind_h.col("年度指标值")),
            actual: s.text(row, ind_h.col("实际完成值")),
            weight: s.decimal(row, ind_h.col("分值"), p("weight")),
            declared_score: s.decimal(row, ind_h.col("得分"), p("declared_score")),
            analysis: s.text(row, ind_h.col("偏差原因分析及改进措施")),
        });
    }
    let declared_total = if compact(&s.grid.merged_text(after, 0)) == "总分" {
        s.decimal(after, ind_h.col("得分"), "/declared_total".into())
    } else {
        None
    };
    let people = s.header_cells(budget_h.row);
    let eval = SelfEvaluation {
        kind: SelfEvaluationKind::SelfEvaluation,
        template: s.template(),
        declaration: s.declaration(&unit_name, year),
        header: SelfEvalHeader {
            fiscal_year: year,
            filler: people.filler,
            phone: people.phone,
            amount_unit: people.amount_unit,
            unit_name,
            fill_date: None,
        },
        budget,
        budget_declared_score,
        goal: GoalOutcome {
            expected: s.after_label("预期目标", budget_h.row),
            actual: s.after_label("实际完成情况", budget_h.row),
        },
        indicators,
        declared_total,
        analysis: s.after_label("偏差原因、改进措施及结果应用", ind_h.row),
    };
    Ok((eval, s.report))
}
