//! Bar charts drawn on the server as SVG: they show without JavaScript, print, and scale. A
//! chart is an image with a title and a description for screen readers; the page puts the same
//! figures in a table beside it, which is what a screen reader reads.

use std::fmt::Write;

/// One bar: its label under the axis and its stacked values (negative values draw as nothing;
/// the table beside the chart has the exact figures).
pub struct Bar {
    pub label: String,
    pub values: Vec<i64>,
}

pub struct Chart<'a> {
    /// Unique on the page; names the title and description elements.
    pub id: &'a str,
    pub title: String,
    pub description: String,
    /// One name per stacked series, for the legend.
    pub series: Vec<String>,
    pub bars: Vec<Bar>,
}

const WIDTH: i64 = 720;
const HEIGHT: i64 = 260;
const LEFT: i64 = 86;
const RIGHT: i64 = 12;
const TOP: i64 = 34;
const BOTTOM: i64 = 44;

fn esc(text: &str) -> String {
    askama::filters::escape(text, askama::filters::Html)
        .map(|s| s.to_string())
        .unwrap_or_default()
}

impl Chart<'_> {
    /// The SVG markup; every text in it is escaped. `format` writes the axis values.
    pub fn to_svg(&self, format: impl Fn(i64) -> String) -> String {
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let stack = |b: &Bar| b.values.iter().map(|v| (*v).max(0)).sum::<i64>();
        let max = self.bars.iter().map(stack).max().unwrap_or(0).max(1);
        let id = esc(self.id);
        let mut svg = String::new();
        let _ = write!(
            svg,
            "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
            esc(&self.title),
            esc(&self.description)
        );
        // Legend along the top.
        let mut x = LEFT;
        for (i, name) in self.series.iter().enumerate() {
            let _ = write!(
                svg,
                "<rect class=\"series-{i}\" x=\"{x}\" y=\"8\" width=\"12\" height=\"12\"/><text class=\"legend\" x=\"{}\" y=\"18\">{}</text>",
                x + 16,
                esc(name)
            );
            x += 24 + 8 * name.chars().count() as i64;
        }
        // Axis and grid: zero, half and the maximum.
        for step in 0..=2 {
            let value = max * step / 2;
            let y = TOP + plot_h - plot_h * step / 2;
            let _ = write!(
                svg,
                "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/><text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                WIDTH - RIGHT,
                LEFT - 6,
                y + 4,
                esc(&format(value))
            );
        }
        let n = self.bars.len().max(1) as i64;
        let slot = plot_w / n;
        let bar_w = (slot * 7 / 10).clamp(2, 64);
        // At most about twelve labels under the axis.
        let label_every = (n + 11) / 12;
        for (i, bar) in self.bars.iter().enumerate() {
            let i = i as i64;
            let x = LEFT + slot * i + (slot - bar_w) / 2;
            let mut base = TOP + plot_h;
            for (series, value) in bar.values.iter().enumerate() {
                let h = (*value).max(0) * plot_h / max;
                if h > 0 {
                    base -= h;
                    let _ = write!(
                        svg,
                        "<rect class=\"series-{series}\" x=\"{x}\" y=\"{base}\" width=\"{bar_w}\" height=\"{h}\"/>"
                    );
                }
            }
            if i % label_every == 0 {
                let _ = write!(
                    svg,
                    "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                    x + bar_w / 2,
                    HEIGHT - BOTTOM + 18,
                    esc(&bar.label)
                );
            }
        }
        svg.push_str("</svg>");
        svg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_tallest_and_text_is_escaped() {
        let chart = Chart {
            id: "c",
            title: "Earnings <per month>".into(),
            description: "Two months".into(),
            series: vec!["Paid".into(), "Approved".into()],
            bars: vec![
                Bar {
                    label: "Oct".into(),
                    values: vec![100, 100],
                },
                Bar {
                    label: "Nov & more".into(),
                    values: vec![50, -20],
                },
            ],
        };
        let svg = chart.to_svg(|v| v.to_string());
        assert!(
            svg.starts_with("<svg class=\"chart\" role=\"img\" aria-labelledby=\"c-title c-desc\"")
        );
        assert!(
            svg.contains("<title id=\"c-title\">Earnings &#60;per month&#62;</title>")
                || svg.contains("<title id=\"c-title\">Earnings &lt;per month&gt;</title>"),
            "{svg}"
        );
        assert!(
            svg.contains("Nov &#38; more") || svg.contains("Nov &amp; more"),
            "{svg}"
        );
        // The tallest stack fills the plot (182 units high); the other is a quarter of it.
        let plot_h = HEIGHT - TOP - BOTTOM;
        assert!(svg.contains(&format!("height=\"{}\"", plot_h / 2)));
        assert!(svg.contains(&format!("height=\"{}\"", 50 * plot_h / 200)));
        // Nothing is drawn for a negative value.
        assert_eq!(
            svg.matches("<rect class=\"series-1\"").count(),
            2,
            "legend and one bar"
        );
        assert!(
            svg.contains(">200</text>") && svg.contains(">100</text>") && svg.contains(">0</text>")
        );
    }
}
