//! Scanned pages: each page is rendered to a grey image by poppler's `pdftoppm`, levelled
//! (its skew measured from the ink and undone), its table rules found from long thin runs of
//! ink and erased, and the rest read by Tesseract with the simplified-Chinese model. The words
//! come back with their boxes and confidences; they become glyphs and the rules become ruling
//! lines, in the same page space as a text PDF's, so the table is rebuilt by the same lattice.
//!
//! Both programs are optional: [`available`] says whether they are installed, and how to
//! install them when they are not. Every run has a time limit and works in a private temporary
//! directory, removed afterwards.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use super::page::{Glyph, PageContent, Rule};
use super::raster;
pub use super::raster::Gray;
use crate::report::ImportError;

/// How to get the programs, for messages.
pub const INSTALL_HINT: &str = "请安装 Tesseract 文字识别程序及其简体中文模型和 poppler-utils（Debian/Ubuntu：apt-get install tesseract-ocr tesseract-ocr-chi-sim poppler-utils）";

/// Longest side of a rendered page in pixels: an A4 page at 300 dpi.
pub const PAGE_PIXELS: u32 = 3508;
/// Page space units (points) per pixel: A4's long side over [`PAGE_PIXELS`], so that glyph
/// sizes and rule gaps read like a printed A4 page's whatever the scan's size.
const PT_PER_PX: f32 = 841.89 / PAGE_PIXELS as f32;
/// Most scanned pages read by OCR in one file (a form is 3 to 10 pages).
pub const MAX_OCR_PAGES: usize = 30;
/// Time limit for rendering one page, and for reading one page.
const RENDER_LIMIT: Duration = Duration::from_secs(60);
const READ_LIMIT: Duration = Duration::from_secs(180);
/// Words below this confidence that hold no letter or digit are specks and rule remnants.
const SPECK_CONFIDENCE: f32 = 50.0;
/// A page whose words' mean confidence is below this (percent) was read mostly wrong: its
/// rows are not used.
pub const MIN_PAGE_CONFIDENCE: f32 = 40.0;
/// Words below this confidence are noise whatever they hold.
const MIN_CONFIDENCE: f32 = 0.0;

/// One word as Tesseract read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// Its text, spaces removed.
    pub text: String,
    /// Tesseract's confidence, 0 to 100.
    pub conf: f32,
}

/// What OCR made of one page.
#[derive(Debug, Default)]
pub struct ReadPage {
    /// Glyphs (each word's characters spread over its box) and the table's rules.
    pub content: PageContent,
    /// The words read, in reading order.
    pub words: Vec<Word>,
    /// The skew undone, in degrees.
    pub skew: f32,
}

/// Whether OCR can run here: `Ok` when `pdftoppm` and `tesseract` with `chi_sim` are
/// installed, else why not (with [`INSTALL_HINT`]). Checked once per process.
pub fn available() -> Result<(), String> {
    static CHECK: OnceLock<Result<(), String>> = OnceLock::new();
    CHECK
        .get_or_init(|| {
            let langs = Command::new("tesseract")
                .arg("--list-langs")
                .stdin(Stdio::null())
                .output();
            let langs = match langs {
                Ok(out) => {
                    String::from_utf8_lossy(&out.stdout).into_owned()
                        + &String::from_utf8_lossy(&out.stderr)
                }
                Err(_) => {
                    return Err(format!(
                        "本机没有安装 Tesseract 文字识别程序，{INSTALL_HINT}"
                    ));
                }
            };
            if !langs.lines().any(|l| l.trim() == "chi_sim") {
                return Err(format!(
                    "本机的 Tesseract 没有简体中文模型（chi_sim），{INSTALL_HINT}"
                ));
            }
            let poppler = Command::new("pdftoppm")
                .arg("-v")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            if poppler.is_err() {
                return Err(format!(
                    "本机没有安装 pdftoppm（poppler-utils），{INSTALL_HINT}"
                ));
            }
            Ok(())
        })
        .clone()
}

