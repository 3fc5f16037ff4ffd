//! The hand-checked canonical JSON of the seed form reads into the model and back unchanged.

use jixiao_domain::{Form, TargetValue};

const SEED: &str = include_str!("../../../fixtures/seed/seed.form.json");

#[test]
fn seed_json_reads_and_round_trips() {
    let form: Form = serde_json::from_str(SEED).expect("seed JSON is canonical");
    assert_eq!(form.header.unit_name, "阳新县兴国镇人民政府");
    assert_eq!(form.indicators.long_term.rows.len(), 39);
    assert_eq!(form.indicators.annual.rows.len(), 39);
    assert_eq!(form.functions.len(), 11);
    assert_eq!(form.annual_tasks.len(), 5);
    assert_eq!(form.projects.len(), 5);
    assert_eq!(
        form.projects[0].current_budget.unwrap().to_string(),
        "1.008"
    );
    let rate = &form.indicators.annual.rows[35];
    assert_eq!(rate.name, "高学历、高层次人才储备率");
    assert_eq!(rate.target, TargetValue::parse("≥2.5%"));
    let again: Form = serde_json::from_str(&serde_json::to_string(&form).unwrap()).unwrap();
    assert_eq!(again, form);
}
