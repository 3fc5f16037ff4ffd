//! Reads a jixiao workbook (an export, or a blank filled in Excel, WPS, LibreOffice or any other
//! program) back into the canonical form.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use calamine::{Reader, Xlsx};
use jixiao_domain::form::{
    Date, FiscalYear, Form, Funding, FundingAmounts, FundingBlock, FundingRow, Goals, Header, Indicator, IndicatorTable,
    Indicators, LongTermGoals, Project, TemplateRef,
};
use jixiao_domain::template::FundingRowDef;
use jixiao_domain::{Money, Percent, Registry, TargetValue, Template};
use rust_decimal::Decimal;

use super::grid::{Grid, Value, serial_to_date};
use super::layout::*;
use super::zipguard;
use crate::report::{ImportError, ImportReport, ReportKind};

/// Reads a jixiao workbook into the canonical form and an import report.
///
/// The ZIP container is checked first (entry count, expanded size); a workbook without the form
/// sheet, with an unknown template, or too large is refused with a Chinese message. Cells the
/// reader cannot place are listed in the report, never dropped silently.
pub fn read_form(bytes: &[u8], registry: &Registry) -> Result<(Form, ImportReport), ImportError> {
    zipguard::check(bytes)?;
    let mut xlsx: Xlsx<Cursor<&[u8]>> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| ImportError::UnknownFormat(format!("不是有效的 Excel（XLSX）文件：{e}")))?;
    let names = xlsx.sheet_names();
    if !names.iter().any(|n| n == SHEET) {
        return Err(ImportError::UnknownFormat(format!(
            "工作簿中没有名为「{SHEET}」的工作表；请使用 jixiao 导出的表格或空白模板（jixiao template xlsx）"
        )));
    }
    let meta = if names.iter().any(|n| n == META_SHEET) { read_meta(&mut xlsx)? } else { HashMap::new() };
    let grid = Grid::load(&mut xlsx, SHEET)?;
    let derived: HashSet<String> =
        meta.get("derived").map(|d| d.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()).unwrap_or_default();
    let mut r = Ctx { grid, report: ImportReport::new("xlsx"), derived };
    let form = r.form(&meta, registry)?;
    Ok((form, r.report))
}

fn read_meta(xlsx: &mut Xlsx<Cursor<&[u8]>>) -> Result<HashMap<String, String>, ImportError> {
    let g = Grid::load(xlsx, META_SHEET)?;
    let mut map = HashMap::new();
    for r in 0..g.rows.min(100) {
        let k = g.text(r, 0);
        if !k.is_empty() {
            map.insert(k, g.text(r, 1));
        }
    }
    Ok(map)
}

/// The sections of the sheet, found by their labels in column A.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sec {
    Funding,
    Functions,
    Tasks,
    Projects,
    Goals,
    LongGoal,
    AnnualGoal,
    LongTable,
    AnnualTable,
}

fn classify(label: &str) -> Option<Sec> {
    let compact: String = label.chars().filter(|c| !c.is_whitespace()).collect();
    Some(match compact.as_str() {
        L_FUNDING => Sec::Funding,
        L_FUNCTIONS => Sec::Functions,
        L_TASKS => Sec::Tasks,
        L_PROJECTS => Sec::Projects,
        L_GOALS => Sec::Goals,
        L_ANNUAL_GOAL => Sec::AnnualGoal,
        L_LONG_TERM_TABLE => Sec::LongTable,
        L_ANNUAL_TABLE => Sec::AnnualTable,
        s if s.starts_with(L_LONG_TERM_GOAL) => Sec::LongGoal,
        _ => return None,
    })
}

/// A value read from a cell that may be a formula without a cached result.
enum Got<T> {
    Val(Option<T>),
    /// A formula without a cached value (saved by a program that does not calculate): jixiao
    /// computes it from the other cells.
    Compute,
}

fn dec_from_f64(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    Decimal::from_str_exact(&f.to_string()).ok()
}

fn year_in(text: &str) -> Option<FiscalYear> {
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() == 4 { FiscalYear::new(digits.parse().ok()?).ok() } else { None }
}

fn opt(s: String) -> Option<String> {
    if s.is_empty() { None } else { Some(s) }
}

struct Ctx {
    grid: Grid,
    report: ImportReport,
    derived: HashSet<String>,
}

