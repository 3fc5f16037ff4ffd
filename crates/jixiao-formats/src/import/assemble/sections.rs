//! The sections read row by row: header fields, paragraphs (部门职能概述, 年度工作任务), projects
//! and goals.

use jixiao_domain::form::Date;

use super::super::cells::{self, clean};
use super::super::rows::SourceRow;
use super::{Assembler, Section, ocr_label};
use crate::report::ReportKind;

impl Assembler<'_> {
    /// The title, the fill date line and the unit / filler rows. Returns true when the row was
    /// one of them.
    pub(super) fn header_fields(&mut self, row: &SourceRow) -> bool {
        const LABELS: [&str; 4] = ["部门单位名称", "单位名称", "部门名称", "填报人"];
        // OCR'd text is matched to the header's labels only where the header is.
        let ocr = row.ocr && self.section == Section::Preamble;
        let is_label = |c: &str| {
            let c = c.replace(['(', ')', '（', '）'], "");
            c.starts_with("填报日期")
                || LABELS.contains(&c.as_str())
                || (ocr && ocr_label(&c, &LABELS).is_some())
        };
        // Outside the preamble only a row that starts with a header label is one: look at its
        // first cell before cleaning the whole row (paragraph cells are long).
        if self.section != Section::Preamble
            && !row
                .cells
                .iter()
                .find(|c| !c.trim().is_empty())
                .is_some_and(|c| c.len() < 200 && is_label(&clean(c)))
        {
            return false;
        }
        let mut cleaned: Vec<String> = row.cells.iter().map(|c| clean(c)).collect();
        let mut used = false;
        // The rest of a fill date wrapped in its cell: the first cell of the next rows.
        if let Some((start, left)) = self.pending_date.take() {
            let rest = cleaned.iter_mut().find(|c| !c.is_empty()).filter(|first| {
                first.chars().count() <= 12
                    && first.chars().all(|ch| {
                        ch.is_ascii_digit() || ch.is_whitespace() || "年月日".contains(ch)
                    })
            });
            match rest {
                Some(first) => {
                    let text = format!("{start}{first}");
                    first.clear();
                    used = true;
                    self.fill_date_text(&text, left, &row.loc);
                }
                // Not the date's rest: wait for the next row, then give up.
                None if left > 0 => self.pending_date = Some((start, left - 1)),
                None => self.fill_date_text(&start, 0, &row.loc),
            }
        }
        let nonempty: Vec<&String> = cleaned.iter().filter(|c| !c.is_empty()).collect();
        if nonempty.len() == 1
            && nonempty[0].contains("绩效目标申报表")
            && !nonempty[0].contains("填报日期")
        {
            return true;
        }
        for (i, c) in cleaned.iter().enumerate() {
            if let Some(pos) = c.find("填报日期") {
                used = true;
                let rest = &c[pos + "填报日期".len()..];
                let rest = rest.trim_start_matches([':', '：']);
                let (date_part, unit_part) = match rest.find("单位") {
                    Some(u) => (&rest[..u], Some(&rest[u + "单位".len()..])),
                    None => (rest, None),
                };
                let date_text = match date_part.find('日') {
                    Some(d) => &date_part[..d + '日'.len_utf8()],
                    None => date_part,
                };
                // Without its 日 the date may go on in the next lines of its cell.
                let left = if unit_part.is_none() && !date_text.contains('日') {
                    2
                } else {
                    0
                };
                self.fill_date_text(date_text, left, &row.loc);
                if let Some(u) = unit_part {
                    let u = u.trim_start_matches([':', '：']).trim();
                    if !u.is_empty() {
                        self.amount_unit = Some(u.to_string());
                    }
                }
            } else if c.starts_with("单位：")
                && (i > 0 || self.section == Section::Preamble)
                && self.amount_unit.is_none()
            {
                self.amount_unit = Some(c["单位：".len()..].trim().to_string());
                // Alone on its line (the title and the date above it), the row is this.
                used |= nonempty.len() == 1;
            }
        }
        let label_value = |labels: &[&str]| -> Option<Option<String>> {
            let plain = |c: &String| c.replace(['(', ')', '（', '）'], "");
            let i = cleaned
                .iter()
                .position(|c| labels.contains(&plain(c).as_str()))
                .or_else(|| {
                    ocr.then(|| {
                        cleaned.iter().position(|c| {
                            c.chars().count() <= 10 && ocr_label(&plain(c), labels).is_some()
                        })
                    })?
                })?;
            Some(cleaned[i + 1..].iter().find(|c| !c.is_empty()).cloned())
        };
        if let Some(v) = label_value(&["部门单位名称", "单位名称", "部门名称"]) {
            self.unit_name = v;
            used = true;
        } else if ocr
            && !used
            && self.section == Section::Preamble
            && self.unit_name.is_none()
            && nonempty.len() == 2
            && nonempty[0].chars().count() <= 10
            && !nonempty[1].contains("填报")
            && ocr_label(nonempty[1], &["填报人", "联系电话"]).is_none()
        {
            // The table's first row is the unit's name: its label, printed in a narrow cell,
            // may be beyond OCR.
            self.unit_name = Some(nonempty[1].clone());
            self.note(
                ReportKind::Guess,
                &row.loc,
                Some("/header/unit_name".into()),
                format!(
                    "表头第一行的标签经文字识别读出「{}」，不是「部门（单位）名称」，按位置把「{}」读作单位名称",
                    nonempty[0], nonempty[1]
                ),
            );
            used = true;
        }
        if let Some(v) = label_value(&["填报人"]) {
            self.filler = v.filter(|v| v != "联系电话");
            used = true;
        }
        if let Some(v) = label_value(&["联系电话"]) {
            self.phone = v.map(|p| p.chars().filter(|c| !c.is_whitespace()).collect());
            used = true;
            // The filler's label misread: the filler is the cell after the row's first.
            if ocr && self.filler.is_none() && nonempty.len() >= 4 {
                let label = nonempty[0].clone();
                let filler = nonempty[1].clone();
                if ocr_label(&filler, &["联系电话"]).is_none() {
                    self.note(
                        ReportKind::Guess,
                        &row.loc,
                        Some("/header/filler".into()),
                        format!(
                            "联系电话所在行的标签经文字识别读出「{label}」，不是「填报人」，按位置把「{filler}」读作填报人"
                        ),
                    );
                    self.filler = Some(filler);
                }
            }
        }
        used
    }

    /// Reads the fill date's text; an incomplete one waits for up to `left` more rows.
    pub(super) fn fill_date_text(
        &mut self,
        text: &str,
        left: u8,
        loc: &crate::report::SourceLocation,
    ) {
        match text.parse::<Date>() {
            Ok(d) => self.fill_date = Some(d),
            Err(_) if left > 0 => self.pending_date = Some((text.to_string(), left - 1)),
            Err(e) if !text.trim().is_empty() => self.note(
                ReportKind::Unplaced,
                loc,
                Some("/header/fill_date".into()),
                format!("填报日期无法识别：{e}"),
            ),
            Err(_) => {}
        }
    }

    /// 部门职能概述 / 年度工作任务: the text cells from column `from` on.
    pub(super) fn paragraph_row(&mut self, row: &SourceRow, from: usize) {
        let (key, label) = match self.section {
            Section::Functions => ("functions", "部门职能概述"),
            _ => ("annual_tasks", "年度工作任务"),
        };
        let mut first = true;
        for (i, cell) in row.cells.iter().enumerate().skip(from) {
            if cell.trim().is_empty() {
                continue;
            }
            let target = if self.section == Section::Functions {
                &mut self.functions
            } else {
                &mut self.tasks
            };
            let added = target.add(cell, row.after_break && first, row.is_cut(i));
            let n = target.len();
            first = false;
            if added.joined_across_break {
                self.note(
                    ReportKind::Guess,
                    &row.loc,
                    Some(format!("/{key}/{}", n.saturating_sub(added.started + 1))),
                    format!("{label}：分页处被截断的段落，已与上一页的段落末尾合并"),
                );
            }
        }
    }

    /// 项目支出情况 rows.
    pub(super) fn project_row(&mut self, row: &SourceRow) {
        let c = |k: &str, d: usize| self.project_cols.get(k).unwrap_or(d);
        let (cn, cc, ct, cu, cp) = (
            c("name", 1),
            c("category", 3),
            c("total", 4),
            c("current", 5),
            c("purpose", 6),
        );
        let name = clean(row.cell(cn));
        let category = clean(row.cell(cc));
        let purpose = clean(
            &row.cells
                .iter()
                .skip(cp)
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(" "),
        );
        if name.is_empty() && category.is_empty() {
            if let Some(last) = self.projects.last_mut()
                && !purpose.is_empty()
                && row.after_break
            {
                last.purpose = jixiao_domain::text::squeeze_cjk_spaces(&format!(
                    "{} {}",
                    last.purpose, purpose
                ));
                let i = self.projects.len() - 1;
                self.note(
                    ReportKind::Guess,
                    &row.loc,
                    Some(format!("/projects/{i}/purpose")),
                    "项目支出方向和用途在分页处被截断，已与上一行合并",
                );
            } else {
                self.unplaced(row);
            }
            return;
        }
        let i = self.projects.len();
        let total_budget = self.money(row, ct, &format!("/projects/{i}/total_budget"));
        let current_budget = self.money(row, cu, &format!("/projects/{i}/current_budget"));
        if !category.is_empty()
            && !self
                .template
                .project_categories
                .iter()
                .any(|p| p.name == category)
        {
            self.note(
                ReportKind::Note,
                &row.loc,
                Some(format!("/projects/{i}/category")),
                format!("支出项目类别「{category}」不在模板的类别中，按原文保留"),
            );
        }
        self.projects.push(jixiao_domain::form::Project {
            name,
            category,
            total_budget,
            current_budget,
            purpose,
        });
    }

    /// Reads an amount cell; reports repaired or unreadable numbers.
    pub(super) fn money(
        &mut self,
        row: &SourceRow,
        col: usize,
        path: &str,
    ) -> Option<jixiao_domain::Money> {
        let raw = row.cell(col).trim();
        if raw.is_empty() {
            return None;
        }
        match raw.parse::<jixiao_domain::Money>() {
            Ok(m) => {
                if cells::has_stray_space(raw) {
                    self.note(
                        ReportKind::Guess,
                        &row.loc,
                        Some(path.into()),
                        format!("数字「{raw}」中有多余空格，读作 {m}"),
                    );
                }
                Some(m)
            }
            Err(e) => {
                self.note(
                    ReportKind::Unplaced,
                    &row.loc,
                    Some(path.into()),
                    format!("金额「{raw}」无法识别（{e}），未导入"),
                );
                None
            }
        }
    }

    /// The row under 整体绩效总目标: long-term and annual goal lists.
    pub(super) fn goals_row(&mut self, row: &SourceRow) {
        let long = self.goal_cols.get("long");
        let annual = self.goal_cols.get("annual");
        let filled: Vec<usize> = (1..row.cells.len())
            .filter(|&i| !row.cell(i).trim().is_empty())
            .collect();
        let (li, ai) = match (long, annual) {
            (Some(l), Some(a))
                if !row.cell(l).trim().is_empty() || !row.cell(a).trim().is_empty() =>
            {
                (Some(l), Some(a))
            }
            _ => (filled.first().copied(), filled.get(1).copied()),
        };
        if let Some(i) = li {
            self.goals
                .long_term
                .items
                .extend(cells::goal_items(row.cell(i)));
        }
        if let Some(i) = ai {
            self.goals.annual.extend(cells::goal_items(row.cell(i)));
        }
        if filled.iter().any(|f| Some(*f) != li && Some(*f) != ai) {
            self.unplaced(row);
        }
    }

    /// 长期目标 / 年度目标 paragraph above a table: text from column `from` on.
    pub(super) fn goal_text_row(&mut self, row: &SourceRow, from: usize) {
        let text = clean(
            &row.cells
                .iter()
                .skip(from)
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(" "),
        );
        if text.is_empty() {
            return;
        }
        let goal = match self.section {
            Section::LongGoal => &mut self.indicators.long_term.goal,
            _ => &mut self.indicators.annual.goal,
        };
        if goal.is_empty() {
            *goal = text;
        } else {
            let joined = jixiao_domain::text::squeeze_cjk_spaces(&format!("{goal} {text}"));
            *goal = joined;
            let key = if self.section == Section::LongGoal {
                "long_term"
            } else {
                "annual"
            };
            self.note(
                ReportKind::Guess,
                &row.loc,
                Some(format!("/indicators/{key}/goal")),
                "目标文字跨行，已合并为一段",
            );
        }
    }
}
