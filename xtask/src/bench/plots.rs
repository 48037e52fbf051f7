//! The bench's SVG charts (plotters, SVG backend), drawn from the summary JSON so that
//! a saved `summary.json` can be charted again:
//! - `prove_batch_sweep.svg`: `prove.batch_sweep`, proofs/s against batch size, and the
//!   per-proof latency p50 and p99 against batch size;
//! - `verify_batch_sizes.svg`: verification proofs/s against batch size, one series per
//!   mode, from `verify.by_batch_size` (or, in a summary without it, the single headline
//!   point at `verify.batch_size`);
//! - `prove_steps.svg`: `prove.floor_steps`, the time of each step of one proof on one
//!   thread, as bars.
//!
//! A chart whose figures are not in the summary (an `--only` run of another section) is
//! skipped, and said so.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// File names, in the order they are drawn.
pub const SWEEP_SVG: &str = "prove_batch_sweep.svg";
pub const VERIFY_SVG: &str = "verify_batch_sizes.svg";
pub const STEPS_SVG: &str = "prove_steps.svg";

/// Verification modes charted, with their summary key and legend.
const VERIFY_MODES: [(&str, &str); 5] = [
    ("individual_per_sec", "individual (1 thread)"),
    ("parallel_per_sec", "parallel"),
    ("batch_per_sec", "batch"),
    ("batch_1t_per_sec", "batch, 1 thread"),
    ("batch_from_bytes_per_sec", "batch from bytes"),
];

const COLORS: [RGBColor; 5] = [BLUE, RED, GREEN, MAGENTA, BLACK];

/// A series: its legend and its points.
type Series = (String, Vec<(f64, f64)>);

/// Draws every chart the summary has figures for into `dir`; returns the files written
/// and a line per chart skipped.
pub fn write_all(summary: &Value, dir: &Path) -> Result<(Vec<PathBuf>, Vec<String>), String> {
    let mut written = Vec::new();
    let mut skipped = Vec::new();
    let threads = summary["machine"]["threads"].as_u64().unwrap_or(0);
    let shape = summary["circuit"]["shape"].as_str().unwrap_or("2x2-r16");

    match sweep_series(summary) {
        Some((rate, latency)) => {
            let path = dir.join(SWEEP_SVG);
            let title = format!("prove_batch by batch size, {shape}, {threads} threads");
            draw_lines(
                &path,
                &title,
                &[
                    ("proofs/s", "batch size", vec![rate]),
                    ("per-proof latency (ms)", "batch size", latency),
                ],
                true,
            )?;
            written.push(path);
        }
        None => skipped.push(format!("{SWEEP_SVG}: no prove.batch_sweep")),
    }
    match verify_series(summary) {
        Some(series) => {
            let path = dir.join(VERIFY_SVG);
            let title = format!("verification by batch size, {shape}, {threads} threads");
            draw_lines(&path, &title, &[("proofs/s", "batch size", series)], true)?;
            written.push(path);
        }
        None => skipped.push(format!("{VERIFY_SVG}: no verify figures")),
    }
    match steps(summary) {
        Some(steps) => {
            let path = dir.join(STEPS_SVG);
            let title = format!("one proof on 1 thread, step by step, {shape}");
            draw_bars(&path, &title, &steps)?;
            written.push(path);
        }
        None => skipped.push(format!("{STEPS_SVG}: no prove.floor_steps")),
    }
    Ok((written, skipped))
}

/// `prove.batch_sweep` as proofs/s and latency (p50, p99) series against batch size.
fn sweep_series(summary: &Value) -> Option<(Series, Vec<Series>)> {
    let points = summary["prove"]["batch_sweep"].as_array()?;
    let get = |key: &str| -> Vec<(f64, f64)> {
        points
            .iter()
            .filter_map(|p| Some((p["batch_size"].as_f64()?, p[key].as_f64()?)))
            .collect()
    };
    let rate = get("proofs_per_sec");
    if rate.is_empty() {
        return None;
    }
    Some((
        ("proofs/s".to_string(), rate),
        vec![
            ("p50".to_string(), get("p50_ms")),
            ("p99".to_string(), get("p99_ms")),
        ],
    ))
}

