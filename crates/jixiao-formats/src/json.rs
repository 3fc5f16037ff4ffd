//! Canonical JSON: export (pretty, stable key order, amounts as exact strings) and a bounded
//! reader for the command line.

use jixiao_domain::{Form, Privacy};

use crate::export::{ExportError, public_copy};
use crate::report::{ImportError, SourceLocation};

/// Largest canonical JSON file jixiao reads (a real form is under 100 KB).
pub const MAX_JSON_BYTES: usize = 16 * 1024 * 1024;

/// The form as canonical, pretty JSON ending with a newline. A public copy has no filler's name
/// and no phone number.
pub fn to_json(form: &Form, privacy: Privacy) -> Result<String, ExportError> {
    let text = match privacy {
        Privacy::Public => serde_json::to_string_pretty(&public_copy(form)),
        Privacy::Private => serde_json::to_string_pretty(form),
    };
    text.map(|t| t + "\n")
        .map_err(|e| ExportError::Json(e.to_string()))
}

/// Reads canonical JSON, refusing oversized input; errors name the line and column.
pub fn from_json(text: &str) -> Result<Form, ImportError> {
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    if text.len() > MAX_JSON_BYTES {
        return Err(ImportError::TooLarge {
            what: "JSON 文件".into(),
            limit: format!("{} MB", MAX_JSON_BYTES / 1024 / 1024),
        });
    }
    serde_json::from_str(text.trim_start_matches('\u{FEFF}')).map_err(|e| ImportError::Malformed {
        location: SourceLocation {
            line: Some(e.line()),
            ..Default::default()
        },
        message: format!("规范 JSON 无法解析（第 {} 列）：{e}", e.column()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../../fixtures/seed/seed.form.json");

    #[test]
    fn seed_round_trips_and_public_copy_drops_personal_data() {
        let form = from_json(SEED).unwrap();
        let text = to_json(&form, Privacy::Private).unwrap();
        assert_eq!(from_json(&text).unwrap(), form);
        assert!(
            text.ends_with("}\n") && text.contains("\n  \"header\": {"),
            "pretty with a final newline"
        );
        let public = to_json(&form, Privacy::Public).unwrap();
        assert!(!public.contains("15172093138") && !public.contains("刘洋"));
        assert!(public.contains("阳新县兴国镇人民政府"));
    }

    #[test]
    fn bad_json_names_the_line() {
        let err = from_json("{\n  \"template\": 3\n}").unwrap_err();
        assert!(err.to_string().contains("第 2 行"), "{err}");
        assert!(matches!(from_json("  "), Err(ImportError::Empty)));
    }
}
