//! Runs a page's content stream far enough to know where each glyph and each ruling line is:
//! the graphics state (CTM, q/Q), the text state (Tm, Tf, Tc, Tw, Tz, TL, Ts) and the path
//! operators that draw table borders.

use std::collections::HashMap;

use lopdf::Object;
use lopdf::content::Operation;

use super::fonts::Font;

/// Most operations run on one page.
pub const MAX_OPERATIONS: usize = 2_000_000;
/// Most glyphs kept from one page.
pub const MAX_GLYPHS: usize = 200_000;

/// A placed glyph in page space (PDF points, y upwards).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// Its text (usually one character).
    pub text: String,
    /// Left edge of the glyph's origin.
    pub x: f32,
    /// Baseline.
    pub y: f32,
    /// Advance width.
    pub w: f32,
    /// Font size in page space.
    pub size: f32,
}

impl Glyph {
    /// The middle of the glyph's box (its advance, about a third of its size above the
    /// baseline): the point that decides which cell it is in.
    pub fn centre(&self) -> (f32, f32) {
        (self.x + self.w / 2.0, self.y + self.size * 0.35)
    }
}

/// A horizontal or vertical ruling line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// At `y`, from `x0` to `x1`.
    H { y: f32, x0: f32, x1: f32 },
    /// At `x`, from `y0` to `y1`.
    V { x: f32, y0: f32, y1: f32 },
}

/// An affine matrix `[a b c d e f]`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct M([f32; 6]);

