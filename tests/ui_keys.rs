//! Key sequences through `update()`: navigation, palette, filter, help,
//! silences, logs, copy and quit, with the effects they produce.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ui_common;

use std::time::Duration;

use opsdeck::app::fixtures;
use opsdeck::app::state::{AlertsTab, Overlay, View};
use opsdeck::app::{Effect, LogTarget, Msg, update};
use ui_common::{press, render, type_text};

#[test]
fn navigates_fleet_region_service_and_back() {
    let mut app = fixtures::app(false);
    assert_eq!(*app.view(), View::Fleet);
    // Row 0 is the us-east-1 header, rows 1-4 its services, row 5 eu-west-1.
    press(&mut app, "down down down down down");
    assert_eq!(app.sel.fleet, 5);
    press(&mut app, "enter");
    assert_eq!(*app.view(), View::Region("eu-west-1".into()));
    press(&mut app, "right");
    assert_eq!(
        app.sel.region_tab,
        opsdeck::app::state::RegionTab::Deployments
    );
    press(&mut app, "esc");
    assert_eq!(*app.view(), View::Fleet);
    // payments in eu-west-1, then the same service in the next region.
    press(&mut app, "down down down");
    assert_eq!(app.sel.fleet, 8);
    press(&mut app, "right");
    assert_eq!(app.sel.fleet, 13, "payments row of europe-west4");
    press(&mut app, "left enter");
    assert_eq!(*app.view(), View::Service("payments".into()));
    assert_eq!(app.sel.service, 1, "eu-west-1 preselected");
    press(&mut app, "tab");
    assert_eq!(*app.view(), View::Alerts);
    press(&mut app, "tab tab");
    assert_eq!(*app.view(), View::Operations);
    press(&mut app, "shift-tab 1");
    assert_eq!(*app.view(), View::Fleet);
    assert_eq!(app.stack.len(), 1);
    press(&mut app, "end");
    assert_eq!(app.sel.fleet, 19);
    press(&mut app, "home");
    assert_eq!(app.sel.fleet, 0);
}

#[test]
fn vim_keymap_moves_with_hjkl() {
    let mut app = fixtures::app_with(false, false, "vim");
    press(&mut app, "j j j");
    assert_eq!(app.sel.fleet, 3);
    press(&mut app, "k G");
    assert_eq!(app.sel.fleet, 19);
    press(&mut app, "g");
    assert_eq!(app.sel.fleet, 0);
    // Arrow keys are not bound to j in the default keymap the other way round.
    let mut app = fixtures::app(false);
    press(&mut app, "j");
    assert_eq!(app.sel.fleet, 0, "j is not bound in the default keymap");
}

#[test]
fn palette_jumps_fuzzily() {
    let mut app = fixtures::app(false);
    press(&mut app, ":");
    assert!(matches!(app.overlay, Some(Overlay::Palette(_))));
    type_text(&mut app, "csts");
    press(&mut app, "enter");
    assert!(app.overlay.is_none());
    assert_eq!(*app.view(), View::Costs);

    press(&mut app, ":");
    type_text(&mut app, "eu-w");
    press(&mut app, "enter");
    assert_eq!(*app.view(), View::Region("eu-west-1".into()));
    assert_eq!(
        app.stack,
        vec![View::Fleet, View::Region("eu-west-1".into())]
    );

    press(&mut app, ":");
    type_text(&mut app, "service pay");
    press(&mut app, "enter");
    assert_eq!(*app.view(), View::Service("payments".into()));

    // Typed q goes to the input, esc closes without acting.
    press(&mut app, ":");
    type_text(&mut app, "q");
    press(&mut app, "esc");
    assert!(app.overlay.is_none());
    assert_eq!(*app.view(), View::Service("payments".into()));
}

#[test]
fn filter_narrows_the_list_and_esc_clears_it() {
    let mut app = fixtures::app(false);
    press(&mut app, "2 /");
    assert!(app.filter.editing);
    let effects = type_text(&mut app, "search");
    assert!(effects.is_empty(), "typed text never quits: {effects:?}");
    assert_eq!(opsdeck::app::lists::alerts(&app).len(), 1);
    press(&mut app, "enter");
    assert!(!app.filter.editing);
    assert_eq!(app.filter.text, "search");
    let screen = render(&app, 80, 24);
    assert!(screen.contains("SearchLatencyHigh") && !screen.contains("PaymentsHighErrorRate"));
    press(&mut app, "esc");
    assert!(app.filter.text.is_empty());
    assert_eq!(*app.view(), View::Alerts, "first esc clears the filter");
    press(&mut app, "/");
    type_text(&mut app, "pay");
    press(&mut app, "esc");
    assert!(app.filter.text.is_empty() && !app.filter.editing);
}

