//! The editor's no-JavaScript save: an HTML form post whose field names are JSON Pointers into
//! the canonical form (`/funding/income/rows/0/current` = `846.33`), applied to the saved form.

use jixiao_domain::{Form, Money, TargetValue};
use serde_json::Value;

/// How a posted text becomes a JSON value at a given place.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// Plain text, kept as posted (may be empty).
    Text,
    /// Optional text: empty means absent.
    OptText,
    /// Optional exact amount (万元) or percentage.
    Money,
    /// A required year.
    Year,
    /// An optional year.
    OptYear,
    /// A whole number.
    Int,
    /// A target value (`≥90%`), parsed like the editor does.
    Target,
}

fn kind_of(segs: &[&str]) -> Kind {
    match segs {
        ["header", "fiscal_year"] | ["funding", "last_year" | "year_before"] => Kind::Year,
        ["goals", "long_term", "deadline_year"] => Kind::OptYear,
        ["template", "version"] => Kind::Int,
        ["header", "fill_date" | "filler" | "phone"] => Kind::OptText,
        [
            "funding",
            _,
            "rows",
            _,
            "current" | "share" | "last_year" | "year_before",
        ]
        | [
            "funding",
            _,
            "total",
            "current" | "share" | "last_year" | "year_before",
        ] => Kind::Money,
        ["projects", _, "total_budget" | "current_budget"] => Kind::Money,
        [
            "indicators",
            _,
            "rows",
            _,
            "target" | "year_before" | "last_year",
        ] => Kind::Target,
        ["indicators", _, "rows", _, "weight"] => Kind::Money,
        [
            "indicators",
            _,
            "rows",
            _,
            "basis" | "class" | "definition" | "scoring_rule" | "unit_of_measure" | "remark",
        ] => Kind::OptText,
        _ => Kind::Text,
    }
}

/// Decodes one RFC 6901 reference token.
fn unescape(seg: &str) -> String {
    seg.replace("~1", "/").replace("~0", "~")
}

fn convert(kind: Kind, raw: &str) -> Result<Value, String> {
    let t = raw.trim();
    Ok(match kind {
        Kind::Text => Value::String(raw.to_string()),
        Kind::OptText if t.is_empty() => Value::Null,
        Kind::OptText => Value::String(t.to_string()),
        Kind::Money if t.is_empty() => Value::Null,
        Kind::Money => Value::String(t.parse::<Money>().map_err(|e| e.to_string())?.to_string()),
        Kind::OptYear if t.is_empty() => Value::Null,
        Kind::Year | Kind::OptYear | Kind::Int => {
            let n: i64 = t.parse().map_err(|_| format!("「{t}」不是整数"))?;
            Value::from(n)
        }
        Kind::Target => match TargetValue::parse(t) {
            None => Value::Null,
            Some(v) => serde_json::to_value(v).map_err(|e| e.to_string())?,
        },
    })
}

