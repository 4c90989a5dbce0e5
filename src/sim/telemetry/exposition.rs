//! The Prometheus text exposition format (version 0.0.4) for `/metrics`.

use std::fmt::Write;

use super::metrics::Family;
use super::series::NAME;

/// Content type of the text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A float as Prometheus writes it: `NaN`, `+Inf`, `-Inf`, or the shortest
/// decimal that round-trips.
pub fn format_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_string()
    } else if v.is_infinite() {
        if v > 0.0 {
            "+Inf".to_string()
        } else {
            "-Inf".to_string()
        }
    } else {
        format!("{v}")
    }
}

fn escape_label_value(v: &str) -> String {
    v.replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n")
}

fn escape_help(v: &str) -> String {
    v.replace('\\', r"\\").replace('\n', r"\n")
}

/// Render families in the text format. Families without samples are skipped.
pub fn render(families: &[Family]) -> String {
    let mut out = String::new();
    for f in families.iter().filter(|f| !f.samples.is_empty()) {
        let _ = writeln!(out, "# HELP {} {}", f.name, escape_help(f.help));
        let _ = writeln!(out, "# TYPE {} {}", f.name, f.kind.as_str());
        for (ls, v) in &f.samples {
            let name = ls.get(NAME).map_or(f.name, String::as_str);
            out.push_str(name);
            let pairs: Vec<String> = ls
                .iter()
                .filter(|(k, _)| k.as_str() != NAME)
                .map(|(k, v)| format!("{k}=\"{}\"", escape_label_value(v)))
                .collect();
            if !pairs.is_empty() {
                let _ = write!(out, "{{{}}}", pairs.join(","));
            }
            let _ = writeln!(out, " {}", format_value(*v));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::telemetry::metrics::Kind;
    use crate::sim::telemetry::series::labels;

    #[test]
    fn renders_escaped_lines() {
        let f = Family {
            name: "m",
            kind: Kind::Gauge,
            help: "h",
            samples: vec![(labels([(NAME, "m"), ("a", "x\"y")]), 1.5)],
        };
        assert_eq!(
            render(&[f]),
            "# HELP m h\n# TYPE m gauge\nm{a=\"x\\\"y\"} 1.5\n"
        );
        assert_eq!(format_value(f64::INFINITY), "+Inf");
        assert_eq!(format_value(1e-7), "0.0000001");
    }
}
