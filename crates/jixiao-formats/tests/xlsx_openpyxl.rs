//! Cross-check with another reader: openpyxl sees in the exported seed workbook the same cells,
//! numbers, formulas and merged ranges as calamine, and the ones the layout promises.

mod common;

use std::collections::BTreeSet;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use jixiao_formats::xlsx::SHEET;

#[test]
fn openpyxl_and_calamine_see_the_same_workbook() {
    if !common::have_openpyxl() {
        return;
    }
    let bytes = common::export(&common::seed(), false);
    let dir = common::scratch("openpyxl-dump");
    let path = dir.join("seed.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let dump: serde_json::Value =
        serde_json::from_str(&common::run_python("openpyxl_dump.py", &[&path])).unwrap();

    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    let range = book.worksheet_range(SHEET).unwrap();
    let formulas = book.worksheet_formula(SHEET).unwrap();
    let merges: BTreeSet<String> = book
        .merge_cells_by_sheet_name(SHEET)
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}",
                rust_xlsxwriter::utility::row_col_to_cell(d.start.0, d.start.1 as u16),
                rust_xlsxwriter::utility::row_col_to_cell(d.end.0, d.end.1 as u16)
            )
        })
        .collect();
    let py_merges: BTreeSet<String> = dump["merged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_string())
        .collect();
    assert_eq!(merges, py_merges, "merged ranges");
    assert!(
        merges.contains("A1:K1"),
        "title merged over the printed width"
    );

    let cells = dump["cells"].as_object().unwrap();
    let mut compared = 0;
    for (r, row) in range.rows().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (
                range.start().unwrap().0 + r as u32,
                range.start().unwrap().1 + c as u32,
            );
            let name = rust_xlsxwriter::utility::row_col_to_cell(r, c as u16);
            let py = cells.get(&name);
            match v {
                Data::Empty => assert!(
                    py.is_none_or(|p| p["value"].as_str() == Some(" ")),
                    "{name}: openpyxl sees {py:?}"
                ),
                Data::String(s) if s.trim().is_empty() => {}
                Data::String(s) => {
                    assert_eq!(py.unwrap()["value"].as_str(), Some(s.as_str()), "{name}")
                }
                Data::Float(f) => {
                    let p = py.unwrap_or_else(|| panic!("{name} missing in openpyxl"))["value"]
                        .as_f64()
                        .unwrap();
                    assert!((p - f).abs() < 1e-12, "{name}: {p} vs {f}");
                }
                Data::Int(i) => assert_eq!(py.unwrap()["value"].as_i64(), Some(*i), "{name}"),
                other => panic!("{name}: unexpected {other:?}"),
            }
            compared += 1;
            if let Some(f) = formulas.get_value((r, c)).filter(|f| !f.is_empty()) {
                assert_eq!(
                    py.unwrap()["formula"].as_str(),
                    Some(format!("={f}").as_str()),
                    "{name}"
                );
            }
        }
    }
    assert!(compared > 500, "compared {compared} cells");
    // The layout's promises, as openpyxl sees them.
    let find = |text: &str| {
        cells
            .iter()
            .find(|(_, v)| v["value"].as_str() == Some(text))
            .map(|(k, _)| k.clone())
    };
    let f7 = &cells["F7"];
    assert_eq!(f7["value"].as_f64(), Some(1679.6));
    assert_eq!(f7["number_format"].as_str(), Some("0.00"));
    assert_eq!(cells["F10"]["formula"].as_str(), Some("=SUM(F7:F9)"));
    assert_eq!(
        cells["G11"]["formula"].as_str(),
        Some("=IF(F$14=0,\"\",F11/F$14)")
    );
    assert_eq!(cells["G11"]["number_format"].as_str(), Some("0.00%"));
    assert!((cells["G11"]["value"].as_f64().unwrap() - 846.33 / 1679.6).abs() < 1e-12);
    assert!(find("公用经费控制率").is_some() && find("≥2.5%").is_some());
}

/// A workbook opened and saved again by LibreOffice (which recalculates and rewrites every part)
/// imports into the identical form. Skipped when `soffice` is not installed.
#[test]
fn libreoffice_resaved_workbook_imports_identically() {
    let available = std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !available {
        eprintln!("skipped: LibreOffice (soffice) is not installed");
        return;
    }
    let form = common::seed();
    let dir = common::scratch("libreoffice");
    let src = dir.join("seed.xlsx");
    std::fs::write(&src, common::export(&form, false)).unwrap();
    let out = dir.join("out");
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("profile").display()
    );
    let status = std::process::Command::new("soffice")
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
        ])
        .arg(&out)
        .arg(&src)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let bytes = std::fs::read(out.join("seed.xlsx")).unwrap();
    let (back, _) =
        jixiao_formats::xlsx::read_form(&bytes, &jixiao_domain::Registry::default()).unwrap();
    assert_eq!(back, form);
}
