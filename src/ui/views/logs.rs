//! The logs view: the followed pod (or every pod of a deployment, each line
//! labelled with its pod), filtered by `/`, paused, wrapped.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::effect::LogTarget;
use crate::app::state::AppState;
use crate::model::query::contains;
use crate::sanitize::clean;
use crate::ui::style::Look;

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, look: &Look) {
    let Some(l) = &app.logs else {
        frame.render_widget(
            Paragraph::new(Line::styled(" No log stream.", look.muted())),
            area,
        );
        return;
    };
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let (kind, name, labelled) = match &l.target {
        LogTarget::Pod(p) => ("pod", p, false),
        LogTarget::Deployment(d) => ("deployment", d, true),
    };
    let mut spans = vec![
        Span::styled(format!(" {kind} "), look.muted()),
        Span::styled(clean(name).into_owned(), look.title()),
        Span::styled(
            format!(" {}/{} ", clean(&l.context), clean(&l.namespace)),
            look.muted(),
        ),
    ];
    spans.push(match (l.paused_at, &l.ended) {
        (_, Some(reason)) => Span::styled(format!("ENDED: {}", clean(reason)), look.warn()),
        (Some(at), None) => Span::styled(
            format!("PAUSED ({} new)", l.received().saturating_sub(at)),
            look.warn(),
        ),
        (None, None) => Span::styled("following", look.ok()),
    });
    if l.wrap {
        spans.push(Span::styled("  wrap", look.muted()));
    }
    if !app.filter.text.is_empty() {
        spans.push(Span::styled(
            format!("  filter: {}", clean(&app.filter.text)),
            look.warn(),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), head);

    // The lines that end at the paused position (or the newest), filtered.
    let end = l
        .paused_at
        .map(|a| a.saturating_sub(l.dropped) as usize)
        .unwrap_or(l.lines.len())
        .min(l.lines.len());
    let height = usize::from(body.height);
    let f = app.filter.text.as_str();
    let mut shown: Vec<Line> = l
        .lines
        .range(..end)
        .rev()
        .filter(|line| contains(&line.text, f) || contains(&line.pod, f))
        .take(height)
        .map(|line| {
            let mut s = Vec::new();
            if labelled {
                let hue = line.pod.bytes().fold(0usize, |h, b| {
                    h.wrapping_mul(31).wrapping_add(usize::from(b))
                });
                s.push(Span::styled(
                    format!("[{}] ", clean(&line.pod)),
                    look.series(hue),
                ));
            }
            s.push(Span::styled(clean(&line.text).into_owned(), look.text()));
            Line::from(s)
        })
        .collect();
    shown.reverse();
    if shown.is_empty() {
        let text = if l.lines.is_empty() {
            " waiting for lines…"
        } else {
            " no line matches the filter"
        };
        frame.render_widget(Paragraph::new(Line::styled(text, look.muted())), body);
        return;
    }
    let mut p = Paragraph::new(shown.clone());
    if l.wrap {
        // Keep the newest line at the bottom: skip what wrapping pushes off.
        let w = usize::from(body.width.max(1));
        let total: usize = shown
            .iter()
            .map(|line| line.width().max(1).div_ceil(w))
            .sum();
        let skip = total.saturating_sub(height);
        p = Paragraph::new(shown)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(skip).unwrap_or(u16::MAX), 0));
    }
    frame.render_widget(p, body);
}
