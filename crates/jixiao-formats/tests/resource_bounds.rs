//! Every resource bound of the importers, met by a file built to hit it: a 100 MB line of
//! text, a 19 MB line just under the file bound, a workbook of a million rows, JSON nested a
//! million deep, a PDF nested a million deep, a PDF stream that declares 1 GB, and a page that is
//! one 30,000 × 30,000 image.
//! Each is refused with a clear Chinese message (`docs/import.md`, Limits) and in bounded time:
//! the time limit here is generous — it catches a hang or an allocation storm, it does not
//! measure speed (`cargo bench -p jixiao-formats --bench import` does).

use std::io::Write;
use std::time::{Duration, Instant};

use jixiao_domain::Registry;
use jixiao_formats::ImportError;
use jixiao_formats::import::{ImportOptions, import_bytes};

/// Imports; the error and how long it took. A success is a failure of the test.
fn refused(name: &str, bytes: &[u8]) -> (ImportError, Duration) {
    let start = Instant::now();
    let r = import_bytes(name, bytes, &Registry::default(), &ImportOptions::default());
    let took = start.elapsed();
    match r {
        Ok(_) => panic!("{name}: accepted"),
        Err(e) => {
            eprintln!("{name}: {e} ({took:?})");
            (e, took)
        }
    }
}

fn chinese(e: &ImportError) -> String {
    let m = e.to_string();
    assert!(
        m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "not a Chinese message: {m}"
    );
    m
}

