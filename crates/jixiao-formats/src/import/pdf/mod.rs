//! PDF import, in-process with lopdf: decode each page's text with its fonts' ToUnicode maps,
//! place every glyph with the text and graphics matrices, rebuild the table from the ruling
//! lines, and hand the rows to the same assembler as the text importer. A PDF with no text at all
//! is a scan: [`ImportError::NoTextLayer`].

mod fonts;
mod lattice;
mod page;
mod radicals;

use std::collections::HashMap;

use lopdf::{Document, LoadOptions};

use super::rows::SourceRow;
use crate::report::{ImportError, SourceLocation};

/// Most pages read from one PDF.
pub const MAX_PAGES: usize = 200;
/// Largest decompressed content of one page or stream.
pub const MAX_STREAM_BYTES: usize = 8 * 1024 * 1024;

/// Reads a PDF into rows, page by page; the first row of each page after the first is marked as
/// following a page break.
pub fn read_rows(bytes: &[u8]) -> Result<Vec<SourceRow>, ImportError> {
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        ..Default::default()
    };
    let doc =
        Document::load_mem_with_options(bytes, options).map_err(|e| ImportError::Malformed {
            location: SourceLocation::default(),
            message: format!("PDF 文件无法读取（可能已损坏或被截断）：{e}"),
        })?;
    if doc.is_encrypted() {
        return Err(ImportError::UnknownFormat(
            "PDF 已加密，请提供未加密的文件".into(),
        ));
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(ImportError::Malformed {
            location: SourceLocation::default(),
            message: "PDF 中没有页面".into(),
        });
    }
    if pages.len() > MAX_PAGES {
        return Err(ImportError::TooLarge {
            what: format!("PDF 共 {} 页", pages.len()),
            limit: format!("{MAX_PAGES} 页"),
        });
    }
    let mut contents = Vec::new();
    for (&number, &page_id) in &pages {
        let content = doc
            .get_page_content_with_limit(page_id, MAX_STREAM_BYTES)
            .map_err(|e| ImportError::TooLarge {
                what: format!("第 {number} 页的内容（{e}）"),
                limit: format!("{} MB", MAX_STREAM_BYTES / 1024 / 1024),
            })?;
        let Ok(ops) = lopdf::content::Content::decode(&content).map(|c| c.operations) else {
            continue;
        };
        let fonts: HashMap<Vec<u8>, fonts::Font> = doc
            .get_page_fonts(page_id)
            .map(|m| {
                m.into_iter()
                    .map(|(name, dict)| (name, fonts::Font::read(&doc, dict)))
                    .collect()
            })
            .unwrap_or_default();
        contents.push((number, page::run(&ops, &fonts)));
    }
    let glyph_count: usize = contents.iter().map(|(_, c)| c.glyphs.len()).sum();
    let all_rules: Vec<page::Rule> = contents
        .iter()
        .flat_map(|(_, c)| c.rules.iter().copied())
        .collect();
    let xs = lattice::columns(&all_rules);
    let mut out = Vec::new();
    for (number, content) in &contents {
        let rows = lattice::rows(&content.glyphs, &content.rules, &xs);
        for (i, row) in rows.into_iter().enumerate() {
            out.push(SourceRow {
                cells: row.cells,
                loc: SourceLocation {
                    page: Some(*number as usize),
                    ..Default::default()
                },
                after_break: i == 0 && !out.is_empty(),
            });
        }
    }
    if glyph_count == 0 {
        return Err(ImportError::NoTextLayer);
    }
    Ok(out)
}
