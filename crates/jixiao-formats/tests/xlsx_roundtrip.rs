//! XLSX export and import: the seed and hand-varied forms read back into the identical canonical
//! form; the workbook shows the expected cells, numbers, formulas and merged ranges to calamine.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use jixiao_domain::{Form, Registry, TargetValue};
use jixiao_formats::xlsx::{self, SHEET, XlsxOptions};

const SEED: &str = include_str!("../../../fixtures/seed/seed.form.json");

fn seed() -> Form {
    serde_json::from_str(SEED).unwrap()
}

fn export(form: &Form, public: bool) -> Vec<u8> {
    let reg = Registry::default();
    let t = reg.get(&form.template.id, None).ok();
    xlsx::write_form(form, t, &XlsxOptions { public }).unwrap()
}

fn import(bytes: &[u8]) -> Form {
    let (form, report) = xlsx::read_form(bytes, &Registry::default()).unwrap();
    assert_eq!(report.format, "xlsx");
    form
}

#[test]
fn seed_round_trips_exactly() {
    let form = seed();
    let bytes = export(&form, false);
    std::fs::write(std::env::temp_dir().join("jixiao-seed-test.xlsx"), &bytes).unwrap();
    let back = import(&bytes);
    assert_eq!(back.projects[0].current_budget.unwrap().to_string(), "1.008");
    assert_eq!(serde_json::to_string_pretty(&back).unwrap(), serde_json::to_string_pretty(&form).unwrap());
    assert_eq!(back, form);
}
