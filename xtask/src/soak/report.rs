//! The soak's samples, their CSV and SVG chart, and the growth verdict.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use plotters::prelude::*;

/// One sample, taken every interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// Seconds since the load started.
    pub elapsed_s: f64,
    pub rss_bytes: u64,
    pub threads: u64,
    pub open_fds: u64,
    /// Transactions the client had accepted in the interval.
    pub accepted: u64,
    /// Failed or refused submissions in the interval.
    pub errors: u64,
    /// Transactions committed per second in the interval (the node's counter).
    pub committed_per_s: f64,
    /// Submission latency percentiles in the interval, ms (0 with no submission).
    pub latency_p50_ms: f64,
    pub latency_p99_ms: f64,
    /// The node's height at the sample.
    pub height: u64,
}

/// The CSV header, in column order.
pub const CSV_HEADER: &str = "elapsed_s,rss_bytes,threads,open_fds,accepted,errors,committed_per_s,latency_p50_ms,latency_p99_ms,height";

/// The samples as CSV, header first.
pub fn csv(samples: &[Sample]) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for s in samples {
        let _ = writeln!(
            out,
            "{:.1},{},{},{},{},{},{:.2},{:.2},{:.2},{}",
            s.elapsed_s,
            s.rss_bytes,
            s.threads,
            s.open_fds,
            s.accepted,
            s.errors,
            s.committed_per_s,
            s.latency_p50_ms,
            s.latency_p99_ms,
            s.height
        );
    }
    out
}

/// The `q` quantile (nearest rank) of `values`, sorted in place; 0 if empty.
pub fn quantile_ms(values: &mut [Duration], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_unstable();
    let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
    values[rank - 1].as_secs_f64() * 1e3
}

/// The growth limits, checked between the start and the end of the run after
/// warm-up (docs/RINGCT-PERFORMANCE-BASELINE.md, "Soak").
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    /// Share of the run ignored at the start.
    pub warm_up_share: f64,
    /// RSS may grow by at most this many bytes...
    pub rss_growth_bytes: u64,
    /// ...or this share of the baseline, whichever is larger.
    pub rss_growth_share: f64,
    /// Threads may grow by at most this many.
    pub thread_growth: u64,
    /// Open file descriptors may grow by at most this many.
    pub fd_growth: u64,
    /// Committed throughput at the end must be at least this share of the start's.
    pub min_throughput_share: f64,
    /// p99 submission latency at the end may be at most this factor of the start's...
    pub max_latency_factor: f64,
    /// ...plus this many ms.
    pub latency_slack_ms: f64,
    /// Samples averaged (median) at each end.
    pub window: usize,
}

impl Thresholds {
    /// The defaults, with the RSS allowance raised by the node's store cache budget
    /// (`cache_bytes`): the cache may fill to its budget during any run, and that is
    /// bounded growth, not a leak.
    pub fn with_store_cache(cache_bytes: u64) -> Self {
        let mut t = Thresholds::default();
        t.rss_growth_bytes = t.rss_growth_bytes.saturating_add(cache_bytes);
        t
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            warm_up_share: 0.2,
            rss_growth_bytes: 64 * 1024 * 1024,
            rss_growth_share: 0.25,
            thread_growth: 4,
            fd_growth: 16,
            min_throughput_share: 0.5,
            max_latency_factor: 3.0,
            latency_slack_ms: 20.0,
            window: 3,
        }
    }
}

