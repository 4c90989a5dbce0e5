//! Silences: the form that creates one, and expiring one.

use super::super::effect::Effect;
use super::super::lists;
use super::super::silence_form::{SilenceForm, members};
use super::super::state::{AlertsTab, AppState, Overlay, Question, View};
use super::{fail, info, input};
use crate::config::keymap::{Action, Context, KeyChord};

pub fn open_form(app: &mut AppState) {
    if *app.view() != View::Alerts || app.sel.alerts_tab != AlertsTab::Alerts {
        fail(
            app,
            "select an alert in the alerts view to silence it".into(),
        );
        return;
    }
    if app.read_only() {
        fail(app, "read-only: creating silences is refused".into());
        return;
    }
    match lists::alerts(app).get(app.sel.alerts) {
        Some(a) => {
            let form = SilenceForm::for_alert(a);
            app.overlay = Some(Overlay::Silence(form));
        }
        None => fail(app, "no alert selected".into()),
    }
}

/// Keys of the form: its own popup bindings first (confirm, cancel), then
/// typed text, then global navigation keys to move between fields.
pub fn form_key(app: &mut AppState, chord: KeyChord, mut form: SilenceForm) -> Vec<Effect> {
    let own = app
        .keymap
        .bindings
        .iter()
        .find(|b| b.context == Context::Popup && b.keys.contains(&chord))
        .map(|b| b.action);
    match own {
        Some(Action::Cancel) => return Vec::new(),
        Some(Action::Confirm) => match form.submit(&app.config, &app.identity) {
            Ok(effects) => {
                let clusters = form.ha_clusters.join(", ");
                info(app, format!("silencing {} in {clusters}…", form.alert_name));
                return effects;
            }
            Err(e) => {
                form.error = Some(e);
                app.overlay = Some(Overlay::Silence(form));
                return Vec::new();
            }
        },
        _ => {}
    }
    if !input::edit(form.field_mut(), chord) {
        match app.keymap.action(Context::Popup, chord) {
            Some(Action::Down | Action::NextView) => form.move_focus(true),
            Some(Action::Up | Action::PrevView) => form.move_focus(false),
            Some(Action::Back | Action::Quit) => return Vec::new(),
            _ => {}
        }
    }
    form.error = None;
    app.overlay = Some(Overlay::Silence(form));
    Vec::new()
}

/// Expires the selected silence, or the first silence of the selected alert.
pub fn expire(app: &mut AppState) -> Vec<Effect> {
    if *app.view() != View::Alerts {
        fail(
            app,
            "select a silence in the alerts view to expire it".into(),
        );
        return Vec::new();
    }
    if app.read_only() {
        fail(app, "read-only: expiring silences is refused".into());
        return Vec::new();
    }
    let silence = match app.sel.alerts_tab {
        AlertsTab::Silences => lists::silences(app)
            .get(app.sel.silences)
            .map(|s| (*s).clone()),
        AlertsTab::Alerts => lists::alerts(app)
            .get(app.sel.alerts)
            .and_then(|a| a.silenced_by.first())
            .and_then(|id| app.fleet.silences.iter().find(|s| s.id == *id))
            .cloned(),
    };
    let Some(s) = silence else {
        fail(app, "no silence selected".into());
        return Vec::new();
    };
    if s.state == "expired" {
        fail(app, format!("silence {} has already expired", s.id));
        return Vec::new();
    }
    let alertmanagers = members(&app.config, &s.ha_cluster);
    if alertmanagers.is_empty() {
        fail(
            app,
            format!("no configured Alertmanager in HA cluster {}", s.ha_cluster),
        );
        return Vec::new();
    }
    app.overlay = Some(Overlay::Ask(Question::ExpireSilence {
        ha_cluster: s.ha_cluster,
        alertmanagers,
        id: s.id,
        comment: s.comment,
    }));
    Vec::new()
}
