//! The baseline of the binary-size comparison: the same program as `render_form.rs` up to the
//! PDF (read and parse a form), without jixiao-pdf linked in.
//!
//! `cargo build --release -p jixiao-pdf --example parse_form --example render_form`

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let input = std::env::args()
        .nth(1)
        .ok_or("usage: parse_form FORM.json")?;
    let form: jixiao_domain::Form = serde_json::from_str(&std::fs::read_to_string(&input)?)?;
    println!("{} {}", form.header.fiscal_year, form.header.unit_name);
    Ok(())
}
