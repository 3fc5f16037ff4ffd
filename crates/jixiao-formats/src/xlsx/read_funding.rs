//! Reading the funding table (部门总体资金情况): amounts, shares, formulas with or without cached
//! results, and matching rows to the template.

use jixiao_domain::form::{FiscalYear, FundingAmounts, FundingBlock, FundingRow};
use jixiao_domain::template::FundingRowDef;
use jixiao_domain::{Money, Percent};
use rust_decimal::Decimal;

use super::grid::Value;
use super::layout::*;
use super::read::{Ctx, Got, RawFunding, dec_from_f64, year_in};
use crate::report::ReportKind;

impl Ctx {
    /// True when the metadata marks the cell as standing for an empty value and the cell still
    /// holds the formula jixiao wrote there.
    fn is_derived(&self, r: u32, c: u16, formula: Option<&str>) -> bool {
        let norm = |f: &str| f.trim_start_matches('=').replace(' ', "");
        match (self.derived.get(&cell_ref(r, c)), formula) {
            (Some(want), Some(got)) => norm(want) == norm(got),
            _ => false,
        }
    }

    pub(super) fn funding_years(
        &self,
        (start, end): (u32, u32),
    ) -> (Option<FiscalYear>, Option<FiscalYear>) {
        for r in start..end {
            let last = year_in(&self.grid.text(r, COL_H));
            let before = year_in(&self.grid.text(r, COL_J));
            if last.is_some() || before.is_some() {
                return (last, before);
            }
        }
        (None, None)
    }

    pub(super) fn raw_funding(&mut self, (start, end): (u32, u32)) -> Vec<RawFunding> {
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
                    self.note(
                        ReportKind::Unplaced,
                        r,
                        COL_C,
                        format!("资金行「{name}」不在收入构成或支出构成之下，未导入"),
                    );
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
    pub(super) fn amount(&mut self, r: u32, c: u16) -> Got<Money> {
        let Some(cell) = self.grid.cell(r, c).cloned() else {
            return Got::Val(None);
        };
        let is_formula = cell.formula.is_some();
        if self.is_derived(r, c, cell.formula.as_deref()) {
            return Got::Val(None);
        }
        let dec = match &cell.value {
            Value::Empty if is_formula => return Got::Compute,
            Value::Error(_) if is_formula => return Got::Compute,
            Value::Empty => return Got::Val(None),
            Value::Number(f) => {
                let d = dec_from_f64(*f).map(|d| {
                    if is_formula {
                        d.round_dp(10).normalize()
                    } else {
                        d
                    }
                });
                match d {
                    Some(d) => Ok(d),
                    None => Err(format!("「{f}」")),
                }
            }
            Value::Text(t) if t.trim().is_empty() => return Got::Val(None),
            Value::Text(t) => t
                .parse::<Money>()
                .map(|m| m.value())
                .map_err(|e| e.to_string()),
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
    pub(super) fn share(&mut self, r: u32) -> Got<Percent> {
        let Some(cell) = self.grid.cell(r, COL_G).cloned() else {
            return Got::Val(None);
        };
        let is_formula = cell.formula.is_some();
        if self.is_derived(r, COL_G, cell.formula.as_deref()) {
            return Got::Val(None);
        }
        match &cell.value {
            Value::Empty | Value::Error(_) if is_formula => Got::Compute,
            Value::Empty => Got::Val(None),
            Value::Number(f) => match dec_from_f64(*f)
                .and_then(|d| d.checked_mul(Decimal::ONE_HUNDRED))
            {
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

    pub(super) fn funding_block(
        &mut self,
        raw: &[RawFunding],
        income: bool,
        defs: &[FundingRowDef],
    ) -> FundingBlock {
        let in_block: Vec<&RawFunding> = raw.iter().filter(|r| r.income == income).collect();
        let label = if income { L_INCOME } else { L_EXPENDITURE };
        let matches =
            |d: &FundingRowDef, name: &str| d.name == name || d.aliases.iter().any(|a| a == name);
        for r in &in_block {
            if r.name != L_TOTAL && !defs.iter().any(|d| matches(d, &r.name)) {
                self.note(
                    ReportKind::Unplaced,
                    r.row,
                    COL_C,
                    format!("{label}中的「{}」不是模板中的资金行，未导入", r.name),
                );
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
                        amounts: FundingAmounts {
                            current,
                            share,
                            last_year: resolve(&r.last_year).0,
                            year_before: resolve(&r.year_before).0,
                        },
                    });
                }
                None => {
                    self.report.push(
                        ReportKind::Unplaced,
                        Default::default(),
                        None,
                        format!("{label}缺少资金行「{}」", d.name),
                    );
                    rows.push(FundingRow {
                        key: d.key.clone(),
                        name: d.name.clone(),
                        amounts: FundingAmounts::default(),
                    });
                }
            }
        }
        let sum = |get: fn(&FundingAmounts) -> Option<Money>| -> Option<Money> {
            let vals: Vec<Money> = rows.iter().filter_map(|r| get(&r.amounts)).collect();
            if vals.is_empty() {
                None
            } else {
                Some(jixiao_domain::money::sum(vals.iter()))
            }
        };
        let mut total = FundingAmounts::default();
        let mut total_share_pending = false;
        let mut computed_any = !pending_shares.is_empty();
        match in_block.iter().find(|r| r.name == L_TOTAL) {
            Some(t) => {
                let pick = |g: &Got<Money>,
                            get: fn(&FundingAmounts) -> Option<Money>,
                            any: &mut bool| match g {
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
            None => self.report.push(
                ReportKind::Unplaced,
                Default::default(),
                None,
                format!("{label}缺少「合计」行"),
            ),
        }
        let share_of = |a: Option<Money>, t: Option<Money>| {
            t.and_then(|t| a.unwrap_or(Money::ZERO).share_of(t))
        };
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
}
