//! Small text helpers shared by parsers: full-width to half-width, and space clean-up.

/// Maps full-width ASCII forms (`０-９`, `％`, `＞`, `＝`, `．`, the ideographic space) to their
/// half-width forms; leaves everything else (Chinese text, `≥`, `≤`) alone.
pub fn to_half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// True for the characters between which a space is a line-wrap artefact, not a word gap:
/// CJK ideographs and CJK punctuation.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF
        | 0x2018..=0x201F | 0x20000..=0x2FA1F)
}

/// Removes whitespace that sits next to a CJK character (`每年 城市建设项目数` →
/// `每年城市建设项目数`, `满 意 度` → `满意度`), collapses other runs of whitespace to one space,
/// and trims.
pub fn squeeze_cjk_spaces(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let before = start.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i).copied();
            let joins_cjk = before.is_some_and(is_cjk) || after.is_some_and(is_cjk);
            if !joins_cjk {
                out.push(' ');
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_width() {
        assert_eq!(to_half_width("＞＝９０％"), ">=90%");
        assert_eq!(to_half_width("≥95%　"), "≥95% ");
    }

    #[test]
    fn squeeze() {
        assert_eq!(
            squeeze_cjk_spaces("每年 城市建设项目数"),
            "每年城市建设项目数"
        );
        assert_eq!(squeeze_cjk_spaces(" 满 意 度 "), "满意度");
        assert_eq!(squeeze_cjk_spaces("4A  level   x"), "4A level x");
    }
}