#[test]
fn a_100_mb_line_of_text_is_refused_before_it_is_read() {
    let line = vec![b'x'; 100 << 20];
    let (e, took) = refused("line.txt", &line);
    assert!(matches!(e, ImportError::TooLarge { .. }), "{e}");
    assert!(chinese(&e).contains("文件过大"));
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[test]
fn a_19_mb_line_just_under_the_file_bound_is_read_and_refused_as_no_form() {
    let mut line = b"\xe9\x83\xa8\xe9\x97\xa8\xe6\x95\xb4\xe4\xbd\x93".to_vec();
    line.extend(std::iter::repeat_n(b'x', 19 << 20));
    let (e, took) = refused("line.txt", &line);
    chinese(&e);
    assert!(took < Duration::from_secs(60), "{took:?}");
}

/// A minimal workbook whose form sheet holds `rows` rows of one number each.
fn workbook_with_rows(rows: usize) -> Vec<u8> {
    workbook(rows, 0)
}

/// A workbook of `rows` rows, plus an `xl/sharedStrings.xml` of `padding` blanks when not 0.
fn workbook(rows: usize, padding: usize) -> Vec<u8> {
    let mut data = String::with_capacity(rows * 40);
    for r in 1..=rows {
        data.push_str(&format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#));
    }
    workbook_of(&data, padding)
}

/// A workbook whose sheet's `<sheetData>` is `data`.
fn workbook_of(data: &str, padding: usize) -> Vec<u8> {
    let mut sheet = String::with_capacity(data.len() + 200);
    sheet.push_str(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#);
    sheet.push_str(data);
    sheet.push_str("</sheetData></worksheet>");
    let name = jixiao_formats::xlsx::SHEET;
    let files = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/workbook.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (path, text) in files {
        zip.start_file(path, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    if padding > 0 {
        zip.start_file("xl/sharedStrings.xml", options).unwrap();
        let block = vec![b' '; 1 << 20];
        for _ in 0..padding.div_ceil(1 << 20) {
            zip.write_all(&block).unwrap();
        }
    }
    zip.finish().unwrap();
    out.into_inner()
}

/// Found by `cargo fuzz` (import_xlsx, 2026-12-07): one cell whose row number is far past
/// Excel's last row made the readers walk every row up to it (10 minutes and more).
#[test]
fn a_cell_below_excels_last_row_is_refused_at_once() {
    for row in ["4000000000", "399999999999999999999999993", "1048577"] {
        let data = format!(
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t>部门（单位）名称</t></is></c></row><row r="{row}"><c r="A{row}"><v>1</v></c></row>"#
        );
        let start = Instant::now();
        let r = import_bytes(
            "far.xlsx",
            &workbook_of(&data, 0),
            &Registry::default(),
            &ImportOptions::default(),
        );
        let took = start.elapsed();
        let e = r.expect_err("refused");
        let m = chinese(&e);
        assert!(took < Duration::from_secs(5), "row {row}: {took:?}");
        // calamine refuses a number it cannot hold; one it can is refused by the grid.
        if row.len() < 11 {
            assert!(m.contains("最大行数"), "row {row}: {m}");
        }
    }
}

#[test]
fn a_workbook_of_a_million_rows_is_refused() {
    let bytes = workbook_with_rows(1_000_000);
    assert!(
        bytes.len() < 20 << 20,
        "under the file bound: {} bytes",
        bytes.len()
    );
    let (e, took) = refused("rows.xlsx", &bytes);
    assert!(matches!(e, ImportError::TooLarge { .. }), "{e}");
    let m = chinese(&e);
    assert!(m.contains("上限"), "{m}");
    assert!(took < Duration::from_secs(60), "{took:?}");
}

#[test]
fn a_zip_bomb_is_refused_before_any_part_of_it_is_opened() {
    // 80 MB of blanks in one entry, a few hundred KB on disk: over the 64 MB the ZIP guard allows
    // unpacked. The lifecycle reader asks which kind of workbook it is first; that question must
    // not unpack it either (it is answered "none", and the declaration reader refuses the file).
    let bytes = workbook(10, 80 << 20);
    assert!(bytes.len() < 1 << 20, "{} bytes", bytes.len());
    let start = Instant::now();
    assert_eq!(jixiao_formats::lifecycle::workbook_kind(&bytes), None);
    let r = jixiao_formats::lifecycle::read_document(
        "bomb.xlsx",
        &bytes,
        &Registry::default(),
        &ImportOptions::default(),
    );
    let took = start.elapsed();
    let Err(e) = r else {
        panic!("a ZIP bomb was read")
    };
    assert!(matches!(e, ImportError::TooLarge { .. }), "{e}");
    chinese(&e);
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn json_nested_a_million_deep_is_refused() {
    let mut text = "[".repeat(1_000_000);
    text.push_str(&"]".repeat(1_000_000));
    let (e, took) = refused("deep.json", text.as_bytes());
    chinese(&e);
    assert!(took < Duration::from_secs(10), "{took:?}");
}

/// A one-page PDF with the given objects after the catalog and page tree (object 3 is the page).
fn pdf(objects: &[String]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut all = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
    ];
    all.extend_from_slice(objects);
    let mut offsets = Vec::new();
    for (i, o) in all.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", all.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            all.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn a_pdf_stream_declaring_a_gigabyte_is_not_believed() {
    let content = "BT /F1 12 Tf 72 720 Td (hello) Tj ET";
    let bytes = pdf(&[
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>".into(),
        format!("<< /Length 1000000000 >>\nstream\n{content}\nendstream"),
    ]);
    let (e, took) = refused("big.pdf", &bytes);
    chinese(&e);
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[test]
fn a_pdf_nested_a_million_deep_does_not_overflow_the_stack() {
    // Run on a test thread (2 MB of stack, a quarter of a main thread's): a parser that
    // recursed once per level would overflow and abort the whole test binary.
    let deep = |open: &str, close: &str, n: usize| format!("{}{}", open.repeat(n), close.repeat(n));
    // Arrays and dictionaries nested in the page object itself.
    let arrays = pdf(&[format!(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /X {} >>",
        deep("[", "]", 1_000_000)
    )]);
    let dicts = pdf(&[format!(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /X {}1{} >>",
        "<< /A ".repeat(200_000),
        " >>".repeat(200_000)
    )]);
    // An operand of the page's text nested 200,000 deep in its content stream.
    let content = format!("BT /F1 12 Tf 72 720 Td {} TJ ET", deep("[", "]", 200_000));
    let operands = pdf(&[
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>".into(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
    ]);
    for (name, bytes) in [
        ("arrays.pdf", arrays),
        ("dicts.pdf", dicts),
        ("operands.pdf", operands),
    ] {
        let (e, took) = refused(name, &bytes);
        let message = chinese(&e);
        assert!(took < Duration::from_secs(10), "{name}: {took:?}");
        // A page object or content stream that does not parse is called damaged, not a scan.
        assert!(matches!(e, ImportError::Malformed { .. }), "{name}: {e}");
        assert!(
            message.contains("第 1 页") && message.contains("无法解析"),
            "{name}: {e}"
        );
    }
}

#[test]
fn a_page_that_is_one_huge_image_is_a_scan_not_a_decoding_job() {
    let bytes = pdf(&[
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /XObject << /Im0 5 0 R >> >> >>".into(),
        "<< /Length 34 >>\nstream\nq 612 0 0 792 0 0 cm /Im0 Do Q\nendstream".into(),
        "<< /Type /XObject /Subtype /Image /Width 30000 /Height 30000 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length 16 >>\nstream\n0123456789abcdef\nendstream".into(),
    ]);
    // With OCR on (the default), the image's size is refused before anything is rendered,
    // whether or not Tesseract is installed.
    let (e, took) = refused("scan.pdf", &bytes);
    assert!(matches!(e, ImportError::TooLarge { .. }), "{e}");
    assert!(chinese(&e).contains("30000 × 30000 像素"), "{e}");
    assert!(took < Duration::from_secs(10), "{took:?}");
    // Without OCR the page is a scan: never decoded.
    let start = Instant::now();
    let e = import_bytes(
        "scan.pdf",
        &bytes,
        &Registry::default(),
        &ImportOptions {
            no_ocr: true,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(matches!(e, ImportError::NoTextLayer(_)), "{e}");
    assert!(chinese(&e).contains("扫描件"));
    assert!(start.elapsed() < Duration::from_secs(10));
}
