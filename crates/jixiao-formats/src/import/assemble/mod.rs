//! The form assembler: turns [`SourceRow`]s (from text or PDF) into the canonical form, using the
//! template for the fixed labels, the funding rows and the indicator frame. It repairs layout
//! artefacts only (never the content) and reports every repair and everything it could not place.

mod finish;
mod funding;
mod indicators;
mod paragraphs;
mod sections;

use jixiao_domain::Template;
use jixiao_domain::form::Date;
use jixiao_domain::form::{Form, Goals, Indicators, TableKind};

use super::cells::{self, clean};
use super::rows::SourceRow;
use crate::report::{ImportError, ImportReport, ReportKind, SourceLocation};
use paragraphs::Paragraphs;

/// The part of the form a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Preamble,
    Funding,
    Functions,
    Tasks,
    Projects,
    Goals,
    LongGoal,
    LongTable,
    AnnualGoal,
    AnnualTable,
}

impl Section {
    /// The section a label in the first column opens.
    fn from_label(label: &str) -> Option<Section> {
        let l = label.replace(['(', ')'], "").replace(['（', '）'], "");
        Some(match l.as_str() {
            "部门总体资金情况" => Section::Funding,
            "部门职能概述" | "部门职能" => Section::Functions,
            "年度工作任务" | "年度主要工作任务" => Section::Tasks,
            "项目支出情况" => Section::Projects,
            "整体绩效总目标" => Section::Goals,
            "长期绩效指标" => Section::LongTable,
            "年度目标" => Section::AnnualGoal,
            "年度绩效指标" => Section::AnnualTable,
            _ if l.starts_with("长期目标") => Section::LongGoal,
            // Digits printed above the label (the end of a cell cut at its edge) are no part of
            // it: no label starts with one.
            _ if l.starts_with(|c: char| c.is_ascii_digit()) => {
                return Section::from_label(l.trim_start_matches(|c: char| c.is_ascii_digit()));
            }
            _ => return None,
        })
    }

    /// The section whose label contains `fragment`: what shows of a label cut at its cell's
    /// edge (`目标（截止` of `长期目标（截止 2026 年）`). Only a fragment of two characters or more
    /// found in exactly one label counts.
    fn from_fragment(fragment: &str) -> Option<Section> {
        const LABELS: &[(&str, Section)] = SECTION_LABELS;
        let f: String = fragment
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_ascii_digit() && !"()（）".contains(*c))
            .collect();
        if f.chars().count() < 2 {
            return None;
        }
        let mut found = LABELS.iter().filter(|(l, _)| l.contains(f.as_str()));
        match (found.next(), found.next()) {
            (Some((_, s)), None) => Some(*s),
            _ => None,
        }
    }
}

/// The sections' labels as printed (without brackets and the long-term year).
const SECTION_LABELS: &[(&str, Section)] = &[
    ("部门总体资金情况", Section::Funding),
    ("部门职能概述", Section::Functions),
    ("年度工作任务", Section::Tasks),
    ("项目支出情况", Section::Projects),
    ("整体绩效总目标", Section::Goals),
    ("长期目标截止年", Section::LongGoal),
    ("长期绩效指标", Section::LongTable),
    ("年度绩效指标", Section::AnnualTable),
];

/// Every label the form prints besides the section labels: OCR'd text is matched against all
/// of them at once, so that a label is never taken for a similar one (部门职能概述 for 部门名称).
const OTHER_LABELS: &[&str] = &[
    "部门单位名称",
    "单位名称",
    "部门名称",
    "填报人",
    "联系电话",
    "填报日期",
    "总体资金情况",
    "当年金额",
    "占比",
    "近两年收支金额",
    "收入构成",
    "支出构成",
    "合计",
    "项目名称",
    "支出项目类别",
    "项目总预算",
    "项目本年度预算",
    "项目主要支出方向和用途",
    "长期目标",
    "年度目标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "确定依据",
    "指标分类",
    // The funding rows of the built-in templates (单位资金 is no 单位名称).
    "财政拨款",
    "财政专户管理资金",
    "单位资金",
    "人员类项目支出",
    "运转类项目支出",
    "特定目标类项目支出",
];

