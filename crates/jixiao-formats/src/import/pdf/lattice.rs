//! Rebuilds a page's table from its ruling lines: the lines cut the page into elementary cells;
//! neighbouring elementary cells with no line between them belong to one merged cell. Each glyph
//! goes to the cell under its centre; a merged cell's text is written at its top-left position
//! and its other positions stay empty, like the extracted text of published forms. Text outside
//! the table becomes rows of its own, cut into cells at wide gaps.

use super::page::{Glyph, Rule};

/// Positions closer than this (points) are the same line.
const SNAP: f32 = 1.5;

/// A row of one page with its vertical position (top of the row, page space).
#[derive(Debug, Clone, PartialEq)]
pub struct PageRow {
    /// Top of the row; rows are emitted from the top of the page down.
    pub top: f32,
    /// The cells, left to right.
    pub cells: Vec<String>,
    /// The cells whose text was cut at their edge (bit `i` for cell `i`).
    pub cut: u64,
}

/// Clusters sorted values into positions at least [`SNAP`] apart.
fn cluster(mut v: Vec<f32>) -> Vec<f32> {
    v.sort_by(f32::total_cmp);
    let mut out: Vec<(f32, usize)> = Vec::new();
    for x in v {
        match out.last_mut() {
            Some((c, n)) if (x - *c / *n as f32).abs() <= SNAP => {
                *c += x;
                *n += 1;
            }
            _ => out.push((x, 1)),
        }
    }
    out.into_iter().map(|(s, n)| s / n as f32).collect()
}

/// The index of the band `[edges[i], edges[i+1])` holding `v` (edges ascending).
fn band(edges: &[f32], v: f32) -> Option<usize> {
    if edges.len() < 2 || v < edges[0] || v > edges[edges.len() - 1] {
        return None;
    }
    Some(
        edges
            .windows(2)
            .position(|w| v >= w[0] && v <= w[1])
            .unwrap_or(edges.len() - 2),
    )
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut r = i;
    while parent[r] != r {
        r = parent[r];
    }
    let mut j = i;
    while parent[j] != r {
        let next = parent[j];
        parent[j] = r;
        j = next;
    }
    r
}

/// Most elementary cells considered on one page.
const MAX_GRID: usize = 20_000;

/// The column positions of a set of rules: the x of every vertical rule, clustered. The PDF
/// reader takes them over the whole document so that a column has the same index on every page.
pub fn columns(rules: &[Rule]) -> Vec<f32> {
    cluster(
        rules
            .iter()
            .filter_map(|r| {
                if let Rule::V { x, .. } = r {
                    Some(*x)
                } else {
                    None
                }
            })
            .collect(),
    )
}

/// Turns one page into rows, with the document's column positions `xs`.
#[cfg(test)]
pub fn rows(glyphs: &[Glyph], rules: &[Rule], xs: &[f32]) -> Vec<PageRow> {
    table(glyphs, rules, xs, &[], &[]).rows
}

/// One page's table.
#[derive(Debug, Clone, Default)]
pub struct PageTable {
    /// The rows, top to bottom.
    pub rows: Vec<PageRow>,
    /// The visible text of each cell whose text was cut at its edge (once per cell).
    pub cuts: Vec<String>,
    /// The text of each merged cell continued from the previous page (open at the top of the
    /// table), by its first column.
    pub top_open: Vec<(usize, String)>,
}

