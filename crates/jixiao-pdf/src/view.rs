//! A document as the template sees it: one printed layout of jixiao-formats
//! ([`jixiao_formats::printed::PrintedForm`] and the lifecycle layouts: every value already
//! formatted as printed text, totals, shares, lights and scores derived, merged-cell spans
//! counted, personal data decided) plus the fonts. The typst templates only place strings; they
//! never compute, so the numbers on paper are the ones every other copy shows.

use serde::Serialize;

/// The whole printed document, as typst reads it from `/form.json`.
#[derive(Debug, Serialize)]
pub(crate) struct View<'a, T: Serialize> {
    /// Font families, preferred first (a run-time font directory's, then the embedded one).
    pub fonts: Vec<String>,
    /// The layout.
    #[serde(flatten)]
    pub form: &'a T,
}

/// Makes every string printable as it reads: line ends become `\n` (a line break), a tab a
/// space; other control characters, the byte-order mark and bidirectional overrides (which
/// could make printed text read differently from the stored text) are dropped.
pub(crate) fn clean_strings(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) if s.chars().any(needs_cleaning) => *s = clean(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(clean_strings),
        serde_json::Value::Object(map) => map.values_mut().for_each(clean_strings),
        _ => {}
    }
}

fn needs_cleaning(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

fn clean(s: &str) -> String {
    s.replace("\r\n", "\n")
        .chars()
        .filter_map(|c| match c {
            '\r' => Some('\n'),
            '\t' => Some(' '),
            c if needs_cleaning(c) => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_cleaned_of_controls_and_bidi_overrides() {
        let mut v = serde_json::json!({"a": ["x\r\ny\tz\u{0}\u{202e}w\u{feff}", 1], "b": "正常"});
        clean_strings(&mut v);
        assert_eq!(v, serde_json::json!({"a": ["x\ny zw", 1], "b": "正常"}));
    }
}
