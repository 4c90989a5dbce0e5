//! What a frame draws that takes computing is made by `update()` and kept
//! in the state: a data batch or a keystroke changes the next frame without
//! the UI counting or sorting anything itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ui_common;

use opsdeck::app::fixtures;
use opsdeck::app::state::{RegionTab, View};
use opsdeck::app::{Msg, update};
use ui_common::{press, render, type_text};

#[test]
fn a_data_batch_recounts_the_region_tab_for_the_next_frame() {
    let mut app = fixtures::app(false);
    app.stack.push(View::Region("eu-west-1".into()));
    app.derive();
    let before = app.derived.tab_count(RegionTab::Pods);
    assert!(before > 0);
    assert!(render(&app, 120, 30).contains(&format!("Pods {before}")));

    // The batch replaces the region's pods: 1234 of them.
    update(
        &mut app,
        Msg::Data(vec![fixtures::many_pods("eu-west-1", 1234)]),
    );
    assert_eq!(app.derived.tab_count(RegionTab::Pods), 1234);
    assert!(render(&app, 120, 30).contains("Pods 1234"));

    // Filter keystrokes recount too: bulk-…-000100 to -000199 match.
    press(&mut app, "/");
    type_text(&mut app, "-0001");
    assert_eq!(app.derived.tab_count(RegionTab::Pods), 100);
    assert!(render(&app, 120, 30).contains("Pods 100 "));
}

#[test]
fn the_fleet_rows_follow_the_filter() {
    let mut app = fixtures::app(false);
    let all = app.derived.fleet_rows.len();
    press(&mut app, "/");
    type_text(&mut app, "search");
    let rows = app.derived.fleet_rows.len();
    // Every region header with its search row only.
    assert_eq!(rows, 2 * app.snapshot.regions.len());
    assert!(rows < all);
}
