//! PDF import, in-process with lopdf: decode each page's text with its fonts' ToUnicode maps,
//! place every glyph with the text and graphics matrices, rebuild the table from the ruling
//! lines, and hand the rows to the same assembler as the text importer. A PDF with no text at all
//! is a scan: [`ImportError::NoTextLayer`].
//!
//! Bounds hold per stream ([`MAX_STREAM_BYTES`]), per page ([`page::MAX_GLYPHS`] and the like)
//! and for the whole document: its size, its objects (counted in the raw bytes before lopdf
//! parses them, and again while it loads them), the bytes decoded from all its streams, and the
//! glyphs and ruling lines of all its pages. Each is refused with [`ImportError::TooLarge`].

mod bounds;
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
/// Largest PDF read, in bytes.
pub const MAX_TOTAL_BYTES: usize = 64 * 1024 * 1024;
/// Most objects in one PDF: indirect objects in the file, and members of its object streams.
pub const MAX_OBJECTS: usize = 200_000;
/// Most bytes decoded from all the streams of one PDF (object streams while loading, then the
/// content of every page; a content stream shared by pages counts once per page).
pub const MAX_TOTAL_DECODED_BYTES: usize = 64 * 1024 * 1024;
/// Most glyphs placed over all pages.
pub const MAX_TOTAL_GLYPHS: usize = 1_000_000;
/// Most ruling lines (table borders, from lines and rectangles) over all pages.
pub const MAX_TOTAL_RULES: usize = 1_000_000;
pub use bounds::MAX_XREF_ENTRIES;

const MB: usize = 1024 * 1024;

fn objects_too_many(count: impl std::fmt::Display) -> ImportError {
    ImportError::TooLarge {
        what: format!("PDF 含 {count} 个对象"),
        limit: format!("{MAX_OBJECTS} 个对象"),
    }
}

fn decoded_too_many(count: usize) -> ImportError {
    ImportError::TooLarge {
        what: format!("PDF 各数据流解压后共至少 {count} 字节"),
        limit: format!("{} MB", MAX_TOTAL_DECODED_BYTES / MB),
    }
}

/// Loads the document with the whole-document bounds: the raw bytes are counted first, and the
/// load filter counts the objects as lopdf reads them. Also returns the bytes decoded while
/// loading.
fn load(bytes: &[u8]) -> Result<(Document, usize), ImportError> {
    if bytes.len() > MAX_TOTAL_BYTES {
        return Err(ImportError::TooLarge {
            what: format!("PDF 共 {} 字节", bytes.len()),
            limit: format!("{} MB", MAX_TOTAL_BYTES / MB),
        });
    }
    let scan = bounds::scan(bytes);
    if scan.headers > MAX_OBJECTS {
        return Err(objects_too_many(scan.headers));
    }
    if scan.xref_entries > MAX_XREF_ENTRIES {
        return Err(ImportError::TooLarge {
            what: format!("PDF 的交叉引用表共声明 {} 个条目", scan.xref_entries),
            limit: format!("{MAX_XREF_ENTRIES} 个条目"),
        });
    }
    let load_with = |force_reconstruct: bool| {
        bounds::reset();
        let options = LoadOptions {
            max_decompressed_size: Some(MAX_STREAM_BYTES),
            filter: Some(bounds::filter),
            force_reconstruct,
            ..Default::default()
        };
        let doc = Document::load_mem_with_options(bytes, options);
        let state = bounds::state();
        match state.over {
            Some(bounds::Over::Objects) => return Err(objects_too_many(state.objects)),
            Some(bounds::Over::Decoded) => return Err(decoded_too_many(state.decoded)),
            Some(bounds::Over::Stream((n, g))) => {
                return Err(ImportError::TooLarge {
                    what: format!("PDF 的对象流 {n} {g} R 解压后"),
                    limit: format!("{} MB", MAX_STREAM_BYTES / MB),
                });
            }
            None => {}
        }
        let doc = doc.map_err(|e| ImportError::Malformed {
            location: SourceLocation::default(),
            message: format!("PDF 文件无法读取（可能已损坏或被截断）：{e}"),
        })?;
        // Encrypted files are loaded without the filter: count after the fact.
        if doc.objects.len() > MAX_OBJECTS {
            return Err(objects_too_many(doc.objects.len()));
        }
        Ok((doc, state.decoded))
    };
    let loaded = load_with(false)?;
    // lopdf rebuilds a damaged cross-reference table only for unfiltered loads: ask for it, as
    // lopdf does when the page tree did not load.
    if loaded.0.get_pages().is_empty()
        && loaded.0.xref_recovery != Some(lopdf::xref::XrefRecovery::Reconstructed)
        && !loaded.0.trailer.has(b"Encrypt")
    {
        match load_with(true) {
            Ok(rebuilt) if !rebuilt.0.get_pages().is_empty() => return Ok(rebuilt),
            // A bound crossed while rebuilding is still a bound crossed.
            Err(e @ ImportError::TooLarge { .. }) => return Err(e),
            _ => {}
        }
    }
    Ok(loaded)
}

