//! Import benchmarks: the seed text end to end (parse, build, validate), the seed PDF, and a
//! batch of 100 forms. Run with `cargo bench -p jixiao-formats --bench import`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use jixiao_domain::Registry;
use jixiao_formats::import::{ImportOptions, import_bytes};

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures")
            .join(rel),
    )
    .unwrap()
}

fn end_to_end(registry: &Registry, name: &str, bytes: &[u8]) -> usize {
    let imported = import_bytes(name, bytes, registry, &ImportOptions::default()).unwrap();
    let template = registry.get(&imported.template_id, None).unwrap();
    let findings = jixiao_domain::validate::validate(&imported.form, template);
    imported.form.indicators.annual.rows.len() + findings.len()
}

fn benches(c: &mut Criterion) {
    let registry = Registry::default();
    let text = fixture("seed/seed.txt");
    let pdf = fixture("pdf/seed-portrait.pdf");
    c.bench_function("seed_text_parse_build_validate", |b| {
        b.iter(|| end_to_end(&registry, "seed.txt", black_box(&text)))
    });
    c.bench_function("seed_pdf_parse_build_validate", |b| {
        b.iter(|| end_to_end(&registry, "seed.pdf", black_box(&pdf)))
    });
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.bench_function("100_seed_texts", |b| {
        b.iter(|| {
            (0..100)
                .map(|_| end_to_end(&registry, "seed.txt", black_box(&text)))
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(import, benches);
criterion_main!(import);
