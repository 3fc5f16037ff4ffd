//! Canonical JSON: read, checked against the model (unknown fields refused) and against the
//! template registry, with the line and column of any syntax or type error.

use jixiao_domain::{Form, Registry};

use super::Imported;
use crate::report::{ImportError, ImportReport, ReportKind, SourceLocation};

/// Reads canonical JSON. `template`: the template the caller expects, if any.
pub fn read(
    bytes: &[u8],
    registry: &Registry,
    template: Option<&str>,
) -> Result<Imported, ImportError> {
    let form: Form = serde_json::from_slice(bytes).map_err(|e| ImportError::Malformed {
        location: SourceLocation {
            line: Some(e.line()),
            ..Default::default()
        },
        message: format!("第 {} 列：规范 JSON 无法读取：{}", e.column(), describe(&e)),
    })?;
    let found = registry
        .get(&form.template.id, Some(form.template.version))
        .or_else(|_| registry.get(&form.template.id, None))
        .map_err(|_| {
            ImportError::UnknownTemplate(format!(
                "申报表使用的模板「{}」（版本 {}）不在模板库中",
                form.template.id, form.template.version
            ))
        })?;
    let mut report = ImportReport::new("json");
    if found.version != form.template.version {
        report.push(
            ReportKind::Note,
            SourceLocation::default(),
            Some("/template/version".into()),
            format!(
                "模板「{}」没有版本 {}，按最新版本 {} 校验",
                found.id, form.template.version, found.version
            ),
        );
    }
    if let Some(t) = template
        && t != form.template.id
    {
        return Err(ImportError::UnknownTemplate(format!(
            "申报表声明的模板是「{}」，与指定的 --template {t} 不符",
            form.template.id
        )));
    }
    Ok(Imported {
        template_id: form.template.id.clone(),
        form,
        report,
    })
}

/// A Chinese description of a serde_json error.
fn describe(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Syntax => "语法错误",
        Category::Eof => "文件意外结束（可能被截断）",
        Category::Data => "内容与申报表格式不符",
        Category::Io => "读取错误",
    };
    // serde's own message names the field; it is English but precise, so it is kept in brackets.
    let detail = e.to_string();
    let detail = detail.split(" at line ").next().unwrap_or(&detail);
    format!("{what}（{detail}）")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_json_names_line_and_column() {
        let err = read(b"{\n  \"template\": ", &Registry::default(), None).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("第 2 行"), "{msg}");
        assert!(msg.contains("意外结束"), "{msg}");
    }

    #[test]
    fn unknown_field_is_refused() {
        let err = read(br#"{"nope": 1}"#, &Registry::default(), None).unwrap_err();
        assert!(err.to_string().contains("内容与申报表格式不符"), "{err}");
    }
}
