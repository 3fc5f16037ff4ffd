//! The model is not hard-wired to the Hubei form: a form on the central 2015 template (other
//! funding rows, the 产出/效益/满意度 frame, no history columns) validates cleanly against its
//! own template, and each form fails against the other's template.

use jixiao_domain::form_from_json;
use jixiao_domain::template::Registry;
use jixiao_domain::validate::{counts, validate};

const CENTRAL: &str = include_str!("data/central-2015.form.json");
const SEED: &str = include_str!("../../../fixtures/seed/seed.form.json");

#[test]
fn central_form_validates_against_its_template() {
    let form = form_from_json(CENTRAL).unwrap();
    let reg = Registry::default();
    let t = reg.for_form(&form).unwrap();
    assert_eq!(t.id, "central-dept-2015");
    assert_eq!(validate(&form, t), vec![]);
}

#[test]
fn central_form_is_wrong_for_the_hubei_template() {
    let form = form_from_json(CENTRAL).unwrap();
    let reg = Registry::default();
    let hubei = reg.get("hubei-dept-2026", None).unwrap();
    let findings = validate(&form, hubei);
    let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    for code in ["H001", "F001", "F002", "P002", "I003", "I005"] {
        assert!(codes.contains(&code), "{code} missing in {codes:?}");
    }
}

#[test]
fn seed_is_wrong_for_the_central_template() {
    let form = form_from_json(SEED).unwrap();
    let reg = Registry::default();
    let central = reg.get("central-dept-2015", None).unwrap();
    let findings = validate(&form, central);
    let (errors, _, _) = counts(&findings);
    assert!(errors > 0);
    // The seed's history columns do not exist in the central template.
    assert!(findings.iter().any(|f| f.code == "I026"));
}

#[test]
fn a_template_file_with_other_parameters_changes_the_result() {
    let form = form_from_json(CENTRAL).unwrap();
    let mut t = Registry::default()
        .get("central-dept-2015", None)
        .unwrap()
        .clone();
    t.required_columns.push("weight".into());
    let text = serde_json::to_string(&t).unwrap();
    let loaded = jixiao_domain::Template::from_json(&text).unwrap();
    let findings = validate(&form, &loaded);
    assert_eq!(findings.iter().filter(|f| f.code == "I022").count(), 16);
}