/// A private temporary directory (mode 0700), removed when dropped.
pub struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    /// Creates one under the system's temporary directory.
    pub fn new() -> Result<Scratch, ImportError> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("jixiao-ocr-{}-{n}", std::process::id()));
        // Readable by this user only: it holds the uploaded form and its page images.
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        // One left by a killed process of the same id goes first.
        let made = builder.create(&dir).or_else(|e| {
            if e.kind() != std::io::ErrorKind::AlreadyExists {
                return Err(e);
            }
            std::fs::remove_dir_all(&dir)?;
            builder.create(&dir)
        });
        made.map_err(|e| failure(format!("无法创建临时目录（{e}）")))?;
        Ok(Scratch { dir })
    }

    /// A path inside it.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn failure(message: String) -> ImportError {
    ImportError::Malformed {
        location: Default::default(),
        message: format!("扫描件文字识别失败：{message}"),
    }
}

/// Runs a program to its end within `limit`, its output thrown away (the programs write to
/// files). Killed when the limit passes.
fn run(cmd: &mut Command, what: &str, limit: Duration) -> Result<(), ImportError> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| failure(format!("无法启动 {what}（{e}）")))?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(failure(format!("{what} 出错退出（{status}）"))),
            Ok(None) if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failure(format!(
                    "{what} 超过 {} 秒未完成，已停止",
                    limit.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(failure(format!("{what} 无法等待（{e}）"))),
        }
    }
}

/// Renders page `number` (1-based) of the PDF at `pdf` to a grey image whose long side is
/// [`PAGE_PIXELS`].
pub fn render(pdf: &Path, number: u32, scratch: &Scratch) -> Result<Gray, ImportError> {
    let base = scratch.path(&format!("page-{number}"));
    run(
        Command::new("pdftoppm")
            .args(["-gray", "-singlefile", "-scale-to"])
            .arg(PAGE_PIXELS.to_string())
            .args(["-f", &number.to_string(), "-l", &number.to_string()])
            .arg(pdf)
            .arg(&base),
        "pdftoppm",
        RENDER_LIMIT,
    )?;
    let file = base.with_extension("pgm");
    let bytes = std::fs::read(&file).map_err(|e| failure(format!("读不到渲染的页面（{e}）")))?;
    let _ = std::fs::remove_file(&file);
    Gray::from_pgm(&bytes).ok_or_else(|| failure(format!("第 {number} 页渲染结果无法读取")))
}

/// A page image made ready for Tesseract: levelled, its table's rules found and erased.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The levelled page with its rules painted white: what Tesseract reads.
    pub image: Gray,
    /// The skew undone, in degrees.
    pub skew: f32,
    /// The grey level below which a pixel is ink.
    pub ink: u8,
    lines: raster::Lines,
}

/// Levels a rendered page, finds its table's rules and erases them (no program is run).
pub fn prepare(img: &Gray) -> Prepared {
    let ink = raster::threshold(img);
    let skew = raster::skew(img, ink, 3.0);
    let mut image = raster::deskew(img, skew);
    // Rules are at least a quarter inch long (a narrow column, a one-line row), at most a
    // 50th of an inch thick; text strokes are shorter, filled areas thicker.
    let found = raster::lines(&image, ink, 75, 12);
    let lines = table_lines(found);
    raster::erase(&mut image, &lines);
    Prepared {
        image,
        skew,
        ink,
        lines,
    }
}

impl Prepared {
    /// The page as glyphs and rules in page space, from Tesseract's TSV output for
    /// [`Prepared::image`]. Any text is accepted: rows that are not level-5 word rows with
    /// numbers where numbers belong are skipped.
    pub fn read(&self, tsv: &str) -> ReadPage {
        let (glyphs, words) = glyphs_of(tsv, self.image.h);
        let to_pt = |px: f32| px * PT_PER_PX;
        let flip = |px: f32| (self.image.h as f32 - px) * PT_PER_PX;
        let mut rules: Vec<Rule> = self
            .lines
            .h
            .iter()
            .map(|l| Rule::H {
                y: flip(l.pos),
                x0: to_pt(l.from as f32),
                x1: to_pt(l.to as f32),
            })
            .collect();
        rules.extend(self.lines.v.iter().map(|l| Rule::V {
            x: to_pt(l.pos),
            y0: flip(l.to as f32),
            y1: flip(l.from as f32),
        }));
        ReadPage {
            content: PageContent {
                glyphs,
                rules,
                clipped: Vec::new(),
            },
            words,
            skew: self.skew,
        }
    }
}

