//! 部门总体资金情况: the header with the two previous years, and the fixed income and
//! expenditure rows matched by name or alias against the template.

use jixiao_domain::Percent;
use jixiao_domain::form::{FiscalYear, FundingAmounts};

use super::super::cells::{self, clean};
use super::super::rows::SourceRow;
use super::{Assembler, Columns};
use crate::report::ReportKind;

/// Which block a funding row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Block {
    #[default]
    Income,
    Expenditure,
}

impl Block {
    fn key(self) -> &'static str {
        match self {
            Block::Income => "income",
            Block::Expenditure => "expenditure",
        }
    }
}

/// What was read of the funding table so far.
#[derive(Debug, Default)]
pub struct FundingState {
    pub cols: Columns,
    pub block: Block,
    pub last_year: Option<u16>,
    pub year_before: Option<u16>,
    /// (block, template key, amounts) for rows found.
    pub rows: Vec<(Block, String, FundingAmounts)>,
    pub income_total: Option<FundingAmounts>,
    pub expenditure_total: Option<FundingAmounts>,
}

impl Assembler<'_> {
    pub(super) fn funding_header(&mut self, row: &SourceRow) {
        let cols = &mut self.funding.cols;
        cols.find(row, "current", &["当年金额", "本年金额", "当年预算"]);
        cols.find(row, "share", &["占比"]);
        cols.find(row, "history", &["近两年收支金额", "近两年金额"]);
    }

    pub(super) fn funding_row(&mut self, row: &SourceRow) {
        // A row whose first column holds data lost its leading empty cell: shift it back.
        let shifted;
        let row = if !row.cell(0).trim().is_empty() {
            let mut cells = vec![String::new()];
            cells.extend(row.cells.iter().cloned());
            shifted = SourceRow {
                cells,
                loc: row.loc.clone(),
                after_break: row.after_break,
                cut: 0,
                ocr: row.ocr,
            };
            self.note(
                ReportKind::Note,
                &row.loc,
                None,
                "资金表此行缺少前导空单元格（整行左移一列），已按内容对齐",
            );
            &shifted
        } else {
            row
        };
        let cleaned: Vec<String> = row.cells.iter().map(|c| clean(c)).collect();
        let current_col = self.funding.cols.get("current").unwrap_or(3);
        // The years row under 近两年收支金额.
        let years: Vec<(usize, u16)> = cleaned
            .iter()
            .enumerate()
            .filter_map(|(i, c)| cells::find_year(c).map(|y| (i, y)))
            .collect();
        let label_cells = cleaned
            .iter()
            .take(current_col)
            .filter(|c| !c.is_empty())
            .count();
        if years.len() >= 2 && label_cells == 0 {
            let (a, b) = (years[0], years[1]);
            let (last, before) = if a.1 >= b.1 { (a, b) } else { (b, a) };
            self.funding.last_year = Some(last.1);
            self.funding.year_before = Some(before.1);
            self.funding.cols.set("last_year", last.0);
            self.funding.cols.set("year_before", before.0);
            return;
        }
        for c in cleaned.iter().take(current_col) {
            match c.as_str() {
                "收入构成" | "收入" => self.funding.block = Block::Income,
                "支出构成" | "支出" => self.funding.block = Block::Expenditure,
                _ => {}
            }
        }
        let block = self.funding.block;
        let defs = match block {
            Block::Income => &self.template.funding.income,
            Block::Expenditure => &self.template.funding.expenditure,
        };
        let mut found: Option<Option<(String, String)>> = None;
        for c in cleaned.iter().take(current_col) {
            if c == "合计" || c == "总计" {
                found = Some(None);
            } else if let Some(d) = defs
                .iter()
                .find(|d| &d.name == c || d.aliases.iter().any(|a| a == c))
            {
                found = Some(Some((d.key.clone(), d.name.clone())));
            }
        }
        let has_amounts = cleaned.iter().skip(current_col).any(|c| {
            let digits = c.trim_end_matches(['%', '％']);
            !digits.is_empty() && digits.parse::<f64>().is_ok()
        });
        if found.is_none() && row.ocr && has_amounts {
            found = self.funding_slot_by_position(
                block,
                &cleaned[..current_col.min(cleaned.len())],
                &row.loc,
            );
        }
        let Some(which) = found else {
            let has_numbers = cleaned.iter().skip(current_col).any(|c| !c.is_empty());
            if has_numbers
                || cleaned
                    .iter()
                    .take(current_col)
                    .any(|c| !c.is_empty() && !matches!(c.as_str(), "收入构成" | "支出构成"))
            {
                let names: Vec<&str> = cleaned
                    .iter()
                    .take(current_col)
                    .filter(|c| !c.is_empty())
                    .map(String::as_str)
                    .collect();
                self.note(
                    ReportKind::Unplaced,
                    &row.loc,
                    None,
                    format!(
                        "资金表中的行「{}」不是模板「{}」的资金行，未导入",
                        names.join(" "),
                        self.template.id
                    ),
                );
            }
            return;
        };
        let path = match &which {
            Some((key, _)) => {
                let i = defs.iter().position(|d| &d.key == key).unwrap_or(0);
                format!("/funding/{}/rows/{i}", block.key())
            }
            None => format!("/funding/{}/total", block.key()),
        };
        let cols = &self.funding.cols;
        let (cs, cl, cb) = (
            cols.get("share").unwrap_or(current_col + 1),
            cols.get("last_year")
                .or(cols.get("history"))
                .unwrap_or(current_col + 2),
            cols.get("year_before").unwrap_or(current_col + 3),
        );
        let amounts = FundingAmounts {
            current: self.money(row, current_col, &format!("{path}/current")),
            share: self.percent(row, cs, &format!("{path}/share")),
            last_year: self.money(row, cl, &format!("{path}/last_year")),
            year_before: self.money(row, cb, &format!("{path}/year_before")),
        };
        match which {
            Some((key, _)) => {
                if self
                    .funding
                    .rows
                    .iter()
                    .any(|(b, k, _)| *b == block && *k == key)
                {
                    self.note(
                        ReportKind::Unplaced,
                        &row.loc,
                        Some(path),
                        "资金行重复出现，保留第一次的数值",
                    );
                } else {
                    self.funding.rows.push((block, key, amounts));
                }
            }
            None => {
                let slot = match block {
                    Block::Income => &mut self.funding.income_total,
                    Block::Expenditure => &mut self.funding.expenditure_total,
                };
                if slot.is_none() {
                    *slot = Some(amounts);
                } else {
                    self.note(
                        ReportKind::Unplaced,
                        &row.loc,
                        Some(path),
                        "合计行重复出现，保留第一次的数值",
                    );
                }
                // A total closes its block: the next total belongs to the expenditure block.
                if block == Block::Income {
                    self.funding.block = Block::Expenditure;
                }
            }
        }
    }

    /// For a row read by OCR whose label matches no funding row: the row the table's order
    /// expects next (the block's first row not yet read, or its total once all are), unless
    /// the label shares two characters or more, and most of its name, with another row.
    /// Reported as a guess naming both.
    fn funding_slot_by_position(
        &mut self,
        block: Block,
        labels: &[String],
        loc: &crate::report::SourceLocation,
    ) -> Option<Option<(String, String)>> {
        let defs = match block {
            Block::Income => &self.template.funding.income,
            Block::Expenditure => &self.template.funding.expenditure,
        };
        let label: String = labels
            .iter()
            .filter(|c| !matches!(c.as_str(), "收入构成" | "支出构成"))
            .flat_map(|c| c.chars())
            .filter(|c| !c.is_whitespace())
            .collect();
        let read = |key: &str| {
            self.funding
                .rows
                .iter()
                .any(|(b, k, _)| *b == block && k == key)
        };
        let total_read = match block {
            Block::Income => self.funding.income_total.is_some(),
            Block::Expenditure => self.funding.expenditure_total.is_some(),
        };
        // Every slot of the block with its names; a slot is `None` for the total.
        type Slot<'a> = (Option<(String, String)>, Vec<&'a str>);
        let mut slots: Vec<Slot> = defs
            .iter()
            .filter(|d| !read(&d.key))
            .map(|d| {
                let mut names = vec![d.name.as_str()];
                names.extend(d.aliases.iter().map(String::as_str));
                (Some((d.key.clone(), d.name.clone())), names)
            })
            .collect();
        if !total_read {
            slots.push((None, vec!["合计", "总计"]));
        }
        let shared = |name: &str| cells::shared_chars(&label, name);
        let close = slots.iter().find(|(_, names)| {
            names.iter().any(|n| {
                let k = shared(n);
                k >= 2 && k * 5 >= n.chars().count() * 3
            })
        });
        let (slot, how) = match close {
            Some((slot, _)) => (slot.clone(), "按相近的名称"),
            None => (slots.first()?.0.clone(), "按表中的顺序"),
        };
        let name = slot
            .as_ref()
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| "合计".into());
        let path = match &slot {
            Some((key, _)) => format!(
                "/funding/{}/rows/{}",
                block.key(),
                defs.iter().position(|d| &d.key == key).unwrap_or(0)
            ),
            None => format!("/funding/{}/total", block.key()),
        };
        self.note(
            ReportKind::Guess,
            loc,
            Some(path),
            format!("资金表中文字识别读出的行名「{label}」不是模板的资金行，{how}读作「{name}」"),
        );
        Some(slot)
    }

    fn percent(&mut self, row: &SourceRow, col: usize, path: &str) -> Option<Percent> {
        let raw = row.cell(col).trim();
        if raw.is_empty() {
            return None;
        }
        match raw.parse::<Percent>() {
            Ok(p) => {
                if cells::has_stray_space(raw) {
                    self.note(
                        ReportKind::Guess,
                        &row.loc,
                        Some(path.into()),
                        format!("占比「{raw}」中有多余空格，读作 {p}"),
                    );
                }
                Some(p)
            }
            Err(e) => {
                self.note(
                    ReportKind::Unplaced,
                    &row.loc,
                    Some(path.into()),
                    format!("占比「{raw}」无法识别（{e}），未导入"),
                );
                None
            }
        }
    }

    /// The funding section as a form part; missing rows are reported.
    pub(super) fn take_funding(&mut self, fiscal_year: FiscalYear) -> jixiao_domain::form::Funding {
        use jixiao_domain::form::{Funding, FundingBlock, FundingRow};
        let mut blocks = Vec::new();
        for block in [Block::Income, Block::Expenditure] {
            let defs = match block {
                Block::Income => self.template.funding.income.clone(),
                Block::Expenditure => self.template.funding.expenditure.clone(),
            };
            let mut rows = Vec::new();
            for (i, d) in defs.iter().enumerate() {
                let amounts = match self
                    .funding
                    .rows
                    .iter()
                    .position(|(b, k, _)| *b == block && *k == d.key)
                {
                    Some(p) => self.funding.rows[p].2.clone(),
                    None => {
                        self.report.push(
                            ReportKind::Unplaced,
                            Default::default(),
                            Some(format!("/funding/{}/rows/{i}", block.key())),
                            format!("资金表中没有找到「{}」行，金额留空", d.name),
                        );
                        FundingAmounts::default()
                    }
                };
                rows.push(FundingRow {
                    key: d.key.clone(),
                    name: d.name.clone(),
                    amounts,
                });
            }
            let total = match block {
                Block::Income => self.funding.income_total.take(),
                Block::Expenditure => self.funding.expenditure_total.take(),
            };
            let total = total.unwrap_or_else(|| {
                self.report.push(
                    ReportKind::Unplaced,
                    Default::default(),
                    Some(format!("/funding/{}/total", block.key())),
                    "资金表中没有找到该部分的合计行，合计留空",
                );
                FundingAmounts::default()
            });
            blocks.push(FundingBlock { rows, total });
        }
        let expenditure = blocks.pop().expect("two blocks");
        let income = blocks.pop().expect("two blocks");
        let year = |y: Option<u16>, back: u16| {
            y.and_then(|y| FiscalYear::new(y as i64).ok())
                .unwrap_or_else(|| fiscal_year.minus(back))
        };
        Funding {
            last_year: year(self.funding.last_year, 1),
            year_before: year(self.funding.year_before, 2),
            income,
            expenditure,
        }
    }
}