/// The median of `f` over `samples`.
fn median(samples: &[Sample], f: impl Fn(&Sample) -> f64) -> f64 {
    let mut v: Vec<f64> = samples.iter().map(f).collect();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Start and end figures after warm-up, and every limit broken.
#[derive(Debug)]
pub struct Verdict {
    pub lines: Vec<String>,
    pub broken: Vec<String>,
}

/// Checks `samples` against `t`. `Err` if there are too few samples after warm-up.
pub fn judge(samples: &[Sample], t: &Thresholds) -> Result<Verdict, String> {
    let total = samples.last().map_or(0.0, |s| s.elapsed_s);
    let warm = total * t.warm_up_share;
    let steady: Vec<Sample> = samples
        .iter()
        .filter(|s| s.elapsed_s > warm)
        .cloned()
        .collect();
    if steady.len() < 2 * t.window {
        return Err(format!(
            "{} samples after the warm-up ({warm:.0} s); at least {} are needed: run longer",
            steady.len(),
            2 * t.window
        ));
    }
    let (first, last) = (&steady[..t.window], &steady[steady.len() - t.window..]);
    let mut lines = Vec::new();
    let mut broken = Vec::new();
    let mut check = |what: &str, start: f64, end: f64, limit: f64, ok: bool, unit: &str| {
        let line = format!(
            "{what:<22} start {start:>10.1} {unit:<5} end {end:>10.1} {unit:<5} limit {limit:>10.1} {unit}"
        );
        if !ok {
            broken.push(line.clone());
        }
        lines.push(line);
    };
    let mib = |b: f64| b / (1024.0 * 1024.0);
    let rss0 = median(first, |s| s.rss_bytes as f64);
    let rss1 = median(last, |s| s.rss_bytes as f64);
    let rss_limit = rss0 + (t.rss_growth_bytes as f64).max(rss0 * t.rss_growth_share);
    check(
        "RSS",
        mib(rss0),
        mib(rss1),
        mib(rss_limit),
        rss1 <= rss_limit,
        "MiB",
    );
    let th0 = median(first, |s| s.threads as f64);
    let th1 = median(last, |s| s.threads as f64);
    let th_limit = th0 + t.thread_growth as f64;
    check("threads", th0, th1, th_limit, th1 <= th_limit, "");
    let fd0 = median(first, |s| s.open_fds as f64);
    let fd1 = median(last, |s| s.open_fds as f64);
    let fd_limit = fd0 + t.fd_growth as f64;
    check("open fds", fd0, fd1, fd_limit, fd1 <= fd_limit, "");
    let tp0 = median(first, |s| s.committed_per_s);
    let tp1 = median(last, |s| s.committed_per_s);
    let tp_limit = tp0 * t.min_throughput_share;
    check(
        "committed tx/s (min)",
        tp0,
        tp1,
        tp_limit,
        tp1 >= tp_limit,
        "tx/s",
    );
    let p0 = median(first, |s| s.latency_p99_ms);
    let p1 = median(last, |s| s.latency_p99_ms);
    let p_limit = p0 * t.max_latency_factor + t.latency_slack_ms;
    check("submit p99", p0, p1, p_limit, p1 <= p_limit, "ms");
    let errors: u64 = steady.iter().map(|s| s.errors).sum();
    let line = format!(
        "{:<22} {errors} after warm-up (limit 0)",
        "failed submissions"
    );
    if errors > 0 {
        broken.push(line.clone());
    }
    lines.push(line);
    Ok(Verdict { lines, broken })
}

/// Draws four stacked charts (RSS; threads and fds; committed tx/s; submit
/// latency p50 and p99) against elapsed minutes, as SVG.
pub fn svg(samples: &[Sample], path: &Path, title: &str) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("cannot draw {}: {e}", path.display());
    let root = SVGBackend::new(path, (1000, 1100)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let root = root
        .titled(title, ("sans-serif", 22))
        .map_err(|e| err(&e))?;
    let panels = root.split_evenly((4, 1));
    let x_max = samples
        .last()
        .map_or(1.0, |s| (s.elapsed_s / 60.0).max(1.0 / 60.0));
    type Series<'a> = (&'a str, RGBColor, Box<dyn Fn(&Sample) -> f64>);
    let charts: [(&str, Vec<Series>); 4] = [
        (
            "RSS (MiB)",
            vec![(
                "rss",
                BLUE,
                Box::new(|s: &Sample| s.rss_bytes as f64 / (1024.0 * 1024.0)),
            )],
        ),
        (
            "threads, open fds",
            vec![
                ("threads", RED, Box::new(|s: &Sample| s.threads as f64)),
                ("open fds", GREEN, Box::new(|s: &Sample| s.open_fds as f64)),
            ],
        ),
        (
            "committed tx/s",
            vec![("tx/s", BLUE, Box::new(|s: &Sample| s.committed_per_s))],
        ),
        (
            "submit latency (ms)",
            vec![
                ("p50", GREEN, Box::new(|s: &Sample| s.latency_p50_ms)),
                ("p99", RED, Box::new(|s: &Sample| s.latency_p99_ms)),
            ],
        ),
    ];
    for (area, (caption, series)) in panels.iter().zip(charts) {
        let y_max = series
            .iter()
            .flat_map(|(_, _, f)| samples.iter().map(f))
            .fold(0.0f64, f64::max)
            .max(1.0)
            * 1.1;
        let mut chart = ChartBuilder::on(area)
            .caption(caption, ("sans-serif", 16))
            .margin(8)
            .x_label_area_size(30)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..x_max, 0.0..y_max)
            .map_err(|e| err(&e))?;
        chart
            .configure_mesh()
            .x_desc("minutes")
            .draw()
            .map_err(|e| err(&e))?;
        for (name, color, f) in series {
            chart
                .draw_series(LineSeries::new(
                    samples.iter().map(|s| (s.elapsed_s / 60.0, f(s))),
                    &color,
                ))
                .map_err(|e| err(&e))?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
        }
        chart
            .configure_series_labels()
            .border_style(BLACK)
            .background_style(WHITE.mix(0.8))
            .draw()
            .map_err(|e| err(&e))?;
    }
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_cache_budget_widens_only_the_rss_allowance() {
        let t = Thresholds::with_store_cache(64 * 1024 * 1024);
        assert_eq!(t.rss_growth_bytes, 128 * 1024 * 1024);
        let d = Thresholds::default();
        assert_eq!(t.thread_growth, d.thread_growth);
        assert_eq!(t.fd_growth, d.fd_growth);
        // 100 MiB of growth breaks the default allowance but not the widened one.
        let mut s = steady(30);
        let n = s.len();
        for x in &mut s[n - 5..] {
            x.rss_bytes += 100 * 1024 * 1024;
        }
        assert!(!judge(&s, &d).unwrap().broken.is_empty());
        assert!(judge(&s, &t).unwrap().broken.is_empty());
    }

    fn sample(i: usize, rss_mib: u64, threads: u64, fds: u64, tps: f64, p99: f64) -> Sample {
        Sample {
            elapsed_s: 10.0 * (i + 1) as f64,
            rss_bytes: rss_mib * 1024 * 1024,
            threads,
            open_fds: fds,
            accepted: 100,
            errors: 0,
            committed_per_s: tps,
            latency_p50_ms: p99 / 2.0,
            latency_p99_ms: p99,
            height: i as u64,
        }
    }

    fn steady(n: usize) -> Vec<Sample> {
        (0..n).map(|i| sample(i, 100, 10, 20, 50.0, 5.0)).collect()
    }

    #[test]
    fn a_flat_run_passes() {
        let v = judge(&steady(30), &Thresholds::default()).unwrap();
        assert!(v.broken.is_empty(), "{:?}", v.broken);
        assert_eq!(v.lines.len(), 6);
    }

    #[test]
    fn each_kind_of_growth_fails() {
        let t = Thresholds::default();
        let grow = |f: &dyn Fn(&mut Sample)| {
            let mut s = steady(30);
            for x in &mut s[25..] {
                f(x);
            }
            judge(&s, &t).unwrap().broken
        };
        let rss = grow(&|s| s.rss_bytes += 65 * 1024 * 1024);
        assert!(rss.len() == 1 && rss[0].starts_with("RSS"), "{rss:?}");
        let threads = grow(&|s| s.threads += 5);
        assert!(
            threads.len() == 1 && threads[0].starts_with("threads"),
            "{threads:?}"
        );
        let fds = grow(&|s| s.open_fds += 17);
        assert!(fds.len() == 1 && fds[0].starts_with("open fds"), "{fds:?}");
        let tps = grow(&|s| s.committed_per_s = 20.0);
        assert!(tps.len() == 1 && tps[0].starts_with("committed"), "{tps:?}");
        let lat = grow(&|s| s.latency_p99_ms = 40.0);
        assert!(
            lat.len() == 1 && lat[0].starts_with("submit p99"),
            "{lat:?}"
        );
        let errors = grow(&|s| s.errors = 1);
        assert!(
            errors.len() == 1 && errors[0].starts_with("failed"),
            "{errors:?}"
        );
        // Just inside the limits passes.
        assert!(grow(&|s| {
            s.rss_bytes += 64 * 1024 * 1024;
            s.threads += 4;
            s.open_fds += 16;
        })
        .is_empty());
    }

    #[test]
    fn growth_during_warm_up_is_ignored_and_short_runs_are_refused() {
        let mut s = steady(30);
        for x in &mut s[..5] {
            x.rss_bytes = 1;
        }
        assert!(judge(&s, &Thresholds::default()).unwrap().broken.is_empty());
        assert!(judge(&steady(6), &Thresholds::default()).is_err());
    }

    #[test]
    fn csv_has_a_header_and_one_line_per_sample() {
        let text = csv(&steady(3));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[1], "10.0,104857600,10,20,100,0,50.00,2.50,5.00,0");
    }

    #[test]
    fn quantiles_use_the_nearest_rank() {
        let mut v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(quantile_ms(&mut v, 0.5), 50.0);
        assert_eq!(quantile_ms(&mut v, 0.99), 99.0);
        assert_eq!(quantile_ms(&mut [], 0.99), 0.0);
    }

    #[test]
    fn the_chart_is_written_as_svg() {
        let dir = std::env::temp_dir().join(format!("xtask-soak-svg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("soak.svg");
        svg(&steady(12), &path, "test").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("<svg") && text.contains("RSS (MiB)"),
            "{}",
            &text[..200.min(text.len())]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
