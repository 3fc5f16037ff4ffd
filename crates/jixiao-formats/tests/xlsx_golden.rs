//! Golden files for the XLSX writer: the worksheet XML and the shared strings of the seed export
//! and of the blank are compared with committed copies, ignoring volatile metadata (docProps
//! hold the creation time). Regenerate with `UPDATE_GOLDEN=1 cargo test -p jixiao-formats --test xlsx_golden`.

mod common;

use std::io::{Cursor, Read};
use std::path::PathBuf;

use jixiao_domain::Registry;
use jixiao_domain::form::FiscalYear;
use jixiao_formats::xlsx::{self, BlankOptions};

const PARTS: [&str; 4] = [
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
    "xl/workbook.xml",
];

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn check(name: &str, bytes: &[u8]) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    for p in PARTS {
        let got = part(bytes, p);
        let file = dir.join(p.replace('/', "_"));
        if std::env::var("UPDATE_GOLDEN").is_ok() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&file, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", file.display()));
        if got != want {
            let at = got
                .bytes()
                .zip(want.bytes())
                .position(|(a, b)| a != b)
                .unwrap_or(got.len().min(want.len()));
            let lo = at.saturating_sub(80);
            panic!(
                "{name}/{p} differs from the golden file at byte {at}:\n got: {}\nwant: {}",
                String::from_utf8_lossy(&got.as_bytes()[lo..(at + 80).min(got.len())]),
                String::from_utf8_lossy(&want.as_bytes()[lo..(at + 80).min(want.len())])
            );
        }
    }
}

#[test]
fn seed_workbook_matches_golden_files() {
    check("seed", &common::export(&common::seed(), false));
}

#[test]
fn blank_workbook_matches_golden_files() {
    let reg = Registry::default();
    let t = reg.get("hubei-dept-2026", None).unwrap();
    check(
        "blank",
        &xlsx::write_blank(t, &BlankOptions::for_year(FiscalYear::new(2026).unwrap())).unwrap(),
    );
}

#[test]
fn export_is_deterministic_apart_from_metadata() {
    let a = common::export(&common::seed(), false);
    let b = common::export(&common::seed(), false);
    for p in PARTS {
        assert_eq!(part(&a, p), part(&b, p), "{p}");
    }
}
