//! PDF import, in-process with lopdf: decode each page's text with its fonts' ToUnicode maps,
//! place every glyph with the text and graphics matrices, rebuild the table from the ruling
//! lines, and hand the rows to the same assembler as the text importer. Pages with images and
//! no text are scans: with OCR ([`Ocr::On`], Tesseract installed) they are rendered and read by
//! [`ocr`], whose glyphs and rules go through the same lattice; without it a PDF with no text at
//! all is refused ([`ImportError::NoTextLayer`]).
//!
//! Bounds hold per stream ([`MAX_STREAM_BYTES`]), per page ([`page::MAX_GLYPHS`] and the like)
//! and for the whole document: its size, its objects (counted in the raw bytes before lopdf
//! parses them, and again while it loads them), the bytes decoded from all its streams, and the
//! glyphs and ruling lines of all its pages. Each is refused with [`ImportError::TooLarge`].

mod bounds;
mod fonts;
mod lattice;
pub mod ocr;
mod page;
mod radicals;
mod raster;

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

/// Reads a PDF into rows, page by page (without OCR); the first row of each page after the
/// first is marked as following a page break.
pub fn read_rows(bytes: &[u8]) -> Result<Vec<SourceRow>, ImportError> {
    read(bytes, Ocr::Off).map(|r| r.rows)
}

/// Whether scanned pages are read by OCR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ocr {
    /// Read them when Tesseract is installed.
    On,
    /// Never (the caller asked so, or cannot wait for it).
    Off,
}

/// A page read by OCR: its words with their confidences, and the skew undone.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrPage {
    /// The page (1-based).
    pub page: usize,
    /// The words read, in reading order.
    pub words: Vec<ocr::Word>,
    /// The skew undone, in degrees.
    pub skew: f32,
    /// The quarter turns undone, in degrees clockwise (0, 90, 180 or 270): the page was fed
    /// sideways or upside down.
    pub turned: u16,
    /// False when the page's mean confidence was under [`ocr::MIN_PAGE_CONFIDENCE`]: what was
    /// read is not used.
    pub used: bool,
}

/// The mean of the words' confidences (0 without words).
pub fn mean_confidence(words: &[ocr::Word]) -> f32 {
    if words.is_empty() {
        return 0.0;
    }
    words.iter().map(|w| w.conf).sum::<f32>() / words.len() as f32
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
    /// Pages (1-based) that hold images and no text and were not read by OCR.
    pub image_pages: Vec<usize>,
    /// Why those pages were not read (OCR off or not installed).
    pub image_pages_why: String,
    /// Pages read by OCR.
    pub ocr: Vec<OcrPage>,
    /// Pages in the document.
    pub pages: usize,
    /// True when any page has ruling lines (a table's borders); without them the rows were
    /// read line by line.
    pub ruled: bool,
}

/// Reads a PDF into rows, and finds the cells whose text was cut at their edge; scanned pages
/// are read by OCR when `ocr` is on and Tesseract is installed.
pub fn read(bytes: &[u8], ocr: Ocr) -> Result<PdfRows, ImportError> {
    read_with_progress(bytes, ocr, None)
}

/// [`read`], telling `progress` `(page being read, pages to read)` before each scanned page
/// is read by OCR.
pub fn read_with_progress(
    bytes: &[u8],
    ocr: Ocr,
    progress: Option<&dyn Fn(usize, usize)>,
) -> Result<PdfRows, ImportError> {
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
    // Pages whose object or content stream does not parse (a damaged or hostile file).
    let mut broken_pages = Vec::new();
    let (mut glyph_count, mut rule_count) = (0usize, 0usize);
    for (&number, &page_id) in &pages {
        // A page the page tree names but whose object did not parse.
        if doc.get_dictionary(page_id).is_err() {
            broken_pages.push(number);
            continue;
        }
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
            broken_pages.push(number);
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
    if ocr == Ocr::On && !image_pages.is_empty() {
        refuse_huge_images(&doc)?;
    }
    let (ocr_pages, image_pages_why) =
        scanned_pages(bytes, ocr, &mut contents, &mut image_pages, progress)?;
    glyph_count += ocr_pages
        .iter()
        .filter(|p| p.used)
        .map(|p| p.words.len())
        .sum::<usize>();
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
        let scanned = ocr_pages.iter().any(|p| p.page == *number as usize);
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
                ocr: scanned,
            });
        }
    }
    if glyph_count == 0 {
        if let Some(&first) = broken_pages.first()
            && ocr_pages.is_empty()
            && image_pages.is_empty()
        {
            return Err(ImportError::Malformed {
                location: SourceLocation {
                    page: Some(first as usize),
                    ..Default::default()
                },
                message: format!(
                    "页面内容无法解析（共 {} 页如此），文件可能已损坏或不完整。请重新导出 PDF，或提供原始表格",
                    broken_pages.len()
                ),
            });
        }
        let why = if let Some(best) = ocr_pages
            .iter()
            .map(|p| mean_confidence(&p.words))
            .reduce(f32::max)
            && ocr_pages.iter().any(|p| !p.words.is_empty())
        {
            format!(
                "文字识别（OCR）读出的文字平均置信度最高只有 {best:.0}%（低于 {:.0}%），无法可靠读取：请用更清晰的扫描件（300 dpi 以上、端正、无阴影），或提供可复制文字的 PDF 或原始表格",
                ocr::MIN_PAGE_CONFIDENCE
            )
        } else if !ocr_pages.is_empty() {
            "文字识别（OCR）在扫描页上没有读出文字（页面可能是空白的，或者不是文字）".to_string()
        } else if image_pages_why.is_empty() {
            "请提供可复制文字的 PDF 或原始表格".to_string()
        } else {
            image_pages_why
        };
        return Err(ImportError::NoTextLayer(why));
    }
    Ok(PdfRows {
        rows: out,
        cut,
        image_pages,
        image_pages_why,
        ocr: ocr_pages,
        pages: contents.len(),
        ruled: !all_rules.is_empty(),
    })
}

