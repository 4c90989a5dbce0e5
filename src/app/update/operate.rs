//! Acting from the console: the selected service and region, the form of
//! the operation, planning it through an effect, the preview with its
//! confirmation (y/n, or the typed name the policy asks for), and starting
//! it in a detached process.

use crossterm::event::KeyCode;

use super::super::effect::{Effect, OpCommand};
use super::super::lists::{self, FleetRow};
use super::super::op_form::{OpForm, OpTarget, RollbackForm, ScaleForm};
use super::super::op_preview::{Confirm, PlanOutcome, Preview};
use super::super::state::{AppState, Overlay, PreviewState, RegionTab, View};
use super::{fail, info, input};
use crate::config::keymap::{Action, Context, KeyChord};
use crate::control::Operation;

/// The service and region under the selection.
pub fn target(app: &AppState) -> Result<OpTarget, String> {
    let cell = |ri: usize, si: usize| {
        let r = app.snapshot.regions.get(ri)?;
        let c = r.services.get(si)?;
        Some(OpTarget {
            service: c.service.clone(),
            region: r.name.clone(),
            namespace: c.namespace.clone(),
            deployment: c.deployment.clone(),
        })
    };
    let found = match app.view() {
        View::Fleet => match lists::fleet_rows(app).get(app.sel.fleet).copied() {
            Some(FleetRow::Service(ri, si)) => cell(ri, si),
            _ => None,
        },
        View::Service(s) => {
            let ri = app.sel.service;
            let r = app.snapshot.regions.get(ri);
            r.and_then(|r| r.services.iter().position(|c| c.service == *s))
                .and_then(|si| cell(ri, si))
        }
        View::Region(region) if app.sel.region_tab == RegionTab::Deployments => {
            let d = lists::deployments(app, region)
                .into_iter()
                .nth(app.sel.region)
                .map(|(_, d)| d);
            let ri = app.snapshot.regions.iter().position(|x| x.name == *region);
            d.zip(ri).and_then(|(d, ri)| {
                let si = app
                    .snapshot
                    .regions
                    .get(ri)?
                    .services
                    .iter()
                    .position(|c| c.deployment == d.name && *c.namespace == *d.namespace)?;
                cell(ri, si)
            })
        }
        _ => None,
    };
    found.ok_or_else(|| {
        "select a service in a region first (a service row of the fleet view, the service view, \
         or the deployments tab)"
            .into()
    })
}

/// `S`, `R`, `X`: the form of the operation on the selection (restart has
/// none and is planned at once).
pub fn open(app: &mut AppState, action: Action) -> Vec<Effect> {
    let t = target(app);
    open_for(app, action, t)
}

/// From the palette: "rollback checkout eu-west-1".
pub fn open_named(app: &mut AppState, action: Action, service: &str, region: &str) -> Vec<Effect> {
    let t = app
        .snapshot
        .regions
        .iter()
        .find(|r| r.name == region)
        .and_then(|r| r.services.iter().find(|c| c.service == service))
        .map(|c| OpTarget {
            service: c.service.clone(),
            region: region.to_string(),
            namespace: c.namespace.clone(),
            deployment: c.deployment.clone(),
        })
        .ok_or_else(|| format!("no service {service} in region {region}"));
    open_for(app, action, t)
}

fn open_for(app: &mut AppState, action: Action, t: Result<OpTarget, String>) -> Vec<Effect> {
    let what = action.name();
    if super::refused_read_only(app, what) {
        return Vec::new();
    }
    let t = match t {
        Ok(t) => t,
        Err(e) => {
            fail(app, format!("{what}: {e}"));
            return Vec::new();
        }
    };
    match action {
        Action::Scale => app.overlay = Some(Overlay::OpForm(OpForm::Scale(ScaleForm::new(app, t)))),
        Action::Rollback => {
            app.overlay = Some(Overlay::OpForm(OpForm::Rollback(RollbackForm::new(app, t))))
        }
        Action::Restart => {
            return plan(
                app,
                Operation::Restart {
                    service: t.service,
                    region: t.region,
                },
            );
        }
        _ => {}
    }
    Vec::new()
}

/// Asks the executor for the plan of `op`; the popup waits for it.
pub fn plan(app: &mut AppState, op: Operation) -> Vec<Effect> {
    let id = app.next_plan_id;
    app.next_plan_id += 1;
    app.overlay = Some(Overlay::Planning {
        id,
        summary: op.describe(),
        operation: op.clone(),
    });
    vec![Effect::PlanOperation { id, op }]
}

/// The popup's own binding for `chord` (enter, esc), ahead of typed text.
fn popup_action(app: &AppState, ctx: Context, chord: KeyChord) -> Option<Action> {
    app.keymap
        .bindings
        .iter()
        .find(|b| b.context == ctx && b.keys.contains(&chord))
        .map(|b| b.action)
}