impl M {
    const ID: M = M([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self × other` (apply self first, then other).
    fn mul(self, o: M) -> M {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = o.0;
        M([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn apply(self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    fn translate(x: f32, y: f32) -> M {
        M([1.0, 0.0, 0.0, 1.0, x, y])
    }
}

#[derive(Debug, Clone)]
struct State {
    ctm: M,
    font: Option<Vec<u8>>,
    size: f32,
    char_space: f32,
    word_space: f32,
    scale: f32,
    leading: f32,
    rise: f32,
    /// The clipping area's bounding box in page space (`x0, y0, x1, y1`), when one was set.
    clip: Option<[f32; 4]>,
}

/// What one page yields.
#[derive(Debug, Default)]
pub struct PageContent {
    /// Glyphs in drawing order.
    pub glyphs: Vec<Glyph>,
    /// Ruling lines.
    pub rules: Vec<Rule>,
    /// Glyphs drawn outside the clipping area in force: text a spreadsheet program cut at its
    /// cell's edge. Each with that area (`x0, y0, x1, y1`); they are not in `glyphs`.
    pub clipped: Vec<(Glyph, [f32; 4])>,
}

/// Most clipped glyphs kept from one page (only their areas matter).
const MAX_CLIPPED: usize = 10_000;

/// True when a glyph's centre lies outside `clip` (with half a point of tolerance).
fn outside(clip: [f32; 4], (cx, cy): (f32, f32)) -> bool {
    cx < clip[0] - 0.5 || cx > clip[2] + 0.5 || cy < clip[1] - 0.5 || cy > clip[3] + 0.5
}

/// Where a glyph's advance ends and which way its baseline runs (a unit vector), in page space.
#[derive(Debug, Clone, Copy)]
struct Placed {
    end: (f32, f32),
    dir: (f32, f32),
}

/// A quarter turn of the page: maps `(x, y)` so that text running in the page's main direction
/// runs left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Turn {
    None,
    /// Text runs upwards (content turned a quarter anticlockwise).
    Up,
    /// Text runs right to left, upside down.
    Back,
    /// Text runs downwards.
    Down,
}

impl Turn {
    fn of(dir: (f32, f32)) -> Turn {
        let (dx, dy) = dir;
        if dx.abs() >= dy.abs() {
            if dx >= 0.0 { Turn::None } else { Turn::Back }
        } else if dy > 0.0 {
            Turn::Up
        } else {
            Turn::Down
        }
    }

    fn apply(self, (x, y): (f32, f32)) -> (f32, f32) {
        match self {
            Turn::None => (x, y),
            Turn::Up => (y, -x),
            Turn::Back => (-x, -y),
            Turn::Down => (-y, x),
        }
    }

    fn rule(self, r: Rule) -> Rule {
        let (a, b) = match r {
            Rule::H { y, x0, x1 } => ((x0, y), (x1, y)),
            Rule::V { x, y0, y1 } => ((x, y0), (x, y1)),
        };
        let (a, b) = (self.apply(a), self.apply(b));
        if (a.1 - b.1).abs() < (a.0 - b.0).abs() {
            Rule::H {
                y: (a.1 + b.1) / 2.0,
                x0: a.0.min(b.0),
                x1: a.0.max(b.0),
            }
        } else {
            Rule::V {
                x: (a.0 + b.0) / 2.0,
                y0: a.1.min(b.1),
                y1: a.1.max(b.1),
            }
        }
    }

    fn area(self, a: [f32; 4]) -> [f32; 4] {
        let (p, q) = (self.apply((a[0], a[1])), self.apply((a[2], a[3])));
        [p.0.min(q.0), p.1.min(q.1), p.0.max(q.0), p.1.max(q.1)]
    }

    fn glyph(self, g: &mut Glyph, placed: Placed) {
        let (x, y) = self.apply((g.x, g.y));
        let (x2, _) = self.apply(placed.end);
        *g = Glyph {
            text: std::mem::take(&mut g.text),
            x,
            y,
            w: (x2 - x).abs(),
            size: g.size,
        };
    }
}

/// Turns a page whose text mostly runs another way than left to right (a landscape page printed
/// on a portrait sheet, a page scanned sideways) so that it does: the glyphs, the rules and the
/// clipping areas all turn with it.
fn upright(out: &mut PageContent, glyphs: &[Placed], clipped: &[Placed]) {
    let mut votes = [0usize; 4];
    for p in glyphs.iter().chain(clipped) {
        votes[Turn::of(p.dir) as usize] += 1;
    }
    let turns = [Turn::None, Turn::Up, Turn::Back, Turn::Down];
    // A tie keeps the page as it is.
    let best = (0..4).max_by_key(|&i| (votes[i], i == 0)).unwrap_or(0);
    let turn = turns[best];
    if turn == Turn::None {
        return;
    }
    for (g, p) in out.glyphs.iter_mut().zip(glyphs) {
        turn.glyph(g, *p);
    }
    for ((g, area), p) in out.clipped.iter_mut().zip(clipped) {
        turn.glyph(g, *p);
        *area = turn.area(*area);
    }
    for r in &mut out.rules {
        *r = turn.rule(*r);
    }
}

/// The bounding box of a path, if it has any segment.
fn bbox(path: &[Segment]) -> Option<[f32; 4]> {
    let mut pts = path.iter().flat_map(|&(a, b)| [a, b]);
    let first = pts.next()?;
    let init = [first.0, first.1, first.0, first.1];
    Some(pts.fold(init, |[x0, y0, x1, y1], (x, y)| {
        [x0.min(x), y0.min(y), x1.max(x), y1.max(y)]
    }))
}

/// Interprets the operations of one page.
pub fn run(ops: &[Operation], fonts: &HashMap<Vec<u8>, Font>) -> PageContent {
    let mut out = PageContent::default();
    let mut gs = State {
        ctm: M::ID,
        font: None,
        size: 0.0,
        char_space: 0.0,
        word_space: 0.0,
        scale: 1.0,
        leading: 0.0,
        rise: 0.0,
        clip: None,
    };
    // `W` / `W*` make the current path the clip once it is painted (usually by `n`).
    let mut clip_pending = false;
    let (mut placed_glyphs, mut clipped_placed): (Vec<Placed>, Vec<Placed>) =
        (Vec::new(), Vec::new());
    let mut stack: Vec<State> = Vec::new();
    let mut tm = M::ID;
    let mut tlm = M::ID;
    let mut path: Vec<Segment> = Vec::new();
    let mut current: Option<(f32, f32)> = None;
    let mut start: Option<(f32, f32)> = None;
    let fallback = Font::read(&lopdf::Document::new(), &lopdf::Dictionary::new());
    for op in ops.iter().take(MAX_OPERATIONS) {
        let n = |i: usize| {
            op.operands
                .get(i)
                .and_then(|o| o.as_float().ok())
                .unwrap_or(0.0)
        };
        match op.operator.as_str() {
            "q" if stack.len() < 64 => stack.push(gs.clone()),
            "Q" => {
                if let Some(s) = stack.pop() {
                    gs = s;
                }
            }
            "cm" => gs.ctm = M([n(0), n(1), n(2), n(3), n(4), n(5)]).mul(gs.ctm),
            "BT" => {
                tm = M::ID;
                tlm = M::ID;
            }
            "Tf" => {
                gs.font = op
                    .operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .map(<[u8]>::to_vec);
                gs.size = n(1);
            }
            "Tc" => gs.char_space = n(0),
            "Tw" => gs.word_space = n(0),
            "Tz" => gs.scale = n(0) / 100.0,
            "TL" => gs.leading = n(0),
            "Ts" => gs.rise = n(0),
            "Td" => {
                tlm = M::translate(n(0), n(1)).mul(tlm);
                tm = tlm;
            }
            "TD" => {
                gs.leading = -n(1);
                tlm = M::translate(n(0), n(1)).mul(tlm);
                tm = tlm;
            }
            "Tm" => {
                tlm = M([n(0), n(1), n(2), n(3), n(4), n(5)]);
                tm = tlm;
            }
            "T*" => {
                tlm = M::translate(0.0, -gs.leading).mul(tlm);
                tm = tlm;
            }
            "Tj" | "'" | "\"" | "TJ" => {
                if op.operator == "'" || op.operator == "\"" {
                    if op.operator == "\"" {
                        gs.word_space = n(0);
                        gs.char_space = n(1);
                    }
                    tlm = M::translate(0.0, -gs.leading).mul(tlm);
                    tm = tlm;
                }
                let font = gs
                    .font
                    .as_ref()
                    .and_then(|f| fonts.get(f))
                    .unwrap_or(&fallback);
                let items: Vec<&Object> = match op.operator.as_str() {
                    "TJ" => op
                        .operands
                        .first()
                        .and_then(|o| o.as_array().ok())
                        .map(|a| a.iter().collect())
                        .unwrap_or_default(),
                    _ => op.operands.last().into_iter().collect(),
                };
                for item in items {
                    match item {
                        Object::String(bytes, _) => {
                            for code in font.codes(bytes) {
                                let trm = M([gs.size * gs.scale, 0.0, 0.0, gs.size, 0.0, gs.rise])
                                    .mul(tm)
                                    .mul(gs.ctm);
                                let (x, y) = trm.apply(0.0, 0.0);
                                let size = (trm.0[2].powi(2) + trm.0[3].powi(2)).sqrt();
                                let mut adv = font.width(code) / 1000.0 * gs.size + gs.char_space;
                                if font.code_bytes == 1 && code == 32 {
                                    adv += gs.word_space;
                                }
                                adv *= gs.scale;
                                let (x2, y2) =
                                    M::translate(adv, 0.0).mul(tm).mul(gs.ctm).apply(0.0, 0.0);
                                let text = font.text(code);
                                if out.glyphs.len() < MAX_GLYPHS
                                    && !text.trim().is_empty()
                                    && x.is_finite()
                                    && y.is_finite()
                                {
                                    // The glyph's baseline direction and its centre, in page
                                    // space (text may be drawn rotated).
                                    let (a, b) = (trm.0[0], trm.0[1]);
                                    let norm = (a * a + b * b).sqrt();
                                    let dir = if norm > 0.0 && norm.is_finite() {
                                        (a / norm, b / norm)
                                    } else {
                                        (1.0, 0.0)
                                    };
                                    let advance = ((x2 - x).powi(2) + (y2 - y).powi(2)).sqrt();
                                    let centre = (
                                        x + dir.0 * advance / 2.0 - dir.1 * size * 0.35,
                                        y + dir.1 * advance / 2.0 + dir.0 * size * 0.35,
                                    );
                                    let glyph = Glyph {
                                        text,
                                        x,
                                        y,
                                        w: (x2 - x).abs(),
                                        size,
                                    };
                                    let placed = Placed { end: (x2, y2), dir };
                                    match gs.clip {
                                        Some(clip) if outside(clip, centre) => {
                                            if out.clipped.len() < MAX_CLIPPED {
                                                out.clipped.push((glyph, clip));
                                                clipped_placed.push(placed);
                                            }
                                        }
                                        _ => {
                                            out.glyphs.push(glyph);
                                            placed_glyphs.push(placed);
                                        }
                                    }
                                }
                                tm = M::translate(adv, 0.0).mul(tm);
                            }
                        }
                        other => {
                            let k = other.as_float().unwrap_or(0.0);
                            tm = M::translate(-k / 1000.0 * gs.size * gs.scale, 0.0).mul(tm);
                        }
                    }
                }
            }
            "m" => {
                let p = gs.ctm.apply(n(0), n(1));
                current = Some(p);
                start = Some(p);
            }
            "l" => {
                let p = gs.ctm.apply(n(0), n(1));
                if let Some(c) = current {
                    path.push((c, p));
                }
                current = Some(p);
            }
            "h" => {
                if let (Some(c), Some(s)) = (current, start) {
                    path.push((c, s));
                    current = Some(s);
                }
            }
            "re" => {
                let (x, y, w, h) = (n(0), n(1), n(2), n(3));
                let pts = [
                    gs.ctm.apply(x, y),
                    gs.ctm.apply(x + w, y),
                    gs.ctm.apply(x + w, y + h),
                    gs.ctm.apply(x, y + h),
                ];
                for k in 0..4 {
                    path.push((pts[k], pts[(k + 1) % 4]));
                }
                current = Some(pts[0]);
                start = Some(pts[0]);
            }
            "W" | "W*" => clip_pending = true,
            "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" | "n" => {
                if op.operator != "n" {
                    let filled = !matches!(op.operator.as_str(), "S" | "s");
                    add_rules(&mut out.rules, &path, filled);
                }
                if std::mem::take(&mut clip_pending)
                    && let Some(b) = bbox(&path)
                {
                    // The new clip is the intersection with the one in force; a path's bounding
                    // box stands for the path (text outside it is certainly not shown).
                    gs.clip = Some(match gs.clip {
                        Some(c) => [
                            c[0].max(b[0]),
                            c[1].max(b[1]),
                            c[2].min(b[2]),
                            c[3].min(b[3]),
                        ],
                        None => b,
                    });
                }
                path.clear();
                current = None;
            }
            _ => {}
        }
    }
    upright(&mut out, &placed_glyphs, &clipped_placed);
    out
}

/// A straight path segment in page space.
type Segment = ((f32, f32), (f32, f32));

/// Most ruling lines kept from one page.
const MAX_RULES: usize = 100_000;

/// Keeps the horizontal and vertical segments of a painted path. A filled thin rectangle is a
/// line too (some producers draw borders that way); a filled large one (a shaded cell) is not.
fn add_rules(rules: &mut Vec<Rule>, path: &[Segment], filled: bool) {
    if rules.len() >= MAX_RULES {
        return;
    }
    if filled && path.len() == 4 {
        let xs = path.iter().flat_map(|(a, b)| [a.0, b.0]);
        let ys = path.iter().flat_map(|(a, b)| [a.1, b.1]);
        let (x0, x1) = xs.fold((f32::MAX, f32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
        let (y0, y1) = ys.fold((f32::MAX, f32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if y1 - y0 < 2.0 && x1 - x0 > 2.0 {
            rules.push(Rule::H {
                y: (y0 + y1) / 2.0,
                x0,
                x1,
            });
        } else if x1 - x0 < 2.0 && y1 - y0 > 2.0 {
            rules.push(Rule::V {
                x: (x0 + x1) / 2.0,
                y0,
                y1,
            });
        }
        return;
    }
    for &((ax, ay), (bx, by)) in path {
        if rules.len() >= MAX_RULES {
            return;
        }
        if (ay - by).abs() < 0.5 && (ax - bx).abs() > 1.0 {
            rules.push(Rule::H {
                y: (ay + by) / 2.0,
                x0: ax.min(bx),
                x1: ax.max(bx),
            });
        } else if (ax - bx).abs() < 0.5 && (ay - by).abs() > 1.0 {
            rules.push(Rule::V {
                x: (ax + bx) / 2.0,
                y0: ay.min(by),
                y1: ay.max(by),
            });
        }
    }
}

#[cfg(test)]
mod turn_tests {
    use super::*;

    #[test]
    fn each_way_text_can_run_is_turned_to_left_to_right() {
        for (dir, turn) in [
            ((1.0, 0.0), Turn::None),
            ((0.0, 1.0), Turn::Up),
            ((-1.0, 0.0), Turn::Back),
            ((0.0, -1.0), Turn::Down),
        ] {
            assert_eq!(Turn::of(dir), turn);
            // The direction itself, turned, runs along +x.
            let (x, y) = turn.apply(dir);
            assert!((x - 1.0).abs() < 1e-6 && y.abs() < 1e-6, "{turn:?}");
        }
        // A vertical rule of a page drawn sideways is a horizontal one once turned.
        let r = Turn::Up.rule(Rule::V {
            x: 100.0,
            y0: 10.0,
            y1: 50.0,
        });
        assert_eq!(
            r,
            Rule::H {
                y: -100.0,
                x0: 10.0,
                x1: 50.0
            }
        );
    }

    #[test]
    fn a_page_of_upward_text_is_turned() {
        let mut out = PageContent {
            glyphs: vec![Glyph {
                text: "甲".into(),
                x: 100.0,
                y: 200.0,
                w: 0.0,
                size: 10.0,
            }],
            rules: vec![],
            clipped: vec![],
        };
        let placed = [Placed {
            end: (100.0, 210.0),
            dir: (0.0, 1.0),
        }];
        upright(&mut out, &placed, &[]);
        let g = &out.glyphs[0];
        assert_eq!((g.x, g.y, g.w), (200.0, -100.0, 10.0));
    }
}
