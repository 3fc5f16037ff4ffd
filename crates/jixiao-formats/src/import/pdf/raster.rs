//! The image side of reading a scanned page: a grey page image (PGM, as `pdftoppm -gray`
//! writes it), its ink threshold, its skew, and the ruling lines of its table, found from long
//! thin runs of ink. Pure functions over pixels; the OCR module runs the external programs.

/// A grey image, one byte a pixel (0 black, 255 white), rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gray {
    /// Width in pixels.
    pub w: usize,
    /// Height in pixels.
    pub h: usize,
    /// `w × h` pixels.
    pub px: Vec<u8>,
}

/// Most pixels of a page image read (a 300 dpi A3 page is 17.4 M).
pub const MAX_PIXELS: usize = 40_000_000;

impl Gray {
    /// Reads a binary PGM (`P5`, 8-bit). `None` for anything else, or beyond [`MAX_PIXELS`].
    pub fn from_pgm(bytes: &[u8]) -> Option<Gray> {
        let mut fields: Vec<usize> = Vec::with_capacity(3);
        let rest = bytes.strip_prefix(b"P5")?;
        let mut i = 0;
        while fields.len() < 3 {
            let c = *rest.get(i)?;
            if c == b'#' {
                while *rest.get(i)? != b'\n' {
                    i += 1;
                }
            } else if c.is_ascii_digit() {
                let start = i;
                while rest.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                fields.push(std::str::from_utf8(&rest[start..i]).ok()?.parse().ok()?);
                continue;
            } else if !c.is_ascii_whitespace() {
                return None;
            }
            i += 1;
        }
        // One whitespace byte ends the header.
        let data = rest.get(i + 1..)?;
        let (w, h, max) = (fields[0], fields[1], fields[2]);
        if max == 0 || max > 255 || w == 0 || h == 0 || w.checked_mul(h)? > MAX_PIXELS {
            return None;
        }
        let px = data.get(..w * h)?;
        let px = if max == 255 {
            px.to_vec()
        } else {
            px.iter()
                .map(|&p| (p as usize * 255 / max).min(255) as u8)
                .collect()
        };
        Some(Gray { w, h, px })
    }

    /// The image as a binary PGM.
    pub fn to_pgm(&self) -> Vec<u8> {
        let mut out = format!("P5\n{} {}\n255\n", self.w, self.h).into_bytes();
        out.extend_from_slice(&self.px);
        out
    }

    fn at(&self, x: usize, y: usize) -> u8 {
        self.px[y * self.w + x]
    }

    /// The image turned clockwise by `quarters` quarter turns (a page fed into the scanner
    /// sideways or upside down).
    pub fn quarter_turn(&self, quarters: u8) -> Gray {
        let (w, h) = (self.w, self.h);
        match quarters % 4 {
            0 => self.clone(),
            2 => Gray {
                w,
                h,
                px: self.px.iter().rev().copied().collect(),
            },
            q => {
                // Clockwise: the new pixel (x, y) comes from (y, h - 1 - x) of the old image;
                // counter-clockwise from (w - 1 - y, x). The new image is h wide and w high.
                let mut px = Vec::with_capacity(w * h);
                for y in 0..w {
                    for x in 0..h {
                        px.push(if q == 1 {
                            self.at(y, h - 1 - x)
                        } else {
                            self.at(w - 1 - y, x)
                        });
                    }
                }
                Gray { w: h, h: w, px }
            }
        }
    }
}

/// Otsu's threshold: the grey level that best splits the histogram into ink and paper. Pixels
/// darker than it are ink.
pub fn threshold(img: &Gray) -> u8 {
    let mut hist = [0u64; 256];
    for &p in &img.px {
        hist[p as usize] += 1;
    }
    let total = img.px.len() as f64;
    let sum: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &n)| i as f64 * n as f64)
        .sum();
    let (mut w0, mut sum0, mut best, mut best_t) = (0.0f64, 0.0f64, -1.0f64, 128u8);
    for (t, &n) in hist.iter().enumerate() {
        w0 += n as f64;
        sum0 += t as f64 * n as f64;
        let w1 = total - w0;
        if w0 == 0.0 || w1 == 0.0 {
            continue;
        }
        let (m0, m1) = (sum0 / w0, (sum - sum0) / w1);
        let between = w0 * w1 * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            best_t = t as u8;
        }
    }
    // A blank page has one peak: keep the ink threshold on the dark side of it.
    best_t.clamp(40, 220)
}

