//! Office exports of the seed form: XLSX export (goal < 10 ms), XLSX import, blank, HTML, CSV.
//! Run: `cargo bench -p jixiao-formats --bench office`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use jixiao_domain::form::FiscalYear;
use jixiao_domain::{Form, Registry};
use jixiao_formats::html::{HtmlOptions, to_html};
use jixiao_formats::xlsx::{self, BlankOptions, XlsxOptions};

fn seed() -> Form {
    serde_json::from_str(include_str!("../../../fixtures/seed/seed.form.json")).unwrap()
}

fn office(c: &mut Criterion) {
    let form = seed();
    let reg = Registry::default();
    let t = reg.get(&form.template.id, None).unwrap();
    let bytes = xlsx::write_form(&form, Some(t), &XlsxOptions::default()).unwrap();
    c.bench_function("xlsx_export_seed", |b| {
        b.iter(|| xlsx::write_form(black_box(&form), Some(t), &XlsxOptions::default()).unwrap())
    });
    c.bench_function("xlsx_import_seed", |b| {
        b.iter(|| xlsx::read_form(black_box(&bytes), &reg).unwrap())
    });
    let opts = BlankOptions::for_year(FiscalYear::new(2026).unwrap());
    c.bench_function("xlsx_blank", |b| {
        b.iter(|| xlsx::write_blank(black_box(t), &opts).unwrap())
    });
    c.bench_function("html_export_seed", |b| {
        b.iter(|| to_html(black_box(&form), Some(t), &HtmlOptions::default()).unwrap())
    });
    c.bench_function("csv_export_seed", |b| {
        b.iter(|| jixiao_formats::csv::to_csv(black_box(&form)))
    });
}

criterion_group!(benches, office);
criterion_main!(benches);
