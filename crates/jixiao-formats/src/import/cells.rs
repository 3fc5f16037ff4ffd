//! Reading the text of single cells: paragraphs (with leaked HTML `<p>` tags or wrapped lines),
//! paragraph numbers, goal lists (`目标 1：…`), years, and numbers with stray spaces.

use jixiao_domain::text::squeeze_cjk_spaces;

/// Cleans a short cell (a name, a label, a word): decodes HTML entities, drops tags, removes
/// line-wrap spaces next to Chinese characters.
pub fn clean(text: &str) -> String {
    if !text.contains(['&', '<']) {
        return squeeze_cjk_spaces(text);
    }
    squeeze_cjk_spaces(&strip_tags(&decode_entities(text)).replace('\u{1}', " "))
}

/// Decodes the few HTML entities that leak into published forms.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    const ENTITIES: &[(&str, &str)] = &[
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&ldquo;", "“"),
        ("&rdquo;", "”"),
        ("&amp;", "&"),
    ];
    let mut out = text.to_string();
    for (e, r) in ENTITIES {
        out = out.replace(e, r);
    }
    out
}

/// Replaces `<p>` and `</p>` with a separator (`\u{1}`), `<br>` with a space, and drops other
/// HTML tags. Text that merely contains `<` (a comparator) is left alone.
fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let name: String = after
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let is_tag =
            !name.is_empty() && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
        match (is_tag, after.find('>')) {
            (true, Some(end)) if end < 200 => {
                out.push(match name.as_str() {
                    "p" | "div" | "li" => '\u{1}',
                    _ => ' ',
                });
                rest = &after[end + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// How the segments of one cell relate to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentMode {
    /// `<p>` paragraphs: each segment is a paragraph.
    Html,
    /// Wrapped lines (PDF): a line starts a paragraph only if it carries the next number.
    Lines,
    /// A single plain cell.
    Plain,
}

/// Splits a cell into its segments.
pub fn segments(text: &str) -> (Vec<String>, SegmentMode) {
    let decoded = decode_entities(text);
    let lower = decoded.to_ascii_lowercase();
    if lower.contains("<p") || lower.contains("</p") {
        let stripped = strip_tags(&decoded);
        let segs = stripped
            .split('\u{1}')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        return (segs, SegmentMode::Html);
    }
    let stripped = strip_tags(&decoded).replace('\u{1}', "\n");
    if stripped.contains('\n') {
        let segs = stripped
            .lines()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        return (segs, SegmentMode::Lines);
    }
    let t = stripped.trim();
    (
        if t.is_empty() {
            vec![]
        } else {
            vec![t.to_string()]
        },
        SegmentMode::Plain,
    )
}

/// Splits a leading paragraph number (`1、`, `2．`, `3.`, `（4）`) from the text.
pub fn strip_number(text: &str) -> (Option<u32>, &str) {
    let t = text.trim_start();
    let (inner, close): (&str, Option<char>) = match t.chars().next() {
        Some('（') => (&t['（'.len_utf8()..], Some('）')),
        Some('(') => (&t[1..], Some(')')),
        _ => (t, None),
    };
    let inner_trim = inner.trim_start();
    let digits: String = inner_trim
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .take(4)
        .collect();
    if digits.is_empty() {
        return (None, text);
    }
    let after = inner_trim[digits.len()..].trim_start();
    let mut chars = after.chars();
    let sep = chars.next();
    let ok = match close {
        Some(c) => sep == Some(c),
        // `1.` counts only when not followed by a digit (`1.5` is a number, not a heading).
        None => {
            matches!(sep, Some('、') | Some('．'))
                || (sep == Some('.') && !chars.clone().next().is_some_and(|c| c.is_ascii_digit()))
        }
    };
    if !ok {
        return (None, text);
    }
    let sep_len = sep.map(char::len_utf8).unwrap_or(0);
    (digits.parse().ok(), &after[sep_len..])
}

/// Splits a goal list (`目标 1：… 目标 2：…`) into its items, without the prefixes. Text before
/// the first prefix is an item of its own. Without prefixes, numbered paragraphs are tried, and
/// then the whole text is one item.
pub fn goal_items(text: &str) -> Vec<String> {
    let flat = strip_tags(&decode_entities(text)).replace('\u{1}', " ");
    let mut marks: Vec<(usize, usize)> = Vec::new();
    let mut search = 0;
    while let Some(pos) = flat[search..].find("目标") {
        let start = search + pos;
        let mut i = start + "目标".len();
        let skip_ws = |i: &mut usize| {
            while let Some(c) = flat[*i..].chars().next().filter(|c| c.is_whitespace()) {
                *i += c.len_utf8();
            }
        };
        skip_ws(&mut i);
        let d0 = i;
        while flat[i..].starts_with(|c: char| c.is_ascii_digit()) {
            i += 1;
        }
        let has_digits = i > d0;
        skip_ws(&mut i);
        let sep = flat[i..].chars().next();
        if has_digits && matches!(sep, Some('：') | Some(':')) {
            let end = i + sep.map(char::len_utf8).unwrap_or(0);
            marks.push((start, end));
            search = end;
        } else {
            search = start + "目标".len();
        }
    }
    let mut items = Vec::new();
    let mut push = |s: &str| {
        let c = squeeze_cjk_spaces(s);
        if !c.is_empty() {
            items.push(c);
        }
    };
    if marks.is_empty() {
        let (segs, _) = segments(text);
        for s in segs {
            push(strip_number(&s).1);
        }
        return items;
    }
    push(&flat[..marks[0].0]);
    for (k, &(_, content)) in marks.iter().enumerate() {
        let end = marks.get(k + 1).map(|m| m.0).unwrap_or(flat.len());
        push(&flat[content..end]);
    }
    items
}

/// The first plausible year (four digits, 1990–2200) in the text.
pub fn find_year(text: &str) -> Option<u16> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 4 {
                let y: u16 = text[start..i].parse().ok()?;
                if (1990..=2200).contains(&y) {
                    return Some(y);
                }
            }
        } else {
            i += 1;
        }
    }
    None
}

