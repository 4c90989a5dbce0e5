//! Drill-down in `metrics` mode, through `update()`: entering a region read
//! from kube-state-metrics asks for its clusters to be watched; leaving it
//! stops them; regions that are watched anyway ask nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ui_common;

use std::path::Path;

use opsdeck::app::fixtures;
use opsdeck::app::state::View;
use opsdeck::app::{AppState, Effect, Msg, update};
use opsdeck::config::{self, Overrides};
use ui_common::press;

/// The fixture fleet with eu-west-1 in `metrics` mode.
fn app() -> AppState {
    let text = fixtures::config_text(false, false).replacen(
        "name = \"eu-west-1\"",
        "name = \"eu-west-1\"\nworkloads = \"metrics\"",
        1,
    ) + "\n[fleet_metrics]\nurl = \"http://127.0.0.1:9\"\n";
    let no_env = |_: &str| None;
    let cfg =
        config::from_text(Path::new("t.toml"), &text, &Overrides::default(), &no_env).unwrap();
    let mut app = AppState::new(
        cfg,
        fixtures::keymap("default"),
        "operator@sim".into(),
        fixtures::now(),
    );
    for u in fixtures::updates() {
        app.fleet.apply(u);
    }
    app.rebuild();
    app
}

fn watches(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::WatchRegion { region } => Some(format!("watch {region}")),
            Effect::UnwatchRegion { region } => Some(format!("unwatch {region}")),
            _ => None,
        })
        .collect()
}

#[test]
fn entering_a_metrics_region_watches_it_and_leaving_stops() {
    let mut app = app();
    assert_eq!(
        app.config
            .regions
            .iter()
            .find(|r| r.name == "eu-west-1")
            .map(|r| r.workloads),
        Some(opsdeck::config::file::WorkloadMode::Metrics)
    );
    // Through the palette-free path: push the view as `enter` on its header does.
    app.stack.push(View::Region("eu-west-1".into()));
    let e = update(&mut app, Msg::Tick(fixtures::now()));
    assert_eq!(watches(&e), ["watch eu-west-1"]);
    // Staying asks nothing more.
    assert!(watches(&update(&mut app, Msg::Tick(fixtures::now()))).is_empty());
    // Back to the fleet: the watch stops.
    let e = press(&mut app, "esc");
    assert_eq!(*app.view(), View::Fleet);
    assert_eq!(watches(&e), ["unwatch eu-west-1"]);
    // A watched region asks nothing.
    app.stack.push(View::Region("us-east-1".into()));
    assert!(watches(&update(&mut app, Msg::Tick(fixtures::now()))).is_empty());
}
