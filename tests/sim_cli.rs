//! `opsdeck sim` and `opsdeck demo` as processes: the files they write, the
//! endpoints they print, start-up faults, and a clean stop on SIGTERM.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// The simulator process; killed if the test fails before stopping it, so a
/// failing test never leaves it running (holding cargo's output pipes).
struct Proc(Option<Child>);

impl Drop for Proc {
    fn drop(&mut self) {
        if let Some(c) = self.0.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Starts `opsdeck ARGS` and returns its lines up to the "Ctrl-C" prompt.
/// Lines are read on a thread and waited for with a deadline, so a child
/// that prints nothing fails the test after 60 s instead of hanging it.
fn spawn(args: &[&str]) -> (Proc, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    let child = Proc(Some(child));
    let (tx, rx) = mpsc::channel();
    // Keeps draining after the prompt (nobody listens then) so the child never blocks.
    std::thread::spawn(move || {
        for l in out.lines().map_while(Result::ok) {
            let _ = tx.send(l);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut lines = Vec::new();
    loop {
        let l = match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(l) => l,
            Err(RecvTimeoutError::Timeout) => panic!("no prompt within 60 s; got {lines:?}"),
            Err(RecvTimeoutError::Disconnected) => {
                panic!("exited before the prompt; got {lines:?}")
            }
        };
        let done = l.contains("Ctrl-C");
        lines.push(l.trim_end().to_string());
        if done {
            return (child, lines);
        }
    }
}

fn stop(mut proc: Proc) {
    let mut child = proc.0.take().unwrap();
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            assert!(st.success(), "exit status {st}");
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn field<'a>(lines: &'a [String], label: &str) -> &'a str {
    lines
        .iter()
        .find_map(|l| l.trim_start().strip_prefix(label))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no {label:?} in {lines:?}"))
}

#[test]
fn sim_writes_kubeconfig_and_config_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (child, lines) = spawn(&[
        "sim",
        "--dir",
        dir.path().to_str().unwrap(),
        "--seed",
        "3",
        "--fault",
        "eu-west-1:unavailable",
    ]);
    let base = field(&lines, "API server")
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert!(base.starts_with("http://127.0.0.1:"));
    let prometheus = field(&lines, "Prometheus")
        .trim_end_matches("/<region>")
        .to_string();
    assert!(prometheus.starts_with("http://127.0.0.1:") && prometheus != base);
    assert_eq!(
        field(&lines, "kubeconfig"),
        dir.path().join("kubeconfig").to_str().unwrap()
    );

    let kc = std::fs::read_to_string(dir.path().join("kubeconfig")).unwrap();
    for r in ["us-east-1", "eu-west-1", "europe-west4", "eastus"] {
        assert!(
            kc.contains(&format!(
                "- name: sim-{r}\n  context:\n    cluster: sim-{r}\n    user: operator"
            )),
            "{kc}"
        );
        assert!(kc.contains(&format!(
            "server: {}/clusters/{r}",
            base.replace("http://", "https://")
        )));
    }
    for user in ["viewer", "operator", "admin"] {
        assert!(kc.contains(&format!("- name: {user}\n  user:\n    token: sim-{user}-")));
    }
    assert!(kc.contains("current-context: sim-us-east-1"));

    let cfg: toml::Value =
        toml::from_str(&std::fs::read_to_string(dir.path().join("opsdeck.toml")).unwrap()).unwrap();
    let regions = cfg["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 4);
    for r in regions {
        let name = r["name"].as_str().unwrap();
        assert_eq!(
            r["clusters"][0]["context"].as_str(),
            Some(format!("sim-{name}").as_str())
        );
        assert_eq!(
            r["prometheus"]["url"].as_str(),
            Some(format!("{prometheus}/{name}").as_str())
        );
        assert!(r["billing"]["kind"].is_str());
    }
    assert_eq!(cfg["services"].as_array().unwrap().len(), 4);
    assert!(cfg["ui"]["theme"].is_str() && cfg["policy"]["confirm"].is_str());

    // The start-up fault is active; the other regions answer.
    let token = kc
        .split("token: ")
        .find(|t| t.starts_with("sim-viewer-"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let code = |r: &str| {
        let o = Command::new("curl")
            .args([
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                "-H",
                &format!("Authorization: Bearer {token}"),
                &format!("{base}/clusters/{r}/api/v1/namespaces/shop/pods"),
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    assert_eq!(code("eu-west-1"), "503");
    assert_eq!(code("us-east-1"), "200");
    stop(child);
}

/// Figures only the simulator's data puts on the fleet screen (a config
/// alone shows names and "-"): ready pods, error ratio, p95, cost per day.
const LIVE: [(&str, &str); 4] = [
    ("ready pods", r"\b[1-9][0-9]*/[0-9]+\b"),
    ("error ratio", r"\b[0-9]+\.[0-9]+%"),
    ("p95", r"\b[0-9]+ms\b"),
    ("cost per day", r"\$[0-9]+\.[0-9]{2}\b"),
];

/// `opsdeck demo` on a pseudo-terminal (driven by tests/fixtures/pty_drive.py,
/// which answers cursor queries like a terminal): the console takes the
/// screen, shows the fleet's services with live numbers, and `q` ends it all.
#[test]
fn demo_opens_the_console_on_the_fleet_and_quits() {
    let dir = tempfile::tempdir().unwrap();
    // Press q once every live figure has been drawn.
    let wait_for: String = LIVE
        .iter()
        .map(|(_, re)| format!("(?=.*{re})"))
        .collect::<Vec<_>>()
        .concat();
    let o = Command::new("python3")
        .args([
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pty_drive.py"),
            &format!("(?s){wait_for}"),
            "q",
            "40",
            "--",
            env!("CARGO_BIN_EXE_opsdeck"),
            "demo",
            "--dir",
            dir.path().to_str().unwrap(),
            "--regions",
            "2",
            "--pods-per-cluster",
            "20",
            "--backfill-minutes",
            "2",
        ])
        .output()
        .expect("python3 runs");
    let screen = String::from_utf8_lossy(&o.stdout);
    let visible = regex::Regex::new(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
        .unwrap()
        .replace_all(&screen, " ");
    for (what, re) in LIVE {
        let found = regex::Regex::new(re).unwrap().find(&visible);
        assert!(found.is_some(), "no {what} on screen: {visible}");
    }
    assert!(o.status.success(), "{}\n{screen}", o.status);
    assert!(
        screen.contains("\x1b[?1049h"),
        "no alternate screen: {screen}"
    );
    assert!(screen.contains("\x1b[?1049l"), "screen not restored");
    for s in ["checkout", "payments", "us-east-1"] {
        assert!(screen.contains(s), "{s} not shown");
    }
    assert!(dir.path().join("opsdeck.toml").is_file());
}

/// `opsdeck sim` as a process, read by the CLI: the config it writes
/// checks, and every source (Kubernetes, Prometheus, Alertmanager, OpenCost,
/// Cost Explorer, FOCUS) answers; a telemetry fault given at start shows.
#[test]
fn sim_config_checks_and_every_source_is_healthy() {
    let dir = tempfile::tempdir().unwrap();
    let (child, lines) = spawn(&[
        "sim",
        "--dir",
        dir.path().to_str().unwrap(),
        "--pods-per-cluster",
        "30",
        "--backfill-minutes",
        "5",
        "--fault",
        "eu-west-1:cost-anomaly",
    ]);
    let cfg = field(&lines, "opsdeck config").to_string();
    let opsdeck = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
            .args(args)
            .args(["--config", &cfg])
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).to_string(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    let (code, out, err) = opsdeck(&["config", "check"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("aws-cost-explorer") && out.contains("focus-csv"));

    let (code, out, err) = opsdeck(&["status", "-o", "json"]);
    assert_eq!(code, Some(0), "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let sources = v["sources"].as_array().unwrap();
    // One source per region of each kind; the Alertmanager HA cluster is one.
    for (kind, n) in [
        ("kubernetes", 4),
        ("prometheus", 4),
        ("billing", 4),
        ("alertmanager", 1),
    ] {
        let count = sources.iter().filter(|s| s["kind"] == kind).count();
        assert_eq!(count, n, "{kind}: {sources:?}");
    }
    for s in sources {
        assert_eq!(s["stale"], false, "{s}");
        assert!(s["lastError"].is_null(), "{s}");
    }
    for r in v["regions"].as_array().unwrap() {
        for svc in r["services"].as_array().unwrap() {
            for k in ["requestRate", "errorRatio", "p95Seconds"] {
                assert!(svc[k].is_f64(), "{} {}: no {k}", r["name"], svc["service"]);
            }
            assert!(svc["ready"].as_i64().unwrap() > 0);
        }
    }

    let (code, out, err) = opsdeck(&["costs", "--by", "region", "-o", "json"]);
    assert_eq!(code, Some(0), "{out}{err}");
    for r in ["us-east-1", "eu-west-1", "europe-west4", "eastus"] {
        assert!(out.contains(r), "no cost for {r}: {out}");
    }
    let (code, out, err) = opsdeck(&["alerts"]);
    assert_eq!(code, Some(0), "{out}{err}");

    // The start-up telemetry fault is on, seen through the one control endpoint.
    let base = field(&lines, "API server");
    let kc = std::fs::read_to_string(dir.path().join("kubeconfig")).unwrap();
    let admin = kc
        .split("token: ")
        .find(|t| t.starts_with("sim-admin-"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let o = Command::new("curl")
        .args([
            "-s",
            "-H",
            &format!("Authorization: Bearer {admin}"),
            &format!("{base}/control/telemetry/faults"),
        ])
        .output()
        .unwrap();
    let faults: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(faults["cost_anomaly"], serde_json::json!(["eu-west-1"]));
    stop(child);
}

#[test]
fn bad_fault_flag_is_reported() {
    let o = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["sim", "--fault", "mars-1:fail"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no region \"mars-1\""));
}

#[test]
fn start_flag_sets_the_simulated_clock() {
    let dir = tempfile::tempdir().unwrap();
    let (child, lines) = spawn(&[
        "sim",
        "--dir",
        dir.path().to_str().unwrap(),
        "--start",
        "2026-01-15T03:00:00Z",
    ]);
    let prometheus = field(&lines, "Prometheus")
        .trim_end_matches("/<region>")
        .to_string();
    let out = Command::new("curl")
        .args([
            "-sf",
            &format!("{prometheus}/us-east-1/api/v1/query?query=time()"),
        ])
        .output()
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let now = body["data"]["result"][0].as_f64().unwrap();
    // 2026-01-15T03:00:00Z, plus the seconds since the start.
    assert!(
        (1_768_446_000.0..1_768_446_000.0 + 120.0).contains(&now),
        "the simulated clock reads {now}"
    );
    stop(child);

    let o = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["sim", "--start", "yesterday"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--start") && err.contains("yesterday"),
        "{err}"
    );
}
