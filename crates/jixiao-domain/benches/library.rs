//! The indicator library at province scale: `cargo bench -p jixiao-domain --bench library`.
//! Builds a library from 20,000 forms (`JIXIAO_BENCH_FORMS` changes it) made from the seed, each
//! with its own unit name, core-business indicators drawn from 400 names and targets spread per
//! unit, then times the aids on one form against it. Goals (issue 15): build < 30 s, aids on one
//! form < 5 ms.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use jixiao_domain::library::{AidOptions, aids, build};
use jixiao_domain::{Form, TargetValue, form_from_json};
use rust_decimal::Decimal;

const SEED: &str = include_str!("../../../fixtures/seed/seed.form.json");

fn variant(seed: &Form, k: usize) -> Form {
    let mut f = seed.clone();
    f.header.unit_name = format!("测试单位{k:05}");
    for table in [&mut f.indicators.annual, &mut f.indicators.long_term] {
        for (i, row) in table.rows.iter_mut().enumerate() {
            if row.level1 == "履职效能" {
                row.name = format!("核心业务指标{}", (k * 7 + i) % 400);
            }
            if let Some(TargetValue::Quantity { number, .. }) = row.target.as_mut()
                && *number > Decimal::ONE
            {
                *number += Decimal::from((k % 9) as i64);
            }
        }
    }
    f
}

fn bench(c: &mut Criterion) {
    let n: usize = std::env::var("JIXIAO_BENCH_FORMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let seed = form_from_json(SEED).unwrap();
    let template = jixiao_domain::template::Registry::default()
        .get(&seed.template.id, None)
        .unwrap()
        .clone();
    let forms: Vec<Form> = (0..n).map(|k| variant(&seed, k)).collect();
    let rows: usize = forms
        .iter()
        .map(|f| f.indicators.annual.rows.len() + f.indicators.long_term.rows.len())
        .sum();
    let started = Instant::now();
    let library = build(&forms, Some(&template)).unwrap();
    println!(
        "library built from {n} forms ({rows} rows) in {:.2} s: {} entries",
        started.elapsed().as_secs_f64(),
        library.entries.len()
    );
    let json = serde_json::to_string(&library).unwrap();
    println!("library file: {} KB", json.len() / 1024);
    let one = variant(&seed, 12_345);
    c.bench_function(
        &format!("aids on one form ({} entries)", library.entries.len()),
        |b| {
            b.iter(|| {
                aids(
                    black_box(&one),
                    black_box(&library),
                    &template,
                    AidOptions::default(),
                )
                .unwrap()
            })
        },
    );
    c.bench_function("library search 满意度", |b| {
        b.iter(|| black_box(&library).search(black_box("满意度")).len())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
