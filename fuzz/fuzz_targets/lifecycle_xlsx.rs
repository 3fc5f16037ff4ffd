//! Fuzzes the readers of filled monitoring and self-evaluation workbooks: any bytes must not
//! panic. The sheet names pick the reader, as `read_document` does; a workbook with neither
//! sheet still goes through the monitoring reader (ZIP guard, refusal). Inputs that do not start
//! with `PK` replace one entry of a seed workbook (see `common/rezip.rs`) so that the XML is
//! reached.
#![no_main]

#[path = "common/rezip.rs"]
mod rezip;

use std::sync::LazyLock;

use jixiao_domain::{DocumentKind, Registry};
use jixiao_formats::lifecycle::{read_monitoring, read_self_evaluation, workbook_kind};
use libfuzzer_sys::fuzz_target;

static BASES: LazyLock<Vec<Vec<(String, Vec<u8>)>>> = LazyLock::new(|| {
    vec![
        rezip::entries(include_bytes!(
            "../corpus/lifecycle_xlsx/monitoring-filled.xlsx"
        )),
        rezip::entries(include_bytes!(
            "../corpus/lifecycle_xlsx/selfeval-filled.xlsx"
        )),
    ]
});
static REGISTRY: LazyLock<Registry> = LazyLock::new(Registry::default);

fuzz_target!(|data: &[u8]| {
    let Some(xlsx) = rezip::workbook(data, &BASES) else {
        return;
    };
    match workbook_kind(&xlsx) {
        Some(DocumentKind::SelfEvaluation) => {
            let _ = read_self_evaluation(&xlsx, &REGISTRY);
        }
        _ => {
            let _ = read_monitoring(&xlsx, &REGISTRY);
        }
    }
});
