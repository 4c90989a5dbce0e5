//! The clusters tab: each configured context, how its Kubernetes source
//! last answered, and how many objects it holds.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};

use super::tab::Tab;
use crate::model::state::ClusterData;
use crate::sanitize::clean;
use crate::ui::format;

const TITLES: [&str; 6] = ["context", "source", "deploys", "pods", "nodes", "events"];

const WIDTHS: [Constraint; 6] = [
    Constraint::Min(20),
    Constraint::Length(22),
    Constraint::Length(7),
    Constraint::Length(7),
    Constraint::Length(5),
    Constraint::Length(6),
];

/// How the Kubernetes source of `ctx` last answered: never, stale (with
/// its error) or ok (with its age).
fn source(tab: &Tab, ctx: &str) -> (String, Style) {
    let look = tab.look;
    match tab.kube_source(ctx) {
        None => ("never reported".to_string(), look.stale()),
        Some(s) if s.stale => (
            format!(
                "stale: {}",
                clean(s.last_error.as_deref().unwrap_or("no answer"))
            ),
            look.stale(),
        ),
        Some(s) => (
            format!(
                "ok {}",
                format::opt(s.age(tab.app.now).map(|d| d.as_secs()), format::age)
            ),
            look.ok(),
        ),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, tab: &Tab, clusters: &[(&str, Option<&ClusterData>)]) {
    tab.table(frame, area, &TITLES, &WIDTHS, clusters.len(), |start, n| {
        clusters
            .iter()
            .skip(start)
            .take(n)
            .map(|(ctx, d)| {
                let (text, style) = source(tab, ctx);
                let c = |f: fn(&ClusterData) -> usize| {
                    d.map(f)
                        .map(|v| v.to_string())
                        .unwrap_or_else(|| "-".into())
                };
                Row::new(vec![
                    Cell::from(clean(ctx).into_owned()),
                    Cell::from(Span::styled(text, style)),
                    Cell::from(c(|d| d.deployments.len())),
                    Cell::from(c(|d| d.pods.len())),
                    Cell::from(c(|d| d.nodes.len())),
                    Cell::from(c(|d| d.events.len())),
                ])
            })
            .collect()
    });
}
