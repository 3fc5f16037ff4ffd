//! Parse and validate the seed form: `cargo bench -p jixiao-domain`.
//! Goal: validating costs at most twice parsing and under 100 µs.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use jixiao_domain::template::Registry;
use jixiao_domain::{form_from_json, validate};

const SEED: &str = include_str!("../../../fixtures/seed/seed.form.json");

fn bench(c: &mut Criterion) {
    let registry = Registry::default();
    let form = form_from_json(SEED).unwrap();
    let template = registry.for_form(&form).unwrap().clone();
    c.bench_function("parse seed JSON", |b| {
        b.iter(|| form_from_json(black_box(SEED)).unwrap())
    });
    c.bench_function("validate seed", |b| {
        b.iter(|| validate(black_box(&form), black_box(&template)))
    });
    c.bench_function("compute funding figures", |b| {
        b.iter(|| jixiao_domain::compute::funding_figures(black_box(&form.funding)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
