//! The operation forms: scale (replicas, bounds, HPA), rollback (the
//! revision picker from the ReplicaSet history), deploy and failover
//! (`op_form_fleet`), and the wait for a plan.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::app::op_form::{OpForm, RollbackForm, ScaleForm};
use crate::app::state::AppState;
use crate::config::keymap::{Action, Context};
use crate::sanitize::clean;
use crate::ui::chrome::labelled_hints;
use crate::ui::format;
use crate::ui::style::Look;

pub fn draw(frame: &mut Frame, app: &AppState, form: &OpForm, look: &Look) {
    let (title, mut lines, error, (up, down)) = match form {
        OpForm::Scale(f) => (
            format!(
                " Scale {} in {} ",
                clean(&f.target.service),
                clean(&f.target.region)
            ),
            scale_lines(f, look),
            f.error.as_deref(),
            ("+1", "-1"),
        ),
        OpForm::Rollback(f) => (
            format!(
                " Roll back {} in {} ",
                clean(&f.target.service),
                clean(&f.target.region)
            ),
            rollback_lines(app, f, look),
            f.error.as_deref(),
            ("newer", "older"),
        ),
        OpForm::Deploy(f) => (
            format!(" Deploy {} ", clean(&f.service)),
            super::op_form_fleet::deploy_lines(f, look),
            f.error.as_deref(),
            ("previous region", "next region"),
        ),
        OpForm::Failover(f) => (
            format!(" Fail over {} ", clean(&f.from)),
            super::op_form_fleet::failover_lines(f, look),
            f.error.as_deref(),
            ("previous", "next"),
        ),
    };
    lines.push(Line::raw(""));
    match error {
        Some(e) => lines.push(Line::styled(clean(e).into_owned(), look.critical())),
        None => lines.push(Line::from(labelled_hints(
            app,
            Context::Popup,
            &[
                (Action::Confirm, "plan it"),
                (Action::Cancel, "cancel"),
                (Action::Up, up),
                (Action::Down, down),
            ],
            look,
        ))),
    }
    let width = 72.min(frame.area().width);
    let height =
        (super::wrapped_rows(&lines, width.saturating_sub(2)) + 2).min(frame.area().height);
    let area = super::centered(frame.area(), width, height);
    let block = look
        .block()
        .border_style(look.warn())
        .title(Span::styled(title, look.title()));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

fn scale_lines(f: &ScaleForm, look: &Look) -> Vec<Line<'static>> {
    let now = match (f.ready, f.desired) {
        (Some(r), Some(d)) => format!("{r}/{d} ready"),
        _ => "unknown".into(),
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled("deployment ", look.muted()),
            Span::styled(
                format!(
                    "{}/{}",
                    clean(&f.target.namespace),
                    clean(&f.target.deployment)
                ),
                look.text(),
            ),
            Span::styled(format!("  now {now}"), look.muted()),
        ]),
        Line::raw(""),
        Line::from(vec![
            Span::styled("Replicas ", look.selected()),
            Span::raw(" "),
            Span::styled(clean(&f.replicas).into_owned(), look.text()),
            Span::styled(if look.ascii { "_" } else { "▏" }, look.accent()),
        ]),
    ];
    lines.push(match f.bounds {
        Some(b) => Line::styled(
            format!("bounds {}..{} (config: services.replicas)", b.min, b.max),
            look.muted(),
        ),
        None => Line::styled("no configured bounds", look.muted()),
    });
    if let Some(h) = &f.hpa {
        lines.push(Line::styled(clean(h).into_owned(), look.warn()));
    }
    lines
}

fn rollback_lines(app: &AppState, f: &RollbackForm, look: &Look) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(
        format!(
            "deployment {}/{}: pick the revision to go back to",
            clean(&f.target.namespace),
            clean(&f.target.deployment)
        ),
        look.muted(),
    )];
    if f.revisions.is_empty() {
        lines.push(Line::styled(
            "no ReplicaSet history seen for this deployment yet",
            look.warn(),
        ));
    }
    // A window of at most 8 revisions around the selection.
    let start = f.selected.saturating_sub(7);
    for (i, r) in f.revisions.iter().enumerate().skip(start).take(8) {
        let age = r
            .created
            .map(|c| format::age(app.now.as_second() - c.as_second()))
            .unwrap_or_else(|| "-".into());
        let mark = if i == f.selected { ">" } else { " " };
        let current = if r.current { " (current)" } else { "" };
        let cause = r
            .change_cause
            .as_deref()
            .map(|c| format!("  {}", clean(c)))
            .unwrap_or_default();
        let text: String = format!(
            "{mark} rev {:<4} {:>5}  {}{current}{cause}",
            r.revision,
            age,
            clean(&r.images.join(", "))
        )
        .chars()
        .take(70)
        .collect();
        let style = if i == f.selected {
            look.selected()
        } else if r.current {
            look.muted()
        } else {
            look.text()
        };
        lines.push(Line::styled(text, style));
    }
    lines
}

/// The popup while the plan is made.
pub fn planning(frame: &mut Frame, app: &AppState, summary: &str, look: &Look) {
    let area = super::centered(frame.area(), 72, 7);
    let block = look.block().title(Span::styled(" Planning ", look.title()));
    let lines = vec![
        Line::styled(clean(summary).into_owned(), look.text()),
        Line::styled(
            "reading the fleet, checking read-only, RBAC and the lease, dry-running on the server…",
            look.muted(),
        ),
        Line::from(labelled_hints(
            app,
            Context::Popup,
            &[(Action::Cancel, "cancel")],
            look,
        )),
    ];
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}
