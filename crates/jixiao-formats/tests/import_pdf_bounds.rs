//! Whole-document bounds of the PDF importer: generated hostile PDFs (many objects, object
//! streams that list more members than they hold, cross-reference data declaring more entries
//! than the file has, many pages full of glyphs or ruling lines, a content stream shared by every
//! page, oversize input) are each refused with the bound's Chinese message, quickly and without
//! a panic; the real fixtures still import.
//!
//! Each hostile file is small enough to build in a test and stays within every per-stream and
//! per-page limit: only the whole-document bound refuses it.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use jixiao_domain::{Form, Registry};
use jixiao_formats::ImportError;
use jixiao_formats::import::pdf::{
    MAX_OBJECTS, MAX_PAGES, MAX_STREAM_BYTES, MAX_TOTAL_BYTES, MAX_TOTAL_DECODED_BYTES,
    MAX_TOTAL_GLYPHS, MAX_TOTAL_RULES, MAX_XREF_ENTRIES, read_rows,
};
use jixiao_formats::import::{ImportOptions, Imported, MAX_FILE_BYTES, import_bytes, import_path};

fn fixture(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

fn import(bytes: &[u8]) -> Result<Imported, ImportError> {
    import_bytes(
        "hostile.pdf",
        bytes,
        &Registry::default(),
        &ImportOptions::default(),
    )
}

/// Runs `f`, checks it took less than `secs`, and returns its error, which must be
/// [`ImportError::TooLarge`] with a message holding every one of `words`.
fn refused<T: std::fmt::Debug>(
    secs: u64,
    words: &[&str],
    f: impl FnOnce() -> Result<T, ImportError>,
) -> String {
    let start = Instant::now();
    let result = f();
    let took = start.elapsed();
    let err = match result {
        Ok(v) => panic!("accepted: {v:?}"),
        Err(e) => e,
    };
    let message = err.to_string();
    assert!(
        matches!(err, ImportError::TooLarge { .. }),
        "not refused as too large: {message}"
    );
    for w in words {
        assert!(message.contains(w), "{message:?} lacks {w:?}");
    }
    assert!(
        took < Duration::from_secs(secs),
        "refused only after {took:?}"
    );
    message
}

/// A PDF written by hand: objects numbered from 1 in the order given, a cross-reference table,
/// and a trailer whose `/Root` is object 1.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for o in offsets {
        writeln!(table, "{o:010} 00000 n ").unwrap();
    }
    out.extend_from_slice(table.as_bytes());
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(dict: &str, content: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", content.len()).into_bytes();
    out.extend_from_slice(content);
    out.extend_from_slice(b"\nendstream");
    out
}

/// Objects 1–4: catalog, page tree, font, and `pages` pages (objects 5…) that all draw the
/// content stream that comes right after them. `extra` objects follow the content stream.
fn pages_sharing_one_content(pages: usize, content: &[u8], extra: Vec<Vec<u8>>) -> Vec<u8> {
    let content_id = 5 + pages;
    let kids: String = (0..pages).map(|i| format!("{} 0 R ", 5 + i)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{kids}] /Count {pages} >>").into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        b"null".to_vec(),
    ];
    for _ in 0..pages {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
                 /Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>"
            )
            .into_bytes(),
        );
    }
    objects.push(stream("", content));
    objects.extend(extra);
    pdf(&objects)
}

/// One page of text, as a hostile file's innocent-looking part.
fn one_page(extra: Vec<Vec<u8>>) -> Vec<u8> {
    pages_sharing_one_content(1, b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET", extra)
}

#[test]
fn the_bounds_are_the_documented_ones() {
    assert_eq!(MAX_TOTAL_BYTES, 64 * 1024 * 1024);
    assert_eq!(MAX_OBJECTS, 200_000);
    assert_eq!(MAX_TOTAL_GLYPHS, 1_000_000);
    assert_eq!(MAX_TOTAL_RULES, 1_000_000);
    assert_eq!(MAX_TOTAL_DECODED_BYTES, 64 * 1024 * 1024);
    assert_eq!(MAX_XREF_ENTRIES, 800_000);
}

#[test]
fn a_small_hand_written_pdf_is_read() {
    // The builder itself makes readable files: the hostile ones below fail on their bound only.
    let rows = read_rows(&one_page(vec![b"null".to_vec(); 1000])).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].cells.concat(), "Hello");
}

