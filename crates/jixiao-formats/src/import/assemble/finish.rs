//! The end of a build: the fiscal year, comparators lost by the extraction, the template check,
//! and the assembled form.

use jixiao_domain::form::{FiscalYear, Form, Header, Indicator, TableKind, TemplateRef};
use jixiao_domain::{Comparator, TargetValue};

use super::Assembler;
use crate::report::{ImportError, ImportReport, ReportKind, SourceLocation};

impl Assembler<'_> {
    pub(super) fn finish(mut self) -> Result<(Form, ImportReport), ImportError> {
        if self.sections_seen == 0 {
            return Err(ImportError::UnknownFormat(
                "没有找到申报表的任何栏目（部门总体资金情况、长期绩效指标等），不像部门整体绩效目标申报表".into(),
            ));
        }
        self.check_template()?;
        self.report_missing_sections();
        if let Some((text, _)) = self.pending_date.take() {
            self.fill_date_text(&text, 0, &SourceLocation::default());
        }
        let fiscal_year = self.fiscal_year()?;
        self.repair_comparators();
        let funding = self.take_funding(fiscal_year);
        let unit_name = self.unit_name.take().unwrap_or_else(|| {
            self.report.push(
                ReportKind::Unplaced,
                SourceLocation::default(),
                Some("/header/unit_name".into()),
                "没有找到部门（单位）名称",
            );
            String::new()
        });
        let header = Header {
            fiscal_year,
            fill_date: self.fill_date,
            unit_name,
            filler: self.filler.take(),
            phone: self.phone.take(),
            amount_unit: self
                .amount_unit
                .take()
                .unwrap_or_else(|| self.template.amount_unit.clone()),
        };
        let form = Form {
            template: TemplateRef {
                id: self.template.id.clone(),
                version: self.template.version,
            },
            header,
            funding,
            functions: std::mem::take(&mut self.functions).finish(),
            annual_tasks: std::mem::take(&mut self.tasks).finish(),
            projects: std::mem::take(&mut self.projects),
            goals: std::mem::take(&mut self.goals),
            indicators: std::mem::take(&mut self.indicators),
        };
        Ok((form, self.report))
    }

    /// Reports the parts of the form that never appeared (a truncated file, a cut extraction).
    fn report_missing_sections(&mut self) {
        let missing: Vec<(&str, &str)> = [
            (self.funding.rows.is_empty(), "/funding", "部门总体资金情况"),
            (self.functions.len() == 0, "/functions", "部门职能概述"),
            (self.tasks.len() == 0, "/annual_tasks", "年度工作任务"),
            (
                self.goals.long_term.items.is_empty() && self.goals.annual.is_empty(),
                "/goals",
                "整体绩效总目标",
            ),
            (
                self.indicators.long_term.rows.is_empty(),
                "/indicators/long_term/rows",
                "长期绩效指标",
            ),
            (
                self.indicators.annual.rows.is_empty(),
                "/indicators/annual/rows",
                "年度绩效指标",
            ),
        ]
        .into_iter()
        .filter(|(m, _, _)| *m)
        .map(|(_, p, l)| (p, l))
        .collect();
        for (path, label) in missing {
            self.report.push(
                ReportKind::Unplaced,
                SourceLocation::default(),
                Some(path.into()),
                format!("没有找到「{label}」部分（文件可能不完整）"),
            );
        }
    }

    /// Refuses a form whose indicator frame has nothing in common with the template's.
    fn check_template(&self) -> Result<(), ImportError> {
        let mut names: Vec<&str> = Vec::new();
        for (_, t) in self.indicators.tables() {
            for r in &t.rows {
                if !r.level1.is_empty() && !names.contains(&r.level1.as_str()) {
                    names.push(&r.level1);
                }
            }
        }
        if !names.is_empty() && names.iter().all(|n| self.template.level1(n).is_none()) {
            let shown: Vec<String> = names.iter().take(5).map(|n| format!("「{n}」")).collect();
            return Err(ImportError::UnknownTemplate(format!(
                "表中的一级指标{}都不在模板「{}」的指标框架中（可用 --template 指定其他模板）",
                shown.join(""),
                self.template.id
            )));
        }
        Ok(())
    }

    /// The budget year: the 上年 column label + 1, else the fill date's year + 1, else the
    /// long-term deadline year. The choice and any disagreement are reported.
    fn fiscal_year(&mut self) -> Result<FiscalYear, ImportError> {
        let from_labels = self.funding.last_year.map(|y| {
            (
                y + 1,
                format!("资金表“近两年收支金额”的上年列标 {y} 年 + 1"),
            )
        });
        let from_before = self
            .funding
            .year_before
            .map(|y| (y + 2, format!("资金表前年列标 {y} 年 + 2")));
        let from_date = self
            .fill_date
            .map(|d| (d.year + 1, format!("填报日期 {} 的年份 + 1", d)));
        let from_deadline = self
            .goals
            .long_term
            .deadline_year
            .map(|y| (y.get(), format!("长期目标截止年份 {y} 年")));
        let candidates: Vec<(u16, String)> = [from_labels, from_before, from_date, from_deadline]
            .into_iter()
            .flatten()
            .collect();
        let Some((year, how)) = candidates.first().cloned() else {
            return Err(ImportError::Malformed {
                location: SourceLocation::default(),
                message: "无法确定预算年度：资金表没有年份列标，也没有填报日期和长期目标截止年份"
                    .into(),
            });
        };
        let fy = FiscalYear::new(year as i64).map_err(|e| ImportError::Malformed {
            location: SourceLocation::default(),
            message: format!("预算年度无效：{e}"),
        })?;
        self.report.push(
            ReportKind::Note,
            SourceLocation::default(),
            Some("/header/fiscal_year".into()),
            format!("预算年度定为 {year} 年，依据：{how}"),
        );
        for (other, why) in candidates.iter().skip(1) {
            if *other != year {
                self.report.push(
                    ReportKind::Note,
                    SourceLocation::default(),
                    Some("/header/fiscal_year".into()),
                    format!("另一依据（{why}）得出 {other} 年，与所定预算年度不一致，请核对"),
                );
            }
        }
        Ok(fy)
    }

    /// Restores comparators lost by the extraction (`≥` dropped, or read as the digit `2`),
    /// only where another column of the same indicator, or the template's percentage bound,
    /// makes the reading evident. Everything is reported as a guess.
    fn repair_comparators(&mut self) {
        let bounded = self.template.rules.bounded_percent_nodes.clone();
        // Annual rows: compare the three columns of each row.
        for i in 0..self.indicators.annual.rows.len() {
            let loc = self.annual_locs.get(i).cloned().unwrap_or_default();
            let row = &self.indicators.annual.rows[i];
            let bounded_row = in_bounded(row, &bounded);
            let values = [
                row.year_before.clone(),
                row.last_year.clone(),
                row.target.clone(),
            ];
            for (k, field) in ["year_before", "last_year", "target"].iter().enumerate() {
                let others: Vec<TargetValue> = values
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != k)
                    .filter_map(|(_, v)| v.clone())
                    .collect();
                let fixed = repair_one(values[k].as_ref(), &others, bounded_row);
                self.apply_repair(TableKind::Annual, i, field, fixed, &loc);
            }
        }
        // Long-term rows: compare with the annual row of the same name.
        for i in 0..self.indicators.long_term.rows.len() {
            let loc = self.long_locs.get(i).cloned().unwrap_or_default();
            let row = &self.indicators.long_term.rows[i];
            let others: Vec<TargetValue> = self
                .indicators
                .annual
                .rows
                .iter()
                .filter(|a| a.name == row.name)
                .flat_map(|a| [a.target.clone(), a.last_year.clone()])
                .flatten()
                .collect();
            let fixed = repair_one(row.target.as_ref(), &others, in_bounded(row, &bounded));
            self.apply_repair(TableKind::LongTerm, i, "target", fixed, &loc);
        }
    }

    fn apply_repair(
        &mut self,
        table: TableKind,
        i: usize,
        field: &str,
        fixed: Repair,
        loc: &SourceLocation,
    ) {
        let path = format!("/indicators/{}/rows/{i}/{field}", table.key());
        let rows = match table {
            TableKind::LongTerm => &mut self.indicators.long_term.rows,
            TableKind::Annual => &mut self.indicators.annual.rows,
        };
        let name = rows[i].name.clone();
        let slot = match field {
            "year_before" => &mut rows[i].year_before,
            "last_year" => &mut rows[i].last_year,
            _ => &mut rows[i].target,
        };
        let before = slot.as_ref().map(ToString::to_string).unwrap_or_default();
        match fixed {
            Repair::None => {}
            Repair::Fixed(v, why) => {
                let msg = format!(
                    "{}「{name}」的指标值「{before}」读作「{v}」：{why}",
                    table.label()
                );
                *slot = Some(v);
                self.report
                    .push(ReportKind::Guess, loc.clone(), Some(path), msg);
            }
            Repair::Suspicious(why) => {
                let msg = format!(
                    "{}「{name}」的指标值「{before}」可疑，按原文保留：{why}",
                    table.label()
                );
                self.report
                    .push(ReportKind::Unplaced, loc.clone(), Some(path), msg);
            }
        }
    }
}