/// The label OCR'd `text` most likely is among all the form's labels, when it is one of
/// `wanted`.
fn ocr_label<'a>(text: &str, wanted: &[&'a str]) -> Option<&'a str> {
    let all = SECTION_LABELS
        .iter()
        .map(|(l, _)| *l)
        .chain(OTHER_LABELS.iter().copied())
        .chain(wanted.iter().copied());
    let best = cells::ocr_match(text, all)?;
    wanted.iter().copied().find(|w| *w == best)
}

impl Section {
    /// The section whose label OCR'd text most likely is ([`ocr_label`]), with that label.
    fn from_ocr(text: &str) -> Option<(Section, &'static str)> {
        let text: String = text.chars().filter(|c| !c.is_ascii_digit()).collect();
        let labels: Vec<&'static str> = SECTION_LABELS.iter().map(|(l, _)| *l).collect();
        let name = ocr_label(&text, &labels)?;
        SECTION_LABELS
            .iter()
            .find(|(l, _)| *l == name)
            .map(|(l, s)| (*s, *l))
    }
}

/// Column positions of a table, read from its header row.
#[derive(Debug, Clone, Default)]
struct Columns(Vec<(&'static str, usize)>);

impl Columns {
    fn get(&self, key: &str) -> Option<usize> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, c)| *c)
    }

    fn set(&mut self, key: &'static str, col: usize) {
        self.0.retain(|(k, _)| *k != key);
        self.0.push((key, col));
    }

    /// Records the first cell of `row` whose cleaned text is one of `labels`, as `key` (for a
    /// row read by OCR, the first that most likely is one).
    fn find(&mut self, row: &SourceRow, key: &'static str, labels: &[&str]) {
        let exact = row
            .cells
            .iter()
            .position(|c| labels.contains(&clean(c).as_str()));
        let found = exact.or_else(|| {
            row.ocr.then(|| {
                row.cells
                    .iter()
                    .position(|c| ocr_label(&clean(c), labels).is_some())
            })?
        });
        if let Some(i) = found {
            self.set(key, i);
        }
    }
}

/// The assembler's state while it walks the rows.
pub struct Assembler<'t> {
    template: &'t Template,
    report: ImportReport,
    section: Section,
    sections_seen: usize,
    fill_date: Option<Date>,
    /// The start of a fill date wrapped over several lines of its cell (`填报日期：2025` /
    /// `年 11 月 17 日`), with the rows it may still take.
    pending_date: Option<(String, u8)>,
    amount_unit: Option<String>,
    unit_name: Option<String>,
    filler: Option<String>,
    phone: Option<String>,
    funding: funding::FundingState,
    functions: Paragraphs,
    tasks: Paragraphs,
    projects: Vec<jixiao_domain::form::Project>,
    project_cols: Columns,
    goals: Goals,
    goal_cols: Columns,
    indicators: Indicators,
    long_cols: Columns,
    annual_cols: Columns,
    level1: String,
    level2: String,
    long_locs: Vec<SourceLocation>,
    annual_locs: Vec<SourceLocation>,
}

impl<'t> Assembler<'t> {
    /// An assembler for a template; `format` names the source in the report.
    pub fn new(template: &'t Template, format: &str) -> Self {
        Assembler {
            template,
            report: ImportReport::new(format),
            section: Section::Preamble,
            sections_seen: 0,
            fill_date: None,
            pending_date: None,
            amount_unit: None,
            unit_name: None,
            filler: None,
            phone: None,
            funding: funding::FundingState::default(),
            functions: Paragraphs::default(),
            tasks: Paragraphs::default(),
            projects: Vec::new(),
            project_cols: Columns::default(),
            goals: Goals::default(),
            goal_cols: Columns::default(),
            indicators: Indicators::default(),
            long_cols: Columns::default(),
            annual_cols: Columns::default(),
            level1: String::new(),
            level2: String::new(),
            long_locs: Vec::new(),
            annual_locs: Vec::new(),
        }
    }

    /// Adds a report item.
    fn note(
        &mut self,
        kind: ReportKind,
        loc: &SourceLocation,
        path: Option<String>,
        msg: impl Into<String>,
    ) {
        self.report.push(kind, loc.clone(), path, msg);
    }

    /// Assembles the form from all rows.
    pub fn assemble(mut self, rows: &[SourceRow]) -> Result<(Form, ImportReport), ImportError> {
        for row in rows {
            self.row(row);
        }
        self.finish()
    }