/// Reads one rendered page: [`prepare`]s it, runs Tesseract, and returns glyphs and rules in
/// page space.
pub fn read_page(img: &Gray, number: u32, scratch: &Scratch) -> Result<ReadPage, ImportError> {
    let prepared = prepare(img);
    let image = scratch.path(&format!("ocr-{number}.pgm"));
    std::fs::write(&image, prepared.image.to_pgm())
        .map_err(|e| failure(format!("无法写临时文件（{e}）")))?;
    // For looking at what Tesseract was given: `JIXIAO_OCR_DEBUG_DIR=DIR` keeps a copy.
    if let Some(dir) = std::env::var_os("JIXIAO_OCR_DEBUG_DIR") {
        let _ = std::fs::copy(&image, Path::new(&dir).join(format!("ocr-{number}.pgm")));
        let _ = std::fs::write(
            Path::new(&dir).join(format!("ocr-{number}.txt")),
            format!(
                "threshold {} skew {}\n{:#?}\n",
                prepared.ink, prepared.skew, prepared.lines
            ),
        );
    }
    let base = scratch.path(&format!("ocr-{number}"));
    run(
        Command::new("tesseract")
            .arg(&image)
            .arg(&base)
            // The page as one block of text lines: the table's rows are level once the page
            // is, and words keep their boxes, so cells are rebuilt from the rules as for a
            // text PDF. (Sparse text, `--psm 11`, broke paragraphs into scraps.)
            .args(["-l", "chi_sim", "--psm", &psm()])
            .args(["-c", "preserve_interword_spaces=1"])
            .arg("tsv")
            // One page uses one core; pages are not read in parallel either, so a batch
            // import or a server keeps its other cores.
            .env("OMP_THREAD_LIMIT", "1"),
        "tesseract",
        READ_LIMIT,
    )?;
    let tsv = std::fs::read_to_string(base.with_extension("tsv"))
        .map_err(|e| failure(format!("读不到识别结果（{e}）")))?;
    Ok(prepared.read(&tsv))
}

/// How many clockwise quarter turns set a page upright, by Tesseract's orientation detection
/// (`--psm 0`, its `osd` model): `None` when it is not sure (confidence under 2), finds too
/// little text, or the model is missing. Costs 2–3 s a page, so it is asked only for a page
/// that read badly (a page fed into the scanner sideways reads at ~16 % confidence).
pub fn orientation(img: &Gray, number: u32, scratch: &Scratch) -> Option<u8> {
    const SURE: f32 = 2.0;
    let image = scratch.path(&format!("osd-{number}.pgm"));
    std::fs::write(&image, img.to_pgm()).ok()?;
    let base = scratch.path(&format!("osd-{number}"));
    run(
        Command::new("tesseract")
            .arg(&image)
            .arg(&base)
            .args(["--psm", "0"])
            .env("OMP_THREAD_LIMIT", "1"),
        "tesseract",
        READ_LIMIT,
    )
    .ok()?;
    let osd = std::fs::read_to_string(base.with_extension("osd")).ok()?;
    parse_osd(&osd, SURE)
}

/// Reads `Rotate:` and `Orientation confidence:` from Tesseract's OSD output.
fn parse_osd(osd: &str, sure: f32) -> Option<u8> {
    let field = |name: &str| {
        osd.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse::<f32>().ok())
    };
    let rotate = field("Rotate:")?;
    let confidence = field("Orientation confidence:")?;
    let quarters = (rotate / 90.0).round() as i32;
    (confidence >= sure && (rotate - quarters as f32 * 90.0).abs() < 1.0)
        .then_some(quarters.rem_euclid(4) as u8)
}

