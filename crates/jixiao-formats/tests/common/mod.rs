//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use jixiao_domain::{Form, Registry};
use jixiao_formats::xlsx::{self, XlsxOptions};

/// Every scalar of a JSON value by its JSON Pointer.
pub fn flatten(
    v: &serde_json::Value,
    pointer: String,
    out: &mut std::collections::BTreeMap<String, serde_json::Value>,
) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, x) in map {
                flatten(x, format!("{pointer}/{k}"), out);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                flatten(x, format!("{pointer}/{i}"), out);
            }
        }
        _ => {
            out.insert(pointer, v.clone());
        }
    }
}

/// The seed form.
pub fn seed() -> Form {
    serde_json::from_str(include_str!("../../../../fixtures/seed/seed.form.json")).unwrap()
}

/// Exports with the form's own template.
pub fn export(form: &Form, public: bool) -> Vec<u8> {
    let reg = Registry::default();
    let t = reg.get(&form.template.id, None).ok();
    let privacy = if public {
        jixiao_domain::Privacy::Public
    } else {
        jixiao_domain::Privacy::Private
    };
    xlsx::write_form(form, t, &XlsxOptions { privacy }).unwrap()
}

/// A fresh scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jixiao-office-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A script under tests/.
pub fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(name)
}

/// True when `python3` with openpyxl can run. Without it the cross-program tests are skipped
/// locally, but fail under CI (`CI=true`), where python3-openpyxl must be installed.
pub fn have_openpyxl() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            panic!("CI=true but python3 with openpyxl is not available (pip install openpyxl)");
        }
        eprintln!("skipped: python3 with openpyxl is not available");
    }
    ok
}

/// Runs a Python script under tests/ and returns its stdout; panics with its stderr on failure.
pub fn run_python(name: &str, args: &[&Path]) -> String {
    let out = Command::new("python3")
        .arg(script(name))
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
