//! Collects numbered paragraphs over several rows and cells, joining the halves of a paragraph
//! cut by a page break.

use super::super::cells::{SegmentMode, segments, strip_number};
use jixiao_domain::text::squeeze_cjk_spaces;

/// Paragraphs being collected for one section (部门职能概述, 年度工作任务).
#[derive(Debug, Default)]
pub struct Paragraphs {
    raw: Vec<String>,
    /// Whether the paragraphs carry numbers (`1、`): then an unnumbered piece is a continuation.
    numbered: bool,
}

/// What happened to a cell added to a [`Paragraphs`].
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Added {
    /// The first segment continued the previous paragraph across a page break.
    pub joined_across_break: bool,
    /// Number of paragraphs started.
    pub started: usize,
}

impl Paragraphs {
    /// Adds one cell. `after_break`: the cell's row follows a page break, so an unnumbered first
    /// segment is the second half of the last paragraph. `cut`: the cell's text was cut at its
    /// edge, so it may have lost its number: it starts a paragraph all the same.
    pub fn add(&mut self, text: &str, after_break: bool, cut: bool) -> Added {
        let (segs, mode) = segments(text);
        let mut added = Added::default();
        for (k, seg) in segs.iter().enumerate() {
            let (num, rest) = strip_number(seg);
            let expected = self.raw.len() as u32 + 1;
            // In wrapped lines only the next number in sequence starts a paragraph: a line may
            // start with `3、` by accident of wrapping.
            let numbered = match (num, mode) {
                (Some(n), SegmentMode::Lines) => n == expected || self.raw.is_empty(),
                (Some(_), _) => true,
                (None, _) => false,
            };
            // Across a page break an unnumbered piece continues the last paragraph when the
            // paragraphs are numbered, or when the last one did not end a sentence.
            let open_end = self.raw.last().is_some_and(|p| {
                !p.trim_end()
                    .ends_with(['。', '；', '！', '？', '.', ';', '!', '?'])
            });
            // A cut cell's first piece starts a paragraph of its own.
            let starts_cut_cell = cut && k == 0;
            let continues = !(numbered || starts_cut_cell || self.raw.is_empty())
                && ((k == 0 && after_break && (self.numbered || open_end))
                    || (k > 0 && mode == SegmentMode::Lines));
            if continues {
                let last = self.raw.last_mut().expect("checked non-empty");
                last.push(' ');
                last.push_str(seg);
                if k == 0 {
                    added.joined_across_break = true;
                }
            } else {
                self.numbered |= numbered;
                self.raw.push(if numbered {
                    rest.to_string()
                } else {
                    seg.clone()
                });
                added.started += 1;
            }
        }
        added
    }

    /// Number of paragraphs so far.
    pub fn len(&self) -> usize {
        self.raw.len()
    }

    /// The clean paragraphs (line-wrap spaces next to Chinese characters removed).
    pub fn finish(self) -> Vec<String> {
        self.raw
            .iter()
            .map(|p| squeeze_cjk_spaces(p))
            .filter(|p| !p.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_break_halves_are_joined() {
        let mut p = Paragraphs::default();
        p.add("<p>1、甲乙</p> <p>2、丙</p>", false, false);
        let a = p.add("<p>丁戊</p> <p>3、己</p>", true, false);
        assert!(a.joined_across_break);
        assert_eq!(p.finish(), vec!["甲乙", "丙丁戊", "己"]);
    }

    #[test]
    fn unnumbered_paragraphs_join_across_a_break_only_mid_sentence() {
        let mut p = Paragraphs::default();
        p.add("<p>甲句。</p><p>乙句没有</p>", false, false);
        p.add("<p>完。</p>", true, false);
        p.add("<p>丙段。</p>", true, false);
        assert_eq!(p.finish(), vec!["甲句。", "乙句没有完。", "丙段。"]);
    }

    #[test]
    fn wrapped_lines_join_unless_numbered_in_sequence() {
        let mut p = Paragraphs::default();
        p.add("1、甲\n乙\n3、不是标题\n2、丙", false, false);
        assert_eq!(p.finish(), vec!["甲乙3、不是标题", "丙"]);
    }
}