    fn row(&mut self, row: &SourceRow) {
        if row.is_blank() {
            return;
        }
        if self.header_fields(row) {
            return;
        }
        let first = clean(row.cell(0));
        let label = Section::from_label(&first).or_else(|| {
            let section = Section::from_fragment(&first).filter(|_| row.is_cut(0))?;
            self.note(
                ReportKind::Guess,
                &row.loc,
                None,
                format!("栏目标签被单元格边界截断，只印出「{first}」，按它判断为该栏目"),
            );
            Some(section)
        });
        let label = label.or_else(|| {
            if !row.ocr {
                return None;
            }
            let (section, name) = Section::from_ocr(&first)?;
            self.note(
                ReportKind::Guess,
                &row.loc,
                None,
                format!("栏目标签经文字识别读出「{first}」，按相近的文字判断为「{name}」"),
            );
            Some(section)
        });
        if let Some(section) = label {
            let rest_blank = row.cells.iter().skip(1).all(|c| c.trim().is_empty());
            if section == self.section {
                // The label of a merged cell repeated on a new page: the row, if anything is
                // left of it, belongs to the section already open.
                if rest_blank {
                    return;
                }
                let mut cells = row.cells.clone();
                cells[0].clear();
                let cleared = SourceRow {
                    cells,
                    loc: row.loc.clone(),
                    after_break: row.after_break,
                    cut: row.cut,
                    ocr: row.ocr,
                };
                return self.section_row(&cleared);
            }
            self.enter(section);
            self.open_section(row);
            return;
        }
        // A section's header row opens it even when its label cell was printed elsewhere (a
        // merged label cut by a page break).
        if let Some(section) = header_signature(row)
            && section != self.section
            && !(section == Section::LongTable && self.section == Section::AnnualTable)
        {
            self.enter(section);
            self.open_section(row);
            return;
        }
        // 部门职能概述 and 年度工作任务 open at their first paragraph when their merged label
        // cell was printed on the next page (its text is centred on the whole cell).
        if let Some(section) = self.paragraphs_without_label(row) {
            let label = if section == Section::Functions {
                "部门职能概述"
            } else {
                "年度工作任务"
            };
            self.note(
                ReportKind::Guess,
                &row.loc,
                None,
                format!("「{label}」的标签不在这一页（合并单元格跨页），按以 1 编号的段落推断这里是它的开始"),
            );
            self.enter(section);
            return self.section_row(row);
        }
        // The header of an indicator table opens it even when the label cell is elsewhere.
        if matches!(
            self.section,
            Section::Goals | Section::LongGoal | Section::AnnualGoal
        ) && is_table_header(row)
        {
            self.enter(if self.section == Section::AnnualGoal {
                Section::AnnualTable
            } else {
                Section::LongTable
            });
        }
        self.section_row(row);
    }

    /// Opens a section: the level-1 and level-2 names carried down its rows start afresh.
    fn enter(&mut self, section: Section) {
        self.section = section;
        self.sections_seen += 1;
        self.level1.clear();
        self.level2.clear();
    }

    /// The paragraph section a row with an empty label cell starts, if it is one paragraph
    /// numbered 1 (after the funding table: 部门职能概述; after those paragraphs: 年度工作任务).
    fn paragraphs_without_label(&self, row: &SourceRow) -> Option<Section> {
        let next = match self.section {
            Section::Funding => Section::Functions,
            Section::Functions if self.functions.len() > 0 => Section::Tasks,
            _ => return None,
        };
        if !row.cell(0).trim().is_empty() {
            return None;
        }
        let mut filled = row.cells.iter().filter(|c| !c.trim().is_empty());
        let (text, more) = (filled.next()?, filled.next());
        if more.is_some() || text.len() > 100_000 {
            return None;
        }
        let text = clean(text);
        match cells::strip_number(&text) {
            (Some(1), rest) if rest.chars().count() >= 10 => Some(next),
            _ => None,
        }
    }