/// The page's skew in degrees (within ±`range`): the angle whose slanted rows gather the ink
/// most sharply, since table rules and text lines are horizontal on the original. Positive when
/// the content runs down to the right.
pub fn skew(img: &Gray, ink: u8, range: f32) -> f32 {
    // Ink pixels of every third column are plenty. Every row is taken: skipping rows would
    // make the level angle look best (its rows fall on half the bins, any other angle's on
    // all of them).
    let mut dots: Vec<(f32, f32)> = Vec::new();
    for y in 0..img.h {
        for x in (0..img.w).step_by(3) {
            if img.at(x, y) < ink {
                dots.push((x as f32, y as f32));
            }
        }
    }
    if dots.len() < 100 {
        return 0.0;
    }
    let score = |deg: f32| -> f64 {
        let t = deg.to_radians().tan();
        let pad = (img.w as f32 * t.abs()).ceil() as usize + 2;
        let mut profile = vec![0u32; img.h + 2 * pad];
        for &(x, y) in &dots {
            let i = (y - x * t).round() as isize + pad as isize;
            if let Some(n) = usize::try_from(i).ok().and_then(|i| profile.get_mut(i)) {
                *n += 1;
            }
        }
        profile.iter().map(|&n| (n as f64) * (n as f64)).sum()
    };
    // Ties (a thin page barely changes between neighbouring angles) go to the smaller angle.
    let search = |from: f32, to: f32, step: f32| -> f32 {
        let mut best = (f64::MIN, 0.0f32);
        let steps = ((to - from) / step).round() as i32;
        for i in 0..=steps {
            let a = from + i as f32 * step;
            let s = score(a);
            if s > best.0 || (s == best.0 && a.abs() < best.1.abs()) {
                best = (s, a);
            }
        }
        best.1
    };
    let coarse = search(-range, range, 0.2);
    let fine = search(coarse - 0.2, coarse + 0.2, 0.02);
    if fine.abs() < 0.02 { 0.0 } else { fine }
}

/// The image turned by `-deg` about its centre so that a skew of `deg` becomes level
/// (bilinear, so that strokes keep smooth edges for OCR; what comes in from outside is paper).
pub fn deskew(img: &Gray, deg: f32) -> Gray {
    if deg == 0.0 {
        return img.clone();
    }
    let (s, c) = deg.to_radians().sin_cos();
    let (cx, cy) = (img.w as f32 / 2.0, img.h as f32 / 2.0);
    let mut px = vec![255u8; img.w * img.h];
    let (w1, h1) = (img.w as f32 - 1.0, img.h as f32 - 1.0);
    for y in 0..img.h {
        let dy = y as f32 - cy;
        for x in 0..img.w {
            let dx = x as f32 - cx;
            let sx = cx + dx * c - dy * s;
            let sy = cy + dx * s + dy * c;
            if sx < 0.0 || sy < 0.0 || sx >= w1 || sy >= h1 {
                continue;
            }
            let (x0, y0) = (sx as usize, sy as usize);
            let (fx, fy) = (sx - x0 as f32, sy - y0 as f32);
            let p = |xx: usize, yy: usize| img.at(xx, yy) as f32;
            let top = p(x0, y0) * (1.0 - fx) + p(x0 + 1, y0) * fx;
            let bottom = p(x0, y0 + 1) * (1.0 - fx) + p(x0 + 1, y0 + 1) * fx;
            px[y * img.w + x] = (top * (1.0 - fy) + bottom * fy).round() as u8;
        }
    }
    Gray {
        w: img.w,
        h: img.h,
        px,
    }
}

/// A ruling line found in the image, in pixels: its centre line `pos` (y for a horizontal
/// line, x for a vertical one) from `from` to `to` along it, and its thickness.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    /// Position across the line (centre).
    pub pos: f32,
    /// Start along the line.
    pub from: usize,
    /// End along the line (inclusive).
    pub to: usize,
    /// Rows (or columns) of ink across it.
    pub thick: usize,
}

