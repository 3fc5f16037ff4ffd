//! Fuzzes the declaration workbook reader: any bytes read as an .xlsx (the ZIP guard, calamine's
//! XML and the sheet reader) must not panic, hang or blow memory. Inputs that do not start with
//! `PK` replace one entry of a seed workbook (see `common/rezip.rs`) so that the XML is reached.
#![no_main]

#[path = "common/rezip.rs"]
mod rezip;

use std::sync::LazyLock;

use jixiao_domain::Registry;
use jixiao_formats::xlsx::read_form;
use libfuzzer_sys::fuzz_target;

static BASES: LazyLock<Vec<Vec<(String, Vec<u8>)>>> = LazyLock::new(|| {
    vec![
        rezip::entries(include_bytes!("../corpus/import_xlsx/seed-private.xlsx")),
        rezip::entries(include_bytes!(
            "../corpus/import_xlsx/blank-central-dept-2015.xlsx"
        )),
    ]
});
static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::default);

fuzz_target!(|data: &[u8]| {
    if let Some(xlsx) = rezip::workbook(data, &BASES) {
        let _ = read_form(&xlsx, &REGISTRY);
    }
});
