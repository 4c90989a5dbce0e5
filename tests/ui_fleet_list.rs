//! The fleet view at 200 clusters: more regions than matrix columns, so a
//! line per region, grouped by provider and cloud region, worst first, and
//! readable at 80×24; up/down move between regions, left/right across a
//! region's services, the `/` filter narrows it, and the selection stays
//! on its region when a change re-sorts the list.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ui_common;

use opsdeck::app::fixtures::{
    self, LARGE_DEGRADED, LARGE_DOWN, LARGE_UNKNOWN, large_deployment, large_names,
};
use opsdeck::app::state::View;
use opsdeck::model::state::{KubeChange, KubeKind, Update};
use ui_common::{press, render, type_text};

/// The region lines on screen (indented under their group), in order.
fn region_lines(screen: &str) -> Vec<String> {
    screen
        .lines()
        .take_while(|l| !l.starts_with('└'))
        .filter(|l| l.starts_with("│  "))
        .map(|l| l.split_whitespace().nth(2).unwrap_or_default().to_string())
        .collect()
}

#[test]
fn two_hundred_clusters_at_80x24_put_what_hurts_first() {
    let app = fixtures::large_app();
    let screen = render(&app, 80, 24);
    let regions = region_lines(&screen);
    assert_eq!(
        regions[..3],
        [LARGE_DOWN, LARGE_UNKNOWN, LARGE_DEGRADED],
        "down, then unseen, then degraded:\n{screen}"
    );
    assert!(regions.len() >= 8, "{screen}");
    // The title counts the whole fleet, off-screen regions included.
    assert!(
        screen.contains("200 regions")
            && screen.contains("1 down · 1 degraded · 1 unknown · 197 ok"),
        "{screen}"
    );
    // What hurts comes under a line naming its provider and cloud region,
    // and its healthy siblings follow with the healthy rest.
    assert!(
        screen.contains("✖ aws eu-west-1 · 1 down (of 20)"),
        "{screen}"
    );
    assert!(
        screen.contains("✔ aws ap-southeast-1 · 20 ok (of 20)"),
        "{screen}"
    );
    // Every service is a column; the down cell shows its count.
    let down = screen.lines().find(|l| l.contains(LARGE_DOWN)).unwrap();
    assert!(
        down.contains("0/3") && down.matches("3/3").count() == 3,
        "{down}"
    );
    assert!(screen.contains("1/200"), "the position is told:\n{screen}");
    assert!(
        screen.contains("Firing alerts"),
        "alerts keep their place:\n{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn keys_move_by_region_and_by_service_and_enter_opens_either() {
    let mut app = fixtures::large_app();
    press(&mut app, "down");
    let screen = render(&app, 80, 24);
    assert!(screen.contains("2/200"), "{screen}");
    press(&mut app, "enter");
    assert_eq!(*app.view(), View::Region(LARGE_UNKNOWN.into()));
    press(&mut app, "esc down right right right");
    press(&mut app, "enter");
    // payments is the third service of the third line.
    assert_eq!(*app.view(), View::Service("payments".into()));
    press(&mut app, "esc end");
    let screen = render(&app, 80, 24);
    assert!(screen.contains("200/200"), "{screen}");
    let last = region_lines(&screen).last().cloned().unwrap();
    // The service stays selected down the list; left goes back to the region.
    press(&mut app, "enter");
    assert_eq!(*app.view(), View::Service("payments".into()));
    press(&mut app, "esc left left left left enter");
    assert_eq!(
        *app.view(),
        View::Region(last),
        "the last line is the selected one"
    );
}

#[test]
fn the_filter_narrows_to_a_cloud_region() {
    let mut app = fixtures::large_app();
    press(&mut app, "/");
    type_text(&mut app, "westeurope");
    press(&mut app, "enter");
    let screen = render(&app, 80, 24);
    assert!(screen.contains("20 regions"), "{screen}");
    let regions = region_lines(&screen);
    assert_eq!(regions[0], LARGE_UNKNOWN, "{screen}");
    assert!(
        regions.iter().all(|r| r.starts_with("westeurope-")),
        "{regions:?}"
    );
}

#[test]
fn the_selection_stays_on_its_region_when_the_order_moves() {
    let mut app = fixtures::large_app();
    // Select the fifth line: a healthy region.
    press(&mut app, "down down down down");
    let chosen = region_lines(&render(&app, 80, 24))[4].clone();
    // Another healthy region goes down and moves to the top.
    let other = large_names()
        .into_iter()
        .find(|n| n.starts_with("eastus-") && *n != chosen)
        .unwrap();
    let batch = vec![Update::Kube {
        region: other.clone(),
        context: format!("sim-{other}"),
        change: KubeChange::Replace(
            KubeKind::Deployment,
            vec![large_deployment(&other, "search", 0)],
        ),
    }];
    opsdeck::app::update(&mut app, opsdeck::app::Msg::Data(batch));
    let screen = render(&app, 80, 24);
    assert!(region_lines(&screen)[..2].contains(&other), "{screen}");
    assert!(screen.contains("6/200"), "{screen}");
    press(&mut app, "enter");
    assert_eq!(*app.view(), View::Region(chosen));
}
