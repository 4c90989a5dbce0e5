//! Frame render time of the region view with 100k pods at 200×60.
//!
//! `cargo bench --bench ui_render` (add `--profile dev` on shared machines;
//! numbers are then unoptimised). Prints min/median/mean per frame for the
//! selection at the top, in the middle and at the end of the list, and with
//! a filter that matches one pod in a hundred; then (P4) a data batch — one
//! pod changing, as a watch event — through `update()` followed by the
//! frame, with its p99.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use opsdeck::app::fixtures;
use opsdeck::app::state::View;
use opsdeck::app::{AppState, Msg, update};
use opsdeck::model::state::{KubeChange, KubeRow, Update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const PODS: usize = 100_000;
const FRAMES: usize = 50;

/// Times `FRAMES` frames; the warm-up frame must show each of `shows` (so
/// the timing is of the screen the label names).
fn measure(
    label: &str,
    shows: &[&str],
    app: &opsdeck::app::AppState,
    theme: &opsdeck::config::Theme,
) {
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    // Warm up once (first frame allocates the buffers).
    let frame = term.draw(|f| opsdeck::ui::draw(f, app, theme)).unwrap();
    let text: String = frame.buffer.content().iter().map(|c| c.symbol()).collect();
    for s in shows {
        assert!(text.contains(s), "{label}: the frame does not show {s:?}");
    }
    let mut times: Vec<Duration> = (0..FRAMES)
        .map(|_| {
            let t = Instant::now();
            term.draw(|f| opsdeck::ui::draw(f, app, theme)).unwrap();
            t.elapsed()
        })
        .collect();
    times.sort();
    let mean = times.iter().sum::<Duration>() / FRAMES as u32;
    println!(
        "{label:<34} min {:>9.3?}  median {:>9.3?}  mean {:>9.3?}",
        times[0],
        times[FRAMES / 2],
        mean
    );
}

/// P4: `BATCHES` times, one pod of the region changes (ready flips, a
/// restart), `update()` takes the batch and the frame is drawn; min,
/// median and p99 of the two together.
fn update_and_frame(label: &str, app: &mut AppState, theme: &opsdeck::config::Theme) {
    const BATCHES: usize = 200;
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    let (context, mut pod) = {
        let region = &app.fleet.regions["eu-west-1"];
        let (ctx, c) = region.clusters.iter().next().unwrap();
        (ctx.clone(), c.pods.values().nth(PODS / 2).unwrap().clone())
    };
    term.draw(|f| opsdeck::ui::draw(f, app, theme)).unwrap();
    let mut times: Vec<Duration> = (0..BATCHES)
        .map(|_| {
            pod.ready = !pod.ready;
            pod.restarts += 1;
            let batch = vec![Update::Kube {
                region: "eu-west-1".into(),
                context: context.clone(),
                change: KubeChange::Upsert(KubeRow::Pod(pod.clone())),
            }];
            let t = Instant::now();
            update(app, Msg::Data(batch));
            term.draw(|f| opsdeck::ui::draw(f, app, theme)).unwrap();
            t.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "{label:<34} min {:>9.3?}  median {:>9.3?}  p99 {:>9.3?}",
        times[0],
        times[BATCHES / 2],
        times[BATCHES * 99 / 100]
    );
}

fn main() {
    let mut app = fixtures::app(false);
    app.fleet.apply(fixtures::many_pods("eu-west-1", PODS));
    app.rebuild();
    app.stack.push(View::Region("eu-west-1".into()));
    // As update() does after every message: count once, not per frame.
    app.count_pods();
    app.derive();
    let theme = fixtures::theme("default");
    // many_pods replaces the region's pods: exactly PODS of them.
    println!("region view, {PODS} pods, 200x60, {FRAMES} frames");
    let pod = |i: usize| format!("bulk-5d8f7c9b6-{i:06}");
    for (label, sel) in [
        ("selection at top", 0),
        ("selection in the middle", PODS / 2),
        ("selection at the end", PODS - 1),
    ] {
        app.sel.region = sel;
        measure(label, &[&pod(sel), &format!("Pods {PODS} ")], &app, &theme);
    }
    app.sel.region = 0;
    app.filter.text = "-000".into();
    app.count_pods();
    app.derive();
    let matching = PODS / 100;
    measure(
        "filtered (1 in 100 match)",
        &[&pod(0), &format!("Pods {matching} ")],
        &app,
        &theme,
    );
    update_and_frame("P4 update() + frame, filtered", &mut app, &theme);
    app.filter.text.clear();
    app.derive();
    update_and_frame("P4 update() + frame", &mut app, &theme);
}
