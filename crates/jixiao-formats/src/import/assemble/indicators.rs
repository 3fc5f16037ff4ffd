//! The two indicator tables: header columns, level-3 rows under the template's level-1/level-2
//! frame, shifted rows, and cells run together by the extraction.

use jixiao_domain::TargetValue;
use jixiao_domain::form::{Indicator, TableKind};

use super::super::cells::{self, clean};
use super::super::rows::SourceRow;
use super::{Assembler, Columns};
use crate::report::ReportKind;

impl Assembler<'_> {
    fn cols(&mut self, table: TableKind) -> &mut Columns {
        match table {
            TableKind::LongTerm => &mut self.long_cols,
            TableKind::Annual => &mut self.annual_cols,
        }
    }

    /// Reads the column positions from a header row (the section's first row or the sub-header
    /// rows of the annual table). Returns true when the row was a header row.
    pub(super) fn table_header(&mut self, row: &SourceRow, table: TableKind) -> bool {
        // Header cells are short and hold one of these characters; other rows are not cleaned.
        if !row
            .cells
            .iter()
            .any(|c| c.len() < 120 && c.contains(['指', '前', '上']))
        {
            return false;
        }
        let cleaned: Vec<String> = row
            .cells
            .iter()
            .map(|c| {
                if c.len() < 120 {
                    clean(c)
                } else {
                    String::new()
                }
            })
            .collect();
        let is_header = cleaned.iter().any(|c| {
            matches!(
                c.as_str(),
                "一级指标"
                    | "二级指标"
                    | "三级指标"
                    | "指标值"
                    | "指标值确定依据"
                    | "指标分类"
                    | "前年"
                    | "上年"
                    | "近两年指标值"
                    | "预期当年实现值"
            )
        });
        if !is_header {
            return false;
        }
        let cols = self.cols(table);
        cols.find(row, "l1", &["一级指标"]);
        cols.find(row, "l2", &["二级指标"]);
        cols.find(row, "name", &["三级指标"]);
        cols.find(row, "value", &["指标值", "近两年指标值"]);
        cols.find(row, "basis", &["指标值确定依据"]);
        cols.find(row, "class", &["指标分类"]);
        cols.find(row, "year_before", &["前年"]);
        cols.find(row, "last_year", &["上年"]);
        cols.find(row, "target", &["预期当年实现值", "当年实现值"]);
        true
    }

    /// One level-3 row (or a row that only opens a level-1/level-2 node): read its cells, open
    /// the frame nodes it names, and add the indicator with its parsed values.
    pub(super) fn indicator_row(&mut self, row: &SourceRow, table: TableKind) {
        if self.table_header(row, table) {
            return;
        }
        let annual = table == TableKind::Annual;
        let at = self.indicator_cols(table);
        let cells = self.indicator_cells(row, table, &at);
        self.open_frame_nodes(row, cells.l1, cells.l2);
        let has_values = cells.values.iter().any(|v| !v.is_empty());
        if cells.name.is_empty() {
            if has_values
                || !cells.basis.is_empty()
                || !cells.class.is_empty()
                || !cells.extra.is_empty()
            {
                self.unplaced(row);
            }
            return;
        }
        let rows = match table {
            TableKind::LongTerm => &self.indicators.long_term.rows,
            TableKind::Annual => &self.indicators.annual.rows,
        };
        let index = rows.len();
        let path = format!("/indicators/{}/rows/{index}", table.key());
        if self.level1.is_empty() {
            self.note(
                ReportKind::Unplaced,
                &row.loc,
                Some(path.clone()),
                format!("指标「{}」之前没有一级指标，无法确定其位置", cells.name),
            );
        }
        let parsed = self.target_values(row, &path, annual, &cells.values);
        if !cells.extra.is_empty() {
            self.note(
                ReportKind::Unplaced,
                &row.loc,
                Some(path.clone()),
                format!("指标分类之后还有内容「{}」，未导入", cells.extra.join(" ")),
            );
        }
        let word = |w: String| if w.is_empty() { None } else { Some(w) };
        let mut ind = Indicator {
            level1: self.level1.clone(),
            level2: self.level2.clone(),
            name: cells.name,
            basis: word(cells.basis),
            class: word(cells.class),
            ..Default::default()
        };
        if annual {
            ind.year_before = parsed.first().cloned().flatten();
            ind.last_year = parsed.get(1).cloned().flatten();
            ind.target = parsed.get(2).cloned().flatten();
        } else {
            ind.target = parsed.first().cloned().flatten();
        }
        let locs = match table {
            TableKind::LongTerm => &mut self.long_locs,
            TableKind::Annual => &mut self.annual_locs,
        };
        locs.push(row.loc.clone());
        match table {
            TableKind::LongTerm => self.indicators.long_term.rows.push(ind),
            TableKind::Annual => self.indicators.annual.rows.push(ind),
        }
    }

    /// Where a table's fields are: from its header row, or the official layout's positions.
    fn indicator_cols(&mut self, table: TableKind) -> IndicatorCols {
        let cols = self.cols(table).clone();
        let c = |k: &str, d: usize| cols.get(k).unwrap_or(d);
        let annual = table == TableKind::Annual;
        let basis = c("basis", if annual { 7 } else { 5 });
        let values = if annual {
            let v = c("value", 4);
            vec![
                c("year_before", v),
                c("last_year", v + 1),
                c("target", v + 2),
            ]
        } else {
            vec![c("value", 4)]
        };
        IndicatorCols {
            l1: c("l1", 1),
            l2: c("l2", 2),
            name: c("name", 3),
            values,
            basis,
            class: c("class", basis + 1),
        }
    }

    /// The cells of a row by field, after repairing a row shifted left by one column and
    /// splitting cells the extraction ran together (both reported).
    fn indicator_cells(
        &mut self,
        row: &SourceRow,
        table: TableKind,
        at: &IndicatorCols,
    ) -> IndicatorCells {
        // The first column is the section's merged label column: data there means the row lost
        // its leading empty cell.
        let mut cells: Vec<&str> = row.cells.iter().map(String::as_str).collect();
        let class_words = &self.template.dictionaries.class;
        let is_class = |i: usize| {
            cells
                .get(i)
                .is_some_and(|c| class_words.contains(&clean(c)))
        };
        let class_left = at.class > 0 && !is_class(at.class) && is_class(at.class - 1);
        let data_in_first = !cells.first().is_none_or(|c| c.trim().is_empty());
        if (class_left || data_in_first) && at.l1 > 0 {
            cells.insert(0, "");
            self.note(
                ReportKind::Note,
                &row.loc,
                None,
                format!(
                    "{}：此行缺少前导空单元格（整行左移一列），已按内容对齐",
                    table.label()
                ),
            );
        }
        let get = |i: usize| cells.get(i).copied().unwrap_or("");
        let mut out = IndicatorCells {
            l1: clean(get(at.l1)),
            l2: clean(get(at.l2)),
            name: clean(get(at.name)),
            values: at
                .values
                .iter()
                .map(|&i| get(i).trim().to_string())
                .collect(),
            basis: clean(get(at.basis)),
            class: clean(get(at.class)),
            extra: cells
                .iter()
                .skip(at.class + 1)
                .map(|c| clean(c))
                .filter(|c| !c.is_empty())
                .collect(),
        };
        if out.class.is_empty() && out.basis.is_empty() {
            // Columns run together: look for the basis and class words at the end of the text.
            let all: Vec<String> = cells
                .iter()
                .skip(at.l1)
                .map(|c| clean(c))
                .filter(|c| !c.is_empty())
                .collect();
            if let Some(split) = self.split_run_together(&all, out.values.len()) {
                (out.l1, out.l2, out.name) = self.frame_prefix(&split.head);
                out.values = split.values;
                out.basis = split.basis;
                out.class = split.class;
                self.note(
                    ReportKind::Guess,
                    &row.loc,
                    None,
                    format!(
                        "{}：此行的列连在一起（「{}」），已按指标值、确定依据和分类拆开",
                        table.label(),
                        super::truncate(&all.join(""), 60)
                    ),
                );
            }
        }
        out
    }

    /// Opens the level-1 and level-2 nodes a row names (a level-1 name outside the template's
    /// frame is kept and reported).
    fn open_frame_nodes(&mut self, row: &SourceRow, l1: String, l2: String) {
        let (l1, l2) = if row.ocr {
            self.frame_names_by_ocr(row, l1, l2)
        } else {
            (l1, l2)
        };
        if !l1.is_empty() {
            if self.template.level1(&l1).is_none() {
                self.note(
                    ReportKind::Note,
                    &row.loc,
                    None,
                    format!(
                        "一级指标「{l1}」不在模板「{}」的指标框架中，按原文保留",
                        self.template.id
                    ),
                );
            }
            // A level-1 label repeated on a new page keeps the open level-2 node.
            if l1 != self.level1 {
                self.level2.clear();
            }
            self.level1 = l1;
        }
        if !l2.is_empty() {
            self.level2 = l2;
        }
    }

    /// Names read by OCR taken for the template's level-1 and level-2 names they most likely
    /// are (each reported as a guess); names that fit none stay as read.
    fn frame_names_by_ocr(&mut self, row: &SourceRow, l1: String, l2: String) -> (String, String) {
        let frame = &self.template.indicator_frame;
        let l1 = if l1.is_empty() || self.template.level1(&l1).is_some() {
            l1
        } else {
            match cells::ocr_match(&l1, frame.iter().map(|n| n.name.as_str())) {
                Some(name) => {
                    let name = name.to_string();
                    self.note(
                        ReportKind::Guess,
                        &row.loc,
                        None,
                        format!("一级指标经文字识别读出「{l1}」，按相近的文字读作「{name}」"),
                    );
                    name
                }
                None => l1,
            }
        };
        let parent = if l1.is_empty() { &self.level1 } else { &l1 };
        let Some(node) = self.template.level1(parent) else {
            return (l1, l2);
        };
        let known = |n: &str| {
            node.children
                .iter()
                .any(|c| c.name == n || (c.numbered && n.starts_with(c.name.as_str())))
        };
        if l2.is_empty() || known(&l2) {
            return (l1, l2);
        }
        let names: Vec<String> = node.children.iter().map(|c| c.name.clone()).collect();
        let Some(name) = cells::ocr_match(&l2, names.iter().map(String::as_str)) else {
            return (l1, l2);
        };
        let child = node.children.iter().find(|c| c.name == name);
        // A numbered node keeps the number read (核心业务产出3).
        let digits: String = l2.chars().filter(|c| c.is_ascii_digit()).collect();
        let name = match child {
            Some(c) if c.numbered => format!("{name}{digits}"),
            _ => name.to_string(),
        };
        self.note(
            ReportKind::Guess,
            &row.loc,
            None,
            format!("二级指标经文字识别读出「{l2}」，按相近的文字读作「{name}」"),
        );
        (l1, name)
    }

    /// Parses the value cells of the indicator at `path`, reporting stray spaces inside a value.
    fn target_values(
        &mut self,
        row: &SourceRow,
        path: &str,
        annual: bool,
        raw_values: &[String],
    ) -> Vec<Option<TargetValue>> {
        let mut parsed: Vec<Option<TargetValue>> = Vec::new();
        for (k, raw) in raw_values.iter().enumerate() {
            let v = TargetValue::parse(raw);
            if cells::has_stray_space(raw)
                && let Some(v) = &v
            {
                let field = value_field(annual, k);
                self.note(
                    ReportKind::Guess,
                    &row.loc,
                    Some(format!("{path}/{field}")),
                    format!("指标值「{raw}」中有多余空格，读作「{v}」"),
                );
            }
            parsed.push(v);
        }
        parsed
    }

    /// Splits the non-empty cells of a run-together row: the class word at the very end, the
    /// basis word before it, then `n` target values taken from the end of what remains.
    fn split_run_together(&self, all: &[String], n: usize) -> Option<RunTogether> {
        let mut text = all.join("\u{1}");
        let dict = &self.template.dictionaries;
        let class = dict
            .class
            .iter()
            .find(|c| text.ends_with(c.as_str()))?
            .clone();
        text.truncate(text.len() - class.len());
        let text = text.trim_end_matches('\u{1}').to_string();
        let basis = dict
            .basis
            .iter()
            .find(|b| text.ends_with(b.as_str()))?
            .clone();
        let mut rest = text[..text.len() - basis.len()]
            .trim_end_matches('\u{1}')
            .to_string();
        let mut values = Vec::new();
        for _ in 0..n {
            let (head, value) = split_value_suffix(&rest, &dict.qualitative)?;
            values.push(value);
            rest = head;
        }
        values.reverse();
        let head: Vec<String> = rest
            .split('\u{1}')
            .map(str::to_string)
            .filter(|s| !s.is_empty())
            .collect();
        Some(RunTogether {
            head,
            values,
            basis,
            class,
        })
    }

    /// Reads the leading cells of a row as level 1, level 2 and name, using the frame.
    fn frame_prefix(&self, head: &[String]) -> (String, String, String) {
        // Cells are joined: a row run into one line has lost its cell boundaries anyway, and
        // the frame's names are matched as prefixes.
        let mut rest: &str = &head.concat();
        let mut l1 = String::new();
        if let Some(node) = self
            .template
            .indicator_frame
            .iter()
            .filter(|n| rest.starts_with(n.name.as_str()) && rest.len() > n.name.len())
            .max_by_key(|n| n.name.len())
        {
            l1 = node.name.clone();
            rest = &rest[node.name.len()..];
        }
        let frame_l1 = if l1.is_empty() {
            self.level1.as_str()
        } else {
            l1.as_str()
        };
        let mut l2 = String::new();
        if let Some(node) = self.template.level1(frame_l1) {
            for child in &node.children {
                let Some(after) = rest.strip_prefix(child.name.as_str()) else {
                    continue;
                };
                let digits = if child.numbered {
                    after.chars().take_while(char::is_ascii_digit).count()
                } else {
                    0
                };
                let len = child.name.len() + digits;
                if rest.len() > len {
                    l2 = rest[..len].to_string();
                    rest = &rest[len..];
                    break;
                }
            }
        }
        (l1, l2, rest.to_string())
    }
}