/// True when the row is under a node whose percentages must lie within 0–100%.
fn in_bounded(row: &Indicator, bounded: &[String]) -> bool {
    bounded.iter().any(|b| *b == row.level1 || *b == row.level2)
}

/// The outcome of looking at one value.
enum Repair {
    None,
    Fixed(TargetValue, &'static str),
    Suspicious(&'static str),
}

fn repair_one(value: Option<&TargetValue>, others: &[TargetValue], bounded: bool) -> Repair {
    let Some(TargetValue::Quantity {
        comparator: None,
        number,
        unit,
    }) = value
    else {
        return Repair::None;
    };
    let with_cmp: Vec<(Comparator, rust_decimal::Decimal)> = others
        .iter()
        .filter_map(|o| match o {
            TargetValue::Quantity {
                comparator: Some(c),
                number,
                unit: u,
            } if u == unit => Some((*c, *number)),
            _ => None,
        })
        .collect();
    let text = number.to_string();
    let stripped = text.strip_prefix('2').and_then(|r| {
        r.parse::<rust_decimal::Decimal>()
            .ok()
            .filter(|_| !r.is_empty())
    });
    // `≥95%` printed as `295%`: another column reads `≥95%`.
    if let Some(rest) = stripped
        && let Some((c, _)) = with_cmp
            .iter()
            .find(|(c, n)| *n == rest && *c == Comparator::Ge)
    {
        let v = TargetValue::Quantity {
            comparator: Some(*c),
            number: rest,
            unit: unit.clone(),
        };
        return Repair::Fixed(
            v,
            "同一指标的其他列为「≥」加相同数值，判断「≥」被识别成了数字 2",
        );
    }
    // `≥95%` printed as `95%`: another column has the same number with a comparator.
    if let Some((c, _)) = with_cmp.iter().find(|(_, n)| n == number)
        && with_cmp.iter().all(|(c2, n)| n != number || c2 == c)
    {
        let v = TargetValue::Quantity {
            comparator: Some(*c),
            number: *number,
            unit: unit.clone(),
        };
        return Repair::Fixed(
            v,
            "同一指标的其他列带有比较符号且数值相同，判断比较符号在提取时丢失",
        );
    }
    let hundred = rust_decimal::Decimal::ONE_HUNDRED;
    if unit == "%" && *number > hundred {
        if let Some(rest) = stripped
            && bounded
            && rest <= hundred
        {
            let v = TargetValue::Quantity {
                comparator: Some(Comparator::Ge),
                number: rest,
                unit: unit.clone(),
            };
            return Repair::Fixed(v, "该指标按模板应在 0–100% 之间，判断「≥」被识别成了数字 2");
        }
        if stripped.is_some() {
            return Repair::Suspicious("超过 100% 且以 2 开头，可能是「≥」被识别成了数字 2");
        }
    }
    Repair::None
}
