//! The seed's findings: no errors, and exactly the warnings it deserves (snapshot).

use jixiao_domain::validate::{counts, validate};
use jixiao_domain::{Registry, form_from_json};

const SEED: &str = include_str!("../../../fixtures/seed/seed.form.json");

#[test]
fn seed_has_no_errors_and_the_warnings_it_deserves() {
    let form = form_from_json(SEED).unwrap();
    let registry = Registry::default();
    let template = registry.for_form(&form).unwrap();
    let findings = validate(&form, template);
    let (errors, _, _) = counts(&findings);
    assert_eq!(errors, 0, "{findings:#?}");
    let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    // 立项规范性: 规划 in the long-term table, 规范 in the annual table.
    let typo = findings
        .iter()
        .find(|f| f.code == "X003")
        .expect("立项规范性 typo found");
    assert_eq!(typo.path, "/indicators/long_term/rows/8/target");
    assert!(typo.message.contains("规划") && typo.message.contains("规范"));
    // 15 家 and 2 家 in the first annual task: no indicator measures them.
    let promises: Vec<&str> = findings
        .iter()
        .filter(|f| f.code == "X007")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(promises.len(), 2, "{promises:#?}");
    assert!(
        promises[0].contains("「15家」") && promises[1].contains("「2家」"),
        "{promises:#?}"
    );
    // 预算支出标准 as basis of 管理效率 rows: one summary per table.
    assert_eq!(codes.iter().filter(|c| **c == "I021").count(), 2);
    // History columns copy the target: one summary for the annual table.
    let copied: Vec<_> = findings.iter().filter(|f| f.code == "I024").collect();
    assert_eq!(copied.len(), 1);
    assert_eq!(copied[0].path, "/indicators/annual/rows");
    assert!(copied[0].message.contains("39 行"), "{}", copied[0].message);
    insta::assert_json_snapshot!("seed_findings", findings);
}
