//! Reading a canonical form from JSON text, with errors a person can act on: the line and column,
//! the place in the form (as a JSON Pointer) and a Chinese explanation.

use crate::form::Form;

/// Why a JSON text is not a canonical form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("第 {line} 行第 {column} 列{}：{message}", place(.path))]
pub struct FormJsonError {
    /// 1-based line of the error (0 when unknown).
    pub line: usize,
    /// 1-based column of the error (0 when unknown).
    pub column: usize,
    /// JSON Pointer of the value that failed (`/funding/income/rows/0/current`), empty when the
    /// text is not JSON at all.
    pub path: String,
    /// What is wrong, in Chinese.
    pub message: String,
}

fn place(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("（{path}）")
    }
}

/// Parses a canonical form. The fast path is plain `serde_json`; only on failure is the text
/// read a second time to find the path of the bad value.
pub fn form_from_json(text: &str) -> Result<Form, FormJsonError> {
    document_from_json(text, "申报表")
}

/// Parses any canonical document (a declaration, a monitoring report, a self-evaluation) the
/// same way as [`form_from_json`]; `what` names the document in messages (`监控表`).
pub fn document_from_json<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &str,
) -> Result<T, FormJsonError> {
    match serde_json::from_str::<T>(text) {
        Ok(doc) => Ok(doc),
        Err(first) => {
            let mut de = serde_json::Deserializer::from_str(text);
            let path = match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Err(e) => pointer(e.path()),
                Ok(_) => String::new(),
            };
            Err(FormJsonError {
                line: first.line(),
                column: first.column(),
                path,
                message: explain(&first, what),
            })
        }
    }
}

/// A serde path (`funding.income.rows[0].current`) as a JSON Pointer.
fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Unknown => {}
        }
    }
    out
}

/// serde_json's message in Chinese where the pattern is known; otherwise the original text.
pub(crate) fn explain(e: &serde_json::Error, what: &str) -> String {
    use serde_json::error::Category;
    let raw = e.to_string();
    // serde_json appends " at line L column C"; the line and column are reported separately.
    let msg = raw
        .rsplit_once(" at line ")
        .map_or(raw.as_str(), |(m, _)| m);
    match e.classify() {
        Category::Eof => "文件意外结束（括号或引号没有闭合）".to_string(),
        Category::Io => format!("读取失败：{msg}"),
        Category::Syntax => {
            let what = match msg {
                "expected value" => "此处应为一个 JSON 值".to_string(),
                "trailing comma" => "多余的逗号".to_string(),
                "trailing characters" => "JSON 结束后还有多余内容".to_string(),
                "key must be a string" => "对象的键必须是带引号的字符串".to_string(),
                "expected `,` or `}`" => "此处应为逗号或 }".to_string(),
                "expected `,` or `]`" => "此处应为逗号或 ]".to_string(),
                "expected `:`" => "此处应为冒号".to_string(),
                "control character (\\u0000-\\u001F) found while parsing a string" => {
                    "字符串中有未转义的控制字符（如换行）".to_string()
                }
                "number out of range" => "数字超出范围".to_string(),
                other => other.to_string(),
            };
            format!("JSON 语法错误：{what}")
        }
        Category::Data => format!("内容与{what}格式不符：{}", data_message(msg)),
    }
}

/// Translates the usual serde data errors.
fn data_message(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return format!("缺少字段 {}", rest.trim_matches('`'));
    }
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let field = rest.split(',').next().unwrap_or(rest).trim_matches('`');
        let expected = rest
            .split_once("expected ")
            .map(|(_, e)| e.replace('`', ""))
            .unwrap_or_default();
        return if expected.is_empty() {
            format!("未知字段 {field}")
        } else {
            format!("未知字段 {field}（可用字段：{expected}）")
        };
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!(
            "类型不对：应为{}，实为{}",
            type_name(expected),
            type_name(found)
        );
    }
    if let Some(rest) = msg.strip_prefix("duplicate field ") {
        return format!("字段 {} 重复", rest.trim_matches('`'));
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        return format!("取值 {} 不在允许范围内", rest.replace('`', ""));
    }
    msg.to_string()
}

/// serde's type words in Chinese.
fn type_name(s: &str) -> String {
    let s = s.trim();
    let word = |w: &str| match w {
        "string" | "a string" => Some("文字（字符串）"),
        "map" | "a map" => Some("对象 {…}"),
        "sequence" | "a sequence" => Some("数组 […]"),
        "null" => Some("空值 null"),
        "boolean" | "a boolean" => Some("true/false"),
        "u32" | "u16" | "u64" | "i64" | "usize" | "an integer" | "integer" => Some("整数"),
        _ => None,
    };
    if let Some(w) = word(s) {
        return w.to_string();
    }
    if let Some((kind, value)) = s.split_once(' ') {
        let kind_cn = match kind {
            "string" => "文字",
            "integer" => "整数",
            "floating" => "数字",
            "boolean" => "布尔值",
            _ => "",
        };
        if !kind_cn.is_empty() {
            let value = value.trim_start_matches("point ").replace('`', "");
            return format!("{kind_cn} {value}");
        }
    }
    s.replace('`', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_error_names_line_and_column() {
        let e = form_from_json("{\n  \"template\": ,\n}").unwrap_err();
        assert_eq!((e.line, e.column), (2, 15));
        assert!(e.message.contains("JSON 语法错误"), "{e}");
        assert!(e.to_string().starts_with("第 2 行第 15 列"), "{e}");
    }

    #[test]
    fn data_error_names_the_path() {
        let e = form_from_json(r#"{"template": {"id": 5, "version": 1}}"#).unwrap_err();
        assert_eq!(e.path, "/template/id");
        assert!(e.message.contains("应为文字"), "{e}");
        let e = form_from_json(r#"{"template": {"id": "x"}}"#).unwrap_err();
        assert!(e.message.contains("缺少字段 version"), "{e}");
        let e = form_from_json(r#"{"templat": 1}"#).unwrap_err();
        assert!(e.message.contains("未知字段 templat"), "{e}");
    }

    #[test]
    fn eof() {
        let e = form_from_json("{\"template\": {").unwrap_err();
        assert!(e.message.contains("意外结束"), "{e}");
    }
}