/// A funding row as found on the sheet, before it is matched to the template.
struct RawFunding {
    row: u32,
    income: bool,
    name: String,
    current: Got<Money>,
    share: Got<Percent>,
    last_year: Got<Money>,
    year_before: Got<Money>,
}

impl Ctx {
    fn note(&mut self, kind: ReportKind, row: u32, col: u16, message: String) {
        self.report.push(kind, Grid::location(SHEET, row, col), None, message);
    }

    fn form(&mut self, meta: &HashMap<String, String>, registry: &Registry) -> Result<Form, ImportError> {
        let mut sections: Vec<(Sec, u32)> = Vec::new();
        for r in 0..self.grid.rows {
            if !self.grid.is_hidden_by_merge(r, COL_SECTION)
                && let Some(s) = classify(&self.grid.text(r, COL_SECTION))
            {
                sections.push((s, r));
            }
        }
        let rows = self.grid.rows;
        let range = |s: Sec| -> Option<(u32, u32)> {
            let i = sections.iter().position(|(k, _)| *k == s)?;
            let start = sections[i].1;
            let end = sections.get(i + 1).map(|(_, r)| *r).unwrap_or(rows);
            Some((start, end))
        };
        let funding_range = range(Sec::Funding).ok_or_else(|| ImportError::Malformed {
            location: Default::default(),
            message: format!("找不到「{L_FUNDING}」一节，不是 jixiao 的申报表格式"),
        })?;
        let header_end = sections.first().map(|(_, r)| *r).unwrap_or(0);

        let raw = self.raw_funding(funding_range);
        let template = self.template(meta, registry, &raw)?;
        let (last_year, year_before) = self.funding_years(funding_range);
        let fiscal_year = match meta.get("fiscal_year").and_then(|y| y.parse::<i64>().ok()).and_then(|y| FiscalYear::new(y).ok()) {
            Some(y) => y,
            None => match last_year {
                Some(y) => {
                    let fy = y.next();
                    self.note(ReportKind::Guess, funding_range.0, COL_H, format!("工作簿未注明预算年度，按上年列 {y} 年推定为 {fy} 年"));
                    fy
                }
                None => {
                    return Err(ImportError::Malformed {
                        location: Grid::location(SHEET, funding_range.0, COL_H),
                        message: "无法确定预算年度：资金表缺少年份表头".into(),
                    });
                }
            },
        };
        let funding = Funding {
            last_year: last_year.unwrap_or(fiscal_year.minus(1)),
            year_before: year_before.unwrap_or(fiscal_year.minus(2)),
            income: self.funding_block(&raw, true, &template.funding.income),
            expenditure: self.funding_block(&raw, false, &template.funding.expenditure),
        };
        let header = self.header(header_end, fiscal_year, &template);
        let functions = range(Sec::Functions).map(|r| self.paragraphs(r)).unwrap_or_default();
        let annual_tasks = range(Sec::Tasks).map(|r| self.paragraphs(r)).unwrap_or_default();
        let projects = range(Sec::Projects).map(|r| self.projects(r)).unwrap_or_default();
        let goals = range(Sec::Goals).map(|r| self.goals(r)).unwrap_or_default();
        let long_goal = range(Sec::LongGoal).map(|(s, _)| self.grid.text(s, COL_C)).unwrap_or_default();
        let annual_goal = range(Sec::AnnualGoal).map(|(s, _)| self.grid.text(s, COL_C)).unwrap_or_default();
        let long_rows = range(Sec::LongTable).map(|r| self.indicators(r)).unwrap_or_default();
        let annual_rows = range(Sec::AnnualTable).map(|r| self.indicators(r)).unwrap_or_default();
        let version = meta.get("template_version").and_then(|v| v.parse().ok()).unwrap_or(template.version);
        Ok(Form {
            template: TemplateRef { id: template.id.clone(), version },
            header,
            funding,
            functions,
            annual_tasks,
            projects,
            goals,
            indicators: Indicators {
                long_term: IndicatorTable { goal: long_goal, rows: long_rows },
                annual: IndicatorTable { goal: annual_goal, rows: annual_rows },
            },
        })
    }

