//! The plan preview: every step with the fields it changes and the
//! server's dry-run answer, capacity and cost, warnings, a guard's refusal
//! with its rule, and the confirmation the policy asks for.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::app::op_preview::Confirm;
use crate::app::state::{AppState, PreviewState};
use crate::config::keymap::{Action, Context};
use crate::sanitize::clean;
use crate::ui::chrome::labelled_hints;
use crate::ui::style::Look;

pub fn lines(app: &AppState, st: &PreviewState, look: &Look) -> Vec<Line<'static>> {
    let p = &st.preview;
    let mut out = Vec::new();
    for s in &p.steps {
        let kind = if s.gate { "check " } else { "change" };
        out.push(Line::from(vec![
            Span::styled(format!("{:>2}. ", s.number), look.muted()),
            Span::styled(kind, if s.gate { look.muted() } else { look.accent() }),
            Span::raw(" "),
            Span::styled(clean(&s.description).into_owned(), look.text()),
        ]));
        for c in &s.changes {
            out.push(Line::styled(
                format!("           {}", clean(c)),
                look.text(),
            ));
        }
        match &s.dry_run {
            Some(Ok(())) => out.push(Line::styled(
                "           server dry run: accepted",
                look.ok(),
            )),
            Some(Err(e)) => out.push(Line::styled(
                format!("           server dry run: REJECTED: {}", clean(e)),
                look.critical(),
            )),
            None => {}
        }
    }
    if p.steps.is_empty() && p.refusal.is_none() && p.error.is_none() {
        out.push(Line::styled("nothing to change", look.muted()));
    }
    for f in &p.figures {
        out.push(Line::styled(clean(f).into_owned(), look.text()));
    }
    for w in &p.warnings {
        out.push(Line::styled(format!("warning: {}", clean(w)), look.warn()));
    }
    out.push(Line::raw(""));
    let blocked = p
        .refusal
        .as_ref()
        .or(p.rejected.as_ref())
        .or(p.error.as_ref());
    if let Some(why) = blocked {
        out.push(Line::styled(clean(why).into_owned(), look.critical()));
        out.push(Line::styled(
            "nothing runs; nothing was changed",
            look.muted(),
        ));
        out.push(Line::from(labelled_hints(
            app,
            Context::Confirm,
            &[(Action::Cancel, "close")],
            look,
        )));
        return out;
    }
    match &p.confirm {
        Confirm::YesNo => {
            let mut spans = vec![Span::styled("Proceed? ", look.title())];
            spans.extend(labelled_hints(
                app,
                Context::Confirm,
                &[(Action::Confirm, "yes, run it"), (Action::Cancel, "no")],
                look,
            ));
            out.push(Line::from(spans));
        }
        Confirm::Typed { prompt, why, .. } => {
            out.push(Line::styled(
                format!("Type {} to proceed ({})", clean(prompt), clean(why)),
                look.warn(),
            ));
            out.push(Line::from(vec![
                Span::styled("> ", look.accent()),
                Span::styled(clean(&st.typed).into_owned(), look.text()),
                Span::styled(if look.ascii { "_" } else { "▏" }, look.accent()),
            ]));
            match &st.error {
                Some(e) => out.push(Line::styled(clean(e).into_owned(), look.critical())),
                None => out.push(Line::from(labelled_hints(
                    app,
                    Context::Popup,
                    &[(Action::Confirm, "run it"), (Action::Cancel, "cancel")],
                    look,
                ))),
            }
        }
    }
    out
}

pub fn draw(frame: &mut Frame, app: &AppState, st: &PreviewState, look: &Look) {
    let all = lines(app, st, look);
    let full = frame.area();
    let width = full.width.saturating_sub(4).min(100);
    let rows = super::wrapped_rows(&all, width.saturating_sub(2));
    let height = (rows + 2).min(full.height.saturating_sub(2));
    let area = super::centered(full, width, height);
    let p = &st.preview;
    let mut title = vec![Span::styled(
        format!(" Plan: {} ", clean(&p.summary)),
        look.title(),
    )];
    if p.production {
        title.push(Span::styled(" PRODUCTION ", look.production()));
    }
    let border = if p.refusal.is_some() || p.rejected.is_some() || p.error.is_some() {
        look.critical()
    } else {
        look.warn()
    };
    let block = look.block().border_style(border).title(Line::from(title));
    // Keep the question visible: when the plan is taller than the screen,
    // the first steps scroll off the top.
    let skip = rows.saturating_sub(area.height.saturating_sub(2));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(all)
            .wrap(Wrap { trim: false })
            .scroll((skip, 0))
            .block(block),
        area,
    );
}