/// Turns one page into rows, and names the cells whose text was cut at their edge: `clipped`
/// holds the glyphs drawn outside their clipping area with that area; the cell under the
/// area's centre lost them. `continued_text` is the next page's [`PageTable::top_open`]: a cell
/// open at the bottom of this page with no text of its own takes the text of its column there.
pub fn table(
    glyphs: &[Glyph],
    rules: &[Rule],
    xs: &[f32],
    clipped: &[(Glyph, [f32; 4])],
    continued_text: &[(usize, String)],
) -> PageTable {
    let xs = xs.to_vec();
    // The ends of vertical rules bound the table too: a merged cell continued on the next page
    // has no closing horizontal rule at the bottom of this one.
    let ys = cluster(
        rules
            .iter()
            .flat_map(|r| match *r {
                Rule::H { y, .. } => vec![y],
                Rule::V { y0, y1, .. } => vec![y0, y1],
            })
            .collect(),
    );
    let (nc, nr) = (xs.len().saturating_sub(1), ys.len().saturating_sub(1));
    if nc == 0 || nr == 0 || nc * nr > MAX_GRID {
        return PageTable {
            rows: free_text(glyphs),
            cuts: shown_in_areas(glyphs, clipped),
            top_open: Vec::new(),
        };
    }
    // Rules indexed by the grid line they lie on, so that each test looks at one line's rules.
    let nearest = |edges: &[f32], v: f32| {
        let i = edges.partition_point(|e| *e < v - SNAP);
        edges.get(i).filter(|e| (**e - v).abs() <= SNAP).map(|_| i)
    };
    let mut v_at: Vec<Vec<(f32, f32)>> = vec![Vec::new(); xs.len()];
    let mut h_at: Vec<Vec<(f32, f32)>> = vec![Vec::new(); ys.len()];
    for r in rules {
        match *r {
            Rule::V { x, y0, y1 } => {
                if let Some(i) = nearest(&xs, x) {
                    v_at[i].push((y0, y1));
                }
            }
            Rule::H { y, x0, x1 } => {
                if let Some(i) = nearest(&ys, y) {
                    h_at[i].push((x0, x1));
                }
            }
        }
    }
    let covers = |segs: &[(f32, f32)], lo: f32, hi: f32| {
        segs.iter().any(|&(a, b)| a <= lo + SNAP && b >= hi - SNAP)
    };
    let covers_v = |xi: usize, y0: f32, y1: f32| covers(&v_at[xi], y0, y1);
    let covers_h = |yi: usize, x0: f32, x1: f32| covers(&h_at[yi], x0, x1);
    // Elementary cell (r, c): row r counted from the top (ys descending), column c from the left.
    let id = |r: usize, c: usize| r * nc + c;
    let mut parent: Vec<usize> = (0..nr * nc).collect();
    for r in 0..nr {
        let (top, bottom) = (ys[nr - r], ys[nr - r - 1]);
        let mid_pad = (top - bottom) * 0.25;
        for c in 0..nc {
            if c + 1 < nc && !covers_v(c + 1, bottom + mid_pad, top - mid_pad) {
                let (a, b) = (find(&mut parent, id(r, c)), find(&mut parent, id(r, c + 1)));
                parent[a] = b;
            }
            if r + 1 < nr {
                let pad = (xs[c + 1] - xs[c]) * 0.25;
                if !covers_h(nr - r - 1, xs[c] + pad, xs[c + 1] - pad) {
                    let (a, b) = (find(&mut parent, id(r, c)), find(&mut parent, id(r + 1, c)));
                    parent[a] = b;
                }
            }
        }
    }
    // Each merged cell: its top-left elementary position.
    let mut top_left = vec![(usize::MAX, usize::MAX); nr * nc];
    for r in 0..nr {
        for c in 0..nc {
            let root = find(&mut parent, id(r, c));
            if (r, c) < top_left[root] {
                top_left[root] = (r, c);
            }
        }
    }
    // A merged cell that runs on over a page break is drawn on each page, clipped to its part
    // there: its clipped text is not lost, it is read as before (see the spill below). Such a
    // cell touches the top or the bottom of the table with no rule closing it.
    let (mut top_open, mut bottom_open): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    for c in 0..nc {
        let pad = (xs[c + 1] - xs[c]) * 0.25;
        if !covers_h(nr, xs[c] + pad, xs[c + 1] - pad) {
            top_open.push(find(&mut parent, id(0, c)));
        }
        if !covers_h(0, xs[c] + pad, xs[c + 1] - pad) {
            bottom_open.push(find(&mut parent, id(nr - 1, c)));
        }
    }
    let open_roots: Vec<usize> = top_open.iter().chain(&bottom_open).copied().collect();
    // Each merged cell's box (x0, y0, x1, y1), for the clips.
    let mut bounds: Vec<Option<[f32; 4]>> = vec![None; nr * nc];
    if !clipped.is_empty() {
        for r in 0..nr {
            for c in 0..nc {
                let root = find(&mut parent, id(r, c));
                let cell = [xs[c], ys[nr - r - 1], xs[c + 1], ys[nr - r]];
                bounds[root] = Some(match bounds[root] {
                    Some(b) => [
                        b[0].min(cell[0]),
                        b[1].min(cell[1]),
                        b[2].max(cell[2]),
                        b[3].max(cell[3]),
                    ],
                    None => cell,
                });
            }
        }
    }
    // The cells that lost text to their clipping area, and clipped text outside the table.
    let mut cut_roots: Vec<usize> = Vec::new();
    let mut cut_outside: Vec<(Glyph, [f32; 4])> = Vec::new();
    let mut continued: Vec<Glyph> = Vec::new();
    for (g, a) in clipped {
        // A clip around the whole table (a page's printable area) is not a cell's edge.
        if a[0] <= xs[0] + SNAP
            && a[2] >= xs[nc] - SNAP
            && a[1] <= ys[0] + SNAP
            && a[3] >= ys[nr] - SNAP
        {
            continued.push(g.clone());
            continue;
        }
        let (cx, cy) = ((a[0] + a[2]) / 2.0, (a[1] + a[3]) / 2.0);
        match (band(&ys, cy).map(|b| nr - 1 - b), band(&xs, cx)) {
            (Some(r), Some(c)) => {
                let root = find(&mut parent, id(r, c));
                // Only a clip that is the cell's own box cuts the cell's text; another one
                // (several cells, part of a merged cell) belongs to the page's layout.
                let own =
                    bounds[root].is_some_and(|b| (0..4).all(|k| (b[k] - a[k]).abs() <= 2.0 * SNAP));
                if !own || open_roots.contains(&root) {
                    continued.push(g.clone());
                } else if !cut_roots.contains(&root) {
                    cut_roots.push(root);
                }
            }
            _ => cut_outside.push((g.clone(), *a)),
        }
    }
    let ys_desc: Vec<f32> = ys.iter().rev().copied().collect();
    let mut cell_glyphs: Vec<Vec<&Glyph>> = vec![Vec::new(); nr * nc];
    let mut outside: Vec<Glyph> = Vec::new();
    for g in glyphs.iter().chain(&continued) {
        let (cx, cy) = g.centre();
        let c = band(&xs, cx);
        let r = band(&ys, cy).map(|b| nr - 1 - b);
        match (r, c) {
            (Some(r), Some(c)) => {
                let root = find(&mut parent, id(r, c));
                cell_glyphs[root].push(g);
            }
            (None, Some(c)) => {
                // Text of a merged cell cut by the page edge spills past the table: it belongs to
                // the edge cell of its column when that cell is open (no closing rule).
                let pad = (xs[c + 1] - xs[c]) * 0.25;
                let (edge, r) = if cy > ys[nr] { (nr, 0) } else { (0, nr - 1) };
                if covers_h(edge, xs[c] + pad, xs[c + 1] - pad) {
                    outside.push(g.clone());
                } else {
                    let root = find(&mut parent, id(r, c));
                    cell_glyphs[root].push(g);
                }
            }
            _ => outside.push(g.clone()),
        }
    }
    let mut cuts: Vec<String> = cut_roots
        .iter()
        .map(|&root| cell_text(&cell_glyphs[root]))
        .collect();
    if !cut_outside.is_empty() {
        cuts.extend(shown_in_areas(&outside, &cut_outside));
    }
    // A merged cell continued on the next page whose text was printed there only: it takes
    // that text, so that its rows on this page get their label too.
    let mut texts: Vec<Option<String>> = vec![None; nr * nc];
    for &root in &bottom_open {
        let col = top_left[root].1;
        if cell_glyphs[root].is_empty()
            && let Some((_, text)) = continued_text.iter().find(|(c, _)| *c == col)
        {
            texts[root] = Some(text.clone());
        }
    }
    let mut text_of = |root: usize| -> String {
        texts[root]
            .get_or_insert_with(|| cell_text(&cell_glyphs[root]))
            .clone()
    };
    let page_top: Vec<(usize, String)> = top_open
        .iter()
        .map(|&root| (top_left[root].1, text_of(root)))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    let mut out: Vec<PageRow> = Vec::new();
    for (r, &top) in ys_desc.iter().enumerate().take(nr) {
        let cells: Vec<String> = (0..nc)
            .map(|c| {
                let root = find(&mut parent, id(r, c));
                if top_left[root] == (r, c) {
                    text_of(root)
                } else {
                    String::new()
                }
            })
            .collect();
        let mut cut = 0u64;
        for c in 0..nc.min(64) {
            let root = find(&mut parent, id(r, c));
            if top_left[root] == (r, c) && cut_roots.contains(&root) {
                cut |= 1 << c;
            }
        }
        if cells.iter().any(|c| !c.is_empty()) {
            out.push(PageRow { top, cells, cut });
        }
    }
    out.extend(free_text(&outside));
    out.sort_by(|a, b| b.top.total_cmp(&a.top));
    PageTable {
        rows: out,
        cuts,
        top_open: page_top,
    }
}

