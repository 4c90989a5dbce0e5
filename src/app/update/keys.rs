//! Key routing: the overlay on top takes the keys, else the filter input,
//! else the view. Every key is looked up in the keymap; only typed text in
//! inputs is not.

use crossterm::event::{KeyEvent, KeyEventKind};

use super::super::effect::Effect;
use super::super::palette::{self, Target};
use super::super::state::{AppState, Overlay, View};
use super::{alerts, info, input, logs, nav, operate, ops, quit, select};
use crate::config::keymap::{Action, Context, KeyChord};

/// The keymap context of a view.
pub fn context(view: &View) -> Context {
    view.context()
}

pub fn on_key(app: &mut AppState, ev: KeyEvent) -> Vec<Effect> {
    if ev.kind == KeyEventKind::Release {
        return Vec::new();
    }
    app.dirty = true;
    app.status = None;
    let chord = KeyChord::from_event(&ev);
    match app.overlay.take() {
        Some(Overlay::Help { scroll }) => help_key(app, chord, scroll),
        Some(Overlay::Palette(p)) => palette_key(app, chord, p),
        Some(Overlay::Silence(form)) => alerts::form_key(app, chord, form),
        Some(Overlay::OpForm(form)) => operate::form_key(app, chord, form),
        Some(o @ Overlay::Planning { .. }) => operate::planning_key(app, chord, o),
        Some(Overlay::Preview(st)) => operate::preview_key(app, chord, st),
        Some(Overlay::Ask(q)) => ops::ask_key(app, chord, q),
        None if app.filter.editing => filter_key(app, chord),
        None => match app.keymap.action(context(app.view()), chord) {
            Some(action) => act(app, action),
            None => Vec::new(),
        },
    }
}

/// Does what `action` means in the current view.
pub fn act(app: &mut AppState, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => return ops::ask_quit(app).unwrap_or_else(|| quit(app)),
        Action::Help => app.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::Palette => app.overlay = Some(Overlay::Palette(Default::default())),
        Action::Filter => app.filter.editing = true,
        Action::Back if !app.filter.text.is_empty() => {
            app.filter.text.clear();
            select::clamp(app);
        }
        Action::Back if ops::close(app) => {}
        Action::Back => return nav::back(app),
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => select::step(app, action),
        Action::Left => select::side(app, false),
        Action::Right => select::side(app, true),
        Action::Open => return select::open(app),
        Action::NextView => return nav::cycle(app, true),
        Action::PrevView => return nav::cycle(app, false),
        Action::ViewFleet => return nav::jump(app, View::Fleet),
        Action::ViewAlerts => return nav::jump(app, View::Alerts),
        Action::ViewCosts => return nav::jump(app, View::Costs),
        Action::ViewOperations => return nav::jump(app, View::Operations),
        Action::ViewLogs => return logs::start(app),
        Action::Refresh => {
            info(app, "refreshing every source".into());
            return vec![Effect::RefreshNow];
        }
        Action::CopyName => return select::copy(app, false),
        Action::CopyKubectl => return select::copy(app, true),
        Action::Silence => alerts::open_form(app),
        Action::ExpireSilence => return alerts::expire(app),
        Action::LogsPause => logs::pause(app),
        Action::LogsWrap => logs::wrap(app),
        Action::Scale | Action::Rollback | Action::Restart => return operate::open(app, action),
        Action::Failover | Action::Deploy | Action::Failback => {
            return super::operate_fleet::open(app, action);
        }
        Action::AbortOperation => ops::ask_abort(app),
        Action::PauseOperation => return ops::request(app, true),
        Action::ContinueOperation => return ops::request(app, false),
        Action::Confirm | Action::Cancel | Action::ResumeOperation | Action::UndoOperation => {}
    }
    Vec::new()
}

fn help_key(app: &mut AppState, chord: KeyChord, scroll: usize) -> Vec<Effect> {
    match app.keymap.action(Context::Popup, chord) {
        Some(Action::Quit) => quit(app),
        Some(Action::Down) => {
            app.overlay = Some(Overlay::Help { scroll: scroll + 1 });
            Vec::new()
        }
        Some(Action::PageDown) => {
            app.overlay = Some(Overlay::Help {
                scroll: scroll + 10,
            });
            Vec::new()
        }
        Some(Action::Up) => {
            app.overlay = Some(Overlay::Help {
                scroll: scroll.saturating_sub(1),
            });
            Vec::new()
        }
        Some(Action::PageUp) => {
            app.overlay = Some(Overlay::Help {
                scroll: scroll.saturating_sub(10),
            });
            Vec::new()
        }
        Some(Action::Help | Action::Back | Action::Cancel | Action::Confirm) => Vec::new(),
        _ => {
            app.overlay = Some(Overlay::Help { scroll });
            Vec::new()
        }
    }
}

fn palette_key(app: &mut AppState, chord: KeyChord, mut p: palette::PaletteState) -> Vec<Effect> {
    match app.keymap.action(Context::Palette, chord) {
        Some(Action::Cancel) => Vec::new(),
        Some(Action::Confirm) => {
            let chosen = palette::matches(app, &p.input).into_iter().nth(p.selected);
            match chosen.map(|e| e.target) {
                Some(Target::View(v)) => nav::jump(app, v),
                Some(Target::Action(a)) => act(app, a),
                Some(Target::Operate {
                    action,
                    service,
                    region,
                }) => operate::open_named(app, action, &service, &region),
                Some(Target::OperateFleet {
                    action,
                    service,
                    region,
                }) => super::operate_fleet::open_named(
                    app,
                    action,
                    region.as_deref(),
                    service.as_deref(),
                ),
                None => Vec::new(),
            }
        }
        Some(Action::Up) => {
            p.selected = p.selected.saturating_sub(1);
            app.overlay = Some(Overlay::Palette(p));
            Vec::new()
        }
        Some(Action::Down) => {
            let n = palette::matches(app, &p.input).len();
            p.selected = (p.selected + 1).min(n.saturating_sub(1));
            app.overlay = Some(Overlay::Palette(p));
            Vec::new()
        }
        _ => {
            if input::edit(&mut p.input, chord) {
                p.selected = 0;
            }
            app.overlay = Some(Overlay::Palette(p));
            Vec::new()
        }
    }
}

fn filter_key(app: &mut AppState, chord: KeyChord) -> Vec<Effect> {
    match app.keymap.action(Context::Filter, chord) {
        Some(Action::Confirm) => app.filter.editing = false,
        Some(Action::Cancel) => {
            app.filter.editing = false;
            app.filter.text.clear();
        }
        _ => {
            if input::edit(&mut app.filter.text, chord) {
                // The selection follows the narrowed list from its top.
                select::reset(app);
            } else if let Some(
                a @ (Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Bottom),
            ) = app.keymap.action(context(app.view()), chord)
            {
                // Moving through the narrowed list while typing.
                select::step(app, a);
            }
        }
    }
    select::clamp(app);
    Vec::new()
}
