//! Warning lights and scores of the seed's annual indicators, every row filled:
//! `cargo bench -p jixiao-domain --bench lifecycle`. Goal: `warn` and `score` < 50 µs each.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use jixiao_domain::lifecycle::LifecycleRules;
use jixiao_domain::lifecycle::monitoring::{MonitoringReport, warn};
use jixiao_domain::lifecycle::selfeval::{SelfEvaluation, score};
use jixiao_domain::{Form, TargetValue, form_from_json};

const SEED: &str = include_str!("../../../fixtures/seed/seed.form.json");

/// An actual value for a target: its own number and unit, or 达成.
fn actual(t: Option<&TargetValue>) -> String {
    match t {
        Some(TargetValue::Quantity { number, unit, .. }) => {
            format!("{}{unit}", number * rust_decimal::Decimal::new(9, 1))
        }
        _ => "达成".into(),
    }
}

fn bench(c: &mut Criterion) {
    let form: Form = form_from_json(SEED).unwrap();
    let rules = LifecycleRules::default();
    let mut report = MonitoringReport::from_declaration(&form, 6);
    for r in &mut report.indicators {
        r.actual = actual(r.target.as_ref());
    }
    for b in &mut report.budget {
        b.executed = b.adjusted;
    }
    let mut eval = SelfEvaluation::from_declaration(&form, &rules);
    for r in &mut eval.indicators {
        r.actual = actual(r.target.as_ref());
        r.declared_score = r.weight;
    }
    for b in &mut eval.budget {
        b.executed = b.full_year;
    }
    c.bench_function("monitoring warn (seed, 39 rows)", |b| {
        b.iter(|| warn(black_box(&report), black_box(&rules)))
    });
    c.bench_function("selfeval score (seed, 39 rows)", |b| {
        b.iter(|| score(black_box(&eval), black_box(&rules)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
