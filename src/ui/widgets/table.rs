//! A windowed table: only the rows that fit are built, so a list of 100k
//! pods costs one screen of rows per frame.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Row, Table, TableState};

/// The first visible row that keeps `selected` on screen.
pub fn window_start(selected: usize, visible: usize) -> usize {
    if visible == 0 {
        return selected;
    }
    selected.saturating_sub(visible - 1)
}

/// Draws `rows(start, count)` — called with the window only — with a header.
#[allow(clippy::too_many_arguments)]
pub fn draw<'a>(
    frame: &mut Frame,
    area: Rect,
    header: Row<'a>,
    widths: &[Constraint],
    total: usize,
    selected: usize,
    selected_style: Style,
    rows: impl FnOnce(usize, usize) -> Vec<Row<'a>>,
) {
    let visible = usize::from(area.height.saturating_sub(1));
    if total == 0 {
        let table = Table::new(Vec::<Row>::new(), widths.to_vec()).header(header);
        frame.render_widget(table, area);
        let msg_area = Rect {
            y: area.y.saturating_add(1),
            height: area.height.saturating_sub(1).min(1),
            ..area
        };
        frame.render_widget(Line::from("  (nothing to show)"), msg_area);
        return;
    }
    let start = window_start(selected, visible);
    let window = rows(start, visible);
    let mut state = TableState::default().with_selected(Some(selected.saturating_sub(start)));
    let table = Table::new(window, widths.to_vec())
        .header(header)
        .column_spacing(1)
        .row_highlight_style(selected_style);
    frame.render_stateful_widget(table, area, &mut state);
}
