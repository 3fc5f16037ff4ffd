//! Runs parse or validate of the seed N times, for counting CPU cycles with `perf stat` on a
//! busy machine (cycles do not depend on other processes): see docs/benchmarks/core.md.
//! Usage: `cargo run --release -p jixiao-domain --example loop -- parse|validate N`.

use std::hint::black_box;

use jixiao_domain::template::Registry;
use jixiao_domain::{form_from_json, validate};

const SEED: &str = include_str!("../../../fixtures/seed/seed.form.json");

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map_or("validate", String::as_str);
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let form = form_from_json(SEED).unwrap();
    let template = Registry::default().for_form(&form).unwrap().clone();
    let mut count = 0usize;
    for _ in 0..n {
        count += match what {
            "parse" => form_from_json(black_box(SEED))
                .unwrap()
                .indicators
                .annual
                .rows
                .len(),
            "none" => 0,
            _ => validate(black_box(&form), black_box(&template)).len(),
        };
    }
    println!("{what} × {n}: {count}");
}
