//! Charts drawn on the server as SVG: bars, stacked bars and lines, each with the table of the
//! same numbers next to it (`docs/ui.md`, *Charts*). No script, no style attribute (the strict
//! CSP holds), presentation attributes only, so a chart shows offline, prints, and reads the
//! same with scripts off. Text is escaped; numbers come in as `f64` and are shown as given.

use std::fmt::Write;

use serde::{Deserialize, Serialize};

/// How a chart draws its series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// One bar per category and series, side by side.
    Bars,
    /// One bar per category, the series stacked.
    StackedBars,
    /// One line per series over the categories (dates, years).
    Line,
}

/// One series: a name and a value per category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Name (the legend).
    pub name: String,
    /// One value per category.
    pub values: Vec<f64>,
}

/// A chart and the numbers behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// Element id (`chart-progress`).
    pub id: String,
    /// Title.
    pub title: String,
    /// How the series are drawn.
    pub kind: ChartKind,
    /// The unit of the values (`万元`, `份`, `条`).
    pub unit: String,
    /// Category labels (x axis).
    pub categories: Vec<String>,
    /// The series.
    pub series: Vec<Series>,
    /// A note under the chart (what is counted), may be empty.
    #[serde(default)]
    pub note: String,
}

/// Series colours (a colour-blind-safe palette), in order.
const COLOURS: [&str; 8] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
];

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 72.0;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A label cut to `max` characters (with `…`), for the axis; the table keeps it whole.
fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// The value shown for a number: whole numbers without decimals, others with up to two.
pub fn number_text(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A round top for the axis and its step: the smallest 1, 2 or 5 × 10ⁿ step that covers `max`
/// in at most 5 steps.
fn axis(max: f64) -> (f64, f64) {
    if !(max.is_finite() && max > 0.0) {
        return (1.0, 0.2);
    }
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    ((max / step).ceil() * step, step)
}

impl Chart {
    /// The largest value the y axis must reach.
    fn max(&self) -> f64 {
        let n = self.categories.len();
        match self.kind {
            ChartKind::StackedBars => (0..n)
                .map(|i| {
                    self.series
                        .iter()
                        .map(|s| s.values.get(i).copied().unwrap_or(0.0).max(0.0))
                        .sum::<f64>()
                })
                .fold(0.0, f64::max),
            _ => self
                .series
                .iter()
                .flat_map(|s| s.values.iter().copied())
                .filter(|v| v.is_finite())
                .fold(0.0, f64::max),
        }
    }

    /// The chart as an inline SVG element (`role="img"` with the title as its name).
    pub fn svg(&self) -> String {
        let mut out = String::new();
        let n = self.categories.len();
        let (mut top, mut step) = axis(self.max());
        // Counts (every value whole) get whole ticks: no "1.5 个单位".
        let whole = self
            .series
            .iter()
            .flat_map(|s| s.values.iter())
            .all(|v| v.fract() == 0.0);
        if whole && step < 1.0 {
            step = 1.0;
            top = top.ceil().max(1.0);
        }
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let y = |v: f64| TOP + plot_h - (v.max(0.0) / top) * plot_h;
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="chart" role="img" aria-label="{}" font-size="12" font-family="sans-serif">"#,
            escape(&self.title)
        );
        // Grid and y axis.
        let mut tick = 0.0;
        while tick <= top + step / 2.0 {
            let ty = y(tick);
            let _ = write!(
                out,
                r##"<line x1="{LEFT}" y1="{ty:.1}" x2="{:.1}" y2="{ty:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#555">{}</text>"##,
                WIDTH - RIGHT,
                LEFT - 6.0,
                ty + 4.0,
                number_text(tick)
            );
            tick += step;
        }
        let _ = write!(
            out,
            r##"<text x="4" y="14" fill="#555">{}</text>"##,
            escape(&self.unit)
        );
        if n == 0 {
            out.push_str(
                r##"<text x="360" y="140" text-anchor="middle" fill="#555">暂无数据</text></svg>"##,
            );
            return out;
        }
        let band = plot_w / n as f64;
        // Category labels: every one when they fit, else every k-th.
        let every = ((n as f64 * 48.0 / plot_w).ceil() as usize).max(1);
        let max_chars = ((band * every as f64) / 12.0).floor().clamp(2.0, 8.0) as usize;
        for (i, c) in self.categories.iter().enumerate() {
            if i % every != 0 && i != n - 1 {
                continue;
            }
            let cx = LEFT + band * (i as f64 + 0.5);
            let _ = write!(
                out,
                r##"<text x="{cx:.1}" y="{:.1}" text-anchor="middle" fill="#333"><title>{}</title>{}</text>"##,
                TOP + plot_h + 16.0,
                escape(c),
                escape(&short(c, max_chars))
            );
        }
        match self.kind {
            ChartKind::Bars => {
                let k = self.series.len().max(1) as f64;
                let w = (band * 0.8 / k).max(1.0);
                for (si, s) in self.series.iter().enumerate() {
                    let colour = COLOURS[si % COLOURS.len()];
                    for (i, v) in s.values.iter().enumerate().take(n) {
                        let x = LEFT + band * i as f64 + band * 0.1 + w * si as f64;
                        let top_y = y(*v);
                        let _ = write!(
                            out,
                            r#"<rect x="{x:.1}" y="{top_y:.1}" width="{w:.1}" height="{:.1}" fill="{colour}"><title>{}：{} {}</title></rect>"#,
                            (TOP + plot_h - top_y).max(0.0),
                            escape(&self.categories[i]),
                            number_text(*v),
                            escape(&self.unit)
                        );
                    }
                }
            }
            ChartKind::StackedBars => {
                let w = (band * 0.7).max(1.0);
                for i in 0..n {
                    let mut base = 0.0;
                    for (si, s) in self.series.iter().enumerate() {
                        let v = s.values.get(i).copied().unwrap_or(0.0).max(0.0);
                        if v == 0.0 {
                            continue;
                        }
                        let (y0, y1) = (y(base), y(base + v));
                        let x = LEFT + band * i as f64 + band * 0.15;
                        let _ = write!(
                            out,
                            r#"<rect x="{x:.1}" y="{y1:.1}" width="{w:.1}" height="{:.1}" fill="{}"><title>{} · {}：{} {}</title></rect>"#,
                            (y0 - y1).max(0.0),
                            COLOURS[si % COLOURS.len()],
                            escape(&self.categories[i]),
                            escape(&s.name),
                            number_text(v),
                            escape(&self.unit)
                        );
                        base += v;
                    }
                }
            }
            ChartKind::Line => {
                for (si, s) in self.series.iter().enumerate() {
                    let colour = COLOURS[si % COLOURS.len()];
                    let points: Vec<String> = s
                        .values
                        .iter()
                        .take(n)
                        .enumerate()
                        .map(|(i, v)| format!("{:.1},{:.1}", LEFT + band * (i as f64 + 0.5), y(*v)))
                        .collect();
                    let _ = write!(
                        out,
                        r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
                        points.join(" ")
                    );
                    for (i, v) in s.values.iter().enumerate().take(n) {
                        let _ = write!(
                            out,
                            r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{colour}"><title>{} · {}：{} {}</title></circle>"#,
                            LEFT + band * (i as f64 + 0.5),
                            y(*v),
                            escape(&self.categories[i]),
                            escape(&s.name),
                            number_text(*v),
                            escape(&self.unit)
                        );
                    }
                }
            }
        }
        // Legend, under the labels.
        if self.series.len() > 1 {
            let mut lx = LEFT;
            let ly = HEIGHT - 16.0;
            for (si, s) in self.series.iter().enumerate() {
                let name = short(&s.name, 10);
                let _ = write!(
                    out,
                    r##"<rect x="{lx:.1}" y="{:.1}" width="10" height="10" fill="{}"/><text x="{:.1}" y="{ly:.1}" fill="#333">{}</text>"##,
                    ly - 9.0,
                    COLOURS[si % COLOURS.len()],
                    lx + 14.0,
                    escape(&name)
                );
                lx += 24.0 + 12.0 * name.chars().count() as f64;
            }
        }
        out.push_str("</svg>");
        out
    }

    /// The rows of the table view: per category its label and the value of each series as
    /// shown on the chart.
    pub fn rows(&self) -> Vec<(String, Vec<String>)> {
        self.categories
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    c.clone(),
                    self.series
                        .iter()
                        .map(|s| s.values.get(i).map(|v| number_text(*v)).unwrap_or_default())
                        .collect(),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(kind: ChartKind) -> Chart {
        Chart {
            id: "c".into(),
            title: "预算<总额>".into(),
            kind,
            unit: "万元".into(),
            categories: vec!["2024".into(), "2025".into(), "2026 & 后".into()],
            series: vec![
                Series {
                    name: "财政拨款".into(),
                    values: vec![10.0, 20.5, 0.0],
                },
                Series {
                    name: "其他".into(),
                    values: vec![1.0, 2.0, 3.0],
                },
            ],
            note: String::new(),
        }
    }

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(axis(0.0), (1.0, 0.2));
        assert_eq!(axis(7.0), (8.0, 2.0));
        assert_eq!(axis(1679.6), (2000.0, 500.0));
        assert_eq!(axis(100.0), (100.0, 20.0));
    }

    #[test]
    fn every_kind_draws_every_value_and_escapes_text() {
        for kind in [ChartKind::Bars, ChartKind::StackedBars, ChartKind::Line] {
            let svg = chart(kind).svg();
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
            assert!(svg.contains("aria-label=\"预算&lt;总额&gt;\""));
            assert!(svg.contains("2026 &amp; 后"));
            assert!(!svg.contains("style="), "no style attribute under the CSP");
            assert!(svg.contains("2025 · 财政拨款：20.5 万元") || svg.contains("2025：20.5 万元"));
        }
        // Stacked bars skip zero parts; side-by-side bars draw them (height 0).
        assert_eq!(
            chart(ChartKind::StackedBars).svg().matches("<rect").count(),
            5 + 2
        );
        assert_eq!(chart(ChartKind::Bars).svg().matches("<rect").count(), 6 + 2);
    }

    #[test]
    fn counts_get_whole_ticks() {
        let mut c = chart(ChartKind::Bars);
        c.series = vec![Series {
            name: "单位数".into(),
            values: vec![2.0, 0.0, 1.0],
        }];
        let svg = c.svg();
        assert!(!svg.contains(">0.5<") && !svg.contains(">1.5<"), "{svg}");
        assert!(svg.contains(">2<"));
    }

    #[test]
    fn table_rows_hold_the_same_numbers() {
        let rows = chart(ChartKind::Bars).rows();
        assert_eq!(rows[1], ("2025".into(), vec!["20.5".into(), "2".into()]));
        assert_eq!(number_text(1679.6), "1679.6");
        assert_eq!(number_text(f64::NAN), "");
    }

    #[test]
    fn an_empty_chart_says_so() {
        let mut c = chart(ChartKind::Line);
        c.categories.clear();
        assert!(c.svg().contains("暂无数据"));
    }
}

/// `/dashboard`: the finance bureau's charts of a region and year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    /// Page chrome.
    pub chrome: crate::views::Chrome,
    /// Region name.
    pub region_name: String,
    /// The year shown.
    pub fiscal_year: i64,
    /// Years to choose from, newest first.
    pub years: Vec<i64>,
    /// Units in the region.
    pub units: usize,
    /// Forms of the year the finance bureau sees.
    pub seen: usize,
    /// The charts.
    pub charts: Vec<Chart>,
}

/// A chart as the template draws it.
#[derive(Debug, Serialize)]
struct ChartCtx<'a> {
    chart: &'a Chart,
    svg: minijinja::Value,
    rows: Vec<(String, Vec<String>)>,
}

/// The dashboard page: each chart as inline SVG with its table.
pub fn render_dashboard(view: &DashboardView) -> Result<String, crate::RenderError> {
    let charts: Vec<ChartCtx> = view
        .charts
        .iter()
        .map(|c| ChartCtx {
            chart: c,
            svg: minijinja::Value::from_safe_string(c.svg()),
            rows: c.rows(),
        })
        .collect();
    crate::engine::render(
        "dashboard.html",
        minijinja::context! { chrome => view.chrome, v => view, charts },
    )
}