    /// The template named in the metadata sheet, or the one whose funding rows the sheet shows.
    fn template(&mut self, meta: &HashMap<String, String>, registry: &Registry, raw: &[RawFunding]) -> Result<Template, ImportError> {
        if let Some(id) = meta.get("template_id").filter(|s| !s.is_empty()) {
            let version = meta.get("template_version").and_then(|v| v.parse().ok());
            let t = registry
                .get(id, version)
                .or_else(|_| registry.get(id, None))
                .map_err(|_| ImportError::UnknownTemplate(format!("工作簿注明的模板「{id}」不存在")))?;
            return Ok(t.clone());
        }
        let names: HashSet<&str> = raw.iter().map(|r| r.name.as_str()).collect();
        let fits = |defs: &[FundingRowDef]| defs.iter().all(|d| names.contains(d.name.as_str()));
        let found = registry.all().iter().filter(|t| fits(&t.funding.income) && fits(&t.funding.expenditure)).max_by_key(|t| t.version);
        match found {
            Some(t) => {
                self.report.push(
                    ReportKind::Guess,
                    Default::default(),
                    Some("/template".into()),
                    format!("工作簿未注明模板，按资金行推定为「{}」（{}）", t.id, t.title),
                );
                Ok(t.clone())
            }
            None => Err(ImportError::UnknownTemplate("工作簿未注明模板，且资金行与已知模板均不相符".into())),
        }
    }

    fn header(&mut self, end: u32, fiscal_year: FiscalYear, template: &Template) -> Header {
        let mut h = Header {
            fiscal_year,
            fill_date: None,
            unit_name: String::new(),
            filler: None,
            phone: None,
            amount_unit: template.amount_unit.clone(),
        };
        for r in 0..end {
            let a = self.grid.text(r, COL_SECTION);
            let a_compact: String = a.chars().filter(|c| !c.is_whitespace()).collect();
            if let Some(rest) = a_compact.strip_prefix("填报日期") {
                let inline = rest.trim_start_matches(['：', ':']).to_string();
                let (date, col) = if inline.is_empty() { (self.date_at(r, COL_C), COL_C) } else { (inline.parse::<Date>(), COL_SECTION) };
                match date {
                    Ok(d) => h.fill_date = Some(d),
                    Err(e) if !e.is_empty() => self.note(ReportKind::Unplaced, r, col, format!("填报日期无法识别：{e}")),
                    Err(_) => {}
                }
            } else if a_compact == L_UNIT_NAME {
                h.unit_name = self.grid.text(r, COL_C);
            } else if a_compact == L_FILLER {
                h.filler = opt(self.grid.text(r, COL_C));
            }
            for c in COL_SECTION..=LAST_PRINTED_COL {
                if self.grid.is_hidden_by_merge(r, c) {
                    continue;
                }
                let t = self.grid.text(r, c);
                if let Some(unit) = t.strip_prefix(L_AMOUNT_UNIT) {
                    h.amount_unit = unit.trim().to_string();
                }
                if t == L_PHONE {
                    let next = ((c + 1)..=LAST_PRINTED_COL).find(|&k| !self.grid.is_hidden_by_merge(r, k));
                    h.phone = next.and_then(|k| opt(self.grid.text(r, k)));
                }
            }
        }
        h
    }

    /// A date cell: an Excel date, or text such as `2025 年 11 月 17 日`. `Err("")` when empty.
    fn date_at(&self, r: u32, c: u16) -> Result<Date, String> {
        match self.grid.value(r, c) {
            Value::Date(d) | Value::Number(d) => serial_to_date(*d).ok_or_else(|| format!("「{d}」不是有效日期")),
            Value::Empty => Err(String::new()),
            _ => {
                let t = self.grid.text(r, c);
                if t.is_empty() { Err(String::new()) } else { t.parse::<Date>() }
            }
        }
    }

    fn funding_years(&self, (start, end): (u32, u32)) -> (Option<FiscalYear>, Option<FiscalYear>) {
        for r in start..end {
            let last = year_in(&self.grid.text(r, COL_H));
            let before = year_in(&self.grid.text(r, COL_J));
            if last.is_some() || before.is_some() {
                return (last, before);
            }
        }
        (None, None)
    }

