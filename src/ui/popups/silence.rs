//! The silence form: matchers, duration and comment, and where it will go.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::app::silence_form::{Field, SilenceForm};
use crate::app::state::AppState;
use crate::config::keymap::{Action, Context};
use crate::sanitize::clean;
use crate::ui::chrome::labelled_hints;
use crate::ui::style::Look;

pub fn draw(frame: &mut Frame, app: &AppState, f: &SilenceForm, look: &Look) {
    let area = super::centered(frame.area(), 72, 14);
    let block = look.block().border_style(look.warn()).title(Span::styled(
        format!(" Silence {} ", clean(&f.alert_name)),
        look.title(),
    ));
    let mut lines = vec![Line::from(vec![
        Span::styled("in HA cluster(s): ", look.muted()),
        Span::styled(clean(&f.ha_clusters.join(", ")).into_owned(), look.text()),
        Span::styled(format!("  as {}", clean(&app.identity)), look.muted()),
    ])];
    for field in Field::ALL {
        let focused = f.focus == field;
        let cursor = if focused {
            if look.ascii { "_" } else { "▏" }
        } else {
            ""
        };
        let label_style = if focused {
            look.selected()
        } else {
            look.muted()
        };
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled(format!("{:<9}", field.label()), label_style),
            Span::raw(" "),
            Span::styled(clean(f.value(field)).into_owned(), look.text()),
            Span::styled(cursor, look.accent()),
        ]));
    }
    lines.push(Line::raw(""));
    if let Some(e) = &f.error {
        lines.push(Line::styled(clean(e).into_owned(), look.critical()));
    } else {
        lines.push(Line::from(labelled_hints(
            app,
            Context::Popup,
            &[
                (Action::Confirm, "create silence"),
                (Action::Cancel, "cancel"),
                (Action::NextView, "next field"),
            ],
            look,
        )));
    }
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}