/// Verification proofs/s by batch size, one series per mode present.
fn verify_series(summary: &Value) -> Option<Vec<Series>> {
    let verify = &summary["verify"];
    let rows: Vec<&Value> = match verify["by_batch_size"].as_array() {
        Some(rows) => rows.iter().collect(),
        None => vec![verify],
    };
    let series: Vec<Series> = VERIFY_MODES
        .iter()
        .map(|(key, label)| {
            let points = rows
                .iter()
                .filter_map(|r| Some((r["batch_size"].as_f64()?, r[*key].as_f64()?)))
                .collect();
            (label.to_string(), points)
        })
        .filter(|(_, points): &Series| !points.is_empty())
        .collect();
    (!series.is_empty()).then_some(series)
}

/// `prove.floor_steps` as (step, ms), in order.
fn steps(summary: &Value) -> Option<Vec<(String, f64)>> {
    let steps: Vec<(String, f64)> = summary["prove"]["floor_steps"]
        .as_array()?
        .iter()
        .filter_map(|s| Some((s["step"].as_str()?.to_string(), s["ms"].as_f64()?)))
        .collect();
    (!steps.is_empty()).then_some(steps)
}

fn draw_error(path: &Path, e: &dyn std::fmt::Display) -> String {
    format!("cannot draw {}: {e}", path.display())
}