#[test]
fn oversize_input_is_refused_before_parsing() {
    let mut bytes = one_page(Vec::new());
    bytes.resize(MAX_TOTAL_BYTES + 1, b' ');
    let message = refused(5, &["PDF 共 67108865 字节", "上限 64 MB"], || {
        read_rows(&bytes)
    });
    assert_eq!(message, "文件过大：PDF 共 67108865 字节（上限 64 MB）");
    // Through the importer, the smaller limit of every file comes first.
    let err = import(&bytes[..MAX_FILE_BYTES + 1]).unwrap_err();
    assert!(matches!(err, ImportError::TooLarge { .. }), "{err}");
}

#[test]
fn a_file_with_too_many_objects_is_refused_before_loading() {
    let bytes = one_page(vec![b"null".to_vec(); MAX_OBJECTS]);
    assert!(bytes.len() < MAX_FILE_BYTES);
    let message = refused(
        10,
        &["PDF 含 200006 个对象", "上限 200000 个对象"],
        || import(&bytes),
    );
    assert_eq!(
        message,
        "文件过大：PDF 含 200006 个对象（上限 200000 个对象）"
    );
}

#[test]
fn objects_found_by_rebuilding_a_missing_cross_reference_table_are_bounded_too() {
    // No usable cross-reference table: lopdf would scan the file for every object header.
    let mut bytes = one_page(vec![b"null".to_vec(); MAX_OBJECTS]);
    let xref = bytes.windows(6).rposition(|w| w == b"\nxref\n").unwrap();
    bytes.truncate(xref + 1);
    refused(10, &["个对象", "上限 200000 个对象"], || {
        import(&bytes)
    });
}

/// An uncompressed object stream holding `members` `null`s numbered from `first_id`.
fn object_stream(first_id: usize, members: usize) -> Vec<u8> {
    let mut index = String::new();
    for k in 0..members {
        write!(index, "{} {} ", first_id + k, k * 5).unwrap();
    }
    let first = index.len();
    let mut content = index.into_bytes();
    content.extend(b"null ".repeat(members));
    // `/N 1`: lopdf reads the index, whatever `/N` says.
    stream(
        &format!("/Type /ObjStm /N 1 /First {first}"),
        content.as_slice(),
    )
}

#[test]
fn members_of_object_streams_count_as_objects_while_loading() {
    // A few indirect objects, and two object streams of 110,000 members each: the raw scan sees
    // nothing unusual, the load filter counts the members.
    let bytes = one_page(vec![
        object_stream(1_000_000, 110_000),
        object_stream(2_000_000, 110_000),
    ]);
    assert!(bytes.len() < 5 * 1024 * 1024);
    let message = refused(10, &["个对象", "上限 200000 个对象"], || {
        import(&bytes)
    });
    // Counted up to the stream that crossed the bound: the first stream's members loaded, then
    // the second was refused whole.
    assert!(message.contains("PDF 含 220008 个对象"), "{message}");
}

#[test]
fn object_stream_members_cannot_all_point_at_one_large_object() {
    // 300 members, all at offset 0, where one array of 20,000 integers (40 KB) lies: within
    // every size limit, but lopdf would parse the array 300 times (6 million objects). Each
    // member is parsed within its own bytes, so the stream would have to hold 300 copies.
    let mut index = String::new();
    for k in 0..300 {
        write!(index, "{} 0 ", 1_000_000 + k).unwrap();
    }
    let first = index.len();
    let mut content = index.into_bytes();
    content.push(b'[');
    content.extend(b"0 ".repeat(20_000));
    content.push(b']');
    let bytes = one_page(vec![stream(
        &format!("/Type /ObjStm /N 300 /First {first}"),
        &content,
    )]);
    let message = refused(10, &["对象流", "解压后", "上限 8 MB"], || {
        import(&bytes)
    });
    assert!(message.starts_with("文件过大：PDF 的对象流 "), "{message}");
}

