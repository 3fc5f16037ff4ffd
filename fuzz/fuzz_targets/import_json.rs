//! Fuzzes canonical JSON: any bytes through the JSON importer, the command line's bounded reader
//! and the lifecycle documents' reader must not panic. A form that parses is also validated
//! against its template, as the server and the command line do after an import.
#![no_main]

use jixiao_domain::{Registry, validate};
use jixiao_formats::import::{ImportOptions, import_bytes};
use jixiao_formats::lifecycle::document_from_json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let registry = Registry::default();
    // Only what the detector sends to the JSON path (a `{` after blanks or a BOM).
    if data.starts_with(b"%PDF") || data.starts_with(b"PK") {
        return;
    }
    if let Ok(imported) = import_bytes("fuzz.json", data, &registry, &ImportOptions::default())
        && let Ok(template) = registry.get(&imported.form.template.id, None)
    {
        let _ = validate(&imported.form, template);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = jixiao_formats::json::from_json(text);
        let _ = document_from_json(text);
    }
});