    /// A row inside the current section.
    fn section_row(&mut self, row: &SourceRow) {
        match self.section {
            Section::Preamble => self.unplaced(row),
            Section::Funding => self.funding_row(row),
            Section::Functions | Section::Tasks => self.paragraph_row(row, 1),
            Section::Projects => self.project_row(row),
            Section::Goals => self.goals_row(row),
            Section::LongGoal | Section::AnnualGoal => self.goal_text_row(row, 0),
            Section::LongTable => self.indicator_row(row, TableKind::LongTerm),
            Section::AnnualTable => self.indicator_row(row, TableKind::Annual),
        }
    }

    /// Reports a whole row that could not be placed.
    fn unplaced(&mut self, row: &SourceRow) {
        let text: Vec<String> = row
            .cells
            .iter()
            .map(|c| clean(c))
            .filter(|c| !c.is_empty())
            .collect();
        let shown = truncate(&text.join(" | "), 80);
        self.note(
            ReportKind::Unplaced,
            &row.loc,
            None,
            format!("无法归入表格任何部分，已略过：「{shown}」"),
        );
    }

    fn open_section(&mut self, row: &SourceRow) {
        match self.section {
            Section::Funding => self.funding_header(row),
            Section::Functions | Section::Tasks => self.paragraph_row(row, 1),
            Section::Projects => {
                let cols = &mut self.project_cols;
                cols.find(row, "name", &["项目名称"]);
                cols.find(row, "category", &["支出项目类别", "项目类别"]);
                cols.find(row, "total", &["项目总预算"]);
                cols.find(row, "current", &["项目本年度预算", "本年度预算"]);
                cols.find(
                    row,
                    "purpose",
                    &["项目主要支出方向和用途", "主要支出方向和用途"],
                );
            }
            Section::Goals => {
                for (i, c) in row.cells.iter().enumerate() {
                    let c = clean(c);
                    if c.starts_with("长期目标") {
                        self.goal_cols.set("long", i);
                        if let Some(y) = cells::find_year(&c) {
                            self.goals.long_term.deadline_year =
                                jixiao_domain::form::FiscalYear::new(y as i64).ok();
                        }
                    } else if c.starts_with("年度目标") {
                        self.goal_cols.set("annual", i);
                    }
                }
            }
            Section::LongGoal => {
                if self.goals.long_term.deadline_year.is_none()
                    && let Some(y) = cells::find_year(&clean(row.cell(0)))
                {
                    self.goals.long_term.deadline_year =
                        jixiao_domain::form::FiscalYear::new(y as i64).ok();
                }
                self.goal_text_row(row, 1)
            }
            Section::AnnualGoal => self.goal_text_row(row, 1),
            Section::LongTable | Section::AnnualTable => {
                let table = if self.section == Section::LongTable {
                    TableKind::LongTerm
                } else {
                    TableKind::Annual
                };
                if !self.table_header(row, table)
                    && row.cells.iter().skip(1).any(|c| !c.trim().is_empty())
                {
                    // The label sits in a data row (a merged label cell centred on its rows).
                    let mut cells = row.cells.clone();
                    cells[0].clear();
                    self.indicator_row(
                        &SourceRow {
                            cells,
                            loc: row.loc.clone(),
                            after_break: row.after_break,
                            cut: row.cut,
                            ocr: row.ocr,
                        },
                        table,
                    );
                }
            }
            Section::Preamble => {}
        }
    }
}

/// The section whose header row this is, for headers that can be told without their label:
/// the goals header and the projects header.
fn header_signature(row: &SourceRow) -> Option<Section> {
    let cleaned: Vec<String> = row
        .cells
        .iter()
        .skip(1)
        .filter(|c| c.len() < 120 && c.contains(['目', '项']))
        .map(|c| clean(c))
        .collect();
    let has = |p: &str| cleaned.iter().any(|c| c.starts_with(p));
    if has("长期目标") && has("年度目标") {
        return Some(Section::Goals);
    }
    if has("项目名称") && has("项目总预算") {
        return Some(Section::Projects);
    }
    None
}

/// True for the header row of an indicator table.
fn is_table_header(row: &SourceRow) -> bool {
    let cleaned: Vec<String> = row
        .cells
        .iter()
        .filter(|c| c.len() < 120)
        .map(|c| clean(c))
        .collect();
    cleaned.iter().any(|c| c == "一级指标") && cleaned.iter().any(|c| c == "三级指标")
}

/// The first `n` characters of `s`, with an ellipsis when cut.
pub(crate) fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n).collect::<String>() + "…"
    }
}
