//! The Operations view and the questions around operations: journals as
//! they change, opening one, aborting a running one, and at start the offer
//! to resume, undo or leave an operation whose process is gone.

use super::super::effect::{Effect, OpCommand};
use super::super::ops_state::OpRow;
use super::super::state::{AppState, Overlay, Question, View};
use super::{fail, info, quit};
use crate::config::keymap::{Action, Context, KeyChord};
use crate::control::journal::{Entry, Summary};

pub fn on_journals(app: &mut AppState, changed: Vec<(Summary, Vec<Entry>)>, error: Option<String>) {
    let rows: Vec<OpRow> = changed.iter().map(|(s, e)| OpRow::build(s, e)).collect();
    app.ops.apply(rows);
    app.ops.error = error;
    app.ops.refilter(if *app.view() == View::Operations {
        &app.filter.text
    } else {
        ""
    });
    if !app.ops.loaded {
        app.ops.loaded = true;
        offer_unfinished(app);
    }
    app.dirty = true;
}

/// The newest operation whose process is gone before it ended.
fn offer_unfinished(app: &mut AppState) {
    let Some(r) = app
        .ops
        .rows
        .iter()
        .find(|r| r.state == "unfinished" && !r.steps.is_empty())
    else {
        return;
    };
    let last_step = r
        .steps
        .iter()
        .rev()
        .find(|s| s.started.is_some())
        .map(|s| s.description.clone());
    let q = Question::Unfinished {
        id: r.id.clone(),
        summary: r.summary.clone(),
        steps_done: r.steps_done,
        steps: r.steps.len(),
        last_step,
    };
    if app.overlay.is_none() {
        app.overlay = Some(Overlay::Ask(q));
    }
}

/// Enter on the history: open the selected operation (again: close it).
pub fn open(app: &mut AppState) {
    let id = app.ops.selected_row().map(|r| r.id.clone());
    app.ops.open = if app.ops.open == id { None } else { id };
}

/// Esc with an operation open closes it; returns whether it did.
pub fn close(app: &mut AppState) -> bool {
    if *app.view() == View::Operations && app.ops.open.is_some() {
        app.ops.open = None;
        return true;
    }
    false
}

/// `a`: asks before aborting the open (else selected) running operation.
pub fn ask_abort(app: &mut AppState) {
    if *app.view() != View::Operations {
        fail(
            app,
            "abort: select a running operation in the operations view".into(),
        );
        return;
    }
    let row = match &app.ops.open {
        Some(id) => app.ops.rows.iter().find(|r| r.id == *id),
        None => app.ops.selected_row(),
    };
    let Some(r) = row else {
        fail(app, "abort: no operation selected".into());
        return;
    };
    match (r.running(), r.pid) {
        (true, Some(pid)) => {
            app.overlay = Some(Overlay::Ask(Question::Abort {
                id: r.id.clone(),
                pid,
                summary: r.summary.clone(),
            }))
        }
        _ => {
            let text = format!("abort: operation {} is {}, not running", r.id, r.state);
            fail(app, text);
        }
    }
}

/// `p` / `c` in the operations view: the selected running operation asked
/// to hold before its next step, or to go on, from a process of its own
/// (`opsdeck ops pause|continue ID`, as from any other terminal).
pub fn request(app: &mut AppState, pause: bool) -> Vec<Effect> {
    let what = if pause { "pause" } else { "continue" };
    if *app.view() != View::Operations {
        fail(
            app,
            format!("{what}: select a running operation in the operations view"),
        );
        return Vec::new();
    }
    let row = match &app.ops.open {
        Some(id) => app.ops.rows.iter().find(|r| r.id == *id),
        None => app.ops.selected_row(),
    };
    match row {
        Some(r) if r.running() => {
            let id = r.id.clone();
            vec![Effect::StartOperation(if pause {
                OpCommand::Pause(id)
            } else {
                OpCommand::Continue(id)
            })]
        }
        Some(r) => {
            let text = format!("{what}: operation {} is {}, not running", r.id, r.state);
            fail(app, text);
            Vec::new()
        }
        None => {
            fail(app, format!("{what}: no operation selected"));
            Vec::new()
        }
    }
}

/// `q` while operations run: asks first (they keep running either way;
/// abort one from the operations view). `None`: nothing runs, just quit.
pub fn ask_quit(app: &mut AppState) -> Option<Vec<Effect>> {
    let running: Vec<String> = app.ops.running().map(|r| r.summary.clone()).collect();
    if running.is_empty() {
        return None;
    }
    app.overlay = Some(Overlay::Ask(Question::Quit { running }));
    Some(Vec::new())
}

/// Keys of a yes/no question.
pub fn ask_key(app: &mut AppState, chord: KeyChord, q: Question) -> Vec<Effect> {
    let action = app.keymap.action(Context::Confirm, chord);
    match (q, action) {
        (
            Question::ExpireSilence {
                ha_cluster,
                alertmanagers,
                id,
                ..
            },
            Some(Action::Confirm),
        ) => {
            info(app, format!("expiring silence {id}…"));
            vec![Effect::ExpireSilence {
                ha_cluster,
                alertmanagers,
                id,
            }]
        }
        (Question::Quit { .. }, Some(Action::Confirm)) => quit(app),
        (Question::Abort { id, pid, .. }, Some(Action::Confirm)) => {
            info(app, format!("aborting operation {id}…"));
            vec![Effect::AbortOperation { id, pid }]
        }
        (
            Question::Unfinished { id, .. },
            Some(a @ (Action::ResumeOperation | Action::UndoOperation)),
        ) => {
            if app.read_only() {
                fail(app, format!("read-only: {} is refused", a.name()));
                return Vec::new();
            }
            let cmd = if a == Action::ResumeOperation {
                OpCommand::Resume(id)
            } else {
                OpCommand::Undo(id)
            };
            info(app, format!("starting: {}", cmd.describe()));
            vec![Effect::StartOperation(cmd)]
        }
        (Question::Unfinished { id, .. }, Some(Action::Cancel)) => {
            info(
                app,
                format!("left unfinished; later: opsdeck ops resume|undo {id}"),
            );
            Vec::new()
        }
        (_, Some(Action::Cancel)) => {
            info(app, "not confirmed: nothing was changed".into());
            Vec::new()
        }
        (q, _) => {
            app.overlay = Some(Overlay::Ask(q));
            Vec::new()
        }
    }
}