/// Reads a PDF into rows, page by page; the first row of each page after the first is marked as
/// following a page break.
pub fn read_rows(bytes: &[u8]) -> Result<Vec<SourceRow>, ImportError> {
    read(bytes).map(|r| r.rows)
}

/// A cell whose text the PDF's producer cut at the cell's edge (drawn, but outside its clipping
/// area): what shows of it, and its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutCell {
    /// The page (1-based).
    pub page: usize,
    /// The text that shows.
    pub visible: String,
}

/// What a PDF yields: its rows, and the cells whose text was cut.
#[derive(Debug, Clone, Default)]
pub struct PdfRows {
    /// The rows, as [`read_rows`] returns them.
    pub rows: Vec<SourceRow>,
    /// Cells whose text is incomplete on the page.
    pub cut: Vec<CutCell>,
    /// Pages (1-based) that hold images and no text: scanned pages among text pages.
    pub image_pages: Vec<usize>,
}

/// Reads a PDF into rows, and finds the cells whose text was cut at their edge.
pub fn read(bytes: &[u8]) -> Result<PdfRows, ImportError> {
    let (doc, mut decoded) = load(bytes)?;
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
    let mut image_pages = Vec::new();
    let (mut glyph_count, mut rule_count) = (0usize, 0usize);
    for (&number, &page_id) in &pages {
        let content = doc
            .get_page_content_with_limit(page_id, MAX_STREAM_BYTES)
            .map_err(|e| ImportError::TooLarge {
                what: format!("第 {number} 页的内容（{e}）"),
                limit: format!("{} MB", MAX_STREAM_BYTES / MB),
            })?;
        decoded = decoded.saturating_add(content.len());
        if decoded > MAX_TOTAL_DECODED_BYTES {
            return Err(decoded_too_many(decoded));
        }
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
        let page = page::run(&ops, &fonts);
        glyph_count += page.glyphs.len();
        rule_count += page.rules.len();
        if glyph_count > MAX_TOTAL_GLYPHS {
            return Err(ImportError::TooLarge {
                what: format!("PDF 至第 {number} 页共 {glyph_count} 个字形"),
                limit: format!("{MAX_TOTAL_GLYPHS} 个字形"),
            });
        }
        if rule_count > MAX_TOTAL_RULES {
            return Err(ImportError::TooLarge {
                what: format!("PDF 至第 {number} 页共 {rule_count} 条表格线"),
                limit: format!("{MAX_TOTAL_RULES} 条表格线"),
            });
        }
        // A page of images and no text in a PDF that has text elsewhere: a scanned page.
        if page.glyphs.is_empty()
            && page.clipped.is_empty()
            && ops
                .iter()
                .any(|op| op.operator == "Do" || op.operator == "BI")
        {
            image_pages.push(number as usize);
        }
        contents.push((number, page));
    }
    let all_rules: Vec<page::Rule> = contents
        .iter()
        .flat_map(|(_, c)| c.rules.iter().copied())
        .collect();
    let xs = lattice::columns(&all_rules);
    // From the last page up: a merged cell continued over a page break may have its text
    // printed on the next page only.
    let mut tables: Vec<lattice::PageTable> = Vec::with_capacity(contents.len());
    for (_, content) in contents.iter().rev() {
        let next_top = tables.last().map(|t| t.top_open.as_slice()).unwrap_or(&[]);
        let table = lattice::table(
            &content.glyphs,
            &content.rules,
            &xs,
            &content.clipped,
            next_top,
        );
        tables.push(table);
    }
    tables.reverse();
    let mut out = Vec::new();
    let mut cut = Vec::new();
    for ((number, _), table) in contents.iter().zip(tables) {
        cut.extend(table.cuts.into_iter().map(|visible| CutCell {
            page: *number as usize,
            visible,
        }));
        for (i, row) in table.rows.into_iter().enumerate() {
            out.push(SourceRow {
                cells: row.cells,
                loc: SourceLocation {
                    page: Some(*number as usize),
                    ..Default::default()
                },
                after_break: i == 0 && !out.is_empty(),
                cut: row.cut,
            });
        }
    }
    if glyph_count == 0 {
        return Err(ImportError::NoTextLayer);
    }
    Ok(PdfRows {
        rows: out,
        cut,
        image_pages,
    })
}
