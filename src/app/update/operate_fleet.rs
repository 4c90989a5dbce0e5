//! Acting across regions from the console: deploy (`D`) and failover (`F`)
//! open their forms on the selection, failback (`B`) plans at once. On a
//! region (its header row in the fleet view, or the region view) failover
//! and failback take every service of the region; on a service, that one.

use crossterm::event::KeyCode;

use super::super::effect::Effect;
use super::super::lists::{self, FleetRow};
use super::super::op_form::{DeployForm, FailoverForm, OpForm};
use super::super::state::{AppState, Overlay, View};
use super::operate::{plan, target};
use super::{fail, input};
use crate::config::keymap::{Action, KeyChord};
use crate::control::Operation;

/// The selected region, and the service when one is selected.
fn selection(app: &AppState) -> Result<(String, Option<String>), String> {
    if let Ok(t) = target(app) {
        return Ok((t.region, Some(t.service)));
    }
    let region = match app.view() {
        View::Fleet => match lists::fleet_rows(app).get(app.sel.fleet).copied() {
            Some(FleetRow::Region(ri)) => app.snapshot.regions.get(ri).map(|r| r.name.clone()),
            _ => None,
        },
        View::Region(r) => Some(r.clone()),
        _ => None,
    };
    region
        .map(|r| (r, None))
        .ok_or_else(|| "select a region or a service in a region first".into())
}

/// `D`, `F`, `B` on the selection.
pub fn open(app: &mut AppState, action: Action) -> Vec<Effect> {
    let sel = selection(app);
    open_for(app, action, sel)
}

/// From the palette: "failover us-east-1", "deploy checkout".
pub fn open_named(
    app: &mut AppState,
    action: Action,
    region: Option<&str>,
    service: Option<&str>,
) -> Vec<Effect> {
    let region = region.map(str::to_string).or_else(|| {
        // deploy SERVICE: the first region that runs it
        let s = service?;
        app.snapshot
            .regions
            .iter()
            .find(|r| r.services.iter().any(|c| c.service == s))
            .map(|r| r.name.clone())
    });
    let sel = region
        .map(|r| (r, service.map(str::to_string)))
        .ok_or_else(|| "no region runs that service".to_string());
    open_for(app, action, sel)
}

fn open_for(
    app: &mut AppState,
    action: Action,
    sel: Result<(String, Option<String>), String>,
) -> Vec<Effect> {
    let what = action.name();
    if super::refused_read_only(app, what) {
        return Vec::new();
    }
    let (region, service) = match sel {
        Ok(s) => s,
        Err(e) => {
            fail(app, format!("{what}: {e}"));
            return Vec::new();
        }
    };
    match action {
        Action::Deploy => match service {
            Some(s) => {
                let form = DeployForm::new(app, &s, &region);
                app.overlay = Some(Overlay::OpForm(OpForm::Deploy(form)));
            }
            None => fail(
                app,
                format!("{what}: select a service (deploy acts on one)"),
            ),
        },
        Action::Failover => {
            let form = FailoverForm::new(app, &region, service.as_deref());
            app.overlay = Some(Overlay::OpForm(OpForm::Failover(form)));
        }
        Action::Failback => {
            return plan(
                app,
                Operation::Failback {
                    services: service.into_iter().collect(),
                    to: region,
                },
            );
        }
        _ => {}
    }
    Vec::new()
}

/// A key in the deploy form: text edits the image, the arrow keys move
/// between regions and space toggles one.
pub fn deploy_key(f: &mut DeployForm, chord: KeyChord) {
    match chord.code {
        KeyCode::Up => f.regions.step(false),
        KeyCode::Down => f.regions.step(true),
        KeyCode::Char(' ') => f.regions.toggle(),
        _ => {
            input::edit(&mut f.image, chord);
        }
    }
}

/// A key in the failover form: up/down between targets, space toggles.
pub fn failover_key(f: &mut FailoverForm, chord: KeyChord, nav: Option<Action>) {
    match (chord.code, nav) {
        (KeyCode::Char(' '), _) => f.targets.toggle(),
        (_, Some(Action::Up)) => f.targets.step(false),
        (_, Some(Action::Down)) => f.targets.step(true),
        _ => {}
    }
}
