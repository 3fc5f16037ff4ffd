//! Renders a form to PDF and prints timings: the first render (which parses the embedded
//! font), the mean of warm renders of distinct forms (unit name changed each time), and warm
//! renders with typst's memoization cleared first. A changed unit name does not stop typst from
//! replaying the layout of every cell that did not change, so only the last figure is the work
//! a fresh process must do whatever its start-up costs.
//!
//! `cargo run --release -p jixiao-pdf --example render_form -- [FORM.json] [OUT.pdf] [RUNS]`
//! Also the "with jixiao-pdf" binary of the size comparison (see `parse_form.rs`).

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/seed/seed.form.json"
    );
    let input = args.next().unwrap_or_else(|| seed.to_string());
    let output = args.next().unwrap_or_else(|| "form.pdf".to_string());
    let runs: u32 = args.next().map(|r| r.parse()).transpose()?.unwrap_or(20);

    let form: jixiao_domain::Form = serde_json::from_str(&std::fs::read_to_string(&input)?)?;
    let options = jixiao_pdf::PdfOptions::default();

    let start = Instant::now();
    let pdf = jixiao_pdf::render(&form, &options)?;
    let first = start.elapsed();
    std::fs::write(&output, &pdf)?;

    let mut total = std::time::Duration::ZERO;
    let mut best = std::time::Duration::MAX;
    for i in 0..runs {
        let mut f = form.clone();
        f.header.unit_name = format!("{}{i}", form.header.unit_name);
        let start = Instant::now();
        jixiao_pdf::render(&f, &options)?;
        let took = start.elapsed();
        total += took;
        best = best.min(took);
    }
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    println!(
        "pdf: {} bytes, {} pages",
        pdf.len(),
        jixiao_pdf::page_count(&form, &options)?
    );
    println!("first render (font parsed): {:.1} ms", ms(first));
    if runs > 0 {
        println!(
            "warm render, {runs} distinct forms: mean {:.1} ms, best {:.1} ms",
            ms(total / runs),
            ms(best)
        );
    }
    if runs > 0 {
        let mut cleared = Vec::new();
        let mut layout = Vec::new();
        for _ in 0..runs {
            typst::comemo::evict(0);
            let start = Instant::now();
            jixiao_pdf::render(&form, &options)?;
            cleared.push(ms(start.elapsed()));
            typst::comemo::evict(0);
            let start = Instant::now();
            jixiao_pdf::page_count(&form, &options)?;
            layout.push(ms(start.elapsed()));
        }
        println!(
            "warm render, memoization cleared: median {:.1} ms, of which layout {:.1} ms",
            median(&mut cleared),
            median(&mut layout)
        );
    }
    Ok(())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
