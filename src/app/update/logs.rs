//! Following logs: start from the selected pod or deployment, receive lines,
//! pause, wrap, scroll. Leaving the view stops the stream (see `nav`).

use std::collections::VecDeque;

use super::super::effect::{Effect, LogStreamId, LogTarget};
use super::super::msg::LogLine;
use super::super::state::{AppState, LOG_LINES, LogsState, View};
use super::select::{Selected, selected};
use super::{fail, nav};
use crate::config::keymap::Action;

/// Lines of history a new stream starts with.
pub const TAIL: u32 = 200;

pub fn start(app: &mut AppState) -> Vec<Effect> {
    let (region, context, namespace, target) = match selected(app) {
        Some(Selected::Pod {
            region,
            context,
            namespace,
            name,
        }) => (region, context, namespace, LogTarget::Pod(name)),
        Some(Selected::Deployment {
            region,
            context,
            namespace,
            name,
        }) => (region, context, namespace, LogTarget::Deployment(name)),
        _ => {
            fail(
                app,
                "select a pod or a deployment to follow its logs".into(),
            );
            return Vec::new();
        }
    };
    if *app.view() == View::Logs {
        return Vec::new();
    }
    let mut effects = Vec::new();
    if let Some(old) = app.logs.take() {
        effects.push(Effect::StopLogs { id: old.id });
    }
    app.stack.retain(|v| *v != View::Logs);
    let id = app.next_log_id;
    app.next_log_id += 1;
    effects.push(Effect::StartLogs {
        id,
        region: region.clone(),
        context: context.clone(),
        namespace: namespace.clone(),
        target: target.clone(),
        container: None,
        tail: TAIL,
    });
    app.logs = Some(LogsState {
        id,
        region,
        context,
        namespace,
        target,
        lines: VecDeque::new(),
        dropped: 0,
        paused_at: None,
        wrap: false,
        ended: None,
    });
    effects.extend(nav::push(app, View::Logs));
    effects
}

pub fn on_lines(app: &mut AppState, id: LogStreamId, lines: Vec<LogLine>) {
    let Some(l) = app.logs.as_mut().filter(|l| l.id == id) else {
        return;
    };
    l.lines.extend(lines);
    while l.lines.len() > LOG_LINES {
        l.lines.pop_front();
        l.dropped += 1;
    }
    // A paused view does not move, so nothing visible changed.
    app.dirty |= l.paused_at.is_none();
}

pub fn on_end(app: &mut AppState, id: LogStreamId, reason: Option<String>) {
    if let Some(l) = app.logs.as_mut().filter(|l| l.id == id) {
        l.ended = Some(reason.unwrap_or_else(|| "stream ended".into()));
        app.dirty = true;
    }
}

pub fn pause(app: &mut AppState) {
    if let Some(l) = app.logs.as_mut() {
        l.paused_at = match l.paused_at {
            Some(_) => None,
            None => Some(l.received()),
        };
    }
}

pub fn wrap(app: &mut AppState) {
    if let Some(l) = app.logs.as_mut() {
        l.wrap = !l.wrap;
    }
}

/// Moving in the logs pauses them where the operator is reading.
pub fn scroll(app: &mut AppState, action: Action) {
    let page = u64::from(app.size.1.saturating_sub(6)).max(1);
    let Some(l) = app.logs.as_mut() else {
        return;
    };
    let first = l.dropped + page.min(l.lines.len() as u64);
    let end = l.paused_at.unwrap_or(l.received());
    let moved = match action {
        Action::Up => end.saturating_sub(1),
        Action::PageUp => end.saturating_sub(page),
        Action::Down => end + 1,
        Action::PageDown => end + page,
        Action::Top => first,
        Action::Bottom => l.received(),
        _ => end,
    };
    let moved = moved.clamp(first.min(l.received()), l.received());
    l.paused_at = if moved >= l.received() && matches!(action, Action::Bottom) {
        None
    } else {
        Some(moved)
    };
}
