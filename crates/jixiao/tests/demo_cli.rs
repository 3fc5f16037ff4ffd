//! `jixiao demo generate`: a region of units with forms of several years through the storage
//! code, every form valid, the newest year in several statuses, the older years published;
//! a second run resumes instead of duplicating; bad arguments are refused.

use std::process::{Command, Output};

fn jixiao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .env_remove("JIXIAO_TEMPLATE_DIR")
        .env_remove("JIXIAO_DATABASE_URL")
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

#[test]
fn generates_a_region_with_forms_of_several_years() {
    let dir = std::env::temp_dir().join(format!("jixiao-generate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let data = dir.to_str().unwrap();
    let o = jixiao(&[
        "demo", "generate", "--units", "40", "--years", "2", "--data", data,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("生成 40 个单位、80 份申报表"),
        "{}",
        text(&o)
    );

    let db = dir.join("jixiao.db");
    let q = |sql: &str| -> String {
        let out = Command::new("python3")
            .args([
                "-c",
                &format!(
                    "import sqlite3; c = sqlite3.connect({:?}); print('|'.join(str(r) for r in c.execute({sql:?}).fetchall()))",
                    db.to_str().unwrap()
                ),
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(q("SELECT COUNT(*) FROM units"), "(40,)");
    assert_eq!(
        q("SELECT COUNT(*), SUM(errors) FROM forms"),
        "(80, 0)",
        "every form valid"
    );
    let older = q("SELECT DISTINCT status FROM forms WHERE fiscal_year = 2025 ORDER BY status");
    assert!(
        !older.contains("draft") && older.contains("published"),
        "{older}"
    );
    let newest = q("SELECT COUNT(DISTINCT status) FROM forms WHERE fiscal_year = 2026");
    assert!(
        newest
            .trim_matches(|c| c == '(' || c == ')' || c == ',')
            .parse::<i32>()
            .unwrap()
            >= 4,
        "{newest}"
    );
    let published = q("SELECT COUNT(*) FROM forms WHERE status = 'published'");
    assert_eq!(published, q("SELECT COUNT(*) FROM publications"));
    let names = q("SELECT COUNT(DISTINCT name) FROM indicators");
    assert!(
        names
            .trim_matches(|c| c == '(' || c == ')' || c == ',')
            .parse::<i32>()
            .unwrap()
            > 50,
        "{names}"
    );

    // Resumed: nothing doubled.
    let o = jixiao(&[
        "demo", "generate", "--units", "40", "--years", "2", "--data", data,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("生成 0 个单位"), "{}", text(&o));
    assert_eq!(q("SELECT COUNT(*) FROM forms"), "(80,)");
    let o = jixiao(&["user", "list", "--data", data]);
    assert!(text(&o).contains("reviewer_429999"), "{}", text(&o));

    let o = jixiao(&["demo", "generate", "--units", "0", "--data", data]);
    assert!(!o.status.success());
    assert!(text(&o).contains("单位数至少为 1"), "{}", text(&o));
    let _ = std::fs::remove_dir_all(&dir);
}
