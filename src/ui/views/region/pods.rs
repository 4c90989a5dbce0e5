//! The pods tab: windowed, so only the visible rows are built however many
//! pods there are; the node column shows only when the terminal is wide.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};

use super::tab::Tab;
use crate::app::state::RegionTab;
use crate::model::query;
use crate::sanitize::clean;
use crate::ui::style::Look;

/// The style of a pod's status.
fn pod_style(status: &str, ready: bool, look: &Look) -> Style {
    match status {
        "Running" if ready => look.ok(),
        "Running" | "Pending" | "ContainerCreating" | "PodInitializing" | "Terminating" => {
            look.warn()
        }
        "Succeeded" | "Completed" => look.muted(),
        _ => look.critical(),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, tab: &Tab) {
    let (app, look) = (tab.app, tab.look);
    let total = app.derived.tab_count(RegionTab::Pods);
    // The node column goes first when the terminal is narrow.
    let wide = area.width >= 100;
    let mut titles = vec!["pod", "namespace", "status", "ready", "rst"];
    let mut widths = vec![
        Constraint::Min(24),
        Constraint::Length(9),
        Constraint::Length(17),
        Constraint::Length(5),
        Constraint::Length(3),
    ];
    if wide {
        titles.push("node");
        widths.push(Constraint::Length(18));
    }
    titles.push("age");
    widths.push(Constraint::Length(4));
    tab.table(frame, area, &titles, &widths, total, |start, n| {
        query::pods(tab.data(), tab.filter())
            .skip(start)
            .take(n)
            .map(|(ctx, p)| {
                let st = tab.stale_or(ctx, pod_style(&p.status, p.ready, look));
                let mut cells = vec![
                    Cell::from(Span::styled(
                        clean(&p.name).into_owned(),
                        tab.stale_or(ctx, look.text()),
                    )),
                    Cell::from(clean(&p.namespace).into_owned()),
                    Cell::from(Span::styled(clean(&p.status).into_owned(), st)),
                    Cell::from(if p.ready { "yes" } else { "no" }),
                    Cell::from(p.restarts.to_string()),
                ];
                if wide {
                    cells.push(Cell::from(
                        p.node
                            .as_deref()
                            .map(|n| clean(n).into_owned())
                            .unwrap_or_default(),
                    ));
                }
                cells.push(Cell::from(tab.age(p.created)));
                Row::new(cells)
            })
            .collect()
    });
}