    fn raw_funding(&mut self, (start, end): (u32, u32)) -> Vec<RawFunding> {
        let mut out = Vec::new();
        let mut block = String::new();
        for r in start..end {
            let b = self.grid.merged_text(r, COL_B);
            if !b.is_empty() {
                block = b.chars().filter(|c| !c.is_whitespace()).collect();
            }
            if self.grid.is_hidden_by_merge(r, COL_C) {
                continue;
            }
            let name = self.grid.text(r, COL_C);
            if name.is_empty() {
                continue;
            }
            let income = match block.as_str() {
                L_INCOME => true,
                L_EXPENDITURE => false,
                _ => {
                    self.note(ReportKind::Unplaced, r, COL_C, format!("资金行「{name}」不在收入构成或支出构成之下，未导入"));
                    continue;
                }
            };
            out.push(RawFunding {
                row: r,
                income,
                current: self.amount(r, COL_F),
                share: self.share(r),
                last_year: self.amount(r, COL_H),
                year_before: self.amount(r, COL_J),
                name,
            });
        }
        out
    }

    /// An amount cell: numbers exactly as stored (shortest decimal), formulas by their cached
    /// value (rounded to 10 decimals to drop binary noise), text parsed as money.
    fn amount(&mut self, r: u32, c: u16) -> Got<Money> {
        let Some(cell) = self.grid.cell(r, c).cloned() else { return Got::Val(None) };
        let is_formula = cell.formula.is_some();
        if is_formula && self.derived.contains(&cell_ref(r, c)) {
            return Got::Val(None);
        }
        let dec = match &cell.value {
            Value::Empty if is_formula => return Got::Compute,
            Value::Error(_) if is_formula => return Got::Compute,
            Value::Empty => return Got::Val(None),
            Value::Number(f) => {
                let d = dec_from_f64(*f).map(|d| if is_formula { d.round_dp(10).normalize() } else { d });
                match d {
                    Some(d) => Ok(d),
                    None => Err(format!("「{f}」")),
                }
            }
            Value::Text(t) if t.trim().is_empty() => return Got::Val(None),
            Value::Text(t) => t.parse::<Money>().map(|m| m.value()).map_err(|e| e.to_string()),
            other => Err(format!("{other:?}")),
        };
        match dec.and_then(|d| Money::new(d).map_err(|e| e.to_string())) {
            Ok(m) => Got::Val(Some(m)),
            Err(e) => {
                self.note(ReportKind::Unplaced, r, c, format!("金额无法识别：{e}"));
                Got::Val(None)
            }
        }
    }

    /// A share cell (`0.00%` format: the cell holds the ratio).
    fn share(&mut self, r: u32) -> Got<Percent> {
        let Some(cell) = self.grid.cell(r, COL_G).cloned() else { return Got::Val(None) };
        let is_formula = cell.formula.is_some();
        if is_formula && self.derived.contains(&cell_ref(r, COL_G)) {
            return Got::Val(None);
        }
        match &cell.value {
            Value::Empty | Value::Error(_) if is_formula => Got::Compute,
            Value::Empty => Got::Val(None),
            Value::Number(f) => match dec_from_f64(*f).and_then(|d| d.checked_mul(Decimal::ONE_HUNDRED)) {
                Some(p) if is_formula => Got::Val(Some(Percent::new(p.round_dp(2).normalize()))),
                Some(p) => Got::Val(Some(Percent::new(p.normalize()))),
                None => Got::Val(None),
            },
            Value::Text(t) if t.trim().is_empty() => Got::Val(None),
            Value::Text(t) => match t.parse::<Percent>() {
                Ok(p) => Got::Val(Some(p)),
                Err(e) => {
                    self.note(ReportKind::Unplaced, r, COL_G, format!("占比无法识别：{e}"));
                    Got::Val(None)
                }
            },
            _ => Got::Val(None),
        }
    }

