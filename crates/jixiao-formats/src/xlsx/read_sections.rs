//! Reading the text sections (functions, tasks, projects, goals) and the indicator tables.

use jixiao_domain::Money;
use jixiao_domain::TargetValue;
use jixiao_domain::form::{Goals, Indicator, LongTermGoals, Project};
use rust_decimal::Decimal;

use super::grid::Value;
use super::layout::*;
use super::read::{Ctx, Got, dec_from_f64, opt, year_in};
use crate::report::ReportKind;

impl Ctx {
    pub(super) fn paragraphs(&mut self, (start, end): (u32, u32)) -> Vec<String> {
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

    pub(super) fn projects(&mut self, (start, end): (u32, u32)) -> Vec<Project> {
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
            if name.is_empty()
                && category.is_empty()
                && purpose.is_empty()
                && total_budget.is_none()
                && current_budget.is_none()
            {
                continue;
            }
            out.push(Project {
                name,
                category,
                total_budget,
                current_budget,
                purpose,
            });
        }
        out
    }

    pub(super) fn goals(&mut self, (start, end): (u32, u32)) -> Goals {
        let mut g = Goals::default();
        let head = self.grid.text(start, COL_B);
        g.long_term.deadline_year = year_in(&head);
        let mut items = LongTermGoals {
            deadline_year: g.long_term.deadline_year,
            items: Vec::new(),
        };
        for r in (start + 1)..end {
            let l = self.grid.text(r, COL_B);
            if !l.is_empty() {
                let k = items.items.len() + 1;
                items
                    .items
                    .push(strip_number(&l, "目标", k, &['：', ':']).to_string());
            }
            let a = self.grid.text(r, COL_G);
            if !a.is_empty() {
                let k = g.annual.len() + 1;
                g.annual
                    .push(strip_number(&a, "目标", k, &['：', ':']).to_string());
            }
        }
        g.long_term = items;
        g
    }

    pub(super) fn indicators(&mut self, (start, end): (u32, u32)) -> Vec<Indicator> {
        let Some(h0) = (start..end).find(|&r| self.grid.text(r, COL_B) == L_LEVEL1) else {
            self.note(
                ReportKind::Unplaced,
                start,
                COL_B,
                format!("指标表缺少「{L_LEVEL1}」表头，未导入"),
            );
            return Vec::new();
        };
        let h_end = self.grid.merge_at(h0, COL_B).map(|m| m.2).unwrap_or(h0);
        let history = (h0..=h_end).any(|r| self.grid.text(r, COL_E) == "前年");
        let mut out = Vec::new();
        let (mut level1, mut level2) = (String::new(), String::new());
        for r in (h_end + 1)..end {
            let g = &self.grid;
            let name = g.text(r, COL_D);
            let target_text = format!(
                "{}{}{}",
                g.text(r, COL_G),
                g.text(r, COL_H),
                g.text(r, COL_I)
            );
            let (yb, ly) = if history {
                (g.text(r, COL_E), g.text(r, COL_F))
            } else {
                (String::new(), String::new())
            };
            let extras: Vec<String> = (COL_DEFINITION..=COL_REMARK)
                .map(|c| g.text(r, c))
                .collect();
            let l1 = g.merged_text(r, COL_B);
            let l2 = g.merged_text(r, COL_C);
            let l1_merged = g.merge_at(r, COL_B).is_some();
            let l2_merged = g.merge_at(r, COL_C).is_some();
            let basis = opt(g.text(r, COL_J));
            let class = opt(g.text(r, COL_K));
            if name.is_empty()
                && target_text.is_empty()
                && yb.is_empty()
                && ly.is_empty()
                && extras.iter().all(String::is_empty)
            {
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
                self.note(
                    ReportKind::Guess,
                    r,
                    COL_B,
                    format!("一级指标为空，按上一行取「{level1}」"),
                );
            }
            if !l2.is_empty() {
                level2 = l2;
            } else if !l2_merged {
                self.note(
                    ReportKind::Guess,
                    r,
                    COL_C,
                    format!("二级指标为空，按上一行取「{level2}」"),
                );
            }
            if name.is_empty() {
                self.note(
                    ReportKind::Note,
                    r,
                    COL_D,
                    "三级指标名称为空（已保留该行，请补填）".into(),
                );
            }
            let weight = match self.grid.value(r, COL_WEIGHT).clone() {
                Value::Number(f) => dec_from_f64(f),
                Value::Text(t) if !t.trim().is_empty() => match Decimal::from_str_exact(t.trim()) {
                    Ok(d) => Some(d),
                    Err(_) => {
                        self.note(
                            ReportKind::Unplaced,
                            r,
                            COL_WEIGHT,
                            format!("权重「{t}」不是数字，未导入"),
                        );
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
