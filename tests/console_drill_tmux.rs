//! End to end under tmux, `metrics` mode: `opsdeck demo --workloads metrics`
//! shows every region's ready counts from kube-state-metrics (marked `m`);
//! drilling into a region watches its cluster (its pods appear: only a
//! watch lists pods), and leaving it stops the watch and forgets what it
//! listed, so the region's cells come from metrics again. The simulator's
//! audit log (watches recorded) shows that only that region's cluster was
//! watched, and that every watch it opened was closed on leaving.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tmux_support;

use std::time::Duration;

use serde_json::Value;
use tmux_support::Tmux;

/// The audit log's watch lines.
fn watches(log: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e["verb"] == "watch")
        .collect()
}

fn stage<'a>(events: &'a [Value], stage: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["stage"] == stage).collect()
}

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
    let log = dir.path().join("audit.jsonl");
    tmux.start(
        160,
        48,
        &format!(
            "OPSDECK_DATA_DIR={} TERM=xterm-256color {bin} demo --workloads metrics --speed 10 --dir {} --audit-log {} --audit-watches; sleep 60",
            dir.path().join("data").display(),
            dir.path().display(),
            log.display()
        ),
    );
    // 4 regions × 4 services, every one from metrics.
    tmux.wait_for("every cell from metrics", Duration::from_secs(60), |s| {
        metric_cells(s) == 16
    });
    assert!(
        watches(&log).is_empty(),
        "metrics mode watched before any drill-down: {:?}",
        watches(&log)
    );

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

    // The watch follows the list that filled the screen: wait for it.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let opened = loop {
        let opened: Vec<Value> = stage(&watches(&log), "ResponseStarted")
            .into_iter()
            .cloned()
            .collect();
        let pods = opened.iter().any(|e| e["objectRef"]["resource"] == "pods");
        if pods || std::time::Instant::now() > deadline {
            break opened;
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    assert!(
        opened.iter().any(|e| e["objectRef"]["resource"] == "pods"),
        "no pod watch opened on drill-down: {opened:?}"
    );
    for e in &opened {
        assert_eq!(
            e["annotations"]["opsdeck.sim/cluster"], "europe-west4",
            "a watch on another cluster: {e}"
        );
    }

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

    // Every watch opened was closed, and none opened since.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let open = loop {
        let all = watches(&log);
        let closed: std::collections::HashSet<&str> = stage(&all, "ResponseComplete")
            .iter()
            .filter_map(|e| e["auditID"].as_str())
            .collect();
        let open: Vec<String> = stage(&all, "ResponseStarted")
            .iter()
            .filter(|e| !e["auditID"].as_str().is_some_and(|id| closed.contains(id)))
            .map(|e| e["requestURI"].to_string())
            .collect();
        if open.is_empty() || std::time::Instant::now() > deadline {
            break open;
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    assert!(
        open.is_empty(),
        "watches still open after leaving: {open:?}"
    );
    let all = watches(&log);
    let started = stage(&all, "ResponseStarted");
    assert!(
        started.len() >= opened.len()
            && started
                .iter()
                .all(|e| e["annotations"]["opsdeck.sim/cluster"] == "europe-west4"),
        "{started:?}"
    );
    eprintln!(
        "{} watches opened on drill-down ({:?}), all closed on leaving",
        started.len(),
        started
            .iter()
            .filter_map(|e| e["objectRef"]["resource"].as_str())
            .collect::<std::collections::BTreeSet<_>>()
    );
    tmux.kill();
}
