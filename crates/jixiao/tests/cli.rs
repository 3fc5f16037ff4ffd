//! The `jixiao` binary: exit codes and output of `validate`, `schema` and `template`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn seed_path() -> PathBuf {
    repo().join("fixtures/seed/seed.form.json")
}

fn central_form() -> PathBuf {
    repo().join("crates/jixiao-domain/tests/data/central-2015.form.json")
}

fn jixiao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .env_remove("JIXIAO_TEMPLATE_DIR")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A fresh scratch directory for one test.
fn scratch() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "jixiao-cli-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn seed_text() -> String {
    std::fs::read_to_string(seed_path()).unwrap()
}

#[test]
fn seed_validates_with_exit_0_and_a_grouped_chinese_report() {
    let o = jixiao(&["validate", seed_path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("结果：0 个错误，7 个警告，2 个提示"), "{out}");
    assert!(
        out.contains("■ 绩效指标") && out.contains("■ 交叉核对"),
        "{out}"
    );
    assert!(
        out.contains("[警告] X003  /indicators/long_term/rows/8/target"),
        "{out}"
    );
}

#[test]
fn json_format_is_an_array_of_findings() {
    let o = jixiao(&[
        "validate",
        "--format",
        "json",
        seed_path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 9);
    for f in arr {
        let mut keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["code", "message", "path", "severity"]);
    }
    assert_eq!(arr[0]["severity"], "info");
}

#[test]
fn errors_give_exit_1() {
    let dir = scratch();
    let text = seed_text().replacen("\"current\": \"846.33\"", "\"current\": \"-846.33\"", 1);
    let p = write(&dir, "negative.json", &text);
    let o = jixiao(&["validate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("[错误] F008"), "{}", stdout(&o));
}

#[test]
fn unreadable_or_unparsable_files_give_exit_2_with_line_and_column() {
    let dir = scratch();
    let p = write(&dir, "broken.json", "{\n  \"template\": ,\n}");
    let o = jixiao(&["validate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("第 2 行第 15 列") && err.contains("JSON 语法错误"),
        "{err}"
    );
    assert!(stdout(&o).is_empty());

    let o = jixiao(&["validate", dir.join("missing.json").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("文件不存在"), "{}", stderr(&o));

    let p = write(&dir, "binary.json", "\u{feff}");
    std::fs::write(&p, [0xff, 0xfe, 0x00]).unwrap();
    let o = jixiao(&["validate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("不是 UTF-8"), "{}", stderr(&o));
}

#[test]
fn unknown_template_gives_exit_2() {
    let dir = scratch();
    let p = write(
        &dir,
        "unknown.json",
        &seed_text().replacen("hubei-dept-2026", "no-such-template", 1),
    );
    let o = jixiao(&["validate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("未知模板「no-such-template」"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn template_file_and_template_dir() {
    // The central form is clean on its own template, given as a file.
    let dir = scratch();
    let show = jixiao(&["template", "show", "central-dept-2015"]);
    assert_eq!(show.status.code(), Some(0));
    let central = write(&dir, "central.json", &stdout(&show));
    let o = jixiao(&[
        "validate",
        "--template-file",
        central.to_str().unwrap(),
        central_form().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // The seed against the central template has errors.
    let o = jixiao(&[
        "validate",
        "--template-file",
        central.to_str().unwrap(),
        seed_path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    // A template directory adds templates by id.
    let mut t: serde_json::Value =
        serde_json::from_str(&stdout(&jixiao(&["template", "show", "hubei-dept-2026"]))).unwrap();
    t["id"] = "hubei-town-2026".into();
    t["rules"]["disabled"] = serde_json::json!(["X007"]);
    let tdir = dir.join("templates");
    std::fs::create_dir_all(&tdir).unwrap();
    write(&tdir, "town.json", &t.to_string());
    let form = write(
        &dir,
        "town-form.json",
        &seed_text().replacen("hubei-dept-2026", "hubei-town-2026", 1),
    );
    let o = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["validate", "--format", "json", form.to_str().unwrap()])
        .env("JIXIAO_TEMPLATE_DIR", &tdir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let findings: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(findings.len(), 7);
    // A broken template file is a clear exit 2.
    let bad = write(&dir, "bad-template.json", "{\"id\": 1}");
    let o = jixiao(&[
        "validate",
        "--template-file",
        bad.to_str().unwrap(),
        seed_path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("模板文件"), "{}", stderr(&o));
}

#[test]
fn schema_prints_the_committed_schema() {
    let o = jixiao(&["schema"]);
    assert_eq!(o.status.code(), Some(0));
    let committed = std::fs::read_to_string(repo().join("docs/form.schema.json")).unwrap();
    assert_eq!(stdout(&o), committed);
}

#[test]
fn template_list_and_show() {
    let o = jixiao(&["template", "list"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.contains("hubei-dept-2026") && out.contains("central-dept-2015"),
        "{out}"
    );
    let o = jixiao(&["template", "show", "hubei-dept-2026"]);
    let t = jixiao_domain::Template::from_json(&stdout(&o)).unwrap();
    assert_eq!(t.funding.income.len(), 3);
    let o = jixiao(&["template", "show", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("未知模板「nope」"));
}

#[test]
fn oversized_and_odd_files_give_exit_2() {
    let dir = scratch();
    let mut text = seed_text();
    text.push_str(&" ".repeat(17 * 1024 * 1024));
    let p = write(&dir, "huge.json", &text);
    let o = jixiao(&["validate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("过大"), "{}", stderr(&o));
    let o = jixiao(&["validate", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("目录"), "{}", stderr(&o));
    let o = jixiao(&["validate", "--format", "xml", seed_path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "clap rejects unknown formats");
}

#[test]
fn validate_imports_published_text_and_pdf_and_shows_the_report() {
    let text = repo().join("fixtures/seed/seed.txt");
    let o = jixiao(&["validate", text.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("导入报告（text）"), "{out}");
    assert!(out.contains("分页处被截断的段落"), "{out}");
    assert!(out.contains("结果：0 个错误，7 个警告"), "{out}");

    let o = jixiao(&["validate", text.to_str().unwrap(), "--format", "json"]);
    let findings: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"IMPORT") && codes.contains(&"X003"),
        "{codes:?}"
    );

    // --strict turns the page-break repairs into an error: exit 2 with the report.
    let o = jixiao(&["validate", text.to_str().unwrap(), "--strict"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("严格模式"), "{}", stderr(&o));

    let pdf = repo().join("fixtures/pdf/seed-portrait.pdf");
    let o = jixiao(&["validate", pdf.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("阳新县兴国镇人民政府 2026 年"));
}

#[test]
fn text_to_xlsx_and_back_gives_the_canonical_form() {
    let dir = scratch();
    let xlsx = dir.join("seed.xlsx");
    let json = dir.join("seed.json");
    let text = repo().join("fixtures/seed/seed.txt");
    let o = jixiao(&[
        "export",
        text.to_str().unwrap(),
        "--format",
        "xlsx",
        "--private",
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = jixiao(&[
        "import",
        xlsx.to_str().unwrap(),
        "-o",
        json.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let back: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let seed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(seed_path()).unwrap()).unwrap();
    assert_eq!(back, seed);
}

/// Runs the binary with `JIXIAO_TEMPLATE_DIR` set; gives up (and fails) after a minute, so a
/// command that ignored a bad directory and started serving cannot hang the test.
fn jixiao_with_template_dir(args: &[&str], dir: &Path) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .env("JIXIAO_TEMPLATE_DIR", dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // The output is read on another thread, so a large output never blocks the child.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(std::time::Duration::from_secs(60)) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").arg(pid.to_string()).status();
            panic!("jixiao {args:?} did not finish within a minute");
        }
    }
}

#[test]
fn every_command_that_resolves_templates_honours_the_template_dir() {
    let dir = scratch();
    let mut t: serde_json::Value =
        serde_json::from_str(&stdout(&jixiao(&["template", "show", "hubei-dept-2026"]))).unwrap();
    t["id"] = "hubei-town-2026".into();
    let tdir = dir.join("templates");
    std::fs::create_dir_all(&tdir).unwrap();
    write(&tdir, "town.json", &t.to_string());
    let tdir_s = tdir.to_str().unwrap();

    // The variable, and the flag before or after the subcommand, all add the template.
    let listed = |o: &Output| stdout(o).contains("hubei-town-2026");
    assert!(listed(&jixiao_with_template_dir(
        &["template", "list"],
        &tdir
    )));
    assert!(listed(&jixiao(&[
        "--template-dir",
        tdir_s,
        "template",
        "list"
    ])));
    assert!(listed(&jixiao(&[
        "template",
        "list",
        "--template-dir",
        tdir_s
    ])));
    assert!(!listed(&jixiao(&["template", "list"])));

    // The importer finds the template by id only with the directory.
    let seed_txt = repo().join("fixtures/seed/seed.txt");
    let import = [
        "import",
        seed_txt.to_str().unwrap(),
        "--template",
        "hubei-town-2026",
    ];
    let o = jixiao_with_template_dir(&import, &tdir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"hubei-town-2026\""));
    assert_ne!(jixiao(&import).status.code(), Some(0));

    // A directory that cannot be read stops every command that resolves templates, with its
    // name in the message; a command without templates does not look at it.
    let missing = dir.join("no-such-dir");
    let seed = seed_path();
    let seed = seed.to_str().unwrap();
    let out = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let forms = dir.join("forms");
    std::fs::create_dir_all(&forms).unwrap();
    std::fs::copy(seed_path(), forms.join("seed.json")).unwrap();
    let commands: Vec<Vec<String>> = vec![
        vec!["validate".into(), seed.into()],
        vec!["import".into(), seed.into()],
        vec![
            "export".into(),
            seed.into(),
            "-f".into(),
            "json".into(),
            "-o".into(),
            out("x.json"),
        ],
        vec![
            "summary".into(),
            forms.to_str().unwrap().into(),
            "-o".into(),
            out("s.xlsx"),
        ],
        vec!["template".into(), "list".into()],
        vec![
            "template".into(),
            "xlsx".into(),
            "hubei-dept-2026".into(),
            "-o".into(),
            out("b.xlsx"),
        ],
        vec![
            "serve".into(),
            "--listen".into(),
            "127.0.0.1:0".into(),
            "--data".into(),
            out("data"),
        ],
    ];
    for args in &commands {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = jixiao_with_template_dir(&args, &missing);
        assert_ne!(o.status.code(), Some(0), "jixiao {args:?}: {}", stdout(&o));
        assert!(
            stderr(&o).contains("no-such-dir"),
            "jixiao {args:?}: {}",
            stderr(&o)
        );
    }
    let o = jixiao_with_template_dir(&["schema"], &missing);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