/// Puts `value` at `segs` inside `root`. Existing places are replaced; a missing key of an
/// existing object is added (optional fields are left out of the JSON when empty); an index one
/// past the end of a list of paragraphs appends a paragraph.
fn put(root: &mut Value, segs: &[String], value: Value) -> Result<(), String> {
    let Some((last, parents)) = segs.split_last() else {
        return Err("不能替换整张表".to_string());
    };
    let mut cur = root;
    for s in parents {
        cur = match cur {
            Value::Object(m) => m.get_mut(s.as_str()).ok_or("表中没有这个位置")?,
            Value::Array(a) => {
                let i: usize = s.parse().map_err(|_| "表中没有这个位置")?;
                a.get_mut(i).ok_or("表中没有这一行")?
            }
            _ => return Err("表中没有这个位置".to_string()),
        };
    }
    match cur {
        Value::Object(m) => {
            m.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(a) => {
            let i: usize = last.parse().map_err(|_| "表中没有这个位置")?;
            if i < a.len() {
                a[i] = value;
                Ok(())
            } else if i == a.len() && value.is_string() && a.iter().all(Value::is_string) {
                a.push(value);
                Ok(())
            } else {
                Err("表中没有这一行".to_string())
            }
        }
        _ => Err("表中没有这个位置".to_string()),
    }
}

/// Applies posted fields to `base`: every field whose name is a JSON Pointer (`/header/unit_name`)
/// sets that place; other fields (`_csrf`, `base_version`) are ignored. Amounts, years and target
/// values are parsed as the editor does; emptied paragraphs are dropped. On failure returns every
/// problem as (JSON Pointer, Chinese message), and nothing is applied.
pub fn form_from_fields(
    base: &Form,
    fields: &[(String, String)],
) -> Result<Form, Vec<(String, String)>> {
    let mut root = serde_json::to_value(base)
        .map_err(|e| vec![(String::new(), format!("表格无法读取：{e}"))])?;
    let mut errors = Vec::new();
    for (name, raw) in fields {
        if !name.starts_with('/') {
            continue;
        }
        if name.len() > 200 || raw.len() > 100_000 {
            errors.push((name.chars().take(200).collect(), "字段过长".to_string()));
            continue;
        }
        let segs: Vec<String> = name.split('/').skip(1).map(unescape).collect();
        let refs: Vec<&str> = segs.iter().map(String::as_str).collect();
        let value = match convert(kind_of(&refs), raw) {
            Ok(v) => v,
            Err(msg) => {
                errors.push((name.clone(), msg));
                continue;
            }
        };
        if let Err(msg) = put(&mut root, &segs, value) {
            errors.push((name.clone(), msg));
        }
    }
    for list in [
        "/functions",
        "/annual_tasks",
        "/goals/long_term/items",
        "/goals/annual",
    ] {
        if let Some(Value::Array(items)) = root.pointer_mut(list) {
            items.retain(|v| v.as_str().is_none_or(|s| !s.trim().is_empty()));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    serde_json::from_value::<Form>(root)
        .map_err(|e| vec![(String::new(), format!("表格内容无效：{e}"))])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> Form {
        let text = include_str!("../../../fixtures/seed/seed.form.json");
        serde_json::from_str(text).unwrap()
    }

    fn f(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn applies_amounts_targets_and_text() {
        let base = seed();
        let out = form_from_fields(
            &base,
            &f(&[
                ("_csrf", "tok"),
                ("base_version", "3"),
                ("/funding/expenditure/rows/1/current", " 90.5 "),
                ("/indicators/annual/rows/0/target", "≥2. 5%"),
                ("/indicators/annual/rows/0/basis", ""),
                ("/header/unit_name", "阳新县兴国镇人民政府<script>"),
                ("/header/phone", ""),
                ("/goals/long_term/deadline_year", "2030"),
            ]),
        )
        .unwrap();
        assert_eq!(
            out.funding.expenditure.rows[1]
                .amounts
                .current
                .unwrap()
                .to_string(),
            "90.5"
        );
        assert_eq!(
            out.indicators.annual.rows[0]
                .target
                .as_ref()
                .unwrap()
                .to_string(),
            "≥2.5%"
        );
        assert_eq!(out.indicators.annual.rows[0].basis, None);
        assert_eq!(out.header.unit_name, "阳新县兴国镇人民政府<script>");
        assert_eq!(out.header.phone, None);
        assert_eq!(out.goals.long_term.deadline_year.unwrap().get(), 2030);
        // untouched places stay as they were
        assert_eq!(out.indicators.long_term, base.indicators.long_term);
        assert_eq!(out.projects, base.projects);
    }

    #[test]
    fn unchanged_fields_give_the_same_form() {
        let base = seed();
        let fields = f(&[
            ("/header/unit_name", &base.header.unit_name),
            ("/functions/0", &base.functions[0]),
        ]);
        assert_eq!(form_from_fields(&base, &fields).unwrap(), base);
    }

    #[test]
    fn empty_paragraphs_are_dropped_and_one_can_be_appended() {
        let base = seed();
        let n = base.annual_tasks.len();
        let out = form_from_fields(
            &base,
            &f(&[
                ("/annual_tasks/0", "  "),
                (&format!("/annual_tasks/{n}"), "新增任务"),
            ]),
        )
        .unwrap();
        assert_eq!(out.annual_tasks.len(), n);
        assert_eq!(out.annual_tasks.last().unwrap(), "新增任务");
        assert_eq!(out.annual_tasks[0], base.annual_tasks[1]);
    }

    #[test]
    fn reports_every_bad_field_in_chinese() {
        let base = seed();
        let err = form_from_fields(
            &base,
            &f(&[
                ("/funding/income/rows/0/current", "一千"),
                ("/header/fiscal_year", "明年"),
                ("/funding/income/rows/0/key", "fiscal_appropriation"),
                ("/indicators/annual/rows/999/name", "x"),
                ("/no_such_section", "x"),
            ]),
        )
        .unwrap_err();
        let paths: Vec<&str> = err.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/funding/income/rows/0/current",
                "/header/fiscal_year",
                "/indicators/annual/rows/999/name"
            ]
        );
        assert!(err[0].1.contains("不是有效的金额"));
        assert!(err[1].1.contains("不是整数"));
        // an unknown key passes the walk but the form refuses it
        let err = form_from_fields(&base, &f(&[("/no_such_section", "x")])).unwrap_err();
        assert!(err[0].1.contains("表格内容无效"));
        let err = form_from_fields(&base, &f(&[("/header/fiscal_year", "1800")])).unwrap_err();
        assert!(err[0].1.contains("1800"));
    }
}
