//! The header (identity, READ-ONLY, where we are, firing alerts, age of the
//! oldest data on screen) and the footer (status, or hints from the keymap).

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::format;
use super::style::Look;
use crate::app::state::{AppState, View};
use crate::config::keymap::{Action, Context};
use crate::sanitize::clean;

/// Age of the oldest data among the regions on screen, and whether any of
/// them is stale.
pub fn data_age(app: &AppState) -> (Option<i64>, bool) {
    let only: Option<&str> = match app.view() {
        View::Region(r) => Some(r),
        View::Logs => app.logs.as_ref().map(|l| l.region.as_str()),
        _ => None,
    };
    let regions = app
        .snapshot
        .regions
        .iter()
        .filter(|r| only.is_none_or(|o| o == r.name));
    let mut age = None;
    let mut stale = false;
    for r in regions {
        stale |= r.stale;
        age = age.max(r.data_age_seconds);
    }
    (age, stale)
}

pub fn header(frame: &mut Frame, area: Rect, app: &AppState, look: &Look) {
    let sep = Span::styled(format!(" {} ", look.sep()), look.muted());
    let mut right: Vec<Span> = Vec::new();
    let firing = app.fleet.alerts.iter().filter(|a| a.firing()).count();
    if firing > 0 {
        right.push(Span::styled(format!("{firing} firing"), look.critical()));
        right.push(sep.clone());
    }
    let (age, stale) = data_age(app);
    right.push(match (age, stale) {
        (None, _) => Span::styled("no data yet", look.stale()),
        (Some(a), true) => Span::styled(format!("STALE data {}", format::age(a)), look.stale()),
        (Some(a), false) => Span::styled(format!("data {}", format::age(a)), look.muted()),
    });
    right.push(sep.clone());
    right.push(Span::styled(
        clean(&app.identity).into_owned(),
        look.accent(),
    ));
    if app.read_only() {
        right.push(Span::raw(" "));
        right.push(Span::styled(" READ-ONLY ", look.read_only()));
    }
    right.push(Span::raw(" "));
    let right = Line::from(right);
    let right_w = right.width() as u16;

    let mut crumbs: Vec<String> = app
        .stack
        .iter()
        .map(|v| clean(&v.title()).into_owned())
        .collect();
    // Keep the deepest views when the path is long.
    let arrow = if look.ascii { " > " } else { " › " };
    let budget = usize::from(area.width.saturating_sub(right_w + 10));
    while crumbs.len() > 1 && crumbs.join(arrow).width() > budget {
        crumbs.remove(0);
    }
    let left = Line::from(vec![
        Span::styled(" opsdeck", look.title()),
        sep,
        Span::styled(crumbs.join(arrow), look.text()),
    ]);
    // The path gets what the right side leaves, with a space between.
    let left_area = Rect {
        width: area.width.saturating_sub(right_w + 1),
        ..area
    };
    frame.render_widget(Paragraph::new(left), left_area);
    let r = Rect {
        x: area.x + area.width.saturating_sub(right_w),
        width: right_w.min(area.width),
        ..area
    };
    frame.render_widget(Paragraph::new(right).alignment(Alignment::Right), r);
}

/// Short hint labels; the help screen shows the full descriptions.
fn short(action: Action) -> &'static str {
    match action {
        Action::Help => "help",
        Action::Palette => "palette",
        Action::Filter => "filter",
        Action::Back => "back",
        Action::Quit => "quit",
        Action::Open => "open",
        Action::Right => "tab",
        Action::ViewLogs => "logs",
        Action::CopyName => "copy",
        Action::CopyKubectl => "kubectl",
        Action::Silence => "silence",
        Action::ExpireSilence => "expire",
        Action::LogsPause => "pause",
        Action::LogsWrap => "wrap",
        Action::NextView => "views",
        Action::Confirm => "confirm",
        Action::Cancel => "cancel",
        Action::AbortOperation => "abort",
        Action::PauseOperation => "pause",
        Action::ContinueOperation => "continue",
        _ => action.name(),
    }
}