/// Cut text outside a table: for each clipping area that hid glyphs, the text shown inside it.
fn shown_in_areas(glyphs: &[Glyph], clipped: &[(Glyph, [f32; 4])]) -> Vec<String> {
    let mut areas: Vec<[f32; 4]> = clipped.iter().map(|(_, a)| *a).collect();
    areas.dedup();
    areas
        .iter()
        .map(|a| {
            let inside: Vec<&Glyph> = glyphs
                .iter()
                .filter(|g| {
                    let (cx, cy) = g.centre();
                    cx >= a[0] && cx <= a[2] && cy >= a[1] && cy <= a[3]
                })
                .collect();
            cell_text(&inside)
        })
        .collect()
}

/// Lines of glyphs (top to bottom), each glyph list sorted left to right.
fn lines<'a>(glyphs: &[&'a Glyph]) -> Vec<Vec<&'a Glyph>> {
    let mut sorted: Vec<&Glyph> = glyphs.to_vec();
    sorted.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut out: Vec<Vec<&Glyph>> = Vec::new();
    for g in sorted {
        match out.last_mut() {
            Some(line) if (line[0].y - g.y).abs() <= line[0].size.max(g.size) * 0.5 => line.push(g),
            _ => out.push(vec![g]),
        }
    }
    for line in &mut out {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    out
}

