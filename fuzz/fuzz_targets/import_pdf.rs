//! Fuzzes the PDF path: any bytes after a PDF header must not panic, hang or blow memory.
#![no_main]

use jixiao_formats::import::pdf::read_rows;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.extend_from_slice(data);
    let _ = read_rows(&pdf);
});