#[test]
fn help_is_generated_from_the_keymap() {
    let mut app = fixtures::app(false);
    press(&mut app, "2 ?");
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Silence the selected alert"), "{screen}");
    assert!(screen.contains("alerts keys"));
    press(&mut app, "esc");
    assert!(app.overlay.is_none());
    assert_eq!(*app.view(), View::Alerts);
    // Footer hints come from the keymap too: rebinding shows the new key.
    let mut app = fixtures::app_with(false, false, "vim");
    press(&mut app, "2");
    let footer = render(&app, 100, 24)
        .lines()
        .nth(23)
        .unwrap_or_default()
        .to_string();
    assert!(
        footer.contains("s silence") && footer.contains("x expire"),
        "{footer}"
    );
}

#[test]
fn silence_from_the_selected_alert_targets_its_ha_clusters() {
    let mut app = fixtures::app(false);
    press(&mut app, "2");
    assert_eq!(app.sel.alerts_tab, AlertsTab::Alerts);
    press(&mut app, "s");
    let Some(Overlay::Silence(form)) = &app.overlay else {
        panic!("no form: {:?}", app.status)
    };
    assert!(
        form.matchers
            .contains("alertname=\"PaymentsHighErrorRate\"")
    );
    // Without a comment the form refuses.
    let effects = press(&mut app, "enter");
    assert!(effects.is_empty());
    type_text(&mut app, "bank gateway outage, INC-4211");
    press(&mut app, "tab");
    let effects = press(&mut app, "enter");
    assert!(app.overlay.is_none());
    assert_eq!(effects.len(), 1, "{effects:?}");
    let Effect::CreateSilence {
        ha_cluster,
        alertmanagers,
        matchers,
        duration,
        comment,
        created_by,
    } = &effects[0]
    else {
        panic!("{effects:?}")
    };
    assert_eq!(ha_cluster, "am-eu");
    assert_eq!(
        alertmanagers.iter().map(|u| u.as_str()).collect::<Vec<_>>(),
        vec!["http://am-eu-0.example:9093/"]
    );
    assert!(matchers.iter().any(|m| m.name == "alertname"
        && m.value == "PaymentsHighErrorRate"
        && m.is_equal
        && !m.is_regex));
    assert!(
        matchers
            .iter()
            .any(|m| m.name == "region" && m.value == "eu-west-1")
    );
    assert_eq!(*duration, Duration::from_secs(7200));
    assert_eq!(comment, "bank gateway outage, INC-4211");
    assert_eq!(created_by, "operator@sim-us-east-1");

    // An alert two HA clusters report: one silence per cluster, each with its members.
    press(&mut app, "down s");
    let Some(Overlay::Silence(form)) = &mut app.overlay else {
        panic!()
    };
    form.focus = opsdeck::app::silence_form::Field::Duration;
    press(&mut app, "backspace backspace");
    type_text(&mut app, "30m");
    press(&mut app, "down");
    type_text(&mut app, "rollout in progress");
    let effects = press(&mut app, "enter");
    let clusters: Vec<(&str, usize, Duration)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::CreateSilence {
                ha_cluster,
                alertmanagers,
                duration,
                ..
            } => Some((ha_cluster.as_str(), alertmanagers.len(), *duration)),
            _ => None,
        })
        .collect();
    assert_eq!(
        clusters,
        vec![
            ("am-eu", 1, Duration::from_secs(1800)),
            ("am-us", 2, Duration::from_secs(1800))
        ]
    );
}

#[test]
fn read_only_refuses_silences() {
    let mut app = fixtures::app_with(true, false, "default");
    let effects = press(&mut app, "2 s");
    assert!(effects.is_empty());
    assert!(app.overlay.is_none());
    assert!(
        app.status
            .as_ref()
            .is_some_and(|s| s.error && s.text.contains("read-only"))
    );
    let effects = press(&mut app, "right x");
    assert!(effects.is_empty());
}

#[test]
fn expire_the_selected_silence_asks_first() {
    let mut app = fixtures::app(false);
    let effects = press(&mut app, "2 right x");
    assert!(effects.is_empty(), "x only asks: {effects:?}");
    assert!(matches!(app.overlay, Some(Overlay::Ask(_))));
    assert!(render(&app, 80, 24).contains("Expire silence s1 in am-us?"));
    // n keeps it; nothing is sent.
    assert!(press(&mut app, "n").is_empty());
    assert!(app.overlay.is_none());
    press(&mut app, "x");
    let effects = press(&mut app, "y");
    assert!(app.overlay.is_none());
    assert_eq!(
        effects,
        vec![Effect::ExpireSilence {
            ha_cluster: "am-us".into(),
            alertmanagers: vec![
                "http://am-us-0.example:9093".parse().unwrap(),
                "http://am-us-1.example:9093".parse().unwrap()
            ],
            id: "s1".into(),
        }]
    );
}

