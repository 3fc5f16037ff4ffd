//! `jixiao monitoring new|warn` and `jixiao selfeval new|score` as a user runs them: made from the
//! seed, filled as JSON and as workbooks (by jixiao and by openpyxl, which writes no cached
//! formula values), with the JSON contract of the issue and the exit codes of `validate`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn seed() -> String {
    repo()
        .join("fixtures/seed/seed.form.json")
        .to_string_lossy()
        .into_owned()
}

fn jixiao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .env_remove("JIXIAO_TEMPLATE_DIR")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn scratch() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "jixiao-life-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn json_out(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", text(&o.stdout), text(&o.stderr)))
}

/// Fills a JSON monitoring report: every actual at the target's number, except row 0 far behind.
fn fill_monitoring(path: &Path, reason_on_red: bool) {
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for row in doc["budget"].as_array_mut().unwrap() {
        if row["adjusted"].is_string() {
            let a: f64 = row["adjusted"].as_str().unwrap().parse().unwrap();
            row["executed"] = Value::String(format!("{:.2}", a * 0.45));
        }
    }
    for (i, row) in doc["indicators"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        let t = &row["target"];
        let actual = match t["kind"].as_str() {
            Some("quantity") => format!(
                "{}{}",
                t["number"].as_str().unwrap(),
                t["unit"].as_str().unwrap_or("")
            ),
            Some("quality") => "达成".to_string(),
            _ => continue,
        };
        row["actual"] = Value::String(actual);
        row["likelihood"] = Value::String("certain".into());
        if i == 0 {
            row["actual"] = Value::String("0".into());
            if reason_on_red {
                row["reasons"] = serde_json::json!(["funding"]);
            }
        }
    }
    std::fs::write(path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
}

#[test]
fn monitoring_from_json_gives_lights_and_refuses_a_red_row_without_reason() {
    let dir = scratch();
    let out = dir.join("m.json");
    let o = jixiao(&["monitoring", "new", &seed(), "--month", "6", "-o", p(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["kind"], "monitoring");
    assert_eq!(doc["header"]["month"], 6);
    assert_eq!(doc["indicators"].as_array().unwrap().len(), 39);

    fill_monitoring(&out, false);
    let o = jixiao(&["monitoring", "warn", p(&out), "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a red row without a reason is an error"
    );
    let w = json_out(&o);
    assert_eq!(w["month"], 6);
    assert_eq!(w["indicators"][0]["colour"], "red");
    assert_eq!(w["indicators"][0]["path"], "/indicators/0");
    assert!(w["indicators"][0]["name"].as_str().unwrap().len() > 1);
    assert_eq!(w["budget"]["benchmark"], "50");
    assert_eq!(w["budget"]["rate"], "45");
    assert_eq!(w["budget"]["colour"], "green"); // 45 / 50 = 90 %
    assert_eq!(w["colour"], "red");
    assert_eq!(w["goals"][0]["colour"], "red");
    assert!(
        w["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "M006" && f["path"] == "/indicators/0/reasons")
    );
    // A full-year target met at month 6 is far ahead: blue.
    assert!(
        w["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["colour"] == "blue")
    );

    fill_monitoring(&out, true);
    let o = jixiao(&["monitoring", "warn", p(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    let t = text(&o.stdout);
    assert!(t.contains("红灯") && t.contains("序时进度 50%"), "{t}");
}

#[test]
fn monitoring_refuses_bad_months_and_outputs() {
    let dir = scratch();
    let o = jixiao(&[
        "monitoring",
        "new",
        &seed(),
        "--month",
        "13",
        "-o",
        p(&dir.join("m.json")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("1–12"), "{}", text(&o.stderr));
    let o = jixiao(&[
        "monitoring",
        "new",
        &seed(),
        "--month",
        "6",
        "-o",
        p(&dir.join("m.pdf")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains(".json 或 .xlsx"));
    let o = jixiao(&["monitoring", "warn", &seed()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("不是监控表"),
        "{}",
        text(&o.stderr)
    );
}

fn python(script: &str, args: &[&str]) -> Output {
    Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs")
}

fn has_openpyxl() -> bool {
    python("import openpyxl", &[]).status.success()
}

/// Fills jixiao's monitoring workbook with openpyxl (no cached formula values are written),
/// finding the columns by their header text as any program would.
const FILL_MONITORING_XLSX: &str = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["绩效运行监控表"]
hdr = None
for row in ws.iter_rows():
    vals = {c.value: c.column for c in row if isinstance(c.value, str)}
    if "当前完成值" in vals:
        hdr = (row[0].row, vals)
    if "调整后预算数" in vals:
        bud = (row[0].row, vals)
r0, cols = hdr
r = r0 + 1
first = True
while ws.cell(r, cols["三级指标"]).value:
    t = str(ws.cell(r, cols["年度指标值"]).value or "")
    ws.cell(r, cols["当前完成值"]).value = "10%" if first else "达成"
    ws.cell(r, cols["完成可能性"]).value = "有可能" if first else "确定能"
    if first:
        ws.cell(r, cols["偏差原因"]).value = "经费保障、人员保障"
    first = False
    r += 1
b0, bcols = bud
ex = [k for k in bcols if str(k).endswith("月执行数")][0]
ws.cell(b0 + 1, bcols[ex]).value = 100
wb.save(sys.argv[2])
"#;

#[test]
fn monitoring_workbook_filled_by_openpyxl_reads_back() {
    if !has_openpyxl() {
        eprintln!("skipped: python3 with openpyxl is not installed (scripts/test.sh installs it)");
        return;
    }
    let dir = scratch();
    let blank = dir.join("m.xlsx");
    let filled = dir.join("filled.xlsx");
    let o = jixiao(&[
        "monitoring",
        "new",
        &seed(),
        "--month",
        "7",
        "-o",
        p(&blank),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = python(FILL_MONITORING_XLSX, &[p(&blank), p(&filled)]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = jixiao(&["monitoring", "warn", p(&filled), "--format", "json"]);
    let w = json_out(&o);
    assert_eq!(w["month"], 7);
    // Row 0 of the seed is 公用经费控制率 100%: 10 % by July is red, with its reasons given;
    // but 有可能 needs the footer analysis, which is empty: an error.
    assert_eq!(w["indicators"][0]["colour"], "red");
    assert!(
        w["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "M007")
    );
    assert!(
        !w["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "M006")
    );
    assert_eq!(o.status.code(), Some(1));
    // The budget rate is recomputed from the entered cells (the formula cells have no values).
    assert!(w["budget"]["rate"].is_string(), "{w}");
}

#[test]
fn a_workbook_with_a_renamed_header_is_refused_clearly() {
    if !has_openpyxl() {
        eprintln!("skipped: python3 with openpyxl is not installed");
        return;
    }
    let dir = scratch();
    let blank = dir.join("s.xlsx");
    let broken = dir.join("broken.xlsx");
    let o = jixiao(&["selfeval", "new", &seed(), "-o", p(&blank)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let script = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["绩效自评表"]
for row in ws.iter_rows():
    for c in row:
        if c.value == "实际完成值":
            c.value = "实际值"
wb.save(sys.argv[2])
"#;
    let o = python(script, &[p(&blank), p(&broken)]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = jixiao(&["selfeval", "score", p(&broken)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("实际完成值"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn selfeval_scores_exactly_and_names_declared_differences() {
    let dir = scratch();
    let out = dir.join("s.json");
    let o = jixiao(&["selfeval", "new", &seed(), "-o", p(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["kind"], "self_evaluation");
    let mut weight_sum = 0.0;
    for row in doc["indicators"].as_array_mut().unwrap() {
        weight_sum += row["weight"].as_str().unwrap().parse::<f64>().unwrap();
        let t = row["target"].clone();
        row["actual"] = Value::String(match t["kind"].as_str() {
            Some("quantity") => format!(
                "{}{}",
                t["number"].as_str().unwrap(),
                t["unit"].as_str().unwrap_or("")
            ),
            _ => "达成".into(),
        });
        row["declared_score"] = row["weight"].clone();
    }
    assert!((weight_sum - 90.0).abs() < 1e-9, "{weight_sum}");
    for b in doc["budget"].as_array_mut().unwrap() {
        b["executed"] = b["full_year"].clone();
    }
    // One row half done, declared full: the difference is a finding naming both numbers.
    doc["indicators"][0]["actual"] = Value::String("50%".into());
    doc["declared_total"] = Value::String("100".into());
    std::fs::write(&out, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();

    let o = jixiao(&["selfeval", "score", p(&out), "--format", "json"]);
    let s = json_out(&o);
    let w0: f64 = doc["indicators"][0]["weight"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let total: f64 = s["total"].as_str().unwrap().parse().unwrap();
    assert!(
        (total - (100.0 - w0 / 2.0)).abs() < 0.011,
        "total {total}, w0 {w0}"
    );
    assert_eq!(s["grade"], "优");
    assert_eq!(s["declared_total"], "100");
    assert_eq!(s["budget"]["score"], "10");
    let first = &s["indicators"][0];
    assert_eq!(first["direction"], "positive");
    assert_eq!(
        first["flags"],
        serde_json::json!(["declared_differs"]),
        "{first}"
    );
    let f = s["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "S006")
        .unwrap();
    assert!(f["message"].as_str().unwrap().contains("填报得分"));
    // Warnings only (declared differs, analysis missing): exit 0.
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
}

#[test]
fn selfeval_workbook_round_trips_through_jixiao() {
    let dir = scratch();
    let out = dir.join("s.xlsx");
    let o = jixiao(&["selfeval", "new", &seed(), "-o", p(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = jixiao(&["selfeval", "score", p(&out), "--format", "json"]);
    let s = json_out(&o);
    // Nothing entered yet: every actual is missing (S003 errors), weights still sum to 90.
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(s["indicators"].as_array().unwrap().len(), 39);
    assert!(
        !s["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "S005")
    );
    assert!(
        s["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "S003")
    );
}

#[test]
fn validate_and_import_accept_the_new_kinds() {
    let dir = scratch();
    let xlsx = dir.join("m.xlsx");
    let o = jixiao(&["monitoring", "new", &seed(), "--month", "6", "-o", p(&xlsx)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // validate: an empty report has errors (every 当前完成值 missing), as a JSON array of findings.
    let o = jixiao(&["validate", p(&xlsx), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let findings = json_out(&o);
    assert!(
        findings
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["code"].as_str().unwrap().starts_with('M'))
    );
    // import: the workbook becomes canonical JSON that reads back with the same rows.
    let json = dir.join("m.json");
    let o = jixiao(&["import", p(&xlsx), "-o", p(&json)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["kind"], "monitoring");
    assert_eq!(doc["indicators"].as_array().unwrap().len(), 39);
    assert_eq!(doc["budget"][0]["key"], "fiscal_appropriation");
    let o = jixiao(&["validate", p(&json)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stdout).contains("绩效运行监控表"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn export_writes_json_xlsx_csv_pdf_and_html() {
    let dir = scratch();
    let json = dir.join("m.json");
    let o = jixiao(&["monitoring", "new", &seed(), "--month", "6", "-o", p(&json)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    fill_monitoring(&json, true);
    // Public by default: no filler, no phone.
    let public = dir.join("public.json");
    let o = jixiao(&["export", p(&json), "--format", "json", "-o", p(&public)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&public).unwrap()).unwrap();
    assert!(doc["header"]["phone"].is_null() && doc["header"]["filler"].is_null());
    let o = jixiao(&[
        "export",
        p(&json),
        "--format",
        "json",
        "--private",
        "-o",
        p(&public),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&public).unwrap()).unwrap();
    assert_eq!(doc["header"]["phone"], "15172093138");
    // CSV: a header and one line per indicator, with the light.
    let csv = dir.join("m.csv");
    let o = jixiao(&["export", p(&json), "--format", "csv", "-o", p(&csv)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let t = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines.len(), 40);
    assert!(lines[0].contains("预警"));
    assert!(lines[1].ends_with("红灯"), "{}", lines[1]);
    // XLSX: the fillable workbook again, which reads back.
    let xlsx = dir.join("m.xlsx");
    let o = jixiao(&["export", p(&json), "--format", "xlsx", "-o", p(&xlsx)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = jixiao(&["monitoring", "warn", p(&xlsx), "--format", "json"]);
    assert_eq!(json_out(&o)["indicators"][0]["colour"], "red");
    // PDF and HTML in the published layout, public by default.
    let pdf = dir.join("m.pdf");
    let o = jixiao(&["export", p(&json), "--format", "pdf", "-o", p(&pdf)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let html = dir.join("m.html");
    let o = jixiao(&["export", p(&json), "--format", "html", "-o", p(&html)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("绩效运行监控表（1-6月）") && page.contains("红灯"));
    assert!(!page.contains("15172093138"));
    let o = jixiao(&[
        "export",
        p(&json),
        "--format",
        "html",
        "--private",
        "-o",
        p(&html),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        std::fs::read_to_string(&html)
            .unwrap()
            .contains("15172093138")
    );
    // A self-evaluation too.
    let s = dir.join("s.json");
    let o = jixiao(&["selfeval", "new", &seed(), "-o", p(&s)]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    for (format, out) in [("pdf", dir.join("s.pdf")), ("html", dir.join("s.html"))] {
        let o = jixiao(&["export", p(&s), "--format", format, "-o", p(&out)]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    }
    let page = std::fs::read_to_string(dir.join("s.html")).unwrap();
    assert!(page.contains("绩效自评表") && page.contains("总分") && page.contains("评价等级"));
}
