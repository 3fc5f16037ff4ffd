//! `jixiao import`: one file, strict mode, JSON report, and a batch with a bad file.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

fn jixiao() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jixiao-import-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn imports_the_seed_text_to_the_canonical_json() {
    let dir = temp_dir("one");
    let out = dir.join("seed.json");
    let run = jixiao()
        .args(["import"])
        .arg(fixture("seed/seed.txt"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let report = String::from_utf8(run.stdout).unwrap();
    assert!(report.contains("推断修复"), "{report}");
    assert!(report.contains("第 21 行"), "{report}");
    let got: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let want: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("seed/seed.form.json")).unwrap())
            .unwrap();
    assert_eq!(got, want);
}

#[test]
fn strict_mode_fails_and_json_report_lists_items() {
    let run = jixiao()
        .args(["import", "--strict", "--format", "json"])
        .arg(fixture("seed/seed.txt"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(
        run.stdout.is_empty(),
        "no form is written in strict failure"
    );
    let report: serde_json::Value = serde_json::from_slice(&run.stderr).unwrap();
    assert_eq!(report["ok"], false);
    assert!(report["error"].as_str().unwrap().contains("严格模式"));
    assert!(
        report["report"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "guess" && i["source"]["line"] == 21)
    );
}

#[test]
fn batch_imports_a_directory_and_fails_on_a_bad_file() {
    let input = temp_dir("batch-in");
    let output = input.with_file_name(format!(
        "{}-out",
        input.file_name().unwrap().to_string_lossy()
    ));
    std::fs::copy(fixture("seed/seed.txt"), input.join("a.txt")).unwrap();
    std::fs::copy(fixture("pdf/seed-landscape.pdf"), input.join("b.pdf")).unwrap();
    std::fs::write(input.join("c.bin"), [0u8, 0xff, 0x13, 0x80]).unwrap();
    std::fs::copy(fixture("pdf/seed-scanned.pdf"), input.join("d.pdf")).unwrap();
    // Without Tesseract on the PATH, the scan is refused rather than read by OCR.
    let run = jixiao()
        .arg("import")
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(1),
        "a failed file makes the batch fail"
    );
    let table = String::from_utf8(run.stdout).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 5, "{table}");
    assert!(lines[0].starts_with("文件") && lines[0].contains("警告") && lines[0].contains("错误"));
    assert!(
        lines[1].starts_with("a.txt")
            && lines[1].contains("阳新县兴国镇人民政府")
            && lines[1].contains("2026")
            && lines[1].contains("78")
    );
    assert!(lines[2].starts_with("b.pdf") && lines[2].contains("78"));
    assert!(lines[3].starts_with("c.bin") && lines[3].contains("无法识别的文件格式"));
    assert!(lines[4].starts_with("d.pdf") && lines[4].contains("没有文字层"));
    assert!(output.join("a.json").is_file() && output.join("b.json").is_file());
    assert!(!output.join("c.json").exists());
    assert!(
        String::from_utf8(run.stderr)
            .unwrap()
            .contains("成功 2，失败 2")
    );
}

#[test]
fn a_scan_without_tesseract_says_how_to_install_it() {
    let run = jixiao()
        .arg("import")
        .arg(fixture("pdf/seed-scanned.pdf"))
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let err = String::from_utf8(run.stderr).unwrap();
    assert!(err.contains("没有文字层"), "{err}");
    assert!(
        err.contains("apt-get install tesseract-ocr tesseract-ocr-chi-sim poppler-utils"),
        "{err}"
    );
    // And with OCR turned off, it says so.
    let run = jixiao()
        .args(["import", "--no-ocr"])
        .arg(fixture("pdf/seed-scanned.pdf"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let err = String::from_utf8(run.stderr).unwrap();
    assert!(err.contains("未启用文字识别"), "{err}");
}

#[test]
fn batch_needs_an_output_directory() {
    let run = jixiao()
        .arg("import")
        .arg(fixture("seed"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("-o"));
}
