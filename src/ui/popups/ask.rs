//! Yes/no questions: expiring a silence, aborting a running operation,
//! and at start, an unfinished operation to resume, undo or leave.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::app::state::{AppState, Question};
use crate::config::keymap::{Action, Context};
use crate::sanitize::clean;
use crate::ui::chrome::labelled_hints;
use crate::ui::style::Look;

pub fn draw(frame: &mut Frame, app: &AppState, q: &Question, look: &Look) {
    let hints = |actions: &[(Action, &str)]| {
        Line::from(labelled_hints(app, Context::Confirm, actions, look))
    };
    let (title, lines) = match q {
        Question::ExpireSilence {
            id,
            ha_cluster,
            comment,
            ..
        } => (
            " Expire silence ",
            vec![
                Line::styled(
                    format!("Expire silence {} in {}?", clean(id), clean(ha_cluster)),
                    look.text(),
                ),
                Line::styled(format!("comment: {}", clean(comment)), look.muted()),
                Line::styled(
                    "its alerts notify again as soon as it has expired",
                    look.warn(),
                ),
                Line::raw(""),
                hints(&[(Action::Confirm, "expire it"), (Action::Cancel, "keep it")]),
            ],
        ),
        Question::Abort { id, pid, summary } => (
            " Abort operation ",
            vec![
                Line::styled(format!("Abort {}?", clean(summary)), look.text()),
                Line::styled(
                    format!(
                        "operation {} (process {pid}) gets SIGINT, as Ctrl-C in the CLI: \
                         it stops after the current request and releases its lease; \
                         steps already done stay done (undo them from the journal)",
                        clean(id)
                    ),
                    look.muted(),
                ),
                Line::raw(""),
                hints(&[
                    (Action::Confirm, "abort it"),
                    (Action::Cancel, "let it run"),
                ]),
            ],
        ),
        Question::Quit { running } => {
            let mut l = vec![Line::styled(
                format!(
                    "{} operation(s) running; they go on in their own processes:",
                    running.len()
                ),
                look.warn(),
            )];
            for r in running.iter().take(5) {
                l.push(Line::styled(format!("  {}", clean(r)), look.text()));
            }
            l.push(Line::styled(
                "to stop one, abort it in the operations view instead",
                look.muted(),
            ));
            l.push(Line::raw(""));
            l.push(hints(&[
                (Action::Confirm, "quit, leave them running"),
                (Action::Cancel, "stay"),
            ]));
            (" Quit opsdeck ", l)
        }
        Question::Unfinished {
            id,
            summary,
            steps_done,
            steps,
            last_step,
        } => {
            let mut l = vec![
                Line::styled(
                    format!("An operation did not finish: {}", clean(summary)),
                    look.warn(),
                ),
                Line::styled(
                    format!(
                        "{} — {steps_done} of {steps} steps done; its process is gone",
                        clean(id)
                    ),
                    look.muted(),
                ),
            ];
            if let Some(s) = last_step {
                l.push(Line::styled(
                    format!("last step started: {}", clean(s)),
                    look.muted(),
                ));
            }
            l.push(Line::raw(""));
            l.push(hints(&[
                (Action::ResumeOperation, "resume"),
                (Action::UndoOperation, "undo"),
                (Action::Cancel, "leave it"),
            ]));
            (" Unfinished operation ", l)
        }
    };
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