fn hints_for(view: &View) -> &'static [Action] {
    match view {
        View::Fleet => &[
            Action::Open,
            Action::Failover,
            Action::Scale,
            Action::Rollback,
            Action::Deploy,
        ],
        View::Region(_) => &[
            Action::Right,
            Action::Open,
            Action::ViewLogs,
            Action::CopyKubectl,
        ],
        View::Service(_) => &[
            Action::Scale,
            Action::Rollback,
            Action::Deploy,
            Action::Failover,
            Action::ViewLogs,
        ],
        View::Alerts => &[
            Action::Silence,
            Action::ExpireSilence,
            Action::Right,
            Action::Open,
        ],
        View::Logs => &[Action::LogsPause, Action::LogsWrap, Action::CopyKubectl],
        View::Costs => &[Action::Right],
        View::Operations => &[
            Action::AbortOperation,
            Action::PauseOperation,
            Action::ContinueOperation,
            Action::Open,
            Action::NextView,
        ],
    }
}

/// `key label` pairs for `actions` in `context`, from the keymap.
pub fn hint_spans(
    app: &AppState,
    context: Context,
    actions: &[Action],
    look: &Look,
) -> Vec<Span<'static>> {
    let labelled: Vec<(Action, &str)> = actions.iter().map(|a| (*a, short(*a))).collect();
    labelled_hints(app, context, &labelled, look)
}

/// Like [`hint_spans`], with the caller's words.
pub fn labelled_hints(
    app: &AppState,
    context: Context,
    actions: &[(Action, &str)],
    look: &Look,
) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    for (a, label) in actions {
        let Some(key) = app.keymap.keys_for(context, *a).into_iter().next() else {
            continue;
        };
        out.push(Span::styled(format!(" {key}"), look.accent()));
        out.push(Span::styled(format!(" {label} "), look.muted()));
    }
    out
}

pub fn footer(frame: &mut Frame, area: Rect, app: &AppState, look: &Look) {
    if app.filter.editing {
        let mut spans = vec![
            Span::styled(" /", look.accent()),
            Span::styled(app.filter.text.clone(), look.text()),
            Span::styled(if look.ascii { "_" } else { "▏" }, look.accent()),
            Span::raw("  "),
        ];
        spans.extend(labelled_hints(
            app,
            Context::Filter,
            &[(Action::Confirm, "keep"), (Action::Cancel, "clear")],
            look,
        ));
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        return;
    }
    if let Some(s) = &app.status {
        let style = if s.error { look.critical() } else { look.ok() };
        let text = clean(&s.text).into_owned();
        frame.render_widget(
            Paragraph::new(Line::styled(format!(" {text}"), style)),
            area,
        );
        return;
    }
    let ctx = app.view().context();
    let mut spans: Vec<Span> = Vec::new();
    if !app.filter.text.is_empty() {
        spans.push(Span::styled(
            format!(" filter: {} ", clean(&app.filter.text)),
            look.warn(),
        ));
    }
    let mut actions: Vec<Action> = vec![Action::Help];
    actions.extend(hints_for(app.view()).iter().copied().filter(|a| {
        // A read-only console offers no operation keys.
        !(app.read_only()
            && matches!(
                a,
                Action::Scale
                    | Action::Rollback
                    | Action::Restart
                    | Action::Deploy
                    | Action::Failover
                    | Action::Failback
                    | Action::AbortOperation
                    | Action::PauseOperation
                    | Action::ContinueOperation
            ))
    }));
    actions.extend([Action::Palette, Action::Filter, Action::Back, Action::Quit]);
    // Most useful first; stop before overflowing.
    let all = hint_spans(app, ctx, &actions, look);
    let mut width: usize = spans.iter().map(|s| s.content.width()).sum();
    for pair in all.chunks(2) {
        let w: usize = pair.iter().map(|s| s.content.width()).sum();
        if width + w > usize::from(area.width) {
            break;
        }
        width += w;
        spans.extend(pair.iter().cloned());
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(Style::new()), area);
}
