//! The export, summary and blank commands, run as a user would run them.

use std::path::{Path, PathBuf};
use std::process::Command;

fn jixiao() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jixiao-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn seed_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/seed/seed.form.json")
}

#[test]
fn export_one_file_in_every_format() {
    let dir = scratch("one");
    for (fmt, check) in [
        ("xlsx", "PK"),
        ("html", "<!DOCTYPE html>"),
        ("json", "{"),
        ("csv", "\u{FEFF}单位名称"),
    ] {
        let out = dir.join(format!("seed.{fmt}"));
        let st = jixiao()
            .arg("export")
            .arg(seed_path())
            .args(["--format", fmt, "-o"])
            .arg(&out)
            .status()
            .unwrap();
        assert!(st.success(), "{fmt}");
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(check.as_bytes()), "{fmt}");
    }
    let public = std::fs::read_to_string(dir.join("seed.json")).unwrap();
    assert!(
        !public.contains("15172093138"),
        "JSON export is a public copy by default"
    );
    // The exported workbook reads back (xlsx → json), with --private keeping personal data.
    let xlsx = dir.join("private.xlsx");
    assert!(
        jixiao()
            .arg("export")
            .arg(seed_path())
            .args(["-f", "xlsx", "--private", "-o"])
            .arg(&xlsx)
            .status()
            .unwrap()
            .success()
    );
    let back = dir.join("back.json");
    assert!(
        jixiao()
            .arg("export")
            .arg(&xlsx)
            .args(["-f", "json", "--private", "-o"])
            .arg(&back)
            .status()
            .unwrap()
            .success()
    );
    let a: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&back).unwrap()).unwrap();
    let b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(seed_path()).unwrap()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn batch_export_goes_on_after_a_bad_file() {
    let dir = scratch("batch");
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::copy(seed_path(), input.join("a.json")).unwrap();
    std::fs::write(input.join("b.json"), "{ not json").unwrap();
    std::fs::copy(seed_path(), input.join("c.json")).unwrap();
    let out = dir.join("out");
    let o = jixiao()
        .arg("export")
        .arg(&input)
        .args(["--format", "html", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        !o.status.success(),
        "a failed file makes the exit status non-zero"
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("导出 2 个，失败 1 个") && err.contains("b.json"),
        "{err}"
    );
    assert!(
        out.join("a.html").exists() && out.join("c.html").exists() && !out.join("b.html").exists()
    );

    let summary = dir.join("summary.xlsx");
    let o = jixiao()
        .arg("summary")
        .arg(&input)
        .arg("-o")
        .arg(&summary)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(&summary).unwrap().starts_with(b"PK"));
}

#[test]
fn blank_workbook_and_its_import() {
    let dir = scratch("blank");
    let blank = dir.join("blank.xlsx");
    let o = jixiao()
        .args([
            "template",
            "xlsx",
            "hubei-dept-2026",
            "--year",
            "2027",
            "-o",
        ])
        .arg(&blank)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json = dir.join("blank.json");
    assert!(
        jixiao()
            .arg("export")
            .arg(&blank)
            .args(["-f", "json", "-o"])
            .arg(&json)
            .status()
            .unwrap()
            .success()
    );
    let form: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(form["header"]["fiscal_year"], 2027);
    let o = jixiao()
        .args(["template", "xlsx", "no-such-template", "-o"])
        .arg(dir.join("x.xlsx"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("未知模板"));
}
