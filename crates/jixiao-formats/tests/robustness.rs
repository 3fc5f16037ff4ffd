//! Bad input never panics and never hangs: random bytes, truncated and mutated seed text,
//! truncated and corrupted PDFs, empty and binary files, unknown templates. A bounded proptest
//! run that CI affords; the cargo-fuzz targets in `fuzz/` explore the same entry points longer.

use std::time::{Duration, Instant};

use jixiao_domain::Registry;
use jixiao_formats::ImportError;
use jixiao_formats::import::{ImportOptions, MAX_FILE_BYTES, import_bytes};
use proptest::prelude::*;

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures")
            .join(rel),
    )
    .unwrap()
}

/// Imports and checks the time bound; the result itself may be anything but a panic.
fn import_bounded(bytes: &[u8]) -> Result<(), ImportError> {
    let start = Instant::now();
    let r = import_bytes(
        "input",
        bytes,
        &Registry::default(),
        &ImportOptions::default(),
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "import took {:?}",
        start.elapsed()
    );
    r.map(|_| ())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = import_bounded(&bytes);
    }

    #[test]
    fn random_text_never_panics(text in "[\\t\\n 0-9a-z%≥≤.、：<>/p一级指标合计年度目标长期满意度运行成本]{0,2000}") {
        let _ = import_bounded(text.as_bytes());
    }

    #[test]
    fn truncated_seed_text_never_panics(cut in 0usize..40_000) {
        let seed = fixture("seed/seed.txt");
        let cut = cut.min(seed.len());
        let _ = import_bounded(&seed[..cut]);
    }

    #[test]
    fn mutated_seed_text_never_panics(ops in proptest::collection::vec((0usize..200, 0u8..4, any::<char>()), 1..20)) {
        let seed = String::from_utf8(fixture("seed/seed.txt")).unwrap();
        let mut lines: Vec<String> = seed.lines().map(str::to_string).collect();
        for (at, op, c) in ops {
            let i = at % lines.len().max(1);
            match op {
                0 => { lines.remove(i); }
                1 => lines[i].insert(0, '\t'),
                2 => lines[i].push(c),
                _ => lines.insert(i, String::new()),
            }
            if lines.is_empty() { break; }
        }
        let _ = import_bounded(lines.join("\n").as_bytes());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn corrupted_pdfs_never_panic(cut in 0usize..300_000, flips in proptest::collection::vec((0usize..300_000, any::<u8>()), 0..16)) {
        let mut pdf = fixture("pdf/seed-portrait.pdf");
        for (at, b) in flips {
            let i = at % pdf.len();
            pdf[i] = b;
        }
        pdf.truncate(cut.min(pdf.len()).max(8));
        let _ = import_bounded(&pdf);
    }
}

#[test]
fn empty_and_whitespace_files_are_empty() {
    assert!(matches!(import_bounded(b""), Err(ImportError::Empty)));
    assert!(matches!(
        import_bounded(b" \n\t\n"),
        Err(ImportError::Empty)
    ));
}

#[test]
fn binary_files_are_an_unknown_format() {
    let err = import_bounded(&[0xff, 0xfe, 0x00, 0x80, 0x81, 0x00, 0x12]).unwrap_err();
    assert!(matches!(err, ImportError::UnknownFormat(_)));
    assert!(err.to_string().contains("二进制"));
}

#[test]
fn text_that_is_not_a_form_is_refused() {
    let err = import_bounded("你好\t世界\n第二行".as_bytes()).unwrap_err();
    assert!(
        err.to_string().contains("不像部门整体绩效目标申报表"),
        "{err}"
    );
}

#[test]
fn too_large_input_is_refused_before_parsing() {
    let big = vec![b'a'; MAX_FILE_BYTES + 1];
    assert!(matches!(
        import_bounded(&big),
        Err(ImportError::TooLarge { .. })
    ));
}

#[test]
fn a_form_of_another_template_is_refused_with_its_names() {
    // The seed's level-1 names replaced with the central template's: no built-in template has
    // both hubei funding rows and these level-1 names under hubei-dept-2026.
    let seed = String::from_utf8(fixture("seed/seed.txt")).unwrap();
    let other = [
        "运行成本",
        "管理效率",
        "履职效能",
        "社会效应",
        "满 意 度",
        "可持 续 发 展 能 力",
        "运 行 成 本",
        "管 理 效 率",
    ]
    .iter()
    .fold(seed, |s, n| s.replace(n, "甲类指标"))
    .replace("\t满意度\t", "\t甲类指标\t")
    .replace("\t社会 效应\t", "\t甲类指标\t")
    .replace("\t可持续 发展 能力\t", "\t甲类指标\t");
    let opts = ImportOptions {
        template: Some("hubei-dept-2026".into()),
        ..Default::default()
    };
    let err = import_bytes("x.txt", other.as_bytes(), &Registry::default(), &opts).unwrap_err();
    assert!(matches!(err, ImportError::UnknownTemplate(_)), "{err}");
    assert!(err.to_string().contains("甲类指标"), "{err}");
}

#[test]
fn an_unknown_template_id_is_a_clear_error() {
    let opts = ImportOptions {
        template: Some("nope".into()),
        ..Default::default()
    };
    let err = import_bytes(
        "x.txt",
        &fixture("seed/seed.txt"),
        &Registry::default(),
        &opts,
    )
    .unwrap_err();
    assert!(err.to_string().contains("未知模板「nope」"), "{err}");
}

#[test]
fn a_pdf_name_with_other_content_is_not_read_as_text() {
    let opts = ImportOptions::default();
    let err = import_bytes(
        "scan.pdf",
        "部门整体绩效目标申报表".as_bytes(),
        &Registry::default(),
        &opts,
    )
    .unwrap_err();
    assert!(err.to_string().contains("scan.pdf"), "{err}");
}