/// Stacked panels of line charts (with a marker on every point); `log2_x`: the x axis
/// is log2 of the value, labelled with the value (batch sizes are powers of two).
fn draw_lines(
    path: &Path,
    title: &str,
    panels: &[(&str, &str, Vec<Series>)],
    log2_x: bool,
) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| draw_error(path, e);
    let height = 420 * panels.len() as u32;
    let root = SVGBackend::new(path, (900, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let root = root
        .titled(title, ("sans-serif", 22))
        .map_err(|e| err(&e))?;
    let areas = root.split_evenly((panels.len(), 1));
    let fx = |x: f64| if log2_x { x.max(1.0).log2() } else { x };
    for (area, (caption, x_desc, series)) in areas.iter().zip(panels) {
        draw_panel(area, caption, x_desc, series, fx, log2_x).map_err(|e| err(&e))?;
    }
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

fn draw_panel(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    caption: &str,
    x_desc: &str,
    series: &[Series],
    fx: impl Fn(f64) -> f64,
    log2_x: bool,
) -> Result<(), String> {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let xs = series
        .iter()
        .flat_map(|(_, p)| p.iter().map(|(x, _)| fx(*x)));
    let (x_min, x_max) = xs.fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(x), hi.max(x)));
    let (x_min, x_max) = if x_min > x_max {
        (0.0, 1.0)
    } else {
        (x_min - 0.5, x_max + 0.5)
    };
    let y_max = series
        .iter()
        .flat_map(|(_, p)| p.iter().map(|(_, y)| *y))
        .fold(0.0f64, f64::max)
        .max(1e-9)
        * 1.15;
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 16))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(70)
        .build_cartesian_2d(x_min..x_max, 0.0..y_max)
        .map_err(|x| e(&x))?;
    // On a log2 axis only whole powers of two get a label.
    let label = |x: &f64| {
        if !log2_x {
            format!("{x}")
        } else if (x - x.round()).abs() < 1e-6 {
            format!("{:.0}", x.exp2())
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .x_labels(12)
        .x_label_formatter(&label)
        .draw()
        .map_err(|x| e(&x))?;
    for (k, (name, points)) in series.iter().enumerate() {
        let color = COLORS[k % COLORS.len()];
        let pts: Vec<(f64, f64)> = points.iter().map(|(x, y)| (fx(*x), *y)).collect();
        chart
            .draw_series(LineSeries::new(pts.clone(), &color))
            .map_err(|x| e(&x))?
            .label(name.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
        chart
            .draw_series(pts.into_iter().map(|p| Circle::new(p, 3, color.filled())))
            .map_err(|x| e(&x))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .border_style(BLACK)
        .background_style(WHITE.mix(0.8))
        .draw()
        .map_err(|x| e(&x))?;
    Ok(())
}

/// Horizontal bars, one per step, labelled with the step and its time.
fn draw_bars(path: &Path, title: &str, steps: &[(String, f64)]) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| draw_error(path, e);
    let n = steps.len();
    let root = SVGBackend::new(path, (900, 80 + 45 * n as u32)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let root = root
        .titled(title, ("sans-serif", 20))
        .map_err(|e| err(&e))?;
    let total: f64 = steps.iter().map(|(_, ms)| ms).sum();
    let x_max = steps
        .iter()
        .map(|(_, ms)| *ms)
        .fold(0.0f64, f64::max)
        .max(1e-9)
        * 1.6;
    let mut chart = ChartBuilder::on(&root)
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(10)
        .build_cartesian_2d(0.0..x_max, 0.0..n as f64)
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .disable_y_axis()
        .x_desc(format!("ms (total {total:.1} ms)"))
        .draw()
        .map_err(|e| err(&e))?;
    // First step at the top.
    let y = |i: usize| (n - 1 - i) as f64;
    chart
        .draw_series(steps.iter().enumerate().map(|(i, (_, ms))| {
            Rectangle::new([(0.0, y(i) + 0.15), (*ms, y(i) + 0.85)], BLUE.filled())
        }))
        .map_err(|e| err(&e))?;
    chart
        .draw_series(steps.iter().enumerate().map(|(i, (name, ms))| {
            let share = if total > 0.0 { 100.0 * ms / total } else { 0.0 };
            Text::new(
                format!("{name}: {ms:.1} ms ({share:.0}%)"),
                (ms + x_max * 0.01, y(i) + 0.65),
                ("sans-serif", 14),
            )
        }))
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A small synthetic summary with every figure the charts read.
    fn summary(by_batch_size: bool) -> Value {
        let mut s = json!({
            "machine": { "threads": 2 },
            "circuit": { "shape": "2x2-r16" },
            "prove": {
                "batch_sweep": [
                    { "batch_size": 8, "proofs_per_sec": 4.1, "p50_ms": 470.0, "p99_ms": 520.0 },
                    { "batch_size": 16, "proofs_per_sec": 4.3, "p50_ms": 460.0, "p99_ms": 530.0 },
                    { "batch_size": 32, "proofs_per_sec": 4.4, "p50_ms": 455.0, "p99_ms": 610.0 },
                ],
                "floor_steps": [
                    { "step": "witness map (FFTs)", "ms": 11.2 },
                    { "step": "MSM H (G1)", "ms": 75.9 },
                    { "step": "MSM B (G2)", "ms": 158.4 },
                ],
            },
            "verify": {
                "batch_size": 64, "individual_per_sec": 296.0, "parallel_per_sec": 407.0,
                "batch_per_sec": 2364.0, "batch_1t_per_sec": 1391.0,
            },
        });
        if by_batch_size {
            s["verify"]["by_batch_size"] = json!([
                { "batch_size": 1, "individual_per_sec": 309.0, "parallel_per_sec": 344.0,
                  "batch_per_sec": 360.0, "batch_1t_per_sec": 316.0 },
                { "batch_size": 64, "individual_per_sec": 296.0, "parallel_per_sec": 407.0,
                  "batch_per_sec": 2364.0, "batch_1t_per_sec": 1391.0 },
                { "batch_size": 256, "individual_per_sec": 276.0, "parallel_per_sec": 420.0,
                  "batch_per_sec": 2351.0, "batch_1t_per_sec": 1586.0 },
            ]);
        }
        s
    }

    /// Checks that `text` is well-formed XML as plotters writes it: one `<svg>` root,
    /// every element closed in order (or self-closed), quoted attributes, escaped text.
    fn check_well_formed(text: &str) -> Result<(), String> {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = text.trim_start();
        if let Some(decl) = rest.strip_prefix("<?xml") {
            rest = &decl[decl.find("?>").ok_or("open XML declaration")? + 2..];
        }
        let mut roots = 0;
        loop {
            let Some(open) = rest.find('<') else {
                if rest.trim().is_empty() {
                    break;
                }
                return Err("text after the root".into());
            };
            let between = &rest[..open];
            if stack.is_empty() && !between.trim().is_empty() {
                return Err(format!("text outside the root: {between:?}"));
            }
            if between.contains('>') || between.contains('&') && !between.contains(';') {
                return Err(format!("unescaped text: {between:?}"));
            }
            let close = rest[open..].find('>').ok_or("unterminated tag")? + open;
            let tag = &rest[open + 1..close];
            rest = &rest[close + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                match stack.pop() {
                    Some(top) if top == name.trim() => {}
                    other => return Err(format!("</{name}> closes {other:?}")),
                }
                continue;
            }
            if tag.starts_with('!') {
                continue;
            }
            let self_closed = tag.ends_with('/');
            let body = tag.trim_end_matches('/');
            let name = body.split_whitespace().next().ok_or("empty tag")?;
            if !body.matches('"').count().is_multiple_of(2) {
                return Err(format!("unbalanced quotes in <{body}>"));
            }
            if stack.is_empty() {
                roots += 1;
                if name != "svg" {
                    return Err(format!("root is <{name}>"));
                }
            }
            if !self_closed {
                stack.push(name.to_string());
            }
        }
        if !stack.is_empty() {
            return Err(format!("unclosed: {stack:?}"));
        }
        if roots != 1 {
            return Err(format!("{roots} roots"));
        }
        Ok(())
    }

    #[test]
    fn the_well_formedness_check_can_fail() {
        assert!(check_well_formed(r#"<svg a="1"><g><text>x</text></g></svg>"#).is_ok());
        for bad in [
            "<svg><g></svg>",
            "<svg></svg><svg></svg>",
            "<svg><text>a > b</text></svg>",
            r#"<svg a="1><g/></svg>"#,
            "<g></g>",
            "<svg>",
        ] {
            assert!(check_well_formed(bad).is_err(), "{bad}");
        }
    }

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("xtask-plots-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn every_chart_is_well_formed_svg_with_its_series() {
        for by_size in [true, false] {
            let d = dir(if by_size { "rows" } else { "headline" });
            let (written, skipped) = write_all(&summary(by_size), &d).unwrap();
            assert!(skipped.is_empty(), "{skipped:?}");
            assert_eq!(
                written,
                vec![d.join(SWEEP_SVG), d.join(VERIFY_SVG), d.join(STEPS_SVG)]
            );
            let read = |name: &str| std::fs::read_to_string(d.join(name)).unwrap();
            let sweep = read(SWEEP_SVG);
            let verify = read(VERIFY_SVG);
            let steps = read(STEPS_SVG);
            for (name, text) in [
                (SWEEP_SVG, &sweep),
                (VERIFY_SVG, &verify),
                (STEPS_SVG, &steps),
            ] {
                check_well_formed(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
            // Sweep: three series (proofs/s, p50, p99), each a line and 3 markers.
            for legend in ["proofs/s", "p50", "p99", "per-proof latency (ms)"] {
                assert!(sweep.contains(legend), "{legend}");
            }
            assert!(sweep.matches("<polyline").count() >= 3);
            assert!(sweep.matches("<circle").count() >= 9);
            // Batch sizes label the x axis (plotters puts a text on its own line).
            let texts: Vec<&str> = sweep.lines().map(str::trim).collect();
            for size in ["8", "16", "32"] {
                assert!(texts.contains(&size), "{size}");
            }
            // Verification: the four modes the summary has, none it lacks.
            for (_, legend) in &VERIFY_MODES[..4] {
                assert!(verify.contains(legend), "{legend}");
            }
            assert!(!verify.contains(VERIFY_MODES[4].1));
            let points = if by_size { 3 } else { 1 };
            assert!(verify.matches("<circle").count() >= 4 * points);
            // Steps: one bar and one label per step.
            for label in [
                "witness map (FFTs): 11.2 ms",
                "MSM H (G1): 75.9 ms",
                "MSM B (G2): 158.4 ms (65%)",
            ] {
                assert!(steps.contains(label), "{label}");
            }
            assert!(steps.contains("total 245.5 ms"));
            std::fs::remove_dir_all(&d).unwrap();
        }
    }

    #[test]
    fn charts_without_figures_are_skipped_and_said_so() {
        let d = dir("none");
        let (written, skipped) =
            write_all(&json!({ "runtime": { "fast_tx_per_sec": 1.0 } }), &d).unwrap();
        assert!(written.is_empty());
        assert_eq!(skipped.len(), 3, "{skipped:?}");
        assert!(std::fs::read_dir(&d).unwrap().next().is_none());
        std::fs::remove_dir_all(&d).unwrap();
    }
}
