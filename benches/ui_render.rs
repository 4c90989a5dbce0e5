//! Frame render time of the region view with 100k pods at 200×60.
//!
//! `cargo bench --bench ui_render` (add `--profile dev` on shared machines;
//! numbers are then unoptimised). Prints min/median/mean per frame for the
//! selection at the top, in the middle and at the end of the list, and with
//! a filter that matches one pod in a hundred.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use opsdeck::app::fixtures;
use opsdeck::app::state::View;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const PODS: usize = 100_000;
const FRAMES: usize = 50;

fn measure(label: &str, app: &opsdeck::app::AppState, theme: &opsdeck::config::Theme) {
    let mut term = Terminal::new(TestBackend::new(200, 60)).unwrap();
    // Warm up once (first frame allocates the buffers).
    term.draw(|f| opsdeck::ui::draw(f, app, theme)).unwrap();
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

fn main() {
    let mut app = fixtures::app(false);
    app.fleet.apply(fixtures::many_pods("eu-west-1", PODS));
    app.rebuild();
    app.stack.push(View::Region("eu-west-1".into()));
    // As update() does after every message: count once, not per frame.
    app.count_pods();
    let theme = fixtures::theme("default");
    println!("region view, {PODS} pods (+ fixture pods), 200x60, {FRAMES} frames");
    for (label, sel) in [
        ("selection at top", 0),
        ("selection in the middle", PODS / 2),
        ("selection at the end", PODS + 12),
    ] {
        app.sel.region = sel;
        measure(label, &app, &theme);
    }
    app.sel.region = 0;
    app.filter.text = "-000".into();
    app.count_pods();
    measure("filtered (1 in 100 match)", &app, &theme);
}
