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

/// The counts kept per batch equal a full recount after pods are added,
/// changed and deleted, with and without a filter.
#[test]
fn pod_counts_kept_per_batch_equal_a_recount() {
    use opsdeck::model::state::{KubeChange, KubeKind, KubeRow, Update};
    for filter in ["", "-0001"] {
        let mut app = fixtures::app(false);
        update(
            &mut app,
            Msg::Data(vec![fixtures::many_pods("eu-west-1", 300)]),
        );
        app.stack.push(View::Region("eu-west-1".into()));
        app.filter.text = filter.into();
        app.derive();
        app.count_pods();
        let before = app.pod_counts.clone().unwrap();
        let (context, pods) = {
            let r = &app.fleet.regions["eu-west-1"];
            let (ctx, c) = r.clusters.iter().find(|(_, c)| !c.pods.is_empty()).unwrap();
            (
                ctx.clone(),
                c.pods.values().take(150).cloned().collect::<Vec<_>>(),
            )
        };
        let mut batch = Vec::new();
        for (i, p) in pods.iter().enumerate() {
            let mut p = p.clone();
            match i % 3 {
                0 => p.ready = !p.ready,
                1 => p.name = format!("{}-new", p.name).into(),
                _ => {
                    batch.push(Update::Kube {
                        region: "eu-west-1".into(),
                        context: context.clone(),
                        change: KubeChange::Delete(
                            KubeKind::Pod,
                            (p.namespace.to_string(), p.name.to_string()),
                        ),
                    });
                    continue;
                }
            }
            batch.push(Update::Kube {
                region: "eu-west-1".into(),
                context: context.clone(),
                change: KubeChange::Upsert(KubeRow::Pod(p)),
            });
        }
        update(&mut app, Msg::Data(batch));
        let kept = app.pod_counts.clone().unwrap();
        app.pod_counts = None;
        app.count_pods();
        let recounted = app.pod_counts.clone().unwrap();
        assert_eq!(kept, recounted, "filter {filter:?}");
        // 50 pods flipped readiness: the batch did move the counts.
        assert_ne!(kept.not_ready, before.not_ready, "filter {filter:?}");
    }
}
