//! Fillable monitoring and self-evaluation workbooks of the seed, and reading them back:
//! `cargo bench -p jixiao-formats --bench lifecycle`. Goal: the fillable workbook < 10 ms.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use jixiao_domain::lifecycle::LifecycleRules;
use jixiao_domain::lifecycle::monitoring::MonitoringReport;
use jixiao_domain::lifecycle::selfeval::SelfEvaluation;
use jixiao_domain::{Form, Registry};
use jixiao_formats::lifecycle::{
    read_monitoring, read_self_evaluation, write_monitoring, write_self_evaluation,
};

fn bench(c: &mut Criterion) {
    let form: Form =
        serde_json::from_str(include_str!("../../../fixtures/seed/seed.form.json")).unwrap();
    let reg = Registry::default();
    let rules = LifecycleRules::default();
    let report = MonitoringReport::from_declaration(&form, 6);
    let eval = SelfEvaluation::from_declaration(&form, &rules);
    c.bench_function("monitoring workbook (seed)", |b| {
        b.iter(|| write_monitoring(black_box(&report)).unwrap())
    });
    c.bench_function("selfeval workbook (seed)", |b| {
        b.iter(|| write_self_evaluation(black_box(&eval), rules.execution_weight).unwrap())
    });
    let m = write_monitoring(&report).unwrap();
    let s = write_self_evaluation(&eval, rules.execution_weight).unwrap();
    c.bench_function("monitoring workbook read (seed)", |b| {
        b.iter(|| read_monitoring(black_box(&m), &reg).unwrap())
    });
    c.bench_function("selfeval workbook read (seed)", |b| {
        b.iter(|| read_self_evaluation(black_box(&s), &reg).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
