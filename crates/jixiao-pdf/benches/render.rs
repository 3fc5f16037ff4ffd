//! Rendering the seed form to PDF with fonts already loaded (warm), the case of a server or a
//! batch export. Run: `cargo bench -p jixiao-pdf --bench render`.

use criterion::{Criterion, criterion_group, criterion_main};
use jixiao_domain::Form;
use jixiao_pdf::{PdfOptions, render};

fn seed() -> Form {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/seed/seed.form.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("seed file")).expect("seed form")
}

fn bench(c: &mut Criterion) {
    let form = seed();
    let options = PdfOptions::default();
    // The first render parses the embedded font; it is timed separately.
    let start = std::time::Instant::now();
    render(&form, &options).expect("seed renders");
    eprintln!(
        "first render (fonts parsed): {:.1} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );

    let mut group = c.benchmark_group("pdf");
    group.sample_size(30);
    // typst memoizes layout: re-rendering an identical form is mostly cache hits. A batch or a
    // server renders different forms, so each iteration changes the unit name (which changes
    // the data the whole document is built from).
    let mut n = 0u64;
    group.bench_function("seed_warm", |b| {
        b.iter(|| {
            n += 1;
            let mut f = form.clone();
            f.header.unit_name = format!("{}{n}", form.header.unit_name);
            render(&f, &options).expect("seed renders")
        })
    });
    group.bench_function("seed_same_form_cached", |b| {
        b.iter(|| render(&form, &options).expect("seed renders"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
