//! Writing the text sections (functions, tasks, projects, goals) and the indicator tables.

use jixiao_domain::{Indicator, Money};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::XlsxError;

use super::layout::*;
use super::write::{Mode, Writer};
use crate::printed::{Goals, IndicatorTableLayout, Paragraph, Paragraphs, ProjectLine, labels};

impl Writer<'_> {
    /// 部门职能概述 / 年度工作任务: one row per numbered paragraph.
    pub(super) fn paragraphs(&mut self, section: &Paragraphs) -> Result<(), XlsxError> {
        let first = self.row;
        let items = &section.items;
        let n = items.len().max(1) as u32;
        let (lab, text) = (self.st.label.clone(), self.st.text.clone());
        self.text(
            first,
            COL_SECTION,
            first + n - 1,
            COL_SECTION,
            section.label,
            &lab,
        )?;
        for i in 0..n {
            let shown = self.numbered(items.get(i as usize));
            self.text(first + i, COL_B, first + i, LAST_PRINTED_COL, shown, &text)?;
        }
        self.row = first + n;
        Ok(())
    }

    /// A paragraph as printed; a blank's input rows hold the bare text (the user types it).
    fn numbered<'p>(&self, p: Option<&'p Paragraph>) -> &'p str {
        match p {
            Some(p) if self.mode == Mode::Blank => &p.text,
            Some(p) => &p.line,
            None => "",
        }
    }

    pub(super) fn projects(&mut self, projects: &[ProjectLine]) -> Result<(), XlsxError> {
        let first = self.row;
        let (lab, text, center, amount) = (
            self.st.label.clone(),
            self.st.text.clone(),
            self.st.center.clone(),
            self.st.amount.clone(),
        );
        let [name, category, total, current, purpose] = labels::PROJECT_COLUMNS;
        self.text(first, COL_B, first, COL_D, name, &lab)?;
        self.text(first, COL_E, first, COL_E, category, &lab)?;
        self.text(first, COL_F, first, COL_F, total, &lab)?;
        self.text(first, COL_G, first, COL_G, current, &lab)?;
        self.text(first, COL_H, first, LAST_PRINTED_COL, purpose, &lab)?;
        let n = projects.len().max(1) as u32;
        for i in 0..n {
            let r = first + 1 + i;
            match projects.get(i as usize) {
                Some(p) => {
                    self.text(r, COL_B, r, COL_D, &p.name, &text)?;
                    self.text(r, COL_E, r, COL_E, &p.category, &center)?;
                    self.number(
                        r,
                        COL_F,
                        r,
                        COL_F,
                        p.total_budget.value.map(Money::to_f64),
                        &amount,
                    )?;
                    self.number(
                        r,
                        COL_G,
                        r,
                        COL_G,
                        p.current_budget.value.map(Money::to_f64),
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

    pub(super) fn goals(&mut self, g: &Goals) -> Result<(), XlsxError> {
        let first = self.row;
        let (lab, text) = (self.st.label.clone(), self.st.text.clone());
        self.text(first, COL_B, first, COL_F, &g.long_term_label, &lab)?;
        self.text(first, COL_G, first, LAST_PRINTED_COL, L_ANNUAL_GOAL, &lab)?;
        let n = g.long_term.len().max(g.annual.len()).max(1) as u32;
        for i in 0..n {
            let r = first + 1 + i;
            let long_term = self.numbered(g.long_term.get(i as usize));
            self.text(r, COL_B, r, COL_F, long_term, &text)?;
            let annual = self.numbered(g.annual.get(i as usize));
            self.text(r, COL_G, r, LAST_PRINTED_COL, annual, &text)?;
        }
        self.text(first, COL_SECTION, first + n, COL_SECTION, L_GOALS, &lab)?;
        self.row = first + n + 1;
        Ok(())
    }

    pub(super) fn indicator_table(
        &mut self,
        table: &IndicatorTableLayout,
        stored: &[Indicator],
    ) -> Result<(), XlsxError> {
        let history = table.history;
        let (lab, text, center, number) = (
            self.st.label.clone(),
            self.st.text.clone(),
            self.st.center.clone(),
            self.st.number.clone(),
        );
        let blank = self.mode == Mode::Blank;
        // The goal row above the table.
        let gr = self.row;
        self.text(gr, COL_SECTION, gr, COL_B, &table.goal_label, &lab)?;
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
        self.text(h0, COL_C, h_end, COL_C, labels::LEVEL2, &lab)?;
        self.text(h0, COL_D, h_end, name_end, labels::LEVEL3, &lab)?;
        self.text(h0, COL_J, h_end, COL_J, labels::BASIS, &lab)?;
        self.text(h0, COL_K, h_end, COL_K, labels::CLASS, &lab)?;
        let target_top = if history {
            self.text(h0, COL_E, h0, COL_I, labels::TARGET, &lab)?;
            self.text(h0 + 1, COL_E, h0 + 1, COL_F, labels::HISTORY_VALUES, &lab)?;
            self.text(h_end, COL_E, h_end, COL_E, labels::YEAR_BEFORE, &lab)?;
            self.text(h_end, COL_F, h_end, COL_F, labels::LAST_YEAR, &lab)?;
            h0 + 1
        } else {
            h0
        };
        let target_title = if history {
            labels::EXPECTED
        } else {
            labels::TARGET
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

        // Data rows; level-1 and level-2 cells merged over the spans the layout counted.
        let first = h_end + 1;
        let rows = &table.rows;
        let n = rows.len().max(1) as u32;
        for (i, (line, ind)) in rows.iter().zip(stored).enumerate() {
            let r = first + i as u32;
            self.text(r, COL_D, r, name_end, &line.name, &text)?;
            if history {
                self.text(r, COL_E, r, COL_E, &line.year_before, &center)?;
                self.text(r, COL_F, r, COL_F, &line.last_year, &center)?;
            }
            if blank {
                self.text(r, COL_G, r, COL_G, "", &center)?;
                self.text(r, COL_H, r, COL_H, "", &center)?;
                self.text(r, COL_I, r, COL_I, "", &center)?;
            } else {
                self.text(r, COL_G, r, COL_I, &line.target, &center)?;
            }
            self.text(r, COL_J, r, COL_J, &line.basis, &center)?;
            self.text(r, COL_K, r, COL_K, &line.class, &center)?;
            // The unprinted fields, hidden beside the printed ones (not part of the layout).
            let extras = [
                (COL_DEFINITION, ind.definition.as_deref(), &text),
                (COL_SCORING_RULE, ind.scoring_rule.as_deref(), &text),
                (COL_UNIT_OF_MEASURE, ind.unit_of_measure.as_deref(), &center),
            ];
            for (c, v, fmt) in extras {
                self.text(r, c, r, c, v.unwrap_or(""), fmt)?;
            }
            let weight = ind.weight.and_then(|w| w.to_f64());
            self.number(r, COL_WEIGHT, r, COL_WEIGHT, weight, &number)?;
            let remark = ind.remark.as_deref().unwrap_or("");
            self.text(r, COL_REMARK, r, COL_REMARK, remark, &text)?;
        }
        // The merged level-1 and level-2 cells, over the spans the layout counted.
        for (i, line) in rows.iter().enumerate() {
            let r = first + i as u32;
            if let Some(l1) = &line.level1 {
                let end = r + l1.span as u32 - 1;
                self.text(r, COL_B, end, COL_B, &l1.text, &center)?;
            }
            if let Some(l2) = &line.level2 {
                let end = r + l2.span as u32 - 1;
                self.text(r, COL_C, end, COL_C, &l2.text, &center)?;
            }
        }
        if rows.is_empty() {
            for c in COL_B..=COL_K {
                self.text(first, c, first, c, "", &center)?;
            }
        }
        let last = first + n - 1;
        self.plan.indicator_rows.push((first, last));
        self.text(h0, COL_SECTION, last, COL_SECTION, table.label, &lab)?;
        self.row = last + 1;
        Ok(())
    }
}