/// Most pixels of one image read by OCR: a 600 dpi A3 scan. Rendering a larger one would cost
/// unbounded memory in the renderer.
pub const MAX_IMAGE_PIXELS: u64 = 70_000_000;

/// Refuses a PDF holding an image over [`MAX_IMAGE_PIXELS`] before anything is rendered.
fn refuse_huge_images(doc: &Document) -> Result<(), ImportError> {
    for object in doc.objects.values() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        let is_image =
            matches!(stream.dict.get(b"Subtype"), Ok(lopdf::Object::Name(n)) if n == b"Image");
        if !is_image {
            continue;
        }
        let side = |key: &[u8]| {
            stream
                .dict
                .get(key)
                .ok()
                .and_then(|o| o.as_i64().ok())
                .unwrap_or(0)
        };
        let (w, h) = (side(b"Width").max(0) as u64, side(b"Height").max(0) as u64);
        if w.saturating_mul(h) > MAX_IMAGE_PIXELS {
            return Err(ImportError::TooLarge {
                what: format!("扫描页中的图像 {w} × {h} 像素"),
                limit: format!("{} 万像素", MAX_IMAGE_PIXELS / 10_000),
            });
        }
    }
    Ok(())
}

/// Reads the scanned pages (`image_pages`) by OCR when it is on and installed: each page's
/// content is replaced by what OCR found, and the page leaves `image_pages`. Otherwise says why
/// they stay unread.
fn scanned_pages(
    bytes: &[u8],
    mode: Ocr,
    contents: &mut [(u32, page::PageContent)],
    image_pages: &mut Vec<usize>,
    progress: Option<&dyn Fn(usize, usize)>,
) -> Result<(Vec<OcrPage>, String), ImportError> {
    if image_pages.is_empty() {
        return Ok((Vec::new(), String::new()));
    }
    if mode == Ocr::Off {
        return Ok((
            Vec::new(),
            "本次导入未启用文字识别（OCR）：扫描件请用命令行 jixiao import 识别（需安装 Tesseract），再导入得到的 JSON；或提供可复制文字的 PDF 或原始表格".into(),
        ));
    }
    if let Err(why) = ocr::available() {
        return Ok((
            Vec::new(),
            format!("识别扫描件需要文字识别（OCR）：{why}；或提供可复制文字的 PDF 或原始表格"),
        ));
    }
    if image_pages.len() > ocr::MAX_OCR_PAGES {
        return Err(ImportError::TooLarge {
            what: format!("需要文字识别的扫描页共 {} 页", image_pages.len()),
            limit: format!("{} 页", ocr::MAX_OCR_PAGES),
        });
    }
    let scratch = ocr::Scratch::new()?;
    let pdf = scratch.path("scan.pdf");
    std::fs::write(&pdf, bytes).map_err(|e| ImportError::Malformed {
        location: Default::default(),
        message: format!("扫描件文字识别失败：无法写临时文件（{e}）"),
    })?;
    let mut read = Vec::new();
    for (number, content) in contents.iter_mut() {
        if !image_pages.contains(&(*number as usize)) {
            continue;
        }
        if let Some(tell) = progress {
            tell(read.len() + 1, image_pages.len());
        }
        let mut image = ocr::render(&pdf, *number, &scratch)?;
        let mut turned = 0;
        // A landscape image is most often a portrait page fed sideways: asked first, so that
        // it is read once, upright (a landscape form costs the question, 2–3 s).
        if image.w > image.h
            && let Some(quarters @ 1..) = ocr::orientation(&image, *number, &scratch)
        {
            image = image.quarter_turn(quarters);
            turned = u16::from(quarters) * 90;
        }
        let mut page = ocr::read_page(&image, *number, &scratch)?;
        let mut mean = mean_confidence(&page.words);
        // Any other page read badly may have been fed sideways or upside down: turned
        // upright, it is read again, and the better reading kept.
        if mean < ocr::MIN_PAGE_CONFIDENCE
            && turned == 0
            && let Some(quarters @ 1..) = ocr::orientation(&image, *number, &scratch)
        {
            let upright = ocr::read_page(&image.quarter_turn(quarters), *number, &scratch)?;
            let upright_mean = mean_confidence(&upright.words);
            if upright_mean > mean {
                (page, mean, turned) = (upright, upright_mean, u16::from(quarters) * 90);
            }
        }
        // A page read mostly wrong (too blurred, too small) gives rows of noise: none of it
        // is used, and the page is reported.
        *content = if mean >= ocr::MIN_PAGE_CONFIDENCE {
            page.content
        } else {
            page::PageContent::default()
        };
        read.push(OcrPage {
            page: *number as usize,
            words: page.words,
            skew: page.skew,
            turned,
            used: mean >= ocr::MIN_PAGE_CONFIDENCE,
        });
    }
    image_pages.clear();
    let mut scanned: Vec<&mut page::PageContent> = contents
        .iter_mut()
        .filter(|(n, _)| read.iter().any(|p| p.page == *n as usize))
        .map(|(_, c)| c)
        .collect();
    ocr::align(&mut scanned);
    Ok((read, String::new()))
}
