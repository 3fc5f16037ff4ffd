//! Prints the rows the PDF reader recovers from a file, tab-separated like the seed text, with a
//! blank line at each page break, then the cells whose text was cut at their edge (scanned pages
//! are read by OCR when Tesseract is installed):
//! `cargo run -p jixiao-formats --example pdf_rows -- FILE.pdf`.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("用法：pdf_rows FILE.pdf");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("无法读取 {path}：{e}");
        std::process::exit(1)
    });
    match jixiao_formats::import::pdf::read(&bytes, jixiao_formats::import::pdf::Ocr::On) {
        Ok(read) => {
            for cut in &read.cut {
                eprintln!(
                    "截断：第 {} 页「{}」",
                    cut.page,
                    cut.visible.replace('\n', "⏎")
                );
            }
            for row in read.rows {
                if row.after_break {
                    println!();
                }
                println!(
                    "{}",
                    row.cells
                        .iter()
                        .map(|c| c.replace('\n', "⏎"))
                        .collect::<Vec<_>>()
                        .join("\t")
                );
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
