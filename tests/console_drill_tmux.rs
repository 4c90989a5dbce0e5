//! End to end under tmux, `metrics` mode: `opsdeck demo --workloads metrics`
//! shows every region's ready counts from kube-state-metrics (marked `m`);
//! drilling into a region watches its cluster (its pods appear: only a
//! watch lists pods), and leaving it stops the watch and forgets what it
//! listed, so the region's cells come from metrics again.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tmux_support;

use std::time::Duration;

use tmux_support::Tmux;

/// Fleet cells whose ready count is marked as coming from metrics.
fn metric_cells(screen: &str) -> usize {
    let re = regex::Regex::new(r"\b[0-9]+/[0-9]+m\b").unwrap();
    re.find_iter(screen).count()
}

#[test]
fn drilling_into_a_metrics_region_watches_it_until_you_leave() {
    let tmux = Tmux::new("drill");
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_opsdeck");
    tmux.start(
        160,
        48,
        &format!(
            "OPSDECK_DATA_DIR={} TERM=xterm-256color {bin} demo --workloads metrics --speed 10 --dir {}; sleep 60",
            dir.path().join("data").display(),
            dir.path().display()
        ),
    );
    // 4 regions × 4 services, every one from metrics.
    tmux.wait_for("every cell from metrics", Duration::from_secs(60), |s| {
        metric_cells(s) == 16
    });

    tmux.keys(&[":"]);
    tmux.wait_for("the palette", Duration::from_secs(5), |s| {
        s.contains("Go to")
    });
    tmux.keys(&["-l", "europe-west4"]);
    tmux.keys(&["Enter"]);
    let pods = regex::Regex::new(r"Pods [1-9][0-9]*").unwrap();
    tmux.wait_for(
        "the region's pods, from a watch",
        Duration::from_secs(30),
        |s| s.contains("Region europe-west4") && pods.is_match(s) && s.contains("Running"),
    );

    tmux.keys(&["Escape"]);
    tmux.wait_for(
        "metrics again in every cell",
        Duration::from_secs(30),
        |s| metric_cells(s) == 16,
    );
    // A watch still running would bring its rows back with the next change
    // (HPAs move replicas all the time at this speed).
    std::thread::sleep(Duration::from_secs(5));
    let s = tmux.screen();
    assert_eq!(metric_cells(&s), 16, "{s}");
    tmux.kill();
}
