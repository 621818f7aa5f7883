//! The dashboard's charts, drawn on the server as inline SVG by a template
//! (`admin/chart.html`), so every label goes through askama's escaper like the rest of the page
//! and no charting script is needed. This module only does the geometry: bars scaled to a
//! rounded maximum, a few gridlines, and sparse axis labels.
//!
//! Every chart carries its numbers as table rows too; the page renders them as a table for
//! screen readers (and anyone who wants the figures), while the SVG itself is hidden from
//! assistive technology.

/// One bar, in the SVG's user units.
pub struct Bar {
    pub x: String,
    pub y: String,
    pub w: String,
    pub h: String,
    /// The hover text: label and value.
    pub tip: String,
}

/// A label drawn next to an axis or a bar.
pub struct Label {
    pub x: String,
    pub y: String,
    pub text: String,
    /// `start`, `middle` or `end`.
    pub anchor: &'static str,
}

/// A horizontal gridline with its value.
pub struct GridLine {
    pub y: String,
    pub x2: String,
    pub label: Label,
}

/// A row of a chart's table.
pub struct TableRow {
    pub label: String,
    pub value: String,
}

pub struct Chart {
    /// The element id (for `aria-labelledby` and the table).
    pub id: &'static str,
    pub title: String,
    /// One sentence summing the chart up, shown under the title.
    pub summary: String,
    pub width: u32,
    pub height: u32,
    pub bars: Vec<Bar>,
    pub labels: Vec<Label>,
    pub grid: Vec<GridLine>,
    /// The table's column headings and rows.
    pub label_heading: String,
    pub value_heading: String,
    pub rows: Vec<TableRow>,
}

/// A point of a chart: its label, its value, and the value as text.
pub struct Point {
    pub label: String,
    pub value: f64,
    pub text: String,
}

fn table(points: &[Point]) -> Vec<TableRow> {
    points
        .iter()
        .map(|p| TableRow {
            label: p.label.clone(),
            value: p.text.clone(),
        })
        .collect()
}

fn n(value: f64) -> String {
    format!("{value:.1}")
}

/// The smallest "nice" number (1, 2 or 5 × 10^k) at or above `max`; 1 for an empty chart.
pub fn nice_ceiling(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|step| step * magnitude)
        .find(|candidate| *candidate >= max)
        .unwrap_or(10.0 * magnitude)
}

const WIDTH: f64 = 720.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 26.0;

/// Vertical bars over time: one per point, an x label every `label_every` points, gridlines at
/// 0, half and the rounded maximum labelled with `axis`.
pub fn columns(
    id: &'static str,
    title: String,
    summary: String,
    points: &[Point],
    label_every: usize,
    axis: impl Fn(f64) -> String,
    headings: (&str, &str),
) -> Chart {
    let height = 220.0;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = height - TOP - BOTTOM;
    let top = nice_ceiling(points.iter().map(|p| p.value).fold(0.0, f64::max));
    let slot = plot_w / points.len().max(1) as f64;
    let bar_w = (slot * 0.7).max(1.0);
    let bars = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let h = (p.value / top * plot_h).max(if p.value > 0.0 { 1.0 } else { 0.0 });
            Bar {
                x: n(LEFT + slot * i as f64 + (slot - bar_w) / 2.0),
                y: n(TOP + plot_h - h),
                w: n(bar_w),
                h: n(h),
                tip: format!("{}: {}", p.label, p.text),
            }
        })
        .collect();
    let labels = points
        .iter()
        .enumerate()
        .filter(|(i, _)| i % label_every.max(1) == 0 || *i == points.len() - 1)
        .map(|(i, p)| Label {
            x: n(LEFT + slot * i as f64 + slot / 2.0),
            y: n(height - 8.0),
            text: p.label.clone(),
            anchor: "middle",
        })
        .collect();
    let grid = [0.0, 0.5, 1.0]
        .iter()
        .map(|share| {
            let y = TOP + plot_h - share * plot_h;
            GridLine {
                y: n(y),
                x2: n(WIDTH - RIGHT),
                label: Label {
                    x: n(LEFT - 6.0),
                    y: n(y + 4.0),
                    text: axis(top * share),
                    anchor: "end",
                },
            }
        })
        .collect();
    Chart {
        id,
        title,
        summary,
        width: WIDTH as u32,
        height: height as u32,
        bars,
        labels,
        grid,
        label_heading: headings.0.to_owned(),
        value_heading: headings.1.to_owned(),
        rows: table(points),
    }
}

/// Horizontal bars, one per point, each labelled at its left and valued at its end.
pub fn rows(
    id: &'static str,
    title: String,
    summary: String,
    points: &[Point],
    headings: (&str, &str),
) -> Chart {
    let label_w = 220.0;
    let value_w = 90.0;
    let row_h = 30.0;
    let height = (points.len().max(1) as f64) * row_h + 8.0;
    let plot_w = WIDTH - label_w - value_w;
    let top = points
        .iter()
        .map(|p| p.value)
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let mut bars = Vec::new();
    let mut labels = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let y = 4.0 + row_h * i as f64;
        let w = (p.value / top * plot_w).max(if p.value > 0.0 { 2.0 } else { 0.0 });
        bars.push(Bar {
            x: n(label_w),
            y: n(y + 5.0),
            w: n(w),
            h: n(row_h - 10.0),
            tip: format!("{}: {}", p.label, p.text),
        });
        let short: String = if p.label.chars().count() > 30 {
            p.label.chars().take(29).chain(['…']).collect()
        } else {
            p.label.clone()
        };
        labels.push(Label {
            x: n(label_w - 8.0),
            y: n(y + row_h / 2.0 + 4.0),
            text: short,
            anchor: "end",
        });
        labels.push(Label {
            x: n(label_w + w + 6.0),
            y: n(y + row_h / 2.0 + 4.0),
            text: p.text.clone(),
            anchor: "start",
        });
    }
    Chart {
        id,
        title,
        summary,
        width: WIDTH as u32,
        height: height as u32,
        bars,
        labels,
        grid: Vec::new(),
        label_heading: headings.0.to_owned(),
        value_heading: headings.1.to_owned(),
        rows: table(points),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(label: &str, value: f64) -> Point {
        Point {
            label: label.into(),
            value,
            text: value.to_string(),
        }
    }

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(12.0), 20.0);
        assert_eq!(nice_ceiling(380.0), 500.0);
        assert_eq!(nice_ceiling(1000.0), 1000.0);
    }

    #[test]
    fn the_tallest_bar_fills_its_share_and_empty_days_draw_nothing() {
        let chart = columns(
            "c",
            "t".into(),
            "s".into(),
            &[point("a", 0.0), point("b", 10.0), point("c", 5.0)],
            1,
            |v| format!("{v}"),
            ("Day", "Orders"),
        );
        let heights: Vec<f64> = chart.bars.iter().map(|b| b.h.parse().unwrap()).collect();
        assert_eq!(heights[0], 0.0);
        assert!((heights[1] - 182.0).abs() < 0.1, "{heights:?}");
        assert!((heights[2] - 91.0).abs() < 0.1);
        assert_eq!(chart.rows.len(), 3);
        assert_eq!(chart.grid.last().unwrap().label.text, "10");
    }

    #[test]
    fn long_labels_are_shortened_in_the_drawing_not_in_the_table() {
        let long = "A very long product title that goes on and on";
        let chart = rows(
            "r",
            "t".into(),
            "s".into(),
            &[point(long, 3.0)],
            ("Product", "Units"),
        );
        assert!(chart.labels[0].text.ends_with('…'));
        assert_eq!(chart.rows[0].label, long);
    }
}
