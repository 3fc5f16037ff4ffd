//! Fonts of a PDF page as far as text extraction needs them: how many bytes make a character
//! code, the Unicode text of each code (from the font's ToUnicode CMap) and each glyph's advance
//! width (to place the next glyph).

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

/// Most entries read from one ToUnicode CMap or width table.
const MAX_ENTRIES: usize = 70_000;
/// Largest ToUnicode stream read.
const MAX_CMAP_BYTES: usize = 2 * 1024 * 1024;

/// A font, reduced to decoding and advancing.
#[derive(Debug, Clone)]
pub struct Font {
    /// Bytes per character code: 1 for simple fonts, usually 2 for composite (Type0) fonts.
    pub code_bytes: usize,
    to_unicode: HashMap<u32, String>,
    widths: HashMap<u32, f32>,
    default_width: f32,
}

impl Font {
    /// Reads a font dictionary. Never fails: what cannot be read falls back to defaults.
    pub fn read(doc: &Document, dict: &Dictionary) -> Font {
        let subtype: &[u8] = dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .unwrap_or(b"");
        let is_type0 = subtype == b"Type0";
        let mut font = Font {
            code_bytes: if is_type0 { 2 } else { 1 },
            to_unicode: HashMap::new(),
            widths: HashMap::new(),
            default_width: if is_type0 { 1000.0 } else { 500.0 },
        };
        if let Ok(stream) = dict
            .get_deref(b"ToUnicode", doc)
            .and_then(Object::as_stream)
            && let Ok(data) = stream
                .decompressed_content_with_limit(MAX_CMAP_BYTES)
                .or_else(|_| {
                    if stream.content.len() <= MAX_CMAP_BYTES {
                        Ok(stream.content.clone())
                    } else {
                        Err(())
                    }
                })
        {
            let (map, bytes) = parse_cmap(&data);
            font.to_unicode = map
                .into_iter()
                .map(|(k, v)| (k, super::radicals::normalize(&v)))
                .collect();
            if let Some(b) = bytes {
                font.code_bytes = b;
            }
        }
        if is_type0 {
            if let Ok(desc) = dict
                .get_deref(b"DescendantFonts", doc)
                .and_then(Object::as_array)
                .and_then(|a| {
                    a.first()
                        .ok_or(lopdf::Error::DictKey("DescendantFonts".into()))
                })
                .and_then(|o| doc.dereference(o).map(|(_, o)| o))
                .and_then(Object::as_dict)
            {
                if let Ok(dw) = desc.get(b"DW").and_then(Object::as_float) {
                    font.default_width = dw;
                }
                if let Ok(w) = desc.get_deref(b"W", doc).and_then(Object::as_array) {
                    font.read_cid_widths(doc, w);
                }
            }
        } else {
            let first = dict
                .get(b"FirstChar")
                .and_then(Object::as_i64)
                .unwrap_or(0)
                .max(0) as u32;
            // Type 3 widths are in glyph space: scale them by the font matrix to thousandths.
            let scale = match subtype {
                b"Type3" => dict
                    .get_deref(b"FontMatrix", doc)
                    .and_then(Object::as_array)
                    .ok()
                    .and_then(|m| m.first())
                    .and_then(|a| a.as_float().ok())
                    .filter(|a| a.is_finite() && *a != 0.0)
                    .map(|a| a.abs() * 1000.0)
                    .unwrap_or(1.0),
                _ => 1.0,
            };
            if let Ok(w) = dict.get_deref(b"Widths", doc).and_then(Object::as_array) {
                for (i, o) in w.iter().take(MAX_ENTRIES).enumerate() {
                    if let Ok(v) = deref_float(doc, o) {
                        font.widths.insert(first + i as u32, v * scale);
                    }
                }
            }
        }
        font
    }

    /// The `W` array of a CID font: `c [w1 w2 …]` or `c_first c_last w`.
    fn read_cid_widths(&mut self, doc: &Document, w: &[Object]) {
        let mut i = 0;
        while i < w.len() && self.widths.len() < MAX_ENTRIES {
            let Ok(start) = w[i].as_i64() else { break };
            let start = start.max(0) as u32;
            match w.get(i + 1).map(|o| doc.dereference(o).map(|(_, o)| o)) {
                Some(Ok(Object::Array(list))) => {
                    for (k, o) in list.iter().take(MAX_ENTRIES).enumerate() {
                        if let Ok(v) = deref_float(doc, o) {
                            self.widths.insert(start + k as u32, v);
                        }
                    }
                    i += 2;
                }
                Some(Ok(o)) => {
                    let end = o.as_i64().unwrap_or(start as i64).max(start as i64) as u32;
                    let v = w
                        .get(i + 2)
                        .and_then(|o| deref_float(doc, o).ok())
                        .unwrap_or(self.default_width);
                    for c in start..=end.min(start + MAX_ENTRIES as u32) {
                        self.widths.insert(c, v);
                    }
                    i += 3;
                }
                _ => break,
            }
        }
    }

    /// Splits a string operand into character codes.
    pub fn codes(&self, bytes: &[u8]) -> Vec<u32> {
        bytes
            .chunks(self.code_bytes)
            .map(|c| c.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)))
            .collect()
    }

    /// The text of a code: from the ToUnicode map, else Latin-1 for simple fonts, else U+FFFD.
    pub fn text(&self, code: u32) -> String {
        if let Some(t) = self.to_unicode.get(&code) {
            return t.clone();
        }
        if self.code_bytes == 1 {
            return char::from_u32(code)
                .filter(|c| !c.is_control())
                .map(String::from)
                .unwrap_or_default();
        }
        "\u{FFFD}".to_string()
    }

    /// The advance width of a code in text space units (1/1000 of the font size).
    pub fn width(&self, code: u32) -> f32 {
        self.widths
            .get(&code)
            .copied()
            .unwrap_or(self.default_width)
    }
}