/// Tesseract's page segmentation mode: 6 (one block), or `JIXIAO_OCR_PSM` for trials.
fn psm() -> String {
    std::env::var("JIXIAO_OCR_PSM")
        .ok()
        .filter(|v| matches!(v.as_str(), "3" | "4" | "6" | "11" | "12"))
        .unwrap_or_else(|| "6".into())
}

/// Keeps the lines that belong to a table: a horizontal line that meets a vertical one, a
/// vertical line with an end on a horizontal one. Strokes of large characters (a title) meet
/// none.
fn table_lines(found: raster::Lines) -> raster::Lines {
    const NEAR: f32 = 8.0;
    let meets = |h: &raster::Line, v: &raster::Line| {
        v.pos >= h.from as f32 - NEAR
            && v.pos <= h.to as f32 + NEAR
            && h.pos >= v.from as f32 - NEAR
            && h.pos <= v.to as f32 + NEAR
    };
    let v: Vec<raster::Line> = found
        .v
        .iter()
        .copied()
        .filter(|v| {
            found.h.iter().any(|h| {
                meets(h, v)
                    && ((h.pos - v.from as f32).abs() <= NEAR
                        || (h.pos - v.to as f32).abs() <= NEAR)
            })
        })
        .collect();
    let h = found
        .h
        .into_iter()
        .filter(|h| v.iter().any(|v| meets(h, v)))
        .collect();
    raster::Lines { h, v }
}

/// Tesseract's TSV (level-5 rows: words with `left top width height conf text`) as glyphs in
/// page space (each word's characters spread evenly over its box) and as words.
fn glyphs_of(tsv: &str, height_px: usize) -> (Vec<Glyph>, Vec<Word>) {
    // Words with their line (block, paragraph, line numbers) and box, in Tesseract's order.
    type Read<'a> = ((&'a str, &'a str, &'a str), [f32; 4], f32, String);
    let mut read: Vec<Read> = Vec::new();
    for line in tsv.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 12 || f[0] != "5" {
            continue;
        }
        // Tesseract prints plain numbers; `NaN` or `inf` (which parse as f32) are not boxes.
        let num = |i: usize| f[i].trim().parse::<f32>().ok().filter(|v| v.is_finite());
        let (Some(left), Some(top), Some(width), Some(height), Some(conf)) =
            (num(6), num(7), num(8), num(9), num(10))
        else {
            continue;
        };
        let text: String = f[11].chars().filter(|c| !c.is_whitespace()).collect();
        if text.is_empty() || conf < MIN_CONFIDENCE || width <= 0.0 || height <= 0.0 {
            continue;
        }
        let letters = text.chars().any(|c| c.is_alphanumeric());
        if !letters && conf < SPECK_CONFIDENCE {
            continue;
        }
        read.push(((f[2], f[3], f[4]), [left, top, width, height], conf, text));
    }
    // Tesseract's order within a line is right even where its boxes are not (a word's box
    // sometimes spans the next words): a box is cut where the next word of its line starts.
    for i in 0..read.len().saturating_sub(1) {
        let (line, [left, _, width, _], ..) = read[i];
        let (next_line, [next_left, ..], ..) = read[i + 1];
        if line == next_line && next_left > left && left + width > next_left {
            read[i].1[2] = next_left - left;
        }
    }
    let mut glyphs = Vec::new();
    let mut words = Vec::new();
    for (_, [left, top, width, height], conf, text) in read {
        // A word may run over a cell's edge (a label printed over its neighbour glued to the
        // amount beside it): its box is shared out by the characters' usual widths, full
        // width for Chinese, half for digits, letters and ASCII signs.
        let widths: Vec<f32> = text
            .chars()
            .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
            .collect();
        let unit = width * PT_PER_PX / widths.iter().sum::<f32>();
        let size = height * PT_PER_PX;
        let baseline = (height_px as f32 - (top + height)) * PT_PER_PX;
        let mut x = left * PT_PER_PX;
        for (c, cw) in text.chars().zip(&widths) {
            glyphs.push(Glyph {
                text: c.to_string(),
                x,
                y: baseline,
                w: cw * unit,
                size,
            });
            x += cw * unit;
        }
        words.push(Word { text, conf });
    }
    (glyphs, words)
}