/// The ruling lines of a page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lines {
    /// Horizontal lines (`pos` is y).
    pub h: Vec<Line>,
    /// Vertical lines (`pos` is x).
    pub v: Vec<Line>,
}

/// Finds horizontal and vertical ruling lines: runs of ink at least `min_len` pixels long,
/// stacked into lines at most `max_thick` pixels thick. A thick run is a filled area or a heavy
/// stroke, not a rule. Gaps of up to two pixels (grain, JPEG) are bridged.
pub fn lines(img: &Gray, ink: u8, min_len: usize, max_thick: usize) -> Lines {
    let (w, h) = (img.w, img.h);
    let mask: Vec<bool> = img.px.iter().map(|&p| p < ink).collect();
    let at = |x: usize, y: usize| mask[y * w + x];
    let horizontal = runs(h, w, |y, x| at(x, y), min_len, max_thick);
    let vertical = runs(w, h, at, min_len, max_thick);
    Lines {
        h: horizontal,
        v: vertical,
    }
}

/// Long runs along each of `n` lanes of `len` pixels, stacked over neighbouring lanes.
fn runs(
    n: usize,
    len: usize,
    ink: impl Fn(usize, usize) -> bool,
    min_len: usize,
    max_thick: usize,
) -> Vec<Line> {
    const GAP: usize = 2;
    // Open stacks: (first lane, last lane, from, to).
    let mut open: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut out = Vec::new();
    let close = |(first, last, from, to): (usize, usize, usize, usize), out: &mut Vec<Line>| {
        let thick = last - first + 1;
        if thick <= max_thick {
            out.push(Line {
                pos: (first + last) as f32 / 2.0,
                from,
                to,
                thick,
            });
        }
    };
    for lane in 0..n {
        let mut found: Vec<(usize, usize)> = Vec::new();
        let mut i = 0;
        while i < len {
            if !ink(lane, i) {
                i += 1;
                continue;
            }
            let start = i;
            let mut end = i;
            let mut j = i + 1;
            while j < len && j <= end + GAP + 1 {
                if ink(lane, j) {
                    end = j;
                }
                j += 1;
            }
            if end + 1 - start >= min_len {
                found.push((start, end));
            }
            i = end + 1;
        }
        let mut next_open = Vec::with_capacity(open.len() + found.len());
        let mut used = vec![false; open.len()];
        for (from, to) in found {
            // Continue a stack from the previous lane that overlaps most of this run.
            let hit = open.iter().position(|&(_, last, f, t)| {
                last + 1 == lane && from.max(f) + (to - from).min(t - f) / 2 <= to.min(t)
            });
            match hit {
                Some(k) if !used[k] => {
                    used[k] = true;
                    let (first, _, f, t) = open[k];
                    next_open.push((first, lane, f.min(from), t.max(to)));
                }
                _ => next_open.push((lane, lane, from, to)),
            }
        }
        for (k, s) in open.into_iter().enumerate() {
            if !used[k] {
                close(s, &mut out);
            }
        }
        open = next_open;
    }
    for s in open {
        close(s, &mut out);
    }
    out
}