fn deref_float(doc: &Document, o: &Object) -> lopdf::Result<f32> {
    doc.dereference(o).and_then(|(_, o)| o.as_float())
}

/// Parses the `bfchar` and `bfrange` sections of a ToUnicode CMap. Returns the map and the code
/// length in bytes from `codespacerange`, if one is given.
pub fn parse_cmap(data: &[u8]) -> (HashMap<u32, String>, Option<usize>) {
    let tokens = tokenize(data);
    let mut map = HashMap::new();
    let mut code_bytes = None;
    let mut i = 0;
    while i < tokens.len() && map.len() < MAX_ENTRIES {
        match &tokens[i] {
            Tok::Word(w) if w == "begincodespacerange" => {
                if let Some(Tok::Hex(h)) = tokens.get(i + 1) {
                    code_bytes = Some(h.len().clamp(1, 4));
                }
                i += 1;
            }
            Tok::Word(w) if w == "beginbfchar" => {
                i += 1;
                while let (Some(Tok::Hex(src)), Some(Tok::Hex(dst))) =
                    (tokens.get(i), tokens.get(i + 1))
                {
                    map.insert(be(src), utf16(dst));
                    i += 2;
                }
            }
            Tok::Word(w) if w == "beginbfrange" => {
                i += 1;
                while let (Some(Tok::Hex(lo)), Some(Tok::Hex(hi))) =
                    (tokens.get(i), tokens.get(i + 1))
                    && map.len() < MAX_ENTRIES
                {
                    let (lo, hi) = (be(lo), be(hi));
                    if hi < lo || hi - lo > MAX_ENTRIES as u32 {
                        i += 3;
                        continue;
                    }
                    match tokens.get(i + 2) {
                        Some(Tok::Hex(dst)) => {
                            let base = utf16(dst);
                            for (k, code) in (lo..=hi).enumerate() {
                                map.insert(code, bump_last(&base, k as u32));
                            }
                            i += 3;
                        }
                        Some(Tok::Array(list)) => {
                            for (code, dst) in (lo..=hi).zip(list) {
                                map.insert(code, utf16(dst));
                            }
                            i += 3;
                        }
                        _ => break,
                    }
                }
            }
            _ => i += 1,
        }
    }
    (map, code_bytes)
}

/// The text of a range start with its last character advanced by `k`.
fn bump_last(base: &str, k: u32) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    if let Some(last) = chars.last_mut() {
        *last = char::from_u32(*last as u32 + k).unwrap_or('\u{FFFD}');
    }
    chars.into_iter().collect()
}

fn be(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |acc, b| (acc << 8) | u32::from(*b))
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| (u16::from(c[0]) << 8) | u16::from(*c.get(1).unwrap_or(&0)))
        .collect();
    String::from_utf16_lossy(&units)
}

/// CMap tokens: hex strings, arrays of hex strings, and words.
#[derive(Debug, PartialEq)]
enum Tok {
    Hex(Vec<u8>),
    Array(Vec<Vec<u8>>),
    Word(String),
}

fn tokenize(data: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut array: Option<Vec<Vec<u8>>> = None;
    while i < data.len() && out.len() < MAX_ENTRIES * 3 {
        let b = data[i];
        match b {
            b'<' => {
                let end = data[i + 1..]
                    .iter()
                    .position(|&c| c == b'>')
                    .map(|p| i + 1 + p)
                    .unwrap_or(data.len());
                let hex: Vec<u8> = data[i + 1..end]
                    .iter()
                    .copied()
                    .filter(u8::is_ascii_hexdigit)
                    .collect();
                let bytes: Vec<u8> = hex
                    .chunks(2)
                    .map(|c| {
                        let s = std::str::from_utf8(c).unwrap_or("0");
                        u8::from_str_radix(&format!("{s:0<2}"), 16).unwrap_or(0)
                    })
                    .collect();
                match &mut array {
                    Some(a) => a.push(bytes),
                    None => out.push(Tok::Hex(bytes)),
                }
                i = end + 1;
            }
            b'[' => {
                array = Some(Vec::new());
                i += 1;
            }
            b']' => {
                if let Some(a) = array.take() {
                    out.push(Tok::Array(a));
                }
                i += 1;
            }
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            _ if b.is_ascii_alphabetic() => {
                let start = i;
                while i < data.len() && data[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                out.push(Tok::Word(
                    String::from_utf8_lossy(&data[start..i]).into_owned(),
                ));
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmap_chars_and_ranges() {
        let cmap = b"1 begincodespacerange <00> <FF> endcodespacerange
            2 beginbfchar <01> <90E8> <02> <D840DC00> endbfchar
            2 beginbfrange <10> <12> <0041> <20> <21> [<2265> <2264>] endbfrange";
        let (map, bytes) = parse_cmap(cmap);
        assert_eq!(bytes, Some(1));
        assert_eq!(map[&1], "部");
        assert_eq!(map[&2], "\u{20000}");
        assert_eq!(map[&0x12], "C");
        assert_eq!(map[&0x20], "≥");
        assert_eq!(map[&0x21], "≤");
    }

    proptest::proptest! {
        #[test]
        fn random_cmaps_do_not_panic(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)) {
            let (map, _) = parse_cmap(&data);
            proptest::prop_assert!(map.len() <= MAX_ENTRIES);
        }
    }

    #[test]
    fn broken_cmaps_do_not_panic() {
        for junk in [
            &b"beginbfrange <FF> <00> <41>"[..],
            b"<",
            b"beginbfchar <01>",
            b"[[[",
            b"beginbfrange <00> <FFFFFFFF> <41>",
        ] {
            let _ = parse_cmap(junk);
        }
    }
}
