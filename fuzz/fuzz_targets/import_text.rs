//! Fuzzes the text path: any bytes read as a published form's text (or JSON) must not panic.
#![no_main]

use jixiao_domain::Registry;
use jixiao_formats::import::{ImportOptions, import_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Keep the detector on the text path: a PDF or ZIP signature goes to the other target.
    if data.starts_with(b"%PDF") || data.starts_with(b"PK") {
        return;
    }
    let _ = import_bytes("fuzz.txt", data, &Registry::default(), &ImportOptions::default());
});
