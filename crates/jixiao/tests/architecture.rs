//! `docs/architecture.md` lists the workspace's internal dependency edges; this test compares
//! that list with what `cargo metadata` says the manifests declare, so the page cannot drift.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

/// Crate name → the jixiao crates it depends on.
type Edges = BTreeMap<String, BTreeSet<String>>;

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The fenced ```deps block of docs/architecture.md: lines `crate -> dep, dep` (nothing after
/// the arrow for a crate without internal dependencies).
fn documented() -> Edges {
    let doc = std::fs::read_to_string(workspace_root().join("docs/architecture.md")).unwrap();
    let block = doc
        .split("```deps\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/architecture.md has no ```deps block");
    let mut edges = Edges::new();
    for line in block.lines().filter(|l| !l.trim().is_empty()) {
        let (krate, deps) = line
            .split_once("->")
            .unwrap_or_else(|| panic!("not `crate -> deps`: {line:?}"));
        let deps = deps
            .split(',')
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(String::from)
            .collect();
        let previous = edges.insert(krate.trim().to_string(), deps);
        assert!(previous.is_none(), "{} is listed twice", krate.trim());
    }
    edges
}

/// Every workspace member and its normal dependencies on jixiao crates, from `cargo metadata`.
fn declared() -> Edges {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(workspace_root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut edges = Edges::new();
    for package in meta["packages"].as_array().unwrap() {
        let deps = package["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            // `kind` is null for normal dependencies, "dev" or "build" otherwise.
            .filter(|d| d["kind"].is_null())
            .filter_map(|d| d["name"].as_str())
            .filter(|name| name.starts_with("jixiao"))
            .map(String::from)
            .collect();
        edges.insert(package["name"].as_str().unwrap().to_string(), deps);
    }
    edges
}

/// The edges of one side that the other lacks, one `a -> b` per line.
fn missing_from(from: &Edges, other: &Edges) -> Vec<String> {
    let mut lines = Vec::new();
    for (krate, deps) in from {
        match other.get(krate) {
            None => lines.push(format!("  crate {krate}")),
            Some(theirs) => lines.extend(
                deps.difference(theirs)
                    .map(|dep| format!("  {krate} -> {dep}")),
            ),
        }
    }
    lines
}

#[test]
fn architecture_page_lists_the_crate_dependencies_of_the_manifests() {
    let (doc, code) = (documented(), declared());
    let undocumented = missing_from(&code, &doc);
    let stale = missing_from(&doc, &code);
    assert!(
        undocumented.is_empty() && stale.is_empty(),
        "docs/architecture.md and the Cargo manifests disagree.\n\
         In the manifests, missing from the ```deps block:\n{}\n\
         In the ```deps block, not in the manifests:\n{}",
        undocumented.join("\n"),
        stale.join("\n")
    );
}
