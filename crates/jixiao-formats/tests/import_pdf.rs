//! PDF import: LibreOffice prints of the seed (portrait and landscape, different column widths)
//! import to exactly the seed's canonical JSON; extraction artefacts are repaired as reported
//! guesses; a scan without a text layer is refused with a clear error.

use jixiao_domain::{Form, Registry};
use jixiao_formats::import::{ImportOptions, Imported, import_path};
use jixiao_formats::{ImportError, ReportKind};

fn fixture(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

fn seed_form() -> Form {
    serde_json::from_str(&std::fs::read_to_string(fixture("seed/seed.form.json")).unwrap()).unwrap()
}

fn import(name: &str) -> Result<Imported, ImportError> {
    import_path(
        &fixture(&format!("pdf/{name}")),
        &Registry::default(),
        &ImportOptions::default(),
    )
}

#[test]
fn portrait_print_gives_the_canonical_form() {
    let imported = import("seed-portrait.pdf").unwrap();
    assert_eq!(imported.report.format, "pdf");
    assert_eq!(imported.form, seed_form());
    assert_eq!(
        imported.report.count(ReportKind::Unplaced),
        0,
        "{:#?}",
        imported.report.items
    );
    assert_eq!(
        imported.report.count(ReportKind::Guess),
        0,
        "{:#?}",
        imported.report.items
    );
}

#[test]
fn landscape_print_with_wide_columns_gives_the_canonical_form() {
    let imported = import("seed-landscape.pdf").unwrap();
    assert_eq!(imported.form, seed_form());
    assert_eq!(
        imported.report.count(ReportKind::Unplaced),
        0,
        "{:#?}",
        imported.report.items
    );
}

#[test]
fn chromium_print_of_an_html_rendition_gives_the_canonical_form() {
    // Another producer: Type 3 fonts, and CJK radicals (⽬ for 目) in its ToUnicode maps.
    let imported = import("seed-chromium.pdf").unwrap();
    assert_eq!(imported.form, seed_form());
    assert_eq!(
        imported.report.count(ReportKind::Unplaced),
        0,
        "{:#?}",
        imported.report.items
    );
}

#[test]
fn extraction_artefacts_are_repaired_and_reported_with_pages() {
    let imported = import("seed-artefacts.pdf").unwrap();
    assert_eq!(imported.form, seed_form());
    let guesses: Vec<_> = imported
        .report
        .items
        .iter()
        .filter(|i| i.kind == ReportKind::Guess)
        .collect();
    assert_eq!(guesses.len(), 3, "{guesses:#?}");
    let lost_sign = guesses
        .iter()
        .find(|g| g.message.contains("「295%」读作「≥95%」"))
        .expect("≥ read as 2");
    assert_eq!(
        lost_sign.path.as_deref(),
        Some("/indicators/annual/rows/37/last_year")
    );
    assert_eq!(lost_sign.source.page, Some(4));
    assert!(
        guesses
            .iter()
            .any(|g| g.message.contains("「90%」读作「≥90%」"))
    );
    assert!(
        guesses
            .iter()
            .any(|g| g.message.contains("列连在一起") && g.source.page.is_some())
    );
    // Strict mode refuses the same file.
    let strict = ImportOptions {
        strict: true,
        ..Default::default()
    };
    let err = import_path(
        &fixture("pdf/seed-artefacts.pdf"),
        &Registry::default(),
        &strict,
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::Strict { count: 3, .. }), "{err}");
}

#[test]
fn a_scan_without_ocr_is_refused_with_what_to_do() {
    let err = import_path(
        &fixture("pdf/seed-scanned.pdf"),
        &Registry::default(),
        &ImportOptions {
            no_ocr: true,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::NoTextLayer(_)), "{err}");
    let message = err.to_string();
    assert!(message.contains("没有文字层"), "{message}");
    assert!(message.contains("未启用文字识别"), "{message}");
}

#[test]
fn a_truncated_pdf_gets_a_clear_error() {
    let bytes = std::fs::read(fixture("pdf/seed-portrait.pdf")).unwrap();
    for cut in [10, 1000, bytes.len() / 2] {
        let r = jixiao_formats::import::import_bytes(
            "x.pdf",
            &bytes[..cut],
            &Registry::default(),
            &ImportOptions::default(),
        );
        let err = r.expect_err("a cut PDF is not a form");
        assert!(!err.to_string().is_empty());
    }
}

#[test]
fn a_scanned_page_among_text_pages_is_reported() {
    // The portrait print with page 2 of the scan appended (`pdfunite`, see make_pdfs.py),
    // read without OCR: the scanned page is reported, the text pages give the whole form.
    let imported = import_path(
        &fixture("pdf/seed-mixed.pdf"),
        &Registry::default(),
        &ImportOptions {
            no_ocr: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(imported.form, seed_form());
    let scanned: Vec<_> = imported
        .report
        .items
        .iter()
        .filter(|i| i.kind == ReportKind::Unplaced)
        .collect();
    assert_eq!(scanned.len(), 1, "{scanned:#?}");
    assert_eq!(scanned[0].source.page, Some(5));
    assert!(
        scanned[0].message.contains("没有文字层"),
        "{}",
        scanned[0].message
    );
}

/// The portrait print with every path drawn removed: a PDF whose table has no ruling lines.
fn without_rules(bytes: &[u8]) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(bytes).unwrap();
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().values().copied().collect();
    for page in pages {
        let content = doc.get_and_decode_page_content(page).unwrap();
        let kept: Vec<lopdf::content::Operation> = content
            .operations
            .into_iter()
            .filter(|op| {
                !matches!(
                    op.operator.as_str(),
                    "m" | "l"
                        | "c"
                        | "v"
                        | "y"
                        | "h"
                        | "re"
                        | "S"
                        | "s"
                        | "f"
                        | "F"
                        | "f*"
                        | "B"
                        | "B*"
                        | "b"
                        | "b*"
                        | "n"
                )
            })
            .collect();
        let encoded = lopdf::content::Content { operations: kept }
            .encode()
            .unwrap();
        doc.change_page_content(page, encoded).unwrap();
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn a_table_without_ruling_lines_is_read_line_by_line_and_says_what_it_missed() {
    let bytes = without_rules(&std::fs::read(fixture("pdf/seed-portrait.pdf")).unwrap());
    let start = std::time::Instant::now();
    let r = jixiao_formats::import::import_bytes(
        "plain.pdf",
        &bytes,
        &Registry::default(),
        &ImportOptions::default(),
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
    match r {
        // Read as lines: what could not be placed is in the report.
        Ok(imported) => {
            eprintln!(
                "read as lines: {} unplaced, {} annual rows",
                imported.report.count(ReportKind::Unplaced),
                imported.form.indicators.annual.rows.len()
            );
            assert!(
                imported.report.count(ReportKind::Unplaced) > 0,
                "a borderless table loses its columns: {:#?}",
                imported.report.items
            );
            assert_eq!(imported.form.header.unit_name, "阳新县兴国镇人民政府");
        }
        // Or refused, saying why.
        Err(e) => {
            let m = e.to_string();
            eprintln!("refused: {m}");
            assert!(m.contains("没有表格线"), "{m}");
        }
    }
}