#[test]
fn logs_start_and_stop_with_the_view() {
    let mut app = fixtures::app(false);
    press(&mut app, "down down down down down enter");
    // The third pod of eu-west-1 in name order is catalog's; pick a payments pod.
    press(&mut app, "down down down down down down down");
    let effects = press(&mut app, "l");
    let Some(Effect::StartLogs {
        id,
        region,
        context,
        namespace,
        target,
        ..
    }) = effects.first()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (region.as_str(), context.as_str(), namespace.as_str()),
        ("eu-west-1", "sim-eu-west-1", "shop")
    );
    assert!(matches!(target, LogTarget::Pod(p) if p.starts_with("payments-")));
    let id = *id;
    assert_eq!(*app.view(), View::Logs);
    update(
        &mut app,
        Msg::LogLines {
            id,
            lines: vec![opsdeck::app::LogLine {
                pod: "p".into(),
                text: "hello".into(),
            }],
        },
    );
    press(&mut app, "p");
    assert!(app.logs.as_ref().unwrap().paused_at.is_some());
    press(&mut app, "w");
    assert!(app.logs.as_ref().unwrap().wrap);
    let effects = press(&mut app, "esc");
    assert_eq!(effects, vec![Effect::StopLogs { id }]);
    assert!(app.logs.is_none());
    // Lines of a stopped stream are ignored.
    update(&mut app, Msg::LogLines { id, lines: vec![] });
    assert!(app.logs.is_none());
}

#[test]
fn copies_name_and_kubectl_command() {
    let mut app = fixtures::app(false);
    press(&mut app, "down");
    assert_eq!(
        press(&mut app, "y"),
        vec![Effect::CopyToClipboard("checkout".into())]
    );
    assert_eq!(
        press(&mut app, "Y"),
        vec![Effect::CopyToClipboard(
            "kubectl --context sim-us-east-1 -n shop rollout status deployment/checkout".into()
        )]
    );
}

#[test]
fn quit_by_key_and_by_signal() {
    let mut app = fixtures::app(false);
    assert_eq!(press(&mut app, "q"), vec![Effect::Quit]);
    assert_eq!(press(&mut app, "ctrl-c"), vec![Effect::Quit]);
    assert_eq!(update(&mut app, Msg::Terminate), vec![Effect::Quit]);
    // Key releases do nothing.
    let mut ev = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('q'),
        crossterm::event::KeyModifiers::NONE,
    );
    ev.kind = crossterm::event::KeyEventKind::Release;
    assert!(update(&mut app, Msg::Key(ev)).is_empty());
}

#[test]
fn data_marks_dirty_and_ticks_age_the_header() {
    let mut app = fixtures::app(false);
    app.dirty = false;
    update(&mut app, Msg::Data(vec![]));
    assert!(!app.dirty, "an empty batch changes nothing");
    update(&mut app, Msg::Data(vec![fixtures::many_pods("eastus", 3)]));
    assert!(app.dirty);
    app.dirty = false;
    let later = fixtures::now()
        .checked_add(jiff::SignedDuration::from_secs(60))
        .unwrap();
    update(&mut app, Msg::Tick(later));
    assert!(app.dirty);
    let header = render(&app, 80, 24)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(header.contains("STALE data 7m"), "{header}");
}

#[test]
fn rebinding_a_key_changes_behaviour_hints_and_help() {
    let text = "extends = \"default\"\n[[bindings]]\nkeys = [\"!\"]\naction = \"silence\"\ncontext = \"alerts\"\ndescription = \"Hush it\"\n";
    let keymap =
        opsdeck::config::Keymap::parse(std::path::Path::new("mine.toml"), text, "mine").unwrap();
    let mut app = fixtures::app(false);
    app.keymap = keymap;
    press(&mut app, "2 s");
    assert!(app.overlay.is_none(), "s is no longer bound");
    let footer = render(&app, 100, 24)
        .lines()
        .nth(23)
        .unwrap_or_default()
        .to_string();
    assert!(footer.contains("! silence"), "{footer}");
    press(&mut app, "?");
    assert!(render(&app, 80, 24).contains("Hush it"));
    press(&mut app, "esc !");
    assert!(matches!(app.overlay, Some(Overlay::Silence(_))));
}

#[test]
fn fleet_filter_and_palette_actions() {
    let mut app = fixtures::app(false);
    press(&mut app, "/");
    type_text(&mut app, "azure");
    press(&mut app, "enter");
    let rows = opsdeck::app::lists::fleet_rows(&app);
    assert_eq!(rows.len(), 5, "eastus and its four services");
    let screen = render(&app, 80, 24);
    assert!(screen.contains("eastus") && !screen.contains("us-east-1 aws"));
    press(&mut app, "esc :");
    type_text(&mut app, "refresh");
    assert_eq!(press(&mut app, "enter"), vec![Effect::RefreshNow]);
}
