//! PDF import of the seed laid out in a spreadsheet the way units lay it out (narrow columns
//! whose labels wrap inside their cells, fill dates and year headers split over lines, page
//! breaks inside merged cells, long paragraphs cut at a cell's edge) and printed by LibreOffice
//! (`fixtures/pdf/make_pdfs.py sheets`, see `SHEETS` there for each file's settings), and one of
//! them with its pages turned a quarter (the content drawn sideways, shown upright by /Rotate).
//!
//! Each file is compared with `fixtures/seed/seed.form.json` field by field. A file whose rows
//! fit their text must give every field of the seed. In a file where text was cut at a cell's
//! edge, every field that differs must be one the import report calls incomplete, and what was
//! imported there must be text of the seed (nothing invented).

use std::collections::BTreeMap;

use jixiao_domain::Registry;
use jixiao_formats::ReportKind;
use jixiao_formats::import::{ImportOptions, import_path};
use serde_json::Value;

mod common;
use common::flatten;

fn fixture(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

struct Outcome {
    /// Pointers whose value differs from the seed's, or that the seed does not have.
    differs: Vec<String>,
    /// Pointers the report calls incomplete.
    incomplete: Vec<String>,
    imported: BTreeMap<String, Value>,
    unplaced: usize,
}

fn import_sheet(name: &str) -> Outcome {
    let imported = import_path(
        &fixture(&format!("pdf/sheets/{name}.pdf")),
        &Registry::default(),
        &ImportOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    let seed: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("seed/seed.form.json")).unwrap())
            .unwrap();
    let (mut want, mut got) = (BTreeMap::new(), BTreeMap::new());
    flatten(&seed, String::new(), &mut want);
    flatten(
        &serde_json::to_value(&imported.form).unwrap(),
        String::new(),
        &mut got,
    );
    let mut differs: Vec<String> = want
        .iter()
        .filter(|(k, v)| got.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    differs.extend(got.keys().filter(|k| !want.contains_key(*k)).cloned());
    let incomplete = imported
        .report
        .items
        .iter()
        .filter(|i| i.kind == ReportKind::Incomplete)
        .filter_map(|i| i.path.clone())
        .collect();
    Outcome {
        differs,
        incomplete,
        imported: got,
        unplaced: imported.report.count(ReportKind::Unplaced),
    }
}

/// Files whose rows fit their text: the whole seed comes back.
#[test]
fn sheets_printed_whole_give_every_fact_of_the_seed() {
    for name in [
        "narrow-fit",
        "tight-scaled",
        "medium-breaks",
        "landscape-breaks",
        // The same pages drawn a quarter turn anticlockwise on portrait sheets (/Rotate 90).
        "landscape-turned",
    ] {
        let o = import_sheet(name);
        assert_eq!(
            o.differs,
            Vec::<String>::new(),
            "{name}: fields that differ"
        );
        assert_eq!(o.incomplete, Vec::<String>::new(), "{name}: nothing is cut");
        assert_eq!(o.unplaced, 0, "{name}");
    }
}

/// Files with long paragraphs cut at their cells' edges: every difference is reported as
/// incomplete, and what was imported is the seed's text.
#[test]
fn cut_cells_are_reported_incomplete_and_nothing_is_invented() {
    let seed: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("seed/seed.form.json")).unwrap())
            .unwrap();
    let seed_texts: Vec<String> = {
        let mut all = BTreeMap::new();
        flatten(&seed, String::new(), &mut all);
        all.values()
            .filter_map(|v| v.as_str().map(squeeze))
            .collect()
    };
    for (name, at_least) in [("narrow-cut", 10), ("landscape-cut", 4)] {
        let o = import_sheet(name);
        assert_eq!(o.unplaced, 0, "{name}");
        assert!(
            o.incomplete.len() >= at_least,
            "{name}: the cut paragraphs are reported: {:?}",
            o.incomplete
        );
        let unexplained: Vec<&String> = o
            .differs
            .iter()
            .filter(|p| {
                !o.incomplete
                    .iter()
                    .any(|i| *p == i || p.starts_with(&format!("{i}/")))
            })
            .collect();
        assert!(
            unexplained.is_empty(),
            "{name}: differs from the seed without being reported incomplete: {unexplained:?}"
        );
        for p in &o.differs {
            if let Some(text) = o.imported.get(p).and_then(Value::as_str) {
                let text = squeeze(text);
                assert!(
                    seed_texts.iter().any(|s| s.contains(&text)),
                    "{name}: {p} holds text that is not the seed's: {text}"
                );
            }
        }
    }
}

/// Strict mode refuses a file with incomplete fields.
#[test]
fn strict_mode_refuses_cut_text() {
    let err = import_path(
        &fixture("pdf/sheets/landscape-cut.pdf"),
        &Registry::default(),
        &ImportOptions {
            strict: true,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, jixiao_formats::ImportError::Strict { .. }),
        "{err}"
    );
}
