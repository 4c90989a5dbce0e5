//! `?`: the keys of the current view and the global ones, generated from the
//! active keymap (keys and descriptions as the keymap file states them).

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::app::state::AppState;
use crate::config::keymap::Context;
use crate::sanitize::clean;
use crate::ui::style::Look;

/// The help lines for the current view.
pub fn lines(app: &AppState, look: &Look) -> Vec<Line<'static>> {
    let view_ctx = app.view().context();
    let mut out = Vec::new();
    for ctx in [
        view_ctx,
        Context::Global,
        Context::Filter,
        Context::Palette,
        Context::Popup,
        Context::Confirm,
    ] {
        let bindings: Vec<_> = app
            .keymap
            .bindings
            .iter()
            .filter(|b| b.context == ctx)
            .collect();
        if bindings.is_empty() || (ctx == view_ctx && ctx == Context::Global) {
            continue;
        }
        out.push(Line::styled(format!("{} keys", ctx.name()), look.title()));
        for b in bindings {
            let keys = b
                .keys
                .iter()
                .map(|k| k.to_string())
                .collect::<Vec<_>>()
                .join(" ");
            out.push(Line::from(vec![
                Span::styled(format!("  {keys:<16}"), look.accent()),
                Span::styled(clean(&b.description).into_owned(), look.text()),
            ]));
        }
    }
    out
}

pub fn draw(frame: &mut Frame, app: &AppState, scroll: usize, look: &Look) {
    let area = super::centered(frame.area(), 76, frame.area().height.saturating_sub(2));
    let all = lines(app, look);
    let inner_h = usize::from(area.height.saturating_sub(2));
    let scroll = scroll.min(all.len().saturating_sub(inner_h));
    let block = look
        .block()
        .title(Span::styled(
            format!(" Keys ({} keymap) ", clean(&app.keymap.name)),
            look.title(),
        ))
        .title_bottom(Span::styled(
            format!(
                " {}-{} of {} ",
                scroll + 1,
                (scroll + inner_h).min(all.len()),
                all.len()
            ),
            look.muted(),
        ));
    frame.render_widget(Clear, area);
    let visible: Vec<Line> = all.into_iter().skip(scroll).take(inner_h).collect();
    frame.render_widget(Paragraph::new(visible).block(block), area);
}
