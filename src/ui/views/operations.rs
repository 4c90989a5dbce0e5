//! The operations view: running operations live (each step with its state,
//! elapsed time and the gate's numbers), and below, the journal's history
//! (filterable; enter opens one to see its steps and result).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

use crate::app::ops_state::{OpRow, OpStep, StepMark};
use crate::app::state::AppState;
use crate::config::keymap::{Action, Context};
use crate::model::Timestamp;
use crate::sanitize::clean;
use crate::ui::chrome::labelled_hints;
use crate::ui::format;
use crate::ui::style::Look;
use crate::ui::widgets::table;

fn seconds(from: Option<Timestamp>, to: Option<Timestamp>, now: Timestamp) -> String {
    match from {
        Some(f) => format::age(to.unwrap_or(now).as_second() - f.as_second()),
        None => "-".into(),
    }
}

fn mark_style(m: StepMark, look: &Look) -> ratatui::style::Style {
    match m {
        StepMark::Pending => look.muted(),
        StepMark::Running => look.accent(),
        StepMark::Done | StepMark::AlreadyApplied | StepMark::Passed => look.ok(),
        StepMark::Failed | StepMark::NotPassed => look.critical(),
        StepMark::Interrupted => look.warn(),
    }
}

/// A step, and under it its error or the gate's numbers.
fn step_lines(s: &OpStep, now: Timestamp, look: &Look) -> Vec<Line<'static>> {
    let elapsed = if s.started.is_some() {
        seconds(s.started, s.ended, now)
    } else {
        String::new()
    };
    let mut out = vec![Line::from(vec![
        Span::styled(format!("  {:>2}. ", s.number), look.muted()),
        Span::styled(format!("{:<10}", s.mark.label()), mark_style(s.mark, look)),
        Span::styled(format!("{elapsed:>5}  "), look.muted()),
        Span::styled(clean(&s.description).into_owned(), look.text()),
    ])];
    if let Some(d) = &s.detail {
        out.push(Line::styled(
            format!("                       {}", clean(d)),
            mark_style(s.mark, look),
        ));
    }
    out
}

fn title_line(r: &OpRow, now: Timestamp, look: &Look) -> Line<'static> {
    Line::from(vec![
        Span::styled(
            format!(
                "{} ",
                match (r.running(), look.ascii) {
                    (true, false) => "▶",
                    (true, true) => ">",
                    (false, false) => "■",
                    (false, true) => "#",
                }
            ),
            state_style(&r.state, look),
        ),
        Span::styled(clean(&r.summary).into_owned(), look.title()),
        Span::styled(
            format!(
                "  {}/{} steps  {}  {}  pid {}",
                r.steps_done,
                r.steps.len(),
                seconds(r.started, r.ended, now),
                clean(&r.actor),
                r.pid.map(|p| p.to_string()).unwrap_or_else(|| "-".into())
            ),
            look.muted(),
        ),
    ])
}

fn running_lines(app: &AppState, look: &Look) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for r in app.ops.running() {
        out.push(title_line(r, app.now, look));
        out.extend(r.steps.iter().flat_map(|s| step_lines(s, app.now, look)));
    }
    if out.is_empty() {
        out.push(Line::styled("No operation running.", look.muted()));
    }
    out
}

fn detail_lines(app: &AppState, r: &OpRow, look: &Look) -> Vec<Line<'static>> {
    let mut out = vec![
        title_line(r, app.now, look),
        Line::styled(
            format!("{}  state {}", clean(&r.id), clean(&r.state)),
            look.muted(),
        ),
    ];
    out.extend(r.steps.iter().flat_map(|s| step_lines(s, app.now, look)));
    if let Some(m) = &r.message {
        out.push(Line::styled(
            format!("result: {}", clean(m)),
            if r.state == "succeeded" {
                look.ok()
            } else {
                look.warn()
            },
        ));
    }
    out
}

fn state_style(state: &str, look: &Look) -> ratatui::style::Style {
    match state {
        "running" => look.accent(),
        "succeeded" => look.ok(),
        "unfinished" | "aborted" => look.warn(),
        _ => look.critical(),
    }
}

fn history(frame: &mut Frame, area: Rect, app: &AppState, look: &Look) {
    let header = Row::new(["started", "state", "steps", "operation", "by"]).style(look.muted());
    let widths = [
        Constraint::Length(8),
        Constraint::Length(10),
        Constraint::Length(5),
        Constraint::Min(20),
        Constraint::Length(18),
    ];
    let ops = &app.ops;
    table::draw(
        frame,
        area,
        header,
        &widths,
        ops.shown.len(),
        ops.selected,
        look.selected(),
        |start, count| {
            ops.shown
                .iter()
                .skip(start)
                .take(count)
                .filter_map(|i| ops.rows.get(*i))
                .map(|r| {
                    let when = r
                        .started
                        .map(|s| format::age(app.now.as_second() - s.as_second()))
                        .unwrap_or_else(|| "-".into());
                    Row::new([
                        Cell::from(Span::styled(when, look.muted())),
                        Cell::from(Span::styled(
                            clean(&r.state).into_owned(),
                            state_style(&r.state, look),
                        )),
                        Cell::from(format!("{}/{}", r.steps_done, r.steps.len())),
                        Cell::from(clean(&r.summary).into_owned()),
                        Cell::from(Span::styled(clean(&r.actor).into_owned(), look.muted())),
                    ])
                })
                .collect()
        },
    );
}

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, look: &Look) {
    let mut title = vec![Span::styled(" Operations ", look.title())];
    if app.read_only() {
        title.push(Span::styled(" READ-ONLY ", look.read_only()));
    }
    let block = look.block().title(Line::from(title));
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let mut top = running_lines(app, look);
    if let Some(e) = &app.ops.error {
        top.push(Line::styled(
            format!("journal: {}", clean(e)),
            look.critical(),
        ));
    }
    // The running part takes what it needs, up to half; the journal the rest.
    let top_h = (top.len() as u16).min(inner.height / 2).max(1);
    let [top_area, head, bottom] = Layout::vertical([
        Constraint::Length(top_h),
        Constraint::Length(1),
        Constraint::Min(1),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(top), top_area);
    let mut heading = vec![Span::styled(
        format!("Journal ({})", app.ops.rows.len()),
        look.title(),
    )];
    if app.ops.shown.len() != app.ops.rows.len() {
        heading.push(Span::styled(
            format!("  {} match the filter", app.ops.shown.len()),
            look.warn(),
        ));
    }
    if !app.ops.rows.is_empty() {
        heading.push(Span::raw(" "));
        heading.extend(labelled_hints(
            app,
            Context::Operations,
            &[
                (Action::Open, "steps"),
                (Action::AbortOperation, "abort"),
                (Action::PauseOperation, "pause"),
                (Action::ContinueOperation, "continue"),
            ],
            look,
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(heading)), head);

    let open = app
        .ops
        .open
        .as_ref()
        .and_then(|id| app.ops.rows.iter().find(|r| r.id == *id));
    match open {
        Some(r) => frame.render_widget(Paragraph::new(detail_lines(app, r, look)), bottom),
        None if app.ops.rows.is_empty() => frame.render_widget(
            Paragraph::new(vec![
                Line::styled("No operations in the journal yet.", look.muted()),
                Line::styled(
                    "Scale, roll back or restart from the fleet or service view: each is \
                     planned, previewed, confirmed, run in its own process and journaled here.",
                    look.muted(),
                ),
            ])
            .wrap(ratatui::widgets::Wrap { trim: true }),
            bottom,
        ),
        None => history(frame, bottom, app, look),
    }
}