#[test]
fn cross_reference_entries_declared_beyond_the_bound_are_refused_before_loading() {
    // A cross-reference stream whose 850,000 entries all point at one object: lopdf would parse
    // that object once per entry. Its `/Index` key is spelled with a `#65` escape.
    let page = one_page(Vec::new());
    let body_end = page.windows(6).rposition(|w| w == b"\nxref\n").unwrap() + 1;
    let mut bytes = page[..body_end].to_vec();
    let target = bytes.windows(8).position(|w| w == b"\n1 0 obj").unwrap() + 1;
    let entries = 850_000usize;
    let mut content = Vec::with_capacity(entries * 6);
    for _ in 0..entries {
        content.push(1u8);
        content.extend_from_slice(&(target as u32).to_be_bytes());
        content.push(0);
    }
    let at = bytes.len();
    bytes.extend_from_slice(b"100 0 obj\n");
    bytes.extend_from_slice(&stream(
        &format!("/Type /XRef /Size 101 /Root 1 0 R /W [1 4 1] /Ind#65x [0 {entries}]"),
        &content,
    ));
    bytes.extend_from_slice(format!("\nendobj\nstartxref\n{at}\n%%EOF\n").as_bytes());
    let message = refused(10, &["交叉引用表", "上限 800000 个条目"], || {
        import(&bytes)
    });
    assert_eq!(
        message,
        "文件过大：PDF 的交叉引用表共声明 850101 个条目（上限 800000 个条目）"
    );
}

#[test]
fn glyphs_over_all_pages_are_bounded() {
    // 200 pages, each 5,100 glyphs: every page is far below its own bound (200,000), the
    // document is over 1,000,000.
    let mut content = b"BT /F1 1 Tf 10 10 Td (".to_vec();
    content.extend(std::iter::repeat_n(b'A', 5_100));
    content.extend_from_slice(b") Tj ET");
    let bytes = pages_sharing_one_content(MAX_PAGES, &content, Vec::new());
    let message = refused(30, &["个字形", "上限 1000000 个字形"], || {
        read_rows(&bytes)
    });
    assert_eq!(
        message,
        "文件过大：PDF 至第 197 页共 1004700 个字形（上限 1000000 个字形）"
    );
}

#[test]
fn ruling_lines_over_all_pages_are_bounded() {
    // 200 pages, each 1,300 stroked rectangles (5,200 lines).
    let content = b"10 10 100 50 re S\n".repeat(1_300);
    let bytes = pages_sharing_one_content(MAX_PAGES, &content, Vec::new());
    let message = refused(30, &["条表格线", "上限 1000000 条表格线"], || {
        import(&bytes)
    });
    assert_eq!(
        message,
        "文件过大：PDF 至第 193 页共 1003600 条表格线（上限 1000000 条表格线）"
    );
}

#[test]
fn a_content_stream_shared_by_every_page_counts_once_per_page() {
    // 400 KB of white space on each of 200 pages: 80 MB decoded from a 400 KB file.
    let content = vec![b' '; 400 * 1024];
    assert!(content.len() < MAX_STREAM_BYTES);
    let bytes = pages_sharing_one_content(MAX_PAGES, &content, Vec::new());
    let message = refused(30, &["解压后", "上限 64 MB"], || import(&bytes));
    assert!(
        message.starts_with("文件过大：PDF 各数据流解压后共至少 "),
        "{message}"
    );
}

#[test]
fn the_real_fixtures_still_import() {
    let seed: Form =
        serde_json::from_str(&std::fs::read_to_string(fixture("seed/seed.form.json")).unwrap())
            .unwrap();
    for name in [
        "seed-portrait.pdf",
        "seed-landscape.pdf",
        "seed-chromium.pdf",
        "seed-artefacts.pdf",
    ] {
        let imported = import_path(
            &fixture(&format!("pdf/{name}")),
            &Registry::default(),
            &ImportOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(imported.form, seed, "{name}");
    }
}

#[test]
fn a_fixture_whose_cross_reference_table_is_off_is_still_read() {
    // The binary-marker comment after the header removed: every offset in the table now points
    // 10 bytes past its object. The load filter must not cost lopdf's repairs (lopdf skips one
    // of them, the rebuild when the page tree did not load, for filtered loads: the importer
    // asks for that one itself).
    let original = std::fs::read(fixture("pdf/seed-portrait.pdf")).unwrap();
    let header = original.iter().position(|&b| b == b'\n').unwrap() + 1;
    let marker = original[header..].iter().position(|&b| b == b'\n').unwrap() + 1;
    assert_eq!(original[header], b'%');
    let mut bytes = original[..header].to_vec();
    bytes.extend_from_slice(&original[header + marker..]);
    let imported = import(&bytes).unwrap();
    let seed: Form =
        serde_json::from_str(&std::fs::read_to_string(fixture("seed/seed.form.json")).unwrap())
            .unwrap();
    assert_eq!(imported.form, seed);
}
