//! `:`: the command palette, fuzzy over views, regions, services and actions.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::app::palette::PaletteState;
use crate::app::state::AppState;
use crate::sanitize::clean;
use crate::ui::style::Look;

pub fn draw(frame: &mut Frame, app: &AppState, p: &PaletteState, look: &Look) {
    let full = frame.area();
    let height = (full.height.saturating_sub(4)).min(14);
    let area = Rect {
        y: full.y + 2,
        ..super::centered(full, 60, height)
    };
    let found = &app.derived.palette;
    let block = look
        .block()
        .border_style(look.accent())
        .title(Span::styled(" Go to ", look.title()));
    let inner_h = usize::from(area.height.saturating_sub(3));
    let start = p.selected.saturating_sub(inner_h.saturating_sub(1));
    let mut lines = vec![
        Line::from(vec![
            Span::styled(": ", look.accent()),
            Span::styled(p.input.clone(), look.text()),
            Span::styled(if look.ascii { "_" } else { "▏" }, look.accent()),
        ]),
        Line::raw(""),
    ];
    if found.is_empty() {
        lines.push(Line::styled("  nothing matches", look.muted()));
    }
    for (i, e) in found.iter().enumerate().skip(start).take(inner_h) {
        let line = Line::from(vec![
            Span::styled(format!(" {:<8}", e.kind), look.muted()),
            Span::styled(clean(&e.label).into_owned(), look.text()),
        ]);
        lines.push(if i == p.selected {
            line.style(look.selected())
        } else {
            line
        });
    }
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
