//! Fuzzes the OCR path without Tesseract: a page image (what `pdftoppm` renders from the
//! user's scan) is levelled and its rules found and erased (`ocr::prepare`), then any text is
//! taken as Tesseract's TSV for it (`Prepared::read`), and pages are aligned on each other's
//! columns (`ocr::align`). The raw bytes also go through the PGM reader.
//!
//! Input: byte 0 and 1 give the image's width and height (1 to 256 pixels each), then come its
//! pixels (repeated if too few, so short inputs still make a whole image), and whatever is
//! left after `width × height` pixels is the TSV text (lossy UTF-8).
#![no_main]

use jixiao_formats::import::pdf::ocr::{self, Gray};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Gray::from_pgm(data);
    let [w, h, rest @ ..] = data else { return };
    let (w, h) = (*w as usize + 1, *h as usize + 1);
    let (pixels, tsv) = rest.split_at(rest.len().min(w * h));
    let px: Vec<u8> = if pixels.is_empty() {
        vec![255; w * h]
    } else {
        pixels.iter().copied().cycle().take(w * h).collect()
    };
    let img = Gray { w, h, px };
    let tsv = String::from_utf8_lossy(tsv);
    let prepared = ocr::prepare(&img);
    let mut page = prepared.read(&tsv);
    let turned = ocr::prepare(&img.quarter_turn(w as u8 % 4));
    let mut other = turned.read(&tsv);
    ocr::align(&mut [&mut page.content, &mut other.content]);
});
