//! Writing the text sections (functions, tasks, projects, goals) and the indicator tables.

use jixiao_domain::form::{Form, IndicatorTable};
use jixiao_domain::{Money, TableKind};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::XlsxError;

use super::layout::*;
use super::write::{Mode, Writer};

impl Writer<'_> {
    /// 部门职能概述 / 年度工作任务: one row per numbered paragraph.
    pub(super) fn paragraphs(&mut self, label: &str, items: &[String]) -> Result<(), XlsxError> {
        let first = self.row;
        let n = items.len().max(1) as u32;
        let (lab, text) = (self.st.label.clone(), self.st.text.clone());
        self.text(first, COL_SECTION, first + n - 1, COL_SECTION, label, &lab)?;
        for i in 0..n {
            let item = items.get(i as usize).map(String::as_str).unwrap_or("");
            let shown = if self.mode == Mode::Blank || items.is_empty() {
                item.to_string()
            } else {
                format!("{}、{item}", i + 1)
            };
            self.text(first + i, COL_B, first + i, LAST_PRINTED_COL, &shown, &text)?;
        }
        self.row = first + n;
        Ok(())
    }

    pub(super) fn projects(&mut self, form: &Form) -> Result<(), XlsxError> {
        let first = self.row;
        let (lab, text, center, amount) = (
            self.st.label.clone(),
            self.st.text.clone(),
            self.st.center.clone(),
            self.st.amount.clone(),
        );
        self.text(first, COL_B, first, COL_D, "项目名称", &lab)?;
        self.text(first, COL_E, first, COL_E, "支出项目类别", &lab)?;
        self.text(first, COL_F, first, COL_F, "项目总预算", &lab)?;
        self.text(first, COL_G, first, COL_G, "项目本年度预算", &lab)?;
        self.text(
            first,
            COL_H,
            first,
            LAST_PRINTED_COL,
            "项目主要支出方向和用途",
            &lab,
        )?;
        let n = form.projects.len().max(1) as u32;
        for i in 0..n {
            let r = first + 1 + i;
            match form.projects.get(i as usize) {
                Some(p) => {
                    self.text(r, COL_B, r, COL_D, &p.name, &text)?;
                    self.text(r, COL_E, r, COL_E, &p.category, &center)?;
                    self.number(
                        r,
                        COL_F,
                        r,
                        COL_F,
                        p.total_budget.map(Money::to_f64),
                        &amount,
                    )?;
                    self.number(
                        r,
                        COL_G,
                        r,
                        COL_G,
                        p.current_budget.map(Money::to_f64),
                        &amount,
                    )?;
                    self.text(r, COL_H, r, LAST_PRINTED_COL, &p.purpose, &text)?;
                }
                None => {
                    self.text(r, COL_B, r, COL_D, "", &text)?;
                    self.text(r, COL_E, r, COL_E, "", &center)?;
                    self.number(r, COL_F, r, COL_F, None, &amount)?;
                    self.number(r, COL_G, r, COL_G, None, &amount)?;
                    self.text(r, COL_H, r, LAST_PRINTED_COL, "", &text)?;
                }
            }
        }
        self.plan.project_rows = Some((first + 1, first + n));
        self.text(first, COL_SECTION, first + n, COL_SECTION, L_PROJECTS, &lab)?;
        self.row = first + n + 1;
        Ok(())
    }

    pub(super) fn goals(&mut self, form: &Form) -> Result<(), XlsxError> {
        let g = &form.goals;
        let first = self.row;
        let (lab, text) = (self.st.label.clone(), self.st.text.clone());
        let deadline = g.long_term.deadline_year.map(|y| y.get());
        self.text(first, COL_B, first, COL_F, &long_term_label(deadline), &lab)?;
        self.text(first, COL_G, first, LAST_PRINTED_COL, L_ANNUAL_GOAL, &lab)?;
        let n = g.long_term.items.len().max(g.annual.len()).max(1) as u32;
        let numbered = |items: &[String], i: usize, blank: bool| match items.get(i) {
            Some(t) if !blank => format!("目标{}：{t}", i + 1),
            Some(t) => t.clone(),
            None => String::new(),
        };
        let blank = self.mode == Mode::Blank;
        for i in 0..n {
            let r = first + 1 + i;
            self.text(
                r,
                COL_B,
                r,
                COL_F,
                &numbered(&g.long_term.items, i as usize, blank),
                &text,
            )?;
            self.text(
                r,
                COL_G,
                r,
                LAST_PRINTED_COL,
                &numbered(&g.annual, i as usize, blank),
                &text,
            )?;
        }
        self.text(first, COL_SECTION, first + n, COL_SECTION, L_GOALS, &lab)?;
        self.row = first + n + 1;
        Ok(())
    }

    pub(super) fn indicator_table(
        &mut self,
        kind: TableKind,
        table: &IndicatorTable,
        history: bool,
        form: &Form,
    ) -> Result<(), XlsxError> {
        let (lab, text, center, number) = (
            self.st.label.clone(),
            self.st.text.clone(),
            self.st.center.clone(),
            self.st.number.clone(),
        );
        let blank = self.mode == Mode::Blank;
        // The goal row above the table.
        let goal_label = match kind {
            TableKind::LongTerm => {
                long_term_label(form.goals.long_term.deadline_year.map(|y| y.get()))
            }
            TableKind::Annual => L_ANNUAL_GOAL.to_string(),
        };
        let gr = self.row;
        self.text(gr, COL_SECTION, gr, COL_B, &goal_label, &lab)?;
        self.text(gr, COL_C, gr, LAST_PRINTED_COL, &table.goal, &text)?;

        // Header.
        let h0 = gr + 1;
        let hdr_rows: u32 = if history {
            3
        } else if blank {
            2
        } else {
            1
        };
        let h_end = h0 + hdr_rows - 1;
        let name_end = if history { COL_D } else { COL_F };
        self.text(h0, COL_B, h_end, COL_B, L_LEVEL1, &lab)?;
        self.text(h0, COL_C, h_end, COL_C, "二级指标", &lab)?;
        self.text(h0, COL_D, h_end, name_end, "三级指标", &lab)?;
        self.text(h0, COL_J, h_end, COL_J, "指标值确定依据", &lab)?;
        self.text(h0, COL_K, h_end, COL_K, "指标分类", &lab)?;
        let target_top = if history {
            self.text(h0, COL_E, h0, COL_I, "指标值", &lab)?;
            self.text(h0 + 1, COL_E, h0 + 1, COL_F, "近两年指标值", &lab)?;
            self.text(h_end, COL_E, h_end, COL_E, "前年", &lab)?;
            self.text(h_end, COL_F, h_end, COL_F, "上年", &lab)?;
            h0 + 1
        } else {
            h0
        };
        let target_title = if history {
            "预期当年实现值"
        } else {
            "指标值"
        };
        if blank {
            self.text(target_top, COL_G, h_end - 1, COL_I, target_title, &lab)?;
            self.text(h_end, COL_G, h_end, COL_G, "符号", &lab)?;
            self.text(h_end, COL_H, h_end, COL_H, "数值或定性值", &lab)?;
            self.text(h_end, COL_I, h_end, COL_I, "单位", &lab)?;
        } else {
            self.text(target_top, COL_G, h_end, COL_I, target_title, &lab)?;
        }
        let extras = [
            "指标内容（指标解释）",
            "评（扣）分标准",
            "计量单位",
            "权重",
            "备注",
        ];
        for (i, e) in extras.iter().enumerate() {
            let c = COL_DEFINITION + i as u16;
            self.text(h0, c, h_end, c, e, &lab)?;
        }

        // Data rows; level-1 and level-2 cells merged over their runs.
        let first = h_end + 1;
        let rows = &table.rows;
        let n = rows.len().max(1) as u32;
        for (i, ind) in rows.iter().enumerate() {
            let r = first + i as u32;
            self.text(r, COL_D, r, name_end, &ind.name, &text)?;
            if history {
                let yb = ind
                    .year_before
                    .as_ref()
                    .map(|v| v.to_string())
                    .unwrap_or_default();
                let ly = ind
                    .last_year
                    .as_ref()
                    .map(|v| v.to_string())
                    .unwrap_or_default();
                self.text(r, COL_E, r, COL_E, &yb, &center)?;
                self.text(r, COL_F, r, COL_F, &ly, &center)?;
            }
            let target = ind
                .target
                .as_ref()
                .map(|v| v.to_string())
                .unwrap_or_default();
            if blank {
                self.text(r, COL_G, r, COL_G, "", &center)?;
                self.text(r, COL_H, r, COL_H, "", &center)?;
                self.text(r, COL_I, r, COL_I, "", &center)?;
            } else {
                self.text(r, COL_G, r, COL_I, &target, &center)?;
            }
            self.text(
                r,
                COL_J,
                r,
                COL_J,
                ind.basis.as_deref().unwrap_or(""),
                &center,
            )?;
            self.text(
                r,
                COL_K,
                r,
                COL_K,
                ind.class.as_deref().unwrap_or(""),
                &center,
            )?;
            self.text(
                r,
                COL_DEFINITION,
                r,
                COL_DEFINITION,
                ind.definition.as_deref().unwrap_or(""),
                &text,
            )?;
            self.text(
                r,
                COL_SCORING_RULE,
                r,
                COL_SCORING_RULE,
                ind.scoring_rule.as_deref().unwrap_or(""),
                &text,
            )?;
            self.text(
                r,
                COL_UNIT_OF_MEASURE,
                r,
                COL_UNIT_OF_MEASURE,
                ind.unit_of_measure.as_deref().unwrap_or(""),
                &center,
            )?;
            match ind.weight {
                Some(w) => self.number(r, COL_WEIGHT, r, COL_WEIGHT, w.to_f64(), &number)?,
                None => self.number(r, COL_WEIGHT, r, COL_WEIGHT, None, &number)?,
            }
            self.text(
                r,
                COL_REMARK,
                r,
                COL_REMARK,
                ind.remark.as_deref().unwrap_or(""),
                &text,
            )?;
        }
        if rows.is_empty() {
            for c in COL_B..=COL_K {
                self.text(first, c, first, c, "", &center)?;
            }
        }
        // Runs of equal level-1, and of equal level-2 within them.
        let mut i = 0;
        while i < rows.len() {
            let mut j = i;
            while j + 1 < rows.len() && rows[j + 1].level1 == rows[i].level1 {
                j += 1;
            }
            self.text(
                first + i as u32,
                COL_B,
                first + j as u32,
                COL_B,
                &rows[i].level1,
                &center,
            )?;
            let mut k = i;
            while k <= j {
                let mut m = k;
                while m < j && rows[m + 1].level2 == rows[k].level2 {
                    m += 1;
                }
                self.text(
                    first + k as u32,
                    COL_C,
                    first + m as u32,
                    COL_C,
                    &rows[k].level2,
                    &center,
                )?;
                k = m + 1;
            }
            i = j + 1;
        }
        let last = first + n - 1;
        self.plan.indicator_rows.push((first, last));
        let section = match kind {
            TableKind::LongTerm => L_LONG_TERM_TABLE,
            TableKind::Annual => L_ANNUAL_TABLE,
        };
        self.text(h0, COL_SECTION, last, COL_SECTION, section, &lab)?;
        self.row = last + 1;
        Ok(())
    }
}
