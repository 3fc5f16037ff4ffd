//! `jixiao library build|show` and `jixiao validate --library`: a library built from variants of
//! the seed stays silent on the seed, and each aid fires on a constructed form with its basis and
//! numbers; bad library files are exit 2 with a clear message.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{Value, json};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn jixiao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .env_remove("JIXIAO_TEMPLATE_DIR")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jixiao-library-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn seed() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(repo().join("fixtures/seed/seed.form.json")).unwrap(),
    )
    .unwrap()
}

/// The annual row named `name`.
fn row<'a>(form: &'a mut Value, name: &str) -> &'a mut Value {
    form["indicators"]["annual"]["rows"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["name"] == name)
        .unwrap()
}

fn aids(findings: &Value) -> Vec<(String, String, String)> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with('L'))
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_library_from_the_region_flags_weak_targets_with_their_basis() {
    let dir = scratch("build");
    let forms = dir.join("forms");
    std::fs::create_dir_all(&forms).unwrap();
    // Eight units with the seed's indicators, their counts of projects spread a little, one name
    // written with a space and full-width brackets.
    for k in 0..8 {
        let mut f = seed();
        f["header"]["unit_name"] = json!(format!("阳新县测试单位{k}"));
        row(&mut f, "服务城市项目数")["target"] = json!({"kind": "quantity", "comparator": "≥", "number": (4 + k % 3).to_string(), "unit": "项"});
        if k == 0 {
            row(&mut f, "群众满意度")["name"] = json!("群众 满意度");
        }
        // A row of its own: no two units share a table (else L005 would rightly speak).
        let rows = f["indicators"]["annual"]["rows"].as_array_mut().unwrap();
        let mut own = rows[0].clone();
        own["name"] = json!(format!("测试单位{k}专项指标"));
        rows.push(own);
        std::fs::write(forms.join(format!("u{k}.json")), f.to_string()).unwrap();
    }
    std::fs::write(forms.join("broken.json"), "{ not a form").unwrap();
    let lib = dir.join("library.json");
    let o = jixiao(&[
        "library",
        "build",
        forms.to_str().unwrap(),
        "-o",
        lib.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("已由 8 份申报表"), "{}", text(&o));
    assert!(text(&o).contains("无法读取 1 个文件"), "{}", text(&o));
    let library: Value = serde_json::from_str(&std::fs::read_to_string(&lib).unwrap()).unwrap();
    assert_eq!(library["format"], "jixiao-library/1");
    let satisfaction: Vec<&Value> = library["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["key"] == "群众满意度")
        .collect();
    assert_eq!(
        satisfaction.len(),
        1,
        "spaces do not make another indicator"
    );
    assert_eq!(satisfaction[0]["forms"], 8);
    let projects = library["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "服务城市项目数")
        .unwrap();
    assert_eq!(projects["spread"]["p10"], "4");
    assert_eq!(projects["spread"]["p90"], "6");
    // One table print per unit, for the copied-table aids.
    let tables = library["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 8, "{tables:?}");
    assert!(
        tables
            .iter()
            .all(|t| t["year"] == 2026 && t["print"].as_str().unwrap().len() == 16)
    );

    let o = jixiao(&[
        "library",
        "show",
        lib.to_str().unwrap(),
        "--search",
        "满意度",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let shown = text(&o);
    assert!(
        shown.contains("群众满意度") && shown.contains("8 份申报表"),
        "{shown}"
    );
    assert!(!shown.contains("服务城市项目数"), "{shown}");

    // The clean seed: nothing to say.
    let seed_file = repo().join("fixtures/seed/seed.form.json");
    let o = jixiao(&[
        "validate",
        "--format",
        "json",
        "--library",
        lib.to_str().unwrap(),
        seed_file.to_str().unwrap(),
    ]);
    let findings: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(aids(&findings).is_empty(), "{:?}", aids(&findings));

    // A weak form: a target far above the region's range, one below last year, a vague word
    // where the region writes numbers.
    let mut weak = seed();
    row(&mut weak, "服务城市项目数")["target"] =
        json!({"kind": "quantity", "comparator": "≥", "number": "40", "unit": "项"});
    row(&mut weak, "群众满意度")["target"] =
        json!({"kind": "quantity", "comparator": "≥", "number": "90", "unit": "%"});
    row(&mut weak, "全年工作任务数")["target"] = json!({"kind": "quality", "word": "进一步提高"});
    let weak_file = dir.join("weak.json");
    std::fs::write(&weak_file, weak.to_string()).unwrap();
    let o = jixiao(&[
        "validate",
        "--format",
        "json",
        "--library",
        lib.to_str().unwrap(),
        weak_file.to_str().unwrap(),
    ]);
    let findings: Value = serde_json::from_slice(&o.stdout).unwrap();
    let found = aids(&findings);
    let with = |code: &str| {
        found
            .iter()
            .find(|(c, _, _)| c == code)
            .unwrap_or_else(|| panic!("no {code} in {found:?}"))
    };
    let (_, path, message) = with("L002");
    assert!(
        path.starts_with("/indicators/annual/rows/") && path.ends_with("/target"),
        "{path}"
    );
    assert!(
        message.contains("p10 为 4项")
            && message.contains("p90 为 6项")
            && message.contains("8 份申报表"),
        "{message}"
    );
    let (_, _, message) = with("L001");
    assert!(
        message.contains("群众满意度") && message.contains("95%"),
        "{message}"
    );
    let (_, _, message) = with("L003");
    assert!(
        message.contains("进一步") && message.contains("8 份申报表"),
        "{message}"
    );
    assert_eq!(found.len(), 3, "{found:?}");

    // Text output names the aids in the indicators section.
    let o = jixiao(&[
        "validate",
        "--library",
        lib.to_str().unwrap(),
        weak_file.to_str().unwrap(),
    ]);
    assert!(text(&o).contains("L002"), "{}", text(&o));

    // Bad library files: exit 2 and a clear reason.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "[1, 2]").unwrap();
    let o = jixiao(&[
        "validate",
        "--library",
        bad.to_str().unwrap(),
        weak_file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("不是有效的指标库文件"), "{}", text(&o));
    let mut other = library.clone();
    other["template_id"] = json!("central-2015");
    let other_file = dir.join("other.json");
    std::fs::write(&other_file, other.to_string()).unwrap();
    let o = jixiao(&[
        "validate",
        "--library",
        other_file.to_str().unwrap(),
        weak_file.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("不能用于模板"), "{}", text(&o));
    let o = jixiao(&[
        "library",
        "show",
        dir.join("missing.json").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("文件不存在"), "{}", text(&o));
    let empty = scratch("empty");
    let o = jixiao(&[
        "library",
        "build",
        empty.to_str().unwrap(),
        "-o",
        dir.join("x.json").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("没有可用的申报表"), "{}", text(&o));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&empty);
}