pub fn form_key(app: &mut AppState, chord: KeyChord, mut form: OpForm) -> Vec<Effect> {
    match popup_action(app, Context::Popup, chord) {
        Some(Action::Cancel) => return Vec::new(),
        Some(Action::Confirm) => match form.operation() {
            Ok(op) => return plan(app, op),
            Err(e) => {
                form.set_error(Some(e));
                app.overlay = Some(Overlay::OpForm(form));
                return Vec::new();
            }
        },
        _ => {}
    }
    form.set_error(None);
    let nav = app.keymap.action(Context::Popup, chord);
    match &mut form {
        OpForm::Scale(f) => {
            let digit = matches!(chord.code, KeyCode::Char(c) if c.is_ascii_digit());
            if digit || chord.code == KeyCode::Backspace {
                input::edit(&mut f.replicas, chord);
            } else {
                let n: u32 = f.replicas.trim().parse().unwrap_or(0);
                match nav {
                    Some(Action::Up) => f.replicas = n.saturating_add(1).to_string(),
                    Some(Action::Down) => f.replicas = n.saturating_sub(1).to_string(),
                    _ => {}
                }
            }
        }
        OpForm::Rollback(f) => match nav {
            Some(Action::Up) => f.step(false),
            Some(Action::Down) => f.step(true),
            _ => {}
        },
        OpForm::Deploy(f) => super::operate_fleet::deploy_key(f, chord),
        OpForm::Failover(f) => super::operate_fleet::failover_key(f, chord, nav),
    }
    app.overlay = Some(Overlay::OpForm(form));
    Vec::new()
}

/// The plan arrived: show it, unless the operator cancelled meanwhile.
pub fn on_planned(app: &mut AppState, id: u64, outcome: PlanOutcome) {
    let operation = match &app.overlay {
        Some(Overlay::Planning {
            id: waiting,
            operation,
            ..
        }) if *waiting == id => match &outcome {
            PlanOutcome::Ready { plan, .. } => plan.operation.clone(),
            _ => operation.clone(),
        },
        _ => return,
    };
    let preview = Preview::build(&operation, &outcome);
    app.overlay = Some(Overlay::Preview(Box::new(PreviewState {
        operation,
        preview,
        typed: String::new(),
        error: None,
    })));
    app.dirty = true;
}

/// While the plan is being made: only cancelling.
pub fn planning_key(app: &mut AppState, chord: KeyChord, waiting: Overlay) -> Vec<Effect> {
    match app.keymap.action(Context::Popup, chord) {
        Some(Action::Cancel | Action::Back) => info(app, "cancelled: nothing was changed".into()),
        _ => app.overlay = Some(waiting),
    }
    Vec::new()
}

fn start(app: &mut AppState, op: Operation) -> Vec<Effect> {
    info(
        app,
        format!(
            "starting: {} (its own process; press {} to follow it)",
            op.describe(),
            app.keymap
                .keys_for(Context::Global, Action::ViewOperations)
                .first()
                .map(|k| k.to_string())
                .unwrap_or_else(|| "the operations view key".into())
        ),
    );
    vec![Effect::StartOperation(OpCommand::Run(op))]
}

pub fn preview_key(app: &mut AppState, chord: KeyChord, mut st: Box<PreviewState>) -> Vec<Effect> {
    if !st.preview.runnable() {
        match app.keymap.action(Context::Confirm, chord) {
            Some(Action::Confirm | Action::Cancel) => {
                info(app, "nothing was changed".into());
            }
            _ => app.overlay = Some(Overlay::Preview(st)),
        }
        return Vec::new();
    }
    match st.preview.confirm.clone() {
        Confirm::YesNo => match app.keymap.action(Context::Confirm, chord) {
            Some(Action::Confirm) => start(app, st.operation),
            Some(Action::Cancel) => {
                info(app, "not confirmed: nothing was changed".into());
                Vec::new()
            }
            _ => {
                app.overlay = Some(Overlay::Preview(st));
                Vec::new()
            }
        },
        Confirm::Typed {
            name,
            short,
            prompt,
            ..
        } => {
            match popup_action(app, Context::Popup, chord) {
                Some(Action::Cancel) => {
                    info(app, "not confirmed: nothing was changed".into());
                    return Vec::new();
                }
                Some(Action::Confirm)
                    if crate::control::plan::typed_confirms(&name, &short, &st.typed) =>
                {
                    return start(app, st.operation);
                }
                Some(Action::Confirm) => {
                    st.error = Some(format!("type {prompt} exactly to go on"));
                }
                _ => {
                    if input::edit(&mut st.typed, chord) {
                        st.error = None;
                    }
                }
            }
            app.overlay = Some(Overlay::Preview(st));
            Vec::new()
        }
    }
}