/// True when whitespace sits inside a number (`≥2. 5%`, `1 679.6`): a layout artefact that the
/// reader repairs and reports.
pub fn has_stray_space(text: &str) -> bool {
    let t = text.trim();
    let chars: Vec<char> = t.chars().collect();
    chars.iter().enumerate().any(|(i, c)| {
        c.is_whitespace()
            && i > 0
            && (chars[i - 1].is_ascii_digit() || chars[i - 1] == '.')
            && chars[i + 1..]
                .iter()
                .find(|c| !c.is_whitespace())
                .is_some_and(|c| c.is_ascii_digit() || *c == '.')
    })
}

/// How many characters of `name` occur in `text`, each character of `text` counted once.
pub fn shared_chars(text: &str, name: &str) -> usize {
    let mut pool: Vec<char> = text.chars().collect();
    name.chars()
        .filter(|c| {
            pool.iter()
                .position(|p| p == c)
                .map(|i| pool.swap_remove(i))
                .is_some()
        })
        .count()
}

/// The name among `names` that OCR'd `text` most likely is: one `text` contains, or else one
/// whose characters are mostly in `text` (at least two, and half of them) while `text`
/// is not much longer. `None` when no name fits or two fit equally well. Only for text read by
/// OCR, which misreads a character here and there; printed text must match exactly.
pub fn ocr_match<'a>(text: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let text: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !"()（）".contains(*c))
        .collect();
    let len = text.chars().count();
    if len == 0 {
        return None;
    }
    let mut best: Option<(f32, &'a str)> = None;
    let mut tie = false;
    for name in names {
        let plain: String = name.chars().filter(|c| !"()（）".contains(*c)).collect();
        let n = plain.chars().count();
        if n == 0 {
            continue;
        }
        // A name the text holds whole beats any near one, and the longest such name wins
        // (部门总体资金情况 over 总体资金情况).
        let score = if text.contains(plain.as_str()) && len <= n + 4 {
            2.0 + n as f32 / 1000.0
        } else {
            let k = shared_chars(&text, &plain);
            if k < 2 || k * 2 < n || len > n + 3 {
                continue;
            }
            k as f32 / n.max(len) as f32
        };
        match best {
            Some((b, _)) if score < b => {}
            Some((b, other)) if score == b => tie |= other != name,
            _ => {
                best = Some((score, name));
                tie = false;
            }
        }
    }
    if tie { None } else { best.map(|(_, n)| n) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ocr_matches_misread_names_and_refuses_doubt() {
        let frame = [
            "运行成本",
            "管理效率",
            "履职效能",
            "社会效应",
            "满意度",
            "可持续发展能力",
        ];
        assert_eq!(ocr_match("必职效能", frame), Some("履职效能"));
        assert_eq!(ocr_match("可册汪展能力", frame), Some("可持续发展能力"));
        assert_eq!(
            ocr_match("成部门总体资金情况", ["部门总体资金情况", "部门职能概述"]),
            Some("部门总体资金情况")
        );
        assert_eq!(ocr_match("1盾报人", ["填报人", "联系电话"]), Some("填报人"));
        assert_eq!(
            ocr_match("盾报", ["填报人"]),
            None,
            "one character of three"
        );
        assert_eq!(ocr_match("的度", frame), None);
        assert_eq!(ocr_match("", frame), None);
        // A long paragraph that happens to hold a label is not that label.
        assert_eq!(
            ocr_match(
                "按照部门总体资金情况安排各项支出并加强管理",
                ["部门总体资金情况"]
            ),
            None
        );
        assert_eq!(shared_chars("合这", "合计"), 1);
        assert_eq!(
            ocr_match("成部门总体资金情况", ["总体资金情况", "部门总体资金情况"]),
            Some("部门总体资金情况")
        );
    }

    #[test]
    fn html_paragraphs_split_and_lose_their_tags() {
        let (segs, mode) = segments("<p>1、甲。</p> <p>2、乙&amp;丙</p>");
        assert_eq!(mode, SegmentMode::Html);
        assert_eq!(segs, vec!["1、甲。", "2、乙&丙"]);
        assert_eq!(clean("≥5 <b>x</b>"), "≥5 x");
        assert_eq!(clean("a < b"), "a < b");
    }

    #[test]
    fn numbers_are_stripped_only_when_they_are_headings() {
        assert_eq!(strip_number("1、宣传"), (Some(1), "宣传"));
        assert_eq!(strip_number("10．按照"), (Some(10), "按照"));
        assert_eq!(strip_number("（3）甲"), (Some(3), "甲"));
        assert_eq!(strip_number("2.5%以上"), (None, "2.5%以上"));
        assert_eq!(strip_number("2026 年力争"), (None, "2026 年力争"));
    }

    #[test]
    fn goal_items_drop_prefixes() {
        let items = goal_items("目标 1：保障职工待遇。 目标 2：提升水平。");
        assert_eq!(items, vec!["保障职工待遇。", "提升水平。"]);
        assert_eq!(goal_items("单一目标"), vec!["单一目标"]);
        assert_eq!(goal_items("前言 目标1:甲"), vec!["前言", "甲"]);
    }

    #[test]
    fn years_and_stray_spaces() {
        assert_eq!(find_year("长期目标（截止 2026 年）"), Some(2026));
        assert_eq!(find_year("123456 年"), None);
        assert!(has_stray_space("≥2. 5%"));
        assert!(!has_stray_space("≥4 项"));
        assert!(!has_stray_space("≥2.5%"));
    }
}
