//! The page's JavaScript port of the monitoring and self-evaluation rules (`assets/lifecycle.js`)
//! agrees with the Rust code on one shared table of cases: every band edge, zero targets, reverse
//! and equal targets, qualitative words, units that differ, missing values, another province's
//! rules, months 1 to 12. The cases run in Node.js (on every machine of this project's kind;
//! the test says so plainly when it is missing).

use std::io::Write;
use std::process::{Command, Stdio};

use jixiao_domain::Form;
use jixiao_domain::lifecycle::LifecycleRules;
use jixiao_domain::lifecycle::monitoring::{MonitoringReport, warn};
use jixiao_domain::lifecycle::selfeval::{SelfEvaluation, score};
use jixiao_domain::target::TargetValue;
use rust_decimal::Decimal;
use serde_json::{Value, json};

fn seed() -> Form {
    serde_json::from_str(include_str!("../../../fixtures/seed/seed.form.json")).unwrap()
}

fn central_rules() -> LifecycleRules {
    jixiao_domain::template::built_in()
        .into_iter()
        .find(|t| t.lifecycle.grade_bands.excellent != Decimal::from(90))
        .expect("a template with another province's rules")
        .lifecycle
}

const TARGETS: &[&str] = &[
    "≥100次",
    "100%",
    "≥90%",
    ">10项",
    "=0%",
    "=5%",
    "≤5%",
    "<5%",
    "≥0.5万元",
    "健全",
    "持续推进",
    "≥-3%",
    "≥3 天",
];
const ACTUALS: &[&str] = &[
    "",
    "29.995次",
    "30次",
    "39.995次",
    "40次",
    "59.995次",
    "60次",
    "120次",
    "0次",
    "50",
    "45%",
    "89.99%",
    "90%",
    "100%",
    "108%",
    "0%",
    "5%",
    "4.99%",
    "7.5%",
    "10%",
    "12项",
    "5项",
    "0.3万元",
    "0.6万元",
    "达成",
    "部分达成",
    "未达成",
    "健全",
    "持续推进",
    "基本完成",
    "abc",
    "12人",
    "-1%",
    "3天",
    "1.5 天",
    "１００％",
    "10",
];

