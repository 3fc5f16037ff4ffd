//! Bad input never panics: a clear error (with line, column and path) or a finding, in bounded
//! time.

use std::time::{Duration, Instant};

use jixiao_domain::template::{Registry, TemplateError};
use jixiao_domain::validate::validate;
use jixiao_domain::{Form, form_from_json};

const SEED: &str = include_str!("../../../fixtures/seed/seed.form.json");

fn seed_value() -> serde_json::Value {
    serde_json::from_str(SEED).unwrap()
}

fn parse_value(v: &serde_json::Value) -> Result<Form, jixiao_domain::FormJsonError> {
    form_from_json(&serde_json::to_string_pretty(v).unwrap())
}

fn hubei_findings(form: &Form) -> Vec<jixiao_domain::Finding> {
    validate(
        form,
        Registry::default().get("hubei-dept-2026", None).unwrap(),
    )
}

#[test]
fn malformed_json_names_line_and_column() {
    let broken = SEED.replacen(
        "\"unit_name\": \"阳新县兴国镇人民政府\",",
        "\"unit_name\": \"阳新县兴国镇人民政府\"",
        1,
    );
    let e = form_from_json(&broken).unwrap_err();
    assert_eq!(e.line, 10);
    assert!(e.message.contains("JSON 语法错误"), "{e}");
    assert!(form_from_json("").unwrap_err().message.contains("意外结束"));
    assert!(form_from_json("[1, 2").is_err());
    assert!(form_from_json("\u{0}\u{1}binary").is_err());
}

#[test]
fn wrong_types_name_the_path() {
    let mut v = seed_value();
    v["header"]["fiscal_year"] = serde_json::json!("二〇二六");
    let e = parse_value(&v).unwrap_err();
    assert_eq!(e.path, "/header/fiscal_year");
    let mut v = seed_value();
    v["indicators"]["annual"]["rows"][3]["target"] = serde_json::json!(42);
    let e = parse_value(&v).unwrap_err();
    assert_eq!(e.path, "/indicators/annual/rows/3/target");
    assert!(e.message.contains("指标值应为文字"), "{e}");
    let mut v = seed_value();
    v["projects"] = serde_json::json!({"name": "x"});
    let e = parse_value(&v).unwrap_err();
    assert_eq!(e.path, "/projects");
    assert!(e.message.contains("应为数组"), "{e}");
}

#[test]
fn absurd_numbers_are_refused_with_their_place() {
    for bad in ["1e30", "\"1e30\"", "\"NaN\"", "\"Infinity\"", "\"12abc\""] {
        let text = SEED.replacen("\"current\": \"846.33\"", &format!("\"current\": {bad}"), 1);
        let e = form_from_json(&text).unwrap_err();
        // The row's amounts are flattened into the row, so the path stops at the row; the line
        // and column point at the value.
        assert_eq!(e.path, "/funding/expenditure/rows/0", "{bad}: {e}");
        assert!(e.message.contains("金额"), "{bad}: {e}");
    }
    // A bare NaN is not JSON at all.
    let text = SEED.replacen("\"current\": \"846.33\"", "\"current\": NaN", 1);
    assert!(
        form_from_json(&text)
            .unwrap_err()
            .message
            .contains("JSON 语法错误")
    );
    // An absurd year.
    let text = SEED.replacen("\"fiscal_year\": 2026", "\"fiscal_year\": 99999", 1);
    assert!(form_from_json(&text).unwrap_err().message.contains("99999"));
    // An absurd target number stays as typed and is reported.
    let mut v = seed_value();
    v["indicators"]["annual"]["rows"][0]["target"] = serde_json::json!("≥1e40%");
    let findings = hubei_findings(&parse_value(&v).unwrap());
    assert!(
        findings
            .iter()
            .any(|f| f.code == "I010" && f.path == "/indicators/annual/rows/0/target")
    );
}

#[test]
fn negative_amounts_are_findings() {
    let text = SEED.replacen("\"current\": \"846.33\"", "\"current\": \"-846.33\"", 1);
    let findings = hubei_findings(&form_from_json(&text).unwrap());
    let f = findings
        .iter()
        .find(|f| f.code == "F008")
        .expect("negative amount reported");
    assert_eq!(f.path, "/funding/expenditure/rows/0/current");
    assert!(f.message.contains("-846.33"));
}

#[test]
fn ten_megabyte_text_is_a_short_finding() {
    let mut v = seed_value();
    v["functions"][0] = serde_json::Value::String("很".repeat(10 * 1024 * 1024 / 3));
    let form = parse_value(&v).unwrap();
    let start = Instant::now();
    let findings = hubei_findings(&form);
    assert!(start.elapsed() < Duration::from_secs(5));
    let f = findings.iter().find(|f| f.code == "H011").unwrap();
    assert_eq!(f.path, "/functions/0");
    assert!(
        findings.iter().all(|f| f.message.len() < 2000),
        "messages stay short"
    );
}

#[test]
fn hundred_thousand_rows_are_one_finding() {
    let mut v = seed_value();
    let row = serde_json::to_string(&v["indicators"]["annual"]["rows"][0]).unwrap();
    v["indicators"]["annual"]["rows"] = serde_json::json!("ROWS");
    let rows = vec![row.as_str(); 100_000].join(",");
    let text = serde_json::to_string(&v)
        .unwrap()
        .replacen("\"ROWS\"", &format!("[{rows}]"), 1);
    let form = form_from_json(&text).unwrap();
    assert_eq!(form.indicators.annual.rows.len(), 100_000);
    let start = Instant::now();
    let findings = hubei_findings(&form);
    assert!(start.elapsed() < Duration::from_secs(5));
    let big: Vec<_> = findings
        .iter()
        .filter(|f| f.path.starts_with("/indicators/annual"))
        .collect();
    assert_eq!(big.len(), 1, "{big:#?}");
    assert_eq!(big[0].code, "I001");
    assert!(big[0].message.contains("100000 行"));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = "[".repeat(100_000);
    assert!(form_from_json(&text).is_err());
}

#[test]
fn unknown_template_is_a_clear_error() {
    let text = SEED.replacen("hubei-dept-2026", "no-such-template", 1);
    let form = form_from_json(&text).unwrap();
    let reg = Registry::default();
    let e = reg.for_form(&form).unwrap_err();
    assert!(matches!(e, TemplateError::Unknown(_)));
    assert!(e.to_string().contains("未知模板「no-such-template」"));
}

#[test]
fn unknown_fields_are_refused() {
    let text = SEED.replacen("\"filler\"", "\"filer\"", 1);
    let e = form_from_json(&text).unwrap_err();
    assert!(e.message.contains("未知字段 filer"), "{e}");
    assert_eq!(e.path, "/header/filer");
}
