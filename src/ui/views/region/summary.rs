//! The region view's first line: the region's health, provider and
//! production mark, then each cluster with its node and pod counts, or
//! that it is stale or has no data.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::tab::Tab;
use crate::model::state::ClusterData;
use crate::sanitize::clean;

pub fn draw(frame: &mut Frame, area: Rect, tab: &Tab, clusters: &[(&str, Option<&ClusterData>)]) {
    let look = tab.look;
    let mut spans = vec![Span::raw(" ")];
    if let Some(v) = tab.view {
        spans.push(Span::styled(
            format!("{} ", look.mark(v.health)),
            look.health(v.health),
        ));
        spans.push(Span::styled(
            format!("{} ", clean(&v.provider)),
            look.muted(),
        ));
        if v.production {
            spans.push(Span::styled("PROD ", look.production()));
        }
    }
    for (ctx, data) in clusters {
        let stale = tab.kube_stale(ctx);
        let style = if stale { look.stale() } else { look.accent() };
        spans.push(Span::styled(clean(ctx).into_owned(), style));
        if stale {
            spans.push(Span::styled(" (stale)", look.stale()));
        }
        if let Some(d) = data {
            let ready = d.nodes.values().filter(|n| n.ready).count();
            // Counted in update(), not per frame, when this is the only cluster.
            let unready = match &tab.app.pod_counts {
                Some(c) if c.region == tab.region && clusters.len() == 1 => c.not_ready,
                _ => d.pods.values().filter(|p| !p.ready).count(),
            };
            spans.push(Span::styled(
                format!(
                    " nodes {ready}/{} pods {} ({unready} not ready)  ",
                    d.nodes.len(),
                    d.pods.len()
                ),
                look.muted(),
            ));
        } else {
            spans.push(Span::styled(" no data  ", look.stale()));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
