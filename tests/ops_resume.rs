//! Crash and recovery: `kill -9` of an `opsdeck scale` mid-operation (a slow
//! rollout at a low `--speed`), then `ops list` shows it unfinished, `ops
//! resume` completes it, and the audit log shows every mutating request of
//! the operation exactly once; `ops undo` restores the recorded previous
//! values. Ctrl-C (SIGINT) aborts with exit 130.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ops_support;

use std::process::Stdio;

use ops_support::*;

fn scale_patches(sim: &Sim, mark: usize, name: &str, region: &str) -> usize {
    matching(
        &sim.writes_since(mark),
        "patch",
        "deployments",
        Some("scale"),
        name,
        region,
    )
    .len()
}

#[test]
fn kill_9_mid_operation_then_resume_sends_each_step_once_then_undo() {
    let sim = sim("0.3");
    let mark = sim.audit_lines().len();
    let mut child = sim
        .cmd(&[
            "scale",
            "catalog",
            "--region",
            "eu-west-1,eastus",
            "--replicas",
            "6",
            "--yes",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until(60, "the first /scale patch", || {
        scale_patches(&sim, mark, "catalog", "eu-west-1") == 1
    });
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_ne!(
        sim.jsonpath("eu-west-1", "deploy/catalog", "{.status.readyReplicas}"),
        "6",
        "killed before the rollout finished"
    );

    let o = sim.opsdeck(&["ops", "list", "-o", "json"]);
    let list = json(&o.stdout);
    let op = list["operations"][0].clone();
    assert_eq!(op["state"], "unfinished", "{list}");
    assert!(op["lastStep"].is_string());
    let id = op["id"].as_str().unwrap().to_string();

    let o = sim.opsdeck(&["ops", "resume", &id, "--yes"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    for region in ["eu-west-1", "eastus"] {
        assert_eq!(
            sim.jsonpath(region, "deploy/catalog", "{.status.readyReplicas}"),
            "6",
            "{region}"
        );
        assert_eq!(
            scale_patches(&sim, mark, "catalog", region),
            1,
            "exactly one /scale patch in {region}"
        );
    }
    let o = sim.opsdeck(&["ops", "list", "-o", "json"]);
    assert_eq!(json(&o.stdout)["operations"][0]["state"], "succeeded");
    let o = sim.opsdeck(&["ops", "resume", &id, "--yes"]);
    assert_eq!(o.code, 2, "an ended operation is not resumed: {}", o.stderr);

    let o = sim.opsdeck(&["ops", "undo", &id, "--yes"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    for region in ["eu-west-1", "eastus"] {
        assert_eq!(
            sim.jsonpath(region, "deploy/catalog", "{.spec.replicas}"),
            "3",
            "{region}"
        );
        assert_eq!(
            scale_patches(&sim, mark, "catalog", region),
            2,
            "the undo's own patch in {region}"
        );
    }
}

#[test]
fn ctrl_c_aborts_with_130() {
    let sim = sim("0.3");
    let mark = sim.audit_lines().len();
    let child = sim
        .cmd(&[
            "scale",
            "payments",
            "--region",
            "eu-west-1",
            "--replicas",
            "6",
            "--yes",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until(60, "the /scale patch", || {
        scale_patches(&sim, mark, "payments", "eu-west-1") == 1
    });
    let pid = child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let o = sim.opsdeck(&["ops", "list", "-o", "json"]);
    assert_eq!(json(&o.stdout)["operations"][0]["state"], "aborted");
    assert_eq!(
        sim.jsonpath(
            "eu-west-1",
            "lease/opsdeck-payments",
            "{.spec.holderIdentity}"
        ),
        "",
        "lease released"
    );
}