/// Paints the lines white (with two pixels to spare on each side: the grey edges a scan
/// leaves), so that OCR reads the text between them and not the rules as `|`, `一` or `”`.
pub fn erase(img: &mut Gray, lines: &Lines) {
    let w = img.w;
    for l in &lines.h {
        let half = l.thick / 2 + 2;
        let y0 = (l.pos as usize).saturating_sub(half);
        let y1 = ((l.pos as usize) + half).min(img.h - 1);
        for y in y0..=y1 {
            img.px[y * w + l.from..=y * w + l.to.min(w - 1)].fill(255);
        }
    }
    for l in &lines.v {
        let half = l.thick / 2 + 2;
        let x0 = (l.pos as usize).saturating_sub(half);
        let x1 = ((l.pos as usize) + half).min(w - 1);
        for y in l.from..=l.to.min(img.h - 1) {
            img.px[y * w + x0..=y * w + x1].fill(255);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A white page with a 3 × 2 grid of 2-pixel rules and a block of "text" in one cell.
    fn grid(w: usize, h: usize) -> Gray {
        let mut px = vec![255u8; w * h];
        for &y in &[50usize, 150, 250] {
            for x in 40..=360 {
                px[y * w + x] = 0;
                px[(y + 1) * w + x] = 0;
            }
        }
        for &x in &[40usize, 200, 360] {
            for y in 50..=251 {
                px[y * w + x] = 0;
                px[y * w + x + 1] = 0;
            }
        }
        // Three "characters" 30 pixels wide, 10 apart, with strokes across them.
        for y in 90..120 {
            for x in 60..170 {
                if (x - 60) % 40 < 30 && (y % 6 < 2 || x % 9 < 2) {
                    px[y * w + x] = 20;
                }
            }
        }
        Gray { w, h, px }
    }

    #[test]
    fn quarter_turns_compose_to_the_identity() {
        // 3 wide, 2 high: a b c / d e f.
        let img = Gray {
            w: 3,
            h: 2,
            px: b"abcdef".to_vec(),
        };
        let cw = img.quarter_turn(1);
        // Clockwise, the left column read bottom up becomes the top row: d a / e b / f c.
        assert_eq!((cw.w, cw.h), (2, 3));
        assert_eq!(cw.px, b"daebfc");
        assert_eq!(img.quarter_turn(2).px, b"fedcba");
        assert_eq!(img.quarter_turn(3).px, b"cfbead");
        assert_eq!(cw.quarter_turn(3), img);
        assert_eq!(img.quarter_turn(2).quarter_turn(2), img);
        assert_eq!(img.quarter_turn(4), img);
    }

    #[test]
    fn pgm_round_trip_and_refusals() {
        let img = grid(400, 300);
        assert_eq!(Gray::from_pgm(&img.to_pgm()), Some(img.clone()));
        assert_eq!(
            Gray::from_pgm(b"P5\n# made by hand\n2 1\n255\n\x00\xff"),
            Some(Gray {
                w: 2,
                h: 1,
                px: vec![0, 255]
            })
        );
        assert_eq!(Gray::from_pgm(b"P6\n2 1\n255\n\x00\xff"), None);
        assert_eq!(Gray::from_pgm(b"P5\n2 1\n255\n\x00"), None, "short data");
        assert_eq!(
            Gray::from_pgm(b"P5\n99999 99999\n255\n"),
            None,
            "too many pixels"
        );
        assert_eq!(Gray::from_pgm(b"P5\n"), None);
    }

    #[test]
    fn finds_the_rules_and_not_the_text() {
        let img = grid(400, 300);
        let ink = threshold(&img);
        assert!((20..255).contains(&ink), "{ink}");
        let found = lines(&img, ink, 60, 6);
        let ys: Vec<f32> = found.h.iter().map(|l| l.pos).collect();
        let xs: Vec<f32> = found.v.iter().map(|l| l.pos).collect();
        assert_eq!(ys, vec![50.5, 150.5, 250.5]);
        assert_eq!(xs, vec![40.5, 200.5, 360.5]);
        assert!(
            found
                .h
                .iter()
                .all(|l| l.from == 40 && l.to == 361 && l.thick == 2)
        );
        let mut erased = img.clone();
        erase(&mut erased, &found);
        // The rules are gone, the text block is not.
        assert!(erased.px[50 * 400 + 100] == 255 && erased.px[100 * 400 + 40] == 255);
        assert_eq!(erased.px[90 * 400 + 60], 20);
    }

    #[test]
    fn measures_and_undoes_a_skew() {
        let img = grid(400, 300);
        assert_eq!(skew(&img, 128, 3.0), 0.0);
        // Turn the grid by 1.5° (content running down to the right), then measure it back.
        let turned = deskew(&img, -1.5);
        let measured = skew(&turned, 128, 3.0);
        assert!((measured - 1.5).abs() <= 0.1, "{measured}");
        let level = deskew(&turned, measured);
        let found = lines(&level, 128, 60, 6);
        assert_eq!(found.h.len(), 3, "{:?}", found.h);
    }
}
