//! Reads a jixiao workbook (an export, or a blank filled in Excel, WPS, LibreOffice or any other
//! program) back into the canonical form.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;

use calamine::{Reader, Xlsx};
use jixiao_domain::form::{
    Date, FiscalYear, Form, Funding, Header, IndicatorTable, Indicators, TemplateRef,
};
use jixiao_domain::template::FundingRowDef;
use jixiao_domain::{Money, Percent, Registry, Template};
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
    let meta = if names.iter().any(|n| n == META_SHEET) {
        read_meta(&mut xlsx)?
    } else {
        HashMap::new()
    };
    let grid = Grid::load(&mut xlsx, SHEET)?;
    let derived: HashMap<String, String> = meta
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix(DERIVED_PREFIX)
                .map(|cell| (cell.to_string(), v.clone()))
        })
        .collect();
    let mut r = Ctx {
        grid,
        report: ImportReport::new("xlsx"),
        derived,
    };
    let form = r.form(&meta, registry)?;
    Ok((form, r.report))
}

fn read_meta(xlsx: &mut Xlsx<Cursor<&[u8]>>) -> Result<HashMap<String, String>, ImportError> {
    let g = Grid::load(xlsx, META_SHEET)?;
    let mut map = HashMap::new();
    for r in 0..g.rows.min(10_000) {
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
pub(super) enum Got<T> {
    Val(Option<T>),
    /// A formula without a cached value (saved by a program that does not calculate): jixiao
    /// computes it from the other cells.
    Compute,
}

pub(super) fn dec_from_f64(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    Decimal::from_str_exact(&f.to_string()).ok()
}

pub(super) fn year_in(text: &str) -> Option<FiscalYear> {
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() == 4 {
        FiscalYear::new(digits.parse().ok()?).ok()
    } else {
        None
    }
}

pub(super) fn opt(s: String) -> Option<String> {
    if s.is_empty() { None } else { Some(s) }
}

pub(super) struct Ctx {
    pub(super) grid: Grid,
    pub(super) report: ImportReport,
    /// Formula cells that stand for values the form left empty, with their formula text.
    pub(super) derived: HashMap<String, String>,
}

/// A funding row as found on the sheet, before it is matched to the template.
pub(super) struct RawFunding {
    pub(super) row: u32,
    pub(super) income: bool,
    pub(super) name: String,
    pub(super) current: Got<Money>,
    pub(super) share: Got<Percent>,
    pub(super) last_year: Got<Money>,
    pub(super) year_before: Got<Money>,
}

impl Ctx {
    pub(super) fn note(&mut self, kind: ReportKind, row: u32, col: u16, message: String) {
        self.report
            .push(kind, Grid::location(SHEET, row, col), None, message);
    }

    fn form(
        &mut self,
        meta: &HashMap<String, String>,
        registry: &Registry,
    ) -> Result<Form, ImportError> {
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
        let fiscal_year = match meta
            .get("fiscal_year")
            .and_then(|y| y.parse::<i64>().ok())
            .and_then(|y| FiscalYear::new(y).ok())
        {
            Some(y) => y,
            None => match last_year {
                Some(y) => {
                    let fy = y.next();
                    self.note(
                        ReportKind::Guess,
                        funding_range.0,
                        COL_H,
                        format!("工作簿未注明预算年度，按上年列 {y} 年推定为 {fy} 年"),
                    );
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
        let functions = range(Sec::Functions)
            .map(|r| self.paragraphs(r))
            .unwrap_or_default();
        let annual_tasks = range(Sec::Tasks)
            .map(|r| self.paragraphs(r))
            .unwrap_or_default();
        let projects = range(Sec::Projects)
            .map(|r| self.projects(r))
            .unwrap_or_default();
        let goals = range(Sec::Goals).map(|r| self.goals(r)).unwrap_or_default();
        let long_goal = range(Sec::LongGoal)
            .map(|(s, _)| self.grid.text(s, COL_C))
            .unwrap_or_default();
        let annual_goal = range(Sec::AnnualGoal)
            .map(|(s, _)| self.grid.text(s, COL_C))
            .unwrap_or_default();
        let long_rows = range(Sec::LongTable)
            .map(|r| self.indicators(r))
            .unwrap_or_default();
        let annual_rows = range(Sec::AnnualTable)
            .map(|r| self.indicators(r))
            .unwrap_or_default();
        let version = meta
            .get("template_version")
            .and_then(|v| v.parse().ok())
            .unwrap_or(template.version);
        Ok(Form {
            template: TemplateRef {
                id: template.id.clone(),
                version,
            },
            header,
            funding,
            functions,
            annual_tasks,
            projects,
            goals,
            indicators: Indicators {
                long_term: IndicatorTable {
                    goal: long_goal,
                    rows: long_rows,
                },
                annual: IndicatorTable {
                    goal: annual_goal,
                    rows: annual_rows,
                },
            },
        })
    }

    /// The template named in the metadata sheet, or the one whose funding rows the sheet shows.
    fn template(
        &mut self,
        meta: &HashMap<String, String>,
        registry: &Registry,
        raw: &[RawFunding],
    ) -> Result<Template, ImportError> {
        if let Some(id) = meta.get("template_id").filter(|s| !s.is_empty()) {
            let version = meta.get("template_version").and_then(|v| v.parse().ok());
            let t = registry
                .get(id, version)
                .or_else(|_| registry.get(id, None))
                .map_err(|_| {
                    ImportError::UnknownTemplate(format!("工作簿注明的模板「{id}」不存在"))
                })?;
            return Ok(t.clone());
        }
        let names: HashSet<&str> = raw.iter().map(|r| r.name.as_str()).collect();
        let fits = |defs: &[FundingRowDef]| defs.iter().all(|d| names.contains(d.name.as_str()));
        let found = registry
            .all()
            .iter()
            .filter(|t| fits(&t.funding.income) && fits(&t.funding.expenditure))
            .max_by_key(|t| t.version);
        match found {
            Some(t) => {
                self.report.push(
                    ReportKind::Guess,
                    Default::default(),
                    Some("/template".into()),
                    format!(
                        "工作簿未注明模板，按资金行推定为「{}」（{}）",
                        t.id, t.title
                    ),
                );
                Ok(t.clone())
            }
            None => Err(ImportError::UnknownTemplate(
                "工作簿未注明模板，且资金行与已知模板均不相符".into(),
            )),
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
                let (date, col) = if inline.is_empty() {
                    (self.date_at(r, COL_C), COL_C)
                } else {
                    (inline.parse::<Date>(), COL_SECTION)
                };
                match date {
                    Ok(d) => h.fill_date = Some(d),
                    Err(e) if !e.is_empty() => self.note(
                        ReportKind::Unplaced,
                        r,
                        col,
                        format!("填报日期无法识别：{e}"),
                    ),
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
                    let next =
                        ((c + 1)..=LAST_PRINTED_COL).find(|&k| !self.grid.is_hidden_by_merge(r, k));
                    h.phone = next.and_then(|k| opt(self.grid.text(r, k)));
                }
            }
        }
        h
    }

    /// A date cell: an Excel date, or text such as `2025 年 11 月 17 日`. `Err("")` when empty.
    fn date_at(&self, r: u32, c: u16) -> Result<Date, String> {
        match self.grid.value(r, c) {
            Value::Date(d) | Value::Number(d) => {
                serial_to_date(*d).ok_or_else(|| format!("「{d}」不是有效日期"))
            }
            Value::Empty => Err(String::new()),
            _ => {
                let t = self.grid.text(r, c);
                if t.is_empty() {
                    Err(String::new())
                } else {
                    t.parse::<Date>()
                }
            }
        }
    }
}
