//! End to end under tmux: operations started from the console of the real
//! binary. A scale on `opsdeck demo` (the ready count kubectl reads, and the
//! screen shows, comes from the simulator), and a rollback (its SLO check
//! lasts a minute) that outlives the console: the terminal hangs up
//! mid-operation, the detached operation process finishes on its own, and a
//! new console shows it succeeded.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ops_support;
mod tmux_support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;
use tmux_support::Tmux;

fn kubectl(kubeconfig: &Path, region: &str, args: &[&str]) -> String {
    let out = Command::new(ops_support::kubectl())
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(["--context", &format!("sim-{region}"), "-n", "shop"])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every record of every journal under `data`.
fn journal(data: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(data.join("operations"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let text = std::fs::read_to_string(e.path()).unwrap_or_default();
        out.extend(text.lines().filter_map(|l| serde_json::from_str(l).ok()));
    }
    out
}

fn wait_until<T>(what: &str, limit: Duration, f: impl Fn() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// One console test at a time: each runs a simulated fleet, a console and
/// a detached operation process, too much for two cores three times over.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What the operation processes wrote (for a failure's message).
fn operation_logs(data: &Path) -> String {
    let dir = data.join("operation-logs");
    let mut out = String::new();
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        out.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
    }
    out
}

fn alive(pid: u64) -> bool {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|c| String::from_utf8_lossy(&c).contains("opsdeck"))
        .unwrap_or(false)
}

/// The line of the first region block (us-east-1) that names `service`.
fn first_row<'a>(screen: &'a str, service: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(&format!(" {service} ")))
        .unwrap_or("")
}

#[test]
fn scale_through_the_console_reaches_the_cluster_and_the_screen() {
    let _one = one_at_a_time();
    let tmux = Tmux::new("scale");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let bin = env!("CARGO_BIN_EXE_opsdeck");
    tmux.start(
        100,
        30,
        &format!(
            "OPSDECK_DATA_DIR={} OPSDECK_IDENTITY=tester TERM=xterm-256color {bin} demo --speed 10 --dir {}; sleep 120",
            data.display(),
            dir.path().display()
        ),
    );
    let kubeconfig = dir.path().join("kubeconfig");
    let ready = |kubeconfig: &Path| {
        kubectl(
            kubeconfig,
            "us-east-1",
            &[
                "get",
                "deploy",
                "catalog",
                "-o",
                "jsonpath={.status.readyReplicas}",
            ],
        )
    };
    let fleet = tmux.wait_for("the fleet view", Duration::from_secs(60), |s| {
        first_row(s, "catalog").contains("3/3")
    });
    assert!(
        fleet.contains("S scale"),
        "the footer offers scale: {fleet}"
    );
    assert_eq!(ready(&kubeconfig), "3");

    // Row 2: catalog in us-east-1. S opens the form prefilled with 3.
    tmux.keys(&["Down", "Down", "S"]);
    tmux.wait_for("the scale form", Duration::from_secs(10), |s| {
        s.contains("Scale catalog in us-east-1") && s.contains("Replicas  3")
    });
    tmux.keys(&["BSpace"]);
    tmux.text("7");
    tmux.keys(&["Enter"]);
    // us-east-1 is production: the policy asks for the service's name.
    let preview = tmux.wait_for("the plan preview", Duration::from_secs(30), |s| {
        s.contains("Type catalog (or cat) to proceed")
    });
    assert!(preview.contains("server dry run: accepted"), "{preview}");
    assert!(preview.contains("-> 7"), "{preview}");
    tmux.text("catalog");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the operation to start", Duration::from_secs(10), |s| {
        s.contains("started scale catalog to 7 replicas in us-east-1")
    });

    // The cluster has 7 ready replicas, and the screen shows the count the
    // simulator reports.
    wait_until("7 ready replicas", Duration::from_secs(90), || {
        (ready(&kubeconfig) == "7").then_some(())
    });
    tmux.wait_for("7/7 on screen", Duration::from_secs(30), |s| {
        first_row(s, "catalog").contains("7/7")
    });
    let ended = wait_until("the journal's end", Duration::from_secs(60), || {
        journal(&data).into_iter().find(|r| r["record"] == "ended")
    });
    assert_eq!(ended["outcome"], "succeeded", "{ended}");
    tmux.keys(&["4"]);
    let ops = tmux.wait_for("the operations view", Duration::from_secs(10), |s| {
        s.contains("Journal (1)") && s.contains("succeeded")
    });
    assert!(
        ops.contains("scale catalog to 7 replicas in us-east-1"),
        "{ops}"
    );
}

