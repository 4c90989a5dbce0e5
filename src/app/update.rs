//! `update()`: the only place the console's state changes. No I/O, no
//! await: what should happen outside comes back as [`Effect`]s.

mod alerts;
mod input;
mod keys;
mod logs;
mod nav;
mod operate;
mod operate_fleet;
mod ops;
mod select;

use super::effect::Effect;
use super::msg::Msg;
use super::state::{AppState, Status, View};
use crate::model::state::Update;

pub use operate::target;
pub use select::{Selected, copy_text, selected};

pub fn update(app: &mut AppState, msg: Msg) -> Vec<Effect> {
    let mut effects = dispatch(app, msg);
    effects.extend(super::drill::follow_view(app));
    app.count_pods();
    if *app.view() == View::Operations {
        app.ops.refilter(&app.filter.text);
    }
    app.derive();
    effects
}

fn dispatch(app: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(ev) => {
            app.urgent = true;
            keys::on_key(app, ev)
        }
        Msg::Resize(w, h) => {
            app.size = (w, h);
            app.dirty = true;
            Vec::new()
        }
        Msg::Tick(now) => {
            let second_changed = now.as_second() != app.now.as_second();
            app.now = now;
            if second_changed {
                // Ages on screen moved on; staleness may have changed too.
                app.rebuild_snapshot();
                app.dirty = true;
            }
            Vec::new()
        }
        Msg::Data(updates) => {
            if !updates.is_empty() {
                for u in updates {
                    if let Update::Source(s) = &u {
                        app.urgent |= app.fleet.changes_condition(s);
                    }
                    app.apply_counted(u);
                }
                // The pod counts are current (or dropped for a recount).
                app.rebuild_snapshot();
                app.count_pods();
                select::clamp(app);
                app.dirty = true;
            }
            Vec::new()
        }
        Msg::SilenceCreated { ha_cluster, id } => {
            info(app, format!("silence {id} created in {ha_cluster}"));
            Vec::new()
        }
        Msg::SilenceExpired { ha_cluster, id } => {
            info(app, format!("silence {id} expired in {ha_cluster}"));
            Vec::new()
        }
        Msg::LogLines { id, lines } => {
            logs::on_lines(app, id, lines);
            Vec::new()
        }
        Msg::LogsEnded { id, reason } => {
            logs::on_end(app, id, reason);
            Vec::new()
        }
        Msg::Planned { id, outcome } => {
            operate::on_planned(app, id, *outcome);
            Vec::new()
        }
        Msg::OperationSpawned { what, pid, log } => {
            info(
                app,
                format!("started {what} (process {pid}, output {})", log.display()),
            );
            Vec::new()
        }
        Msg::Journals { changed, error } => {
            ops::on_journals(app, changed, error);
            Vec::new()
        }
        Msg::Notice(text) => {
            info(app, text);
            Vec::new()
        }
        Msg::EffectFailed { what, error } => {
            // A plan that cannot come: stop waiting for it.
            if matches!(app.overlay, Some(super::state::Overlay::Planning { .. })) {
                app.overlay = None;
            }
            fail(app, format!("{what} failed: {error}"));
            Vec::new()
        }
        Msg::Terminate => quit(app),
    }
}

/// Stops what runs on our behalf, then quits.
fn quit(app: &mut AppState) -> Vec<Effect> {
    let mut effects = Vec::new();
    if let Some(l) = app.logs.take() {
        effects.push(Effect::StopLogs { id: l.id });
    }
    effects.push(Effect::Quit);
    effects
}

fn info(app: &mut AppState, text: String) {
    app.status = Some(Status { text, error: false });
    app.dirty = true;
}

fn fail(app: &mut AppState, text: String) {
    app.status = Some(Status { text, error: true });
    app.dirty = true;
}

/// A read-only console refuses `what` before any form: says so, true.
fn refused_read_only(app: &mut AppState, what: &str) -> bool {
    if app.read_only() {
        fail(
            app,
            format!("read-only: {what} is refused (policy.read_only); nothing was changed"),
        );
    }
    app.read_only()
}
