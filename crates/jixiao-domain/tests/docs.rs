//! Generated documents are committed; these tests fail when they are stale.
//! Regenerate with `JIXIAO_BLESS=1 cargo test -p jixiao-domain --test docs`.

use std::path::PathBuf;

fn docs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs")
}

fn check_or_bless(name: &str, generated: &str) {
    let path = docs_dir().join(name);
    if std::env::var_os("JIXIAO_BLESS").is_some() {
        std::fs::write(&path, generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/{name} is stale: run `JIXIAO_BLESS=1 cargo test -p jixiao-domain --test docs` and commit it"
    );
}

#[test]
fn form_schema_is_current() {
    let schema = jixiao_domain::form_schema_json();
    let value: serde_json::Value = serde_json::from_str(&schema).unwrap();
    assert!(value["properties"]["indicators"].is_object());
    check_or_bless("form.schema.json", &schema);
}

#[test]
fn rules_catalogue_is_current() {
    let md = jixiao_domain::validate::rules_markdown();
    for rule in jixiao_domain::validate::RULES {
        assert!(md.contains(&format!("| {} |", rule.code)));
    }
    check_or_bless("rules.md", &md);
}

/// The findings table of `docs/lifecycle.md` is the lifecycle rule catalogue (the rest of that
/// page is written by hand, so only the table after `## Findings` is compared).
#[test]
fn lifecycle_rules_table_is_current() {
    let path = docs_dir().join("lifecycle.md");
    let committed = std::fs::read_to_string(&path).unwrap();
    let (head, _) = committed
        .split_once("## Findings\n\n")
        .expect("docs/lifecycle.md has a `## Findings` section");
    let generated = format!(
        "{head}## Findings\n\n{}",
        jixiao_domain::lifecycle::rules_markdown()
    );
    check_or_bless("lifecycle.md", &generated);
}