    fn funding_block(&mut self, raw: &[RawFunding], income: bool, defs: &[FundingRowDef]) -> FundingBlock {
        let in_block: Vec<&RawFunding> = raw.iter().filter(|r| r.income == income).collect();
        let label = if income { L_INCOME } else { L_EXPENDITURE };
        let matches = |d: &FundingRowDef, name: &str| d.name == name || d.aliases.iter().any(|a| a == name);
        for r in &in_block {
            if r.name != L_TOTAL && !defs.iter().any(|d| matches(d, &r.name)) {
                self.note(ReportKind::Unplaced, r.row, COL_C, format!("{label}中的「{}」不是模板中的资金行，未导入", r.name));
            }
        }
        let resolve = |g: &Got<Money>| match g {
            Got::Val(v) => (*v, false),
            Got::Compute => (None, true),
        };
        let mut rows = Vec::new();
        let mut pending_shares = Vec::new();
        for d in defs {
            match in_block.iter().find(|r| matches(d, &r.name)) {
                Some(r) => {
                    let (current, _) = resolve(&r.current);
                    let share = match &r.share {
                        Got::Val(v) => *v,
                        Got::Compute => {
                            pending_shares.push(rows.len());
                            None
                        }
                    };
                    rows.push(FundingRow {
                        key: d.key.clone(),
                        name: r.name.clone(),
                        amounts: FundingAmounts { current, share, last_year: resolve(&r.last_year).0, year_before: resolve(&r.year_before).0 },
                    });
                }
                None => {
                    self.report.push(ReportKind::Unplaced, Default::default(), None, format!("{label}缺少资金行「{}」", d.name));
                    rows.push(FundingRow { key: d.key.clone(), name: d.name.clone(), amounts: FundingAmounts::default() });
                }
            }
        }
        let sum = |get: fn(&FundingAmounts) -> Option<Money>| -> Option<Money> {
            let vals: Vec<Money> = rows.iter().filter_map(|r| get(&r.amounts)).collect();
            if vals.is_empty() { None } else { Some(jixiao_domain::money::sum(vals.iter())) }
        };
        let mut total = FundingAmounts::default();
        let mut total_share_pending = false;
        let mut computed_any = !pending_shares.is_empty();
        match in_block.iter().find(|r| r.name == L_TOTAL) {
            Some(t) => {
                let pick = |g: &Got<Money>, get: fn(&FundingAmounts) -> Option<Money>, any: &mut bool| match g {
                    Got::Val(v) => *v,
                    Got::Compute => {
                        *any = true;
                        sum(get)
                    }
                };
                total.current = pick(&t.current, |a| a.current, &mut computed_any);
                total.last_year = pick(&t.last_year, |a| a.last_year, &mut computed_any);
                total.year_before = pick(&t.year_before, |a| a.year_before, &mut computed_any);
                match &t.share {
                    Got::Val(v) => total.share = *v,
                    Got::Compute => total_share_pending = true,
                }
            }
            None => self.report.push(ReportKind::Unplaced, Default::default(), None, format!("{label}缺少「合计」行")),
        }
        let share_of = |a: Option<Money>, t: Option<Money>| t.and_then(|t| a.unwrap_or(Money::ZERO).share_of(t));
        for i in pending_shares {
            rows[i].amounts.share = share_of(rows[i].amounts.current, total.current);
        }
        if total_share_pending {
            computed_any = true;
            total.share = share_of(total.current, total.current);
        }
        if computed_any {
            self.report.push(
                ReportKind::Note,
                Default::default(),
                None,
                format!("{label}的合计或占比公式没有保存计算结果（保存文件的程序未重新计算），已由 jixiao 按金额计算"),
            );
        }
        FundingBlock { rows, total }
    }

    fn paragraphs(&mut self, (start, end): (u32, u32)) -> Vec<String> {
        let mut out = Vec::new();
        for r in start..end {
            let t = self.grid.text(r, COL_B);
            if t.is_empty() {
                continue;
            }
            out.push(strip_number(&t, "", out.len() + 1, &['、']).to_string());
        }
        out
    }

    fn projects(&mut self, (start, end): (u32, u32)) -> Vec<Project> {
        let mut out = Vec::new();
        for r in start..end {
            let name = self.grid.text(r, COL_B);
            if name == "项目名称" {
                continue;
            }
            let category = self.grid.text(r, COL_E);
            let purpose = self.grid.text(r, COL_H);
            let total = self.amount(r, COL_F);
            let current = self.amount(r, COL_G);
            let get = |g: Got<Money>| match g {
                Got::Val(v) => v,
                Got::Compute => None,
            };
            let (total_budget, current_budget) = (get(total), get(current));
            if name.is_empty() && category.is_empty() && purpose.is_empty() && total_budget.is_none() && current_budget.is_none() {
                continue;
            }
            out.push(Project { name, category, total_budget, current_budget, purpose });
        }
        out
    }

