//! The navigation stack: drill down, jump, go back. Leaving the logs view
//! stops its stream.

use super::super::effect::Effect;
use super::super::state::{AppState, View};

/// The top-level views `next-view` / `prev-view` cycle through.
const CYCLE: [View; 4] = [View::Fleet, View::Alerts, View::Costs, View::Operations];

/// Opens `view` on top of the current one.
pub fn push(app: &mut AppState, view: View) -> Vec<Effect> {
    if *app.view() != view {
        entering(app, &view);
        app.stack.push(view);
    }
    after_change(app)
}

/// Goes to `view` from the fleet view: the stack becomes `[Fleet, view]`.
pub fn jump(app: &mut AppState, view: View) -> Vec<Effect> {
    if *app.view() == view {
        return Vec::new();
    }
    entering(app, &view);
    app.stack.truncate(1);
    if view != View::Fleet {
        app.stack.push(view);
    }
    after_change(app)
}

pub fn back(app: &mut AppState) -> Vec<Effect> {
    if app.stack.len() > 1 {
        app.stack.pop();
        app.filter = Default::default();
    }
    after_change(app)
}

pub fn cycle(app: &mut AppState, forward: bool) -> Vec<Effect> {
    let current = app
        .stack
        .iter()
        .rev()
        .find_map(|v| CYCLE.iter().position(|c| c == v))
        .unwrap_or(0);
    let n = CYCLE.len();
    let next = if forward {
        (current + 1) % n
    } else {
        (current + n - 1) % n
    };
    jump(app, CYCLE[next].clone())
}

/// A new view starts unfiltered, at its first row.
fn entering(app: &mut AppState, view: &View) {
    app.filter = Default::default();
    match view {
        View::Region(_) => app.sel.region = 0,
        View::Alerts => {
            app.sel.alerts = 0;
            app.sel.silences = 0;
        }
        View::Costs => app.sel.costs = 0,
        _ => {}
    }
}

/// Stops the log stream once the logs view is off the stack.
fn after_change(app: &mut AppState) -> Vec<Effect> {
    app.dirty = true;
    if !app.stack.contains(&View::Logs)
        && let Some(l) = app.logs.take()
    {
        return vec![Effect::StopLogs { id: l.id }];
    }
    Vec::new()
}