#[test]
fn the_javascript_port_agrees_with_the_rust_rules() {
    let form = seed();
    let rule_sets = [LifecycleRules::default(), central_rules()];
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    for (r, rules) in rule_sets.iter().enumerate() {
        for (ti, target) in TARGETS.iter().enumerate() {
            for actual in ACTUALS {
                // Months 1..12 cycle through the cases; both level-1 kinds of the central rules.
                let month = (1 + (cases.len() % 12)) as u8;
                let (level1, level2) = if ti % 2 == 0 {
                    ("产出指标", "数量指标")
                } else {
                    ("履职效能", "社会效益")
                };
                let target_value = TargetValue::parse(target);
                let mut report = MonitoringReport::from_declaration(&form, month);
                report.indicators.truncate(1);
                let row = &mut report.indicators[0];
                row.target = target_value.clone();
                row.actual = actual.to_string();
                row.level1 = level1.into();
                row.level2 = level2.into();
                let light = &warn(&report, rules).indicators[0];

                let weight = ["2.5", "3", "0.33", "10"][cases.len() % 4];
                let declared = ["", "2", "2.5", "0.2"][cases.len() % 4];
                let mut eval = SelfEvaluation::from_declaration(&form, rules);
                eval.indicators.truncate(1);
                let row = &mut eval.indicators[0];
                row.target = target_value.clone();
                row.actual = actual.to_string();
                row.weight = weight.parse().ok();
                row.declared_score = declared.parse().ok();
                let s = &score(&eval, rules).indicators[0];

                cases.push(json!({
                    "rules": r, "target": target_value, "actual": actual, "month": month,
                    "level1": level1, "level2": level2, "weight": weight, "declared": declared,
                }));
                expected.push(json!({
                    "colour": light.colour.map(|c| c.as_str()),
                    "benchmark": light.benchmark.map(jixiao_domain::lifecycle::dec),
                    "ratio": light.ratio.map(jixiao_domain::lifecycle::dec),
                    "score": s.score.map(jixiao_domain::lifecycle::dec),
                    "flags": s.flags,
                }));
            }
        }
    }
    // Budget execution: light and score for rates around the bands.
    let mut budget_cases = Vec::new();
    let mut budget_expected = Vec::new();
    for (r, rules) in rule_sets.iter().enumerate() {
        for (budget, executed) in [
            ("100", "29.99"),
            ("100", "30"),
            ("100", "39.99"),
            ("100", "40"),
            ("100", "50"),
            ("100", "110"),
            ("0", "5"),
            ("300", ""),
            ("1679.6", "846.33"),
            ("7", "3.5"),
        ] {
            for month in [1u8, 6, 7, 12] {
                let mut report = MonitoringReport::from_declaration(&form, month);
                report.budget.truncate(1);
                report.budget[0].adjusted = budget.parse().ok();
                report.budget[0].executed = executed.parse().ok();
                let b = warn(&report, rules).budget;
                let mut eval = SelfEvaluation::from_declaration(&form, rules);
                eval.budget.truncate(1);
                eval.budget[0].full_year = budget.parse().ok();
                eval.budget[0].executed = executed.parse().ok();
                let s = score(&eval, rules);
                budget_cases.push(
                    json!({"rules": r, "budget": budget, "executed": executed, "month": month}),
                );
                budget_expected.push(json!({
                    "rate": b.rate.map(jixiao_domain::lifecycle::dec),
                    "colour": b.colour.map(|c| c.as_str()),
                    "score": s.budget.score.map(jixiao_domain::lifecycle::dec),
                    "grade": s.grade.label(),
                    "total": jixiao_domain::lifecycle::dec(s.total),
                }));
            }
        }
    }
    let input = json!({
        "rules": rule_sets, "cases": cases, "budget": budget_cases,
    });
    let dir = env!("CARGO_MANIFEST_DIR");
    let script = format!(
        r#"
globalThis.window = globalThis;
const fs = require('fs');
eval(fs.readFileSync('{dir}/assets/grammar.js', 'utf8'));
eval(fs.readFileSync('{dir}/assets/lifecycle.js', 'utf8'));
const L = globalThis.jixiaoLifecycle;
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const norm = (x) => (x === undefined ? null : x);
const rows = input.cases.map((c) => {{
  const rules = input.rules[c.rules];
  const l = L.light(c.target, c.actual, c.month, rules, c.level1, c.level2);
  const s = L.indicatorScore(c.target, c.actual, c.weight, c.declared);
  return {{ colour: norm(l.colour), benchmark: norm(l.benchmark), ratio: norm(l.ratio), score: norm(s.score), flags: s.flags }};
}});
const budget = input.budget.map((c) => {{
  const rules = input.rules[c.rules];
  const rows = [{{ budget: c.budget, executed: c.executed }}];
  const b = L.budgetLight(rows, c.month, rules);
  const s = L.budgetScore(rows, rules);
  const total = L.sum([s.score]);
  return {{ rate: norm(b.rate), colour: norm(b.colour), score: norm(s.score), grade: L.grade(total, rules), total }};
}});
process.stdout.write(JSON.stringify({{ rows, budget }}));
"#
    );
    let mut child = match Command::new("node")
        .arg("-e")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => panic!(
            "Node.js is needed for this test (node: {e}); install it (apt-get install nodejs)"
        ),
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut differ = Vec::new();
    for (i, (want, got)) in expected
        .iter()
        .zip(got["rows"].as_array().unwrap())
        .enumerate()
    {
        if want != got {
            differ.push(format!("{}\n  rust {want}\n  js   {got}", cases[i]));
        }
    }
    for (i, (want, got)) in budget_expected
        .iter()
        .zip(got["budget"].as_array().unwrap())
        .enumerate()
    {
        if want != got {
            differ.push(format!("{}\n  rust {want}\n  js   {got}", budget_cases[i]));
        }
    }
    assert!(cases.len() > 900, "the table covers {} cases", cases.len());
    assert!(
        differ.is_empty(),
        "{} of {} cases differ:\n{}",
        differ.len(),
        cases.len() + budget_cases.len(),
        differ
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