/// The parts of a run-together row.
struct RunTogether {
    head: Vec<String>,
    values: Vec<String>,
    basis: String,
    class: String,
}

/// The JSON field of the k-th value column.
/// The column positions of an indicator table's fields.
struct IndicatorCols {
    l1: usize,
    l2: usize,
    name: usize,
    /// One column (long-term table) or three (annual: the year before, last year, target).
    values: Vec<usize>,
    basis: usize,
    class: usize,
}

/// The cleaned cells of one indicator row, by field.
struct IndicatorCells {
    l1: String,
    l2: String,
    name: String,
    values: Vec<String>,
    basis: String,
    class: String,
    /// Non-empty cells after the class column.
    extra: Vec<String>,
}

fn value_field(annual: bool, k: usize) -> &'static str {
    match (annual, k) {
        (true, 0) => "year_before",
        (true, 1) => "last_year",
        _ => "target",
    }
}

/// Splits a trailing target value off `text`: a quantity (`≥95%`, `100%`, `≥4项`) or a
/// qualitative word from the dictionary. Cell separators (`\u{1}`) end the search.
fn split_value_suffix(text: &str, words: &[String]) -> Option<(String, String)> {
    let t = text.trim_end_matches('\u{1}');
    if let Some(last) = t.rsplit('\u{1}').next()
        && t.contains('\u{1}')
        && TargetValue::parse(last).is_some_and(|v| !matches!(v, TargetValue::Unparsed(_)))
        && (last.chars().any(|c| c.is_ascii_digit()) || words.iter().any(|w| w == last))
    {
        return Some((t[..t.len() - last.len()].to_string(), last.to_string()));
    }
    let mut best: Option<usize> = None;
    for w in words {
        if t.ends_with(w.as_str()) && best.is_none_or(|b| w.len() > b) {
            best = Some(w.len());
        }
    }
    if let Some(len) = best {
        return Some((
            t[..t.len() - len].to_string(),
            t[t.len() - len..].to_string(),
        ));
    }
    // A quantity: unit letters, digits, a decimal point, then an optional comparator.
    let chars: Vec<(usize, char)> = t.char_indices().collect();
    let mut i = chars.len();
    while i > 0
        && !chars[i - 1].1.is_ascii_digit()
        && chars.len() - i < 3
        && chars[i - 1].1 != '\u{1}'
    {
        i -= 1;
    }
    let unit_start = i;
    while i > 0 && (chars[i - 1].1.is_ascii_digit() || chars[i - 1].1 == '.') {
        i -= 1;
    }
    if i == unit_start {
        return None;
    }
    if i > 0 && "≥≤><=".contains(chars[i - 1].1) {
        i -= 1;
    }
    let start = chars[i].0;
    Some((t[..start].to_string(), t[start..].to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_suffixes() {
        let words = vec!["健全".to_string(), "持续推进".to_string()];
        assert_eq!(
            split_value_suffix("预算执行率100%", &words),
            Some(("预算执行率".into(), "100%".into()))
        );
        assert_eq!(
            split_value_suffix("甲≥4项", &words),
            Some(("甲".into(), "≥4项".into()))
        );
        assert_eq!(
            split_value_suffix("制度健全性健全", &words),
            Some(("制度健全性".into(), "健全".into()))
        );
        assert_eq!(
            split_value_suffix("甲\u{1}≥95%", &words),
            Some(("甲\u{1}".into(), "≥95%".into()))
        );
        assert_eq!(split_value_suffix("甲乙", &words), None);
    }
}