    fn goals(&mut self, (start, end): (u32, u32)) -> Goals {
        let mut g = Goals::default();
        let head = self.grid.text(start, COL_B);
        g.long_term.deadline_year = year_in(&head);
        let mut items = LongTermGoals { deadline_year: g.long_term.deadline_year, items: Vec::new() };
        for r in (start + 1)..end {
            let l = self.grid.text(r, COL_B);
            if !l.is_empty() {
                let k = items.items.len() + 1;
                items.items.push(strip_number(&l, "目标", k, &['：', ':']).to_string());
            }
            let a = self.grid.text(r, COL_G);
            if !a.is_empty() {
                let k = g.annual.len() + 1;
                g.annual.push(strip_number(&a, "目标", k, &['：', ':']).to_string());
            }
        }
        g.long_term = items;
        g
    }

    fn indicators(&mut self, (start, end): (u32, u32)) -> Vec<Indicator> {
        let Some(h0) = (start..end).find(|&r| self.grid.text(r, COL_B) == L_LEVEL1) else {
            self.note(ReportKind::Unplaced, start, COL_B, format!("指标表缺少「{L_LEVEL1}」表头，未导入"));
            return Vec::new();
        };
        let h_end = self.grid.merge_at(h0, COL_B).map(|m| m.2).unwrap_or(h0);
        let history = (h0..=h_end).any(|r| self.grid.text(r, COL_E) == "前年");
        let mut out = Vec::new();
        let (mut level1, mut level2) = (String::new(), String::new());
        for r in (h_end + 1)..end {
            let g = &self.grid;
            let name = g.text(r, COL_D);
            let target_text = format!("{}{}{}", g.text(r, COL_G), g.text(r, COL_H), g.text(r, COL_I));
            let (yb, ly) = if history { (g.text(r, COL_E), g.text(r, COL_F)) } else { (String::new(), String::new()) };
            let extras: Vec<String> = (COL_DEFINITION..=COL_REMARK).map(|c| g.text(r, c)).collect();
            let l1 = g.merged_text(r, COL_B);
            let l2 = g.merged_text(r, COL_C);
            let l1_merged = g.merge_at(r, COL_B).is_some();
            let l2_merged = g.merge_at(r, COL_C).is_some();
            let basis = opt(g.text(r, COL_J));
            let class = opt(g.text(r, COL_K));
            if name.is_empty() && target_text.is_empty() && yb.is_empty() && ly.is_empty() && extras.iter().all(String::is_empty) {
                // An unused row of a blank (only the pre-filled class, if anything).
                if !l1.is_empty() {
                    level1 = l1;
                }
                if !l2.is_empty() {
                    level2 = l2;
                }
                continue;
            }
            if !l1.is_empty() {
                level1 = l1;
            } else if !l1_merged {
                self.note(ReportKind::Guess, r, COL_B, format!("一级指标为空，按上一行取「{level1}」"));
            }
            if !l2.is_empty() {
                level2 = l2;
            } else if !l2_merged {
                self.note(ReportKind::Guess, r, COL_C, format!("二级指标为空，按上一行取「{level2}」"));
            }
            if name.is_empty() {
                self.note(ReportKind::Note, r, COL_D, "三级指标名称为空（已保留该行，请补填）".into());
            }
            let weight = match self.grid.value(r, COL_WEIGHT).clone() {
                Value::Number(f) => dec_from_f64(f),
                Value::Text(t) if !t.trim().is_empty() => match Decimal::from_str_exact(t.trim()) {
                    Ok(d) => Some(d),
                    Err(_) => {
                        self.note(ReportKind::Unplaced, r, COL_WEIGHT, format!("权重「{t}」不是数字，未导入"));
                        None
                    }
                },
                _ => None,
            };
            let mut ex = extras.into_iter();
            out.push(Indicator {
                level1: level1.clone(),
                level2: level2.clone(),
                name,
                target: TargetValue::parse(&target_text),
                year_before: TargetValue::parse(&yb),
                last_year: TargetValue::parse(&ly),
                basis,
                class,
                definition: ex.next().and_then(opt),
                scoring_rule: ex.next().and_then(opt),
                unit_of_measure: ex.next().and_then(opt),
                weight: {
                    ex.next();
                    weight
                },
                remark: ex.next().and_then(opt),
            });
        }
        out
    }
}
