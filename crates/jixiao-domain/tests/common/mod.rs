//! Shared helpers of the rule tests: the seed, a "clean" seed without any finding, and an
//! assertion that a mutation makes a rule fire at a given place.
#![allow(dead_code)]

use jixiao_domain::form::Form;
use jixiao_domain::template::{Registry, Template};
use jixiao_domain::validate::{Finding, validate};
use jixiao_domain::{Money, TargetValue, form_from_json};

pub const SEED: &str = include_str!("../../../../fixtures/seed/seed.form.json");

/// The seed form as published.
pub fn seed() -> Form {
    form_from_json(SEED).expect("seed parses")
}

/// The Hubei 2026 template.
pub fn hubei() -> Template {
    Registry::default()
        .get("hubei-dept-2026", None)
        .unwrap()
        .clone()
}

/// The seed with the causes of its warnings fixed: it gives no finding at all.
pub fn clean() -> Form {
    let mut f = seed();
    f.indicators.long_term.rows[8].target = tv("规范");
    for (_, table) in [
        (0, &mut f.indicators.long_term),
        (1, &mut f.indicators.annual),
    ] {
        for row in &mut table.rows {
            if row.level1 != "运行成本" && row.basis.as_deref() == Some("预算支出标准") {
                row.basis = Some("计划标准".into());
            }
        }
    }
    for row in &mut f.indicators.annual.rows {
        row.year_before = None;
        row.last_year = None;
    }
    f.indicators.annual.rows[9].target = tv("≤5%");
    for i in 24..28 {
        f.indicators.annual.rows[i].name = f.indicators.long_term.rows[i].name.clone();
    }
    f.annual_tasks[0] = f.annual_tasks[0]
        .replace("15家", "一批")
        .replace("2家", "多家");
    f
}

/// A target value from text.
pub fn tv(s: &str) -> Option<TargetValue> {
    TargetValue::parse(s)
}

/// An amount from text.
pub fn m(s: &str) -> Option<Money> {
    Some(s.parse().unwrap())
}

/// The findings of a form on the Hubei template.
pub fn run(form: &Form) -> Vec<Finding> {
    validate(form, &hubei())
}

/// Asserts that `code` fires at `path` for the form and template, and that it does not fire
/// on the clean form.
pub fn expect_rule(form: &Form, template: &Template, code: &str, path: &str) -> Finding {
    assert!(
        !run(&clean()).iter().any(|f| f.code == code),
        "{code} fires on the clean form"
    );
    let findings = validate(form, template);
    let hit = findings.iter().find(|f| f.code == code && f.path == path);
    match hit {
        Some(f) => {
            assert!(!f.message.is_empty());
            f.clone()
        }
        None => panic!("{code} at {path} expected; got {findings:#?}"),
    }
}

/// Defines a test: mutate the clean form (and optionally the template), expect `code` at `path`.
#[macro_export]
macro_rules! case {
    ($name:ident, $code:literal, $path:literal, |$f:ident| $body:expr) => {
        #[test]
        fn $name() {
            #[allow(unused_mut)]
            let mut $f = common::clean();
            $body;
            common::expect_rule(&$f, &common::hubei(), $code, $path);
        }
    };
    ($name:ident, $code:literal, $path:literal, |$f:ident, $t:ident| $body:expr) => {
        #[test]
        fn $name() {
            #[allow(unused_mut)]
            let mut $f = common::clean();
            let mut $t = common::hubei();
            $body;
            common::expect_rule(&$f, &$t, $code, $path);
        }
    };
}