/// Moves scanned pages onto one another's columns: a page fed a little to the side has all its
/// vertical rules shifted by the same amount. Each page is moved by the median distance from
/// its vertical rules to the nearest ones of the page with the most, when that is small.
pub fn align(pages: &mut [&mut PageContent]) {
    let xs = |p: &PageContent| -> Vec<f32> {
        p.rules
            .iter()
            .filter_map(|r| match r {
                Rule::V { x, .. } => Some(*x),
                Rule::H { .. } => None,
            })
            .collect()
    };
    let Some(reference) = pages.iter().map(|p| xs(p)).max_by_key(Vec::len) else {
        return;
    };
    if reference.is_empty() {
        return;
    }
    for page in pages.iter_mut() {
        let mut d: Vec<f32> = xs(page)
            .iter()
            .map(|x| {
                reference
                    .iter()
                    .map(|r| r - x)
                    .min_by(|a, b| a.abs().total_cmp(&b.abs()))
                    .unwrap_or(0.0)
            })
            .filter(|d| d.abs() <= 15.0)
            .collect();
        if d.is_empty() {
            continue;
        }
        d.sort_by(f32::total_cmp);
        let shift = d[d.len() / 2];
        if shift.abs() < 0.3 {
            continue;
        }
        for g in &mut page.glyphs {
            g.x += shift;
        }
        for r in &mut page.rules {
            match r {
                Rule::H { x0, x1, .. } => {
                    *x0 += shift;
                    *x1 += shift;
                }
                Rule::V { x, .. } => *x += shift,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orientation_is_read_from_the_osd_output() {
        let osd = "Page number: 0\nOrientation in degrees: 270\nRotate: 90\n\
                   Orientation confidence: 11.57\nScript: Han\nScript confidence: 1.15\n";
        assert_eq!(parse_osd(osd, 2.0), Some(1));
        assert_eq!(
            parse_osd(&osd.replace("Rotate: 90", "Rotate: 270"), 2.0),
            Some(3)
        );
        assert_eq!(
            parse_osd(&osd.replace("Rotate: 90", "Rotate: 0"), 2.0),
            Some(0)
        );
        // Unsure, or not Tesseract's output at all.
        assert_eq!(parse_osd(&osd.replace("11.57", "0.8"), 2.0), None);
        assert_eq!(
            parse_osd("Too few characters. Skipping this page", 2.0),
            None
        );
        assert_eq!(
            parse_osd("Rotate: 45\nOrientation confidence: 9", 2.0),
            None
        );
    }

    #[test]
    fn words_become_glyphs_over_their_boxes() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
            4\t1\t1\t1\t1\t0\t100\t200\t300\t40\t-1\t\n\
            5\t1\t1\t1\t1\t1\t100\t200\t80\t40\t91.5\t整体\n\
            5\t1\t1\t1\t1\t2\t300\t200\t60\t40\t88\t2025\n\
            5\t1\t1\t1\t1\t3\t400\t190\t4\t60\t12\t|\n\
            5\t1\t1\t1\t1\t4\t500\t200\t4\t40\t96\t；\n";
        let (glyphs, words) = glyphs_of(tsv, 3508);
        let text: String = glyphs.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(text, "整体2025；", "the speck `|` at 12 % is dropped");
        assert_eq!(words.len(), 3);
        assert_eq!(
            words[1],
            Word {
                text: "2025".into(),
                conf: 88.0
            }
        );
        // 整 and 体 share the word's box; digits take half a Chinese character's width;
        // baselines are in page space (y upwards).
        assert!((glyphs[1].x - glyphs[0].x - 40.0 * PT_PER_PX).abs() < 1e-3);
        assert!((glyphs[3].x - glyphs[2].x - 15.0 * PT_PER_PX).abs() < 1e-3);
        assert!((glyphs[0].y - (3508.0 - 240.0) * PT_PER_PX).abs() < 1e-3);
    }

    #[test]
    fn a_prepared_page_keeps_its_rules_and_reads_any_text() {
        // A 400 × 300 page: a table of 2 × 2 cells ruled 2 px thick, a word in one cell.
        let (w, h) = (400, 300);
        let mut px = vec![255u8; w * h];
        for y in [40, 150, 260] {
            for x in 20..=380 {
                px[y * w + x] = 0;
                px[(y + 1) * w + x] = 0;
            }
        }
        for x in [20, 200, 380] {
            for y in 40..=261 {
                px[y * w + x] = 0;
                px[y * w + x + 1] = 0;
            }
        }
        for y in 80..100 {
            for x in 60..140 {
                px[y * w + x] = 30;
            }
        }
        let prepared = prepare(&Gray { w, h, px });
        assert_eq!(prepared.skew, 0.0);
        // (horizontal, vertical) rules of a page.
        let rules = |page: &ReadPage| {
            let all = &page.content.rules;
            let h = all.iter().filter(|r| matches!(r, Rule::H { .. })).count();
            (h, all.len() - h)
        };
        // The rules are erased from the image Tesseract reads, the block of text is not.
        let ink = |x: usize, y: usize| prepared.image.px[y * w + x] < prepared.ink;
        assert!(!ink(100, 40) && !ink(20, 100) && ink(100, 90));
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
            5\t1\t1\t1\t1\t1\t60\t80\t80\t20\t90\t部门\n";
        let page = prepared.read(tsv);
        assert_eq!(rules(&page), (3, 3));
        assert_eq!(page.words.len(), 1);
        assert_eq!(page.content.glyphs.len(), 2);
        // Text that is not Tesseract's TSV gives no words, and no panic.
        let header = tsv.lines().next().unwrap_or_default();
        for junk in ["", "\t\t\t", "5\t1\t1\t1\t1\t1\tNaN\t-1\tinf\t1e40\t9\tx"] {
            let page = prepared.read(&format!("{header}\n{junk}\n"));
            assert!(page.words.is_empty(), "{junk:?}");
            assert_eq!(rules(&page), (3, 3));
        }
    }

    #[test]
    fn table_lines_drop_strokes_that_meet_nothing() {
        let line = |pos: f32, from: usize, to: usize| raster::Line {
            pos,
            from,
            to,
            thick: 2,
        };
        let found = raster::Lines {
            // A table's top and bottom, and a title's long stroke.
            h: vec![
                line(100.0, 50, 900),
                line(400.0, 50, 900),
                line(30.0, 300, 420),
            ],
            // The table's sides and a title's vertical stroke.
            v: vec![
                line(50.0, 100, 400),
                line(900.0, 100, 400),
                line(350.0, 5, 85),
            ],
        };
        let kept = table_lines(found);
        assert_eq!(
            kept.h.iter().map(|l| l.pos).collect::<Vec<_>>(),
            vec![100.0, 400.0]
        );
        assert_eq!(
            kept.v.iter().map(|l| l.pos).collect::<Vec<_>>(),
            vec![50.0, 900.0]
        );
    }

    #[test]
    fn pages_fed_to_the_side_are_moved_onto_the_columns() {
        let page = |shift: f32| PageContent {
            glyphs: vec![Glyph {
                text: "字".into(),
                x: 60.0 + shift,
                y: 500.0,
                w: 10.0,
                size: 10.0,
            }],
            rules: [50.0, 150.0, 300.0]
                .iter()
                .map(|&x| Rule::V {
                    x: x + shift,
                    y0: 0.0,
                    y1: 800.0,
                })
                .chain([Rule::H {
                    y: 400.0,
                    x0: 50.0 + shift,
                    x1: 300.0 + shift,
                }])
                .collect(),
            clipped: Vec::new(),
        };
        let (mut a, mut b) = (page(0.0), page(4.0));
        align(&mut [&mut a, &mut b]);
        assert_eq!(b.rules, a.rules);
        assert_eq!(b.glyphs, a.glyphs);
    }
}