/// Joins glyphs into text: a space at a visible gap, a newline between lines.
fn join_line(line: &[&Glyph]) -> String {
    let mut s = String::new();
    let mut prev: Option<&Glyph> = None;
    for g in line {
        if let Some(p) = prev
            && g.x - (p.x + p.w) > p.size.max(g.size) * 0.25
        {
            s.push(' ');
        }
        s.push_str(&g.text);
        prev = Some(g);
    }
    s
}

/// True when a line has a gap wider than two characters (several cells).
fn has_gap(line: &[&Glyph]) -> bool {
    line.windows(2).any(|w| {
        w[1].x - (w[0].x + w[0].w) > w[0].size.max(w[1].size) * 2.0
            && (w[0].y - w[1].y).abs() < w[0].size * 0.5
    })
}

fn cell_text(glyphs: &[&Glyph]) -> String {
    lines(glyphs)
        .iter()
        .map(|l| join_line(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text outside any table: one row per line, cells split at gaps wider than two characters.
/// Consecutive one-cell lines that start at the same x are one wrapped cell (a label).
pub fn free_text(glyphs: &[Glyph]) -> Vec<PageRow> {
    let refs: Vec<&Glyph> = glyphs.iter().collect();
    let mut merged: Vec<Vec<&Glyph>> = Vec::new();
    for line in lines(&refs) {
        if let Some(prev) = merged.last_mut()
            && let (Some(a), Some(b)) = (prev.last(), line.first())
            && (a.y - b.y).abs() <= a.size.max(b.size) * 1.8
            && (prev[0].x - b.x).abs() <= b.size
            && !has_gap(prev)
            && !has_gap(&line)
        {
            prev.extend(line);
            continue;
        }
        merged.push(line);
    }
    merged
        .into_iter()
        .map(|line| {
            let mut cells: Vec<Vec<&Glyph>> = vec![Vec::new()];
            let mut prev: Option<&Glyph> = None;
            for g in line.iter().copied() {
                if let Some(p) = prev
                    && g.x - (p.x + p.w) > p.size.max(g.size) * 2.0
                {
                    cells.push(Vec::new());
                }
                cells.last_mut().expect("never empty").push(g);
                prev = Some(g);
            }
            let top = line.iter().map(|g| g.y + g.size).fold(f32::MIN, f32::max);
            PageRow {
                top,
                cells: cells.iter().map(|c| cell_text(c)).collect(),
                cut: 0,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(text: &str, x: f32, y: f32) -> Glyph {
        Glyph {
            text: text.into(),
            x,
            y,
            w: 10.0,
            size: 10.0,
        }
    }

    #[test]
    fn merged_cells_leave_empty_positions() {
        // A 2×2 grid whose left column is one merged cell.
        let rules = vec![
            Rule::H {
                y: 100.0,
                x0: 0.0,
                x1: 200.0,
            },
            Rule::H {
                y: 50.0,
                x0: 100.0,
                x1: 200.0,
            },
            Rule::H {
                y: 0.0,
                x0: 0.0,
                x1: 200.0,
            },
            Rule::V {
                x: 0.0,
                y0: 0.0,
                y1: 100.0,
            },
            Rule::V {
                x: 100.0,
                y0: 0.0,
                y1: 100.0,
            },
            Rule::V {
                x: 200.0,
                y0: 0.0,
                y1: 100.0,
            },
        ];
        let glyphs = vec![
            g("甲", 10.0, 45.0),
            g("乙", 110.0, 70.0),
            g("丙", 110.0, 20.0),
            g("题", 10.0, 120.0),
        ];
        let rows = rows(&glyphs, &rules, &columns(&rules));
        let cells: Vec<Vec<String>> = rows.iter().map(|r| r.cells.clone()).collect();
        assert_eq!(
            cells,
            vec![
                vec!["题".to_string()],
                vec!["甲".into(), "乙".into()],
                vec!["".into(), "丙".into()]
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn random_rules_and_glyphs_do_not_panic(
            rules in proptest::collection::vec((proptest::prelude::any::<bool>(), -50f32..700.0, -50f32..900.0, -50f32..900.0), 0..80),
            glyphs in proptest::collection::vec((-50f32..700.0, -50f32..900.0, 0f32..30.0), 0..200),
        ) {
            let rules: Vec<Rule> = rules
                .into_iter()
                .map(|(h, a, b, c)| if h { Rule::H { y: a, x0: b.min(c), x1: b.max(c) } } else { Rule::V { x: a, y0: b.min(c), y1: b.max(c) } })
                .collect();
            let glyphs: Vec<Glyph> = glyphs.into_iter().map(|(x, y, s)| Glyph { text: "字".into(), x, y, w: s, size: s }).collect();
            let out = rows(&glyphs, &rules, &columns(&rules));
            let placed: usize = out.iter().flat_map(|r| &r.cells).map(|c| c.matches('字').count()).sum();
            proptest::prop_assert_eq!(placed, glyphs.len(), "every glyph lands somewhere");
        }
    }

    #[test]
    fn text_clipped_at_its_cells_box_marks_the_cell_cut() {
        // One row of two cells; the right one's text runs past its bottom edge.
        let rules = vec![
            Rule::H {
                y: 100.0,
                x0: 0.0,
                x1: 200.0,
            },
            Rule::H {
                y: 50.0,
                x0: 0.0,
                x1: 200.0,
            },
            Rule::V {
                x: 0.0,
                y0: 50.0,
                y1: 100.0,
            },
            Rule::V {
                x: 100.0,
                y0: 50.0,
                y1: 100.0,
            },
            Rule::V {
                x: 200.0,
                y0: 50.0,
                y1: 100.0,
            },
        ];
        let glyphs = vec![g("甲", 10.0, 70.0), g("乙", 110.0, 70.0)];
        let own_box = [100.0, 50.0, 200.0, 100.0];
        let whole_page = [0.0, 0.0, 600.0, 800.0];
        let t = table(
            &glyphs,
            &rules,
            &columns(&rules),
            &[(g("丙", 110.0, 30.0), own_box)],
            &[],
        );
        assert_eq!(t.cuts, vec!["乙".to_string()]);
        assert_eq!(t.rows[0].cells, vec!["甲".to_string(), "乙".into()]);
        assert_eq!(t.rows[0].cut, 0b10);
        // A clip around the whole page is not a cell's edge: the glyph is read as before.
        let t = table(
            &glyphs,
            &rules,
            &columns(&rules),
            &[(g("丙", 110.0, 60.0), whole_page)],
            &[],
        );
        assert!(t.cuts.is_empty());
        assert_eq!(t.rows[0].cells[1], "乙\n丙");
    }

    #[test]
    fn wrapped_text_becomes_lines() {
        let glyphs = [g("a", 0.0, 20.0), g("b", 10.0, 20.0), g("c", 0.0, 5.0)];
        let refs: Vec<&Glyph> = glyphs.iter().collect();
        assert_eq!(cell_text(&refs), "ab\nc");
    }
}
