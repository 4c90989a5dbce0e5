//! Output of the read commands: a table for people, JSON for scripts. JSON
//! documents carry `apiVersion: "opsdeck/v1"` and a `kind`; their schema is
//! `tests/schema/opsdeck-v1.json`.

use std::io::IsTerminal;

use serde::Serialize;

use crate::model::{Health, SourceStatus};
use crate::sanitize::clean;

pub const API_VERSION: &str = "opsdeck/v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
}

/// The envelope every JSON document has.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document<T: Serialize> {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub generated_at: jiff::Timestamp,
    /// Every source with its state: unreachable or stale ones carry their
    /// error instead of silently missing.
    pub sources: Vec<SourceStatus>,
    #[serde(flatten)]
    pub body: T,
}

pub fn json<T: Serialize>(kind: &'static str, sources: Vec<SourceStatus>, body: T) -> String {
    let doc = Document {
        api_version: API_VERSION,
        kind,
        generated_at: jiff::Timestamp::now(),
        sources,
        body,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")) + "\n"
}

/// Colour only for a terminal, and never with `NO_COLOR`.
pub fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn health_cell(h: Health, colour: bool) -> comfy_table::Cell {
    let cell = comfy_table::Cell::new(h.label());
    if !colour {
        return cell;
    }
    let c = match h {
        Health::Ok => comfy_table::Color::Green,
        Health::Degraded => comfy_table::Color::Yellow,
        Health::Down => comfy_table::Color::Red,
        Health::Unknown => comfy_table::Color::DarkGrey,
    };
    cell.fg(c)
}

pub fn table(header: &[&str]) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::NOTHING);
    t.set_header(header.to_vec());
    t
}

/// Lines for sources that failed or are stale, printed under a table.
/// Errors and warnings carry text a server wrote (an error body, a CSV
/// field): every piece passes through [`clean`] so it prints as one line
/// without escape sequences.
pub fn source_problems(sources: &[SourceStatus]) -> String {
    let mut out = String::new();
    for s in sources.iter().filter(|s| s.stale || s.last_error.is_some()) {
        let state = if s.stale { "unreachable" } else { "error" };
        let err = s.last_error.as_deref().unwrap_or("stale");
        let region = if s.region.is_empty() {
            String::new()
        } else {
            format!(" [{}]", clean(&s.region))
        };
        out.push_str(&format!(
            "! {} {}{region}: {state}: {}\n",
            s.kind.label(),
            clean(&s.name),
            clean(err),
        ));
    }
    for s in sources {
        for w in &s.warnings {
            out.push_str(&format!(
                "~ {} {}: {}\n",
                s.kind.label(),
                clean(&s.name),
                clean(w)
            ));
        }
    }
    out
}

pub fn opt(v: Option<f64>, digits: usize) -> String {
    v.map(|v| format!("{v:.digits$}"))
        .unwrap_or_else(|| "-".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceKind;

    #[test]
    fn source_problems_print_no_escape_sequences() {
        let mut s = SourceStatus::new(SourceKind::Alertmanager, "us\u{1b}[2J-east", "am\u{7}:9093");
        s.last_error = Some("HTTP 500: \u{1b}]52;c;ZXZpbA==\u{7}boom\n\u{1b}[2Jagain".into());
        s.warnings = vec!["row 3: \u{1b}[31mred\u{1b}[0m tag".into()];
        let out = source_problems(&[s]);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
        assert!(out.contains("[us-east]"), "{out}");
        assert!(out.contains(": error: HTTP 500: boom again\n"), "{out}");
        assert!(out.contains("row 3: red tag\n"), "{out}");
        assert_eq!(out.lines().count(), 2, "{out}");
    }
}
