//! The operations view: the journal of past operations and the progress of
//! running ones. The operations engine fills it; until it runs, it says so.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::state::AppState;
use crate::ui::style::Look;

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, look: &Look) {
    let block = look
        .block()
        .title(Line::styled(" Operations ", look.title()));
    let mut lines = vec![
        Line::styled("No operations yet.", look.text()),
        Line::raw(""),
        Line::styled(
            "Scale, failover, rollback and deploy — each previewed, confirmed and journaled — \
             will list here with live progress once the operations engine is part of opsdeck. \
             Nothing has been changed from this console.",
            look.muted(),
        ),
    ];
    if app.read_only() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "This console is READ-ONLY: it refuses every operation.",
            look.warn(),
        ));
    }
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).block(block),
        area,
    );
}