#[test]
fn a_hang_up_does_not_stop_an_operation_started_from_the_console() {
    let _one = one_at_a_time();
    let sim = ops_support::sim("10");
    let data = sim.data();
    let bin = env!("CARGO_BIN_EXE_opsdeck");
    let script = format!(
        "OPSDECK_DATA_DIR={} OPSDECK_IDENTITY=tester TERM=xterm-256color {bin} --config {}; sleep 120",
        data.display(),
        sim.config().display()
    );
    let tmux = Tmux::new("hup");
    tmux.start(100, 30, &script);
    tmux.wait_for("the fleet view", Duration::from_secs(60), |s| {
        first_row(s, "checkout").contains("/")
    });
    // Roll checkout back in us-east-1: a rollout, then a 60 s SLO check.
    // The ReplicaSet watch may list after the deployments: until it has,
    // the form says so and is closed and opened again.
    tmux.keys(&["Down", "R"]);
    let start = Instant::now();
    loop {
        let s = tmux.wait_for("the rollback form", Duration::from_secs(10), |s| {
            s.contains("Roll back checkout in us-east-1")
        });
        if s.contains("> rev") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no revision to pick after a minute: {s}"
        );
        tmux.keys(&["Escape"]);
        std::thread::sleep(Duration::from_secs(1));
        tmux.keys(&["R"]);
    }
    tmux.keys(&["Enter"]);
    tmux.wait_for("the plan preview", Duration::from_secs(30), |s| {
        s.contains("Type checkout (or che) to proceed")
    });
    tmux.text("checkout");
    tmux.keys(&["Enter"]);
    let start = Instant::now();
    let started = loop {
        if let Some(r) = journal(&data)
            .into_iter()
            .find(|r| r["record"] == "started")
        {
            break r;
        }
        assert!(
            start.elapsed() < Duration::from_secs(90),
            "no journal after 90 s; screen:\n{}\noperation log:\n{}",
            tmux.screen(),
            operation_logs(&data)
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    let pid = started["pid"].as_u64().unwrap();
    assert!(alive(pid), "the operation process runs");

    // The SSH link drops: the terminal hangs up, the console goes.
    tmux.kill();
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        journal(&data).iter().all(|r| r["record"] != "ended"),
        "still running after the hang-up"
    );
    assert!(alive(pid), "SIGHUP did not reach the operation process");

    let ended = wait_until("the operation to finish", Duration::from_secs(180), || {
        journal(&data).into_iter().find(|r| r["record"] == "ended")
    });
    assert_eq!(ended["outcome"], "succeeded", "{ended}");
    let cause = sim.jsonpath(
        "us-east-1",
        "deploy/checkout",
        "{.metadata.annotations.kubernetes\\.io/change-cause}",
    );
    assert!(
        cause.contains("opsdeck"),
        "the rollback reached the cluster: {cause}"
    );

    // A new console shows it finished, and offers nothing to resume.
    let tmux = Tmux::new("hup2");
    tmux.start(100, 30, &script);
    tmux.wait_for("the fleet view", Duration::from_secs(60), |s| {
        first_row(s, "checkout").contains("/")
    });
    let first = tmux.screen();
    assert!(!first.contains("did not finish"), "{first}");
    tmux.keys(&["4"]);
    // Wait for the journal row itself: a capture can land mid-frame, with
    // the header drawn and the rows not yet.
    let ops = tmux.wait_for("the operations view", Duration::from_secs(10), |s| {
        s.contains("Journal (1)") && s.contains("roll back checkout in us-east-1")
    });
    assert!(ops.contains("succeeded"), "{ops}");
}

#[test]
fn an_unfinished_operation_is_resumed_from_the_console_then_aborted() {
    let _one = one_at_a_time();
    let sim = ops_support::sim("10");
    let data = sim.data();
    // A rollback from the CLI, killed -9 during its SLO verification.
    let mut cli = sim
        .cmd(&["rollback", "checkout", "--region", "eu-west-1", "--yes"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_until("the verification step", Duration::from_secs(60), || {
        journal(&data)
            .into_iter()
            .find(|r| r["record"] == "intent" && r["step"] == 2)
    });
    cli.kill().unwrap();
    let _ = cli.wait();

    let bin = env!("CARGO_BIN_EXE_opsdeck");
    let tmux = Tmux::new("resume");
    tmux.start(
        100,
        30,
        &format!(
            "OPSDECK_DATA_DIR={} OPSDECK_IDENTITY=tester TERM=xterm-256color {bin} --config {}; sleep 120",
            data.display(),
            sim.config().display()
        ),
    );
    let prompt = tmux.wait_for("the resume prompt", Duration::from_secs(60), |s| {
        s.contains("An operation did not finish")
    });
    assert!(prompt.contains("2 of 3 steps done"), "{prompt}");
    tmux.keys(&["r"]);
    let resumed = wait_until("the resumed record", Duration::from_secs(30), || {
        journal(&data)
            .into_iter()
            .find(|r| r["record"] == "resumed")
    });
    let pid = resumed["pid"].as_u64().unwrap();
    assert!(alive(pid));

    // The operations view shows it running; abort it.
    tmux.keys(&["4"]);
    tmux.wait_for("the running operation", Duration::from_secs(20), |s| {
        s.contains("▶ roll back checkout in eu-west-1")
    });
    tmux.keys(&["a"]);
    tmux.wait_for("the abort question", Duration::from_secs(10), |s| {
        s.contains("Abort roll back checkout in eu-west-1")
    });
    tmux.keys(&["y"]);
    let ended = wait_until("the abort", Duration::from_secs(30), || {
        journal(&data).into_iter().find(|r| r["record"] == "ended")
    });
    assert_eq!(ended["outcome"], "aborted", "{ended}");
    tmux.wait_for("aborted on screen", Duration::from_secs(10), |s| {
        s.contains("aborted") && s.contains("No operation running")
    });
}
