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

fn running_id(sim: &Sim) -> String {
    let mut id = String::new();
    wait_until(30, "the operation in the journal", || {
        let list = json(&sim.opsdeck(&["ops", "list", "-o", "json"]).stdout);
        match list["operations"][0]["id"].as_str() {
            Some(i) => {
                id = i.to_string();
                true
            }
            None => false,
        }
    });
    id
}

#[test]
fn abort_from_a_second_process_rolls_a_deploy_back() {
    let sim = sim("0.3");
    let image = |r: &str| {
        sim.jsonpath(
            r,
            "deploy/catalog",
            "{.spec.template.spec.containers[0].image}",
        )
    };
    let before: Vec<(String, String)> = ["eu-west-1", "us-east-1"]
        .iter()
        .map(|r| (r.to_string(), image(r)))
        .collect();
    let mark = sim.audit_lines().len();
    let child = sim
        .cmd(&[
            "deploy",
            "catalog",
            "--image",
            "registry.example.com/shop/catalog:3.0.0",
            "--regions",
            "eu-west-1,us-east-1",
            "--yes",
            "--gate-window",
            "30s",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let image_patches = |sim: &Sim| {
        sim.writes_since(mark)
            .into_iter()
            .filter(|e| {
                e["objectRef"]["resource"] == "deployments"
                    && e["objectRef"]["subresource"].is_null()
                    && e["requestObject"].to_string().contains("/image")
            })
            .map(|e| {
                e["annotations"]["opsdeck.sim/cluster"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect::<Vec<_>>()
    };
    wait_until(60, "the first wave's image patch", || {
        image_patches(&sim).len() == 1
    });
    let id = running_id(&sim);
    let o = sim.opsdeck(&["ops", "abort", &id]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("ops abort") && stderr.contains("rolled back 1 change"),
        "{stderr}"
    );
    let patched = image_patches(&sim);
    assert_eq!(
        patched.len(),
        2,
        "the wave and its rollback only: {patched:?}"
    );
    let region = patched[0].clone();
    assert_eq!(patched[1], region);
    for (r, was) in &before {
        assert_eq!(&image(r), was, "{r} runs what it ran before");
    }
    assert_eq!(
        json(&sim.opsdeck(&["ops", "list", "-o", "json"]).stdout)["operations"][0]["state"],
        "aborted"
    );
}

#[test]
fn pause_and_continue_from_a_second_process_hold_a_deploy_between_waves() {
    let sim = sim("10");
    let new = "registry.example.com/shop/catalog:3.1.0";
    let image = |r: &str| {
        sim.jsonpath(
            r,
            "deploy/catalog",
            "{.spec.template.spec.containers[0].image}",
        )
    };
    let child = sim
        .cmd(&[
            "deploy",
            "catalog",
            "--image",
            new,
            "--regions",
            "eu-west-1,us-east-1",
            "--yes",
            "--gate-window",
            "6s",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Waves go quietest region first, and traffic follows the simulated
    // day: either region may be the first wave.
    let mut first = "";
    wait_until(60, "the first wave", || {
        first = ["eu-west-1", "us-east-1"]
            .into_iter()
            .find(|r| image(r) == new)
            .unwrap_or("");
        !first.is_empty()
    });
    let second = if first == "eu-west-1" {
        "us-east-1"
    } else {
        "eu-west-1"
    };
    let id = running_id(&sim);
    let o = sim.opsdeck(&["ops", "pause", &id]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    wait_until(60, "the pause to take hold", || {
        sim.journals().contains("paused by request before step")
    });
    // Held: the second wave does not start while paused.
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_ne!(image(second), new, "no wave while paused");
    let o = sim.opsdeck(&["ops", "continue", &id]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(image(second), new, "the second wave after continue");
    assert!(sim.journals().contains("continued by request"));
}

#[test]
fn kill_9_mid_failover_then_resume_sends_each_weight_once() {
    let sim = sim("0.3");
    let mark = sim.audit_lines().len();
    let mut child = sim
        .cmd(&[
            "failover",
            "catalog",
            "--from",
            "us-east-1",
            "--yes",
            "--verify-window",
            "3s",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let weight_patches = |sim: &Sim| {
        sim.writes_since(mark)
            .into_iter()
            .filter(|e| {
                e["verb"] == "patch"
                    && e["objectRef"]["resource"] == "services"
                    && e["objectRef"]["name"] == "catalog"
            })
            .map(|e| {
                (
                    e["annotations"]["opsdeck.sim/cluster"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    e["requestObject"]["metadata"]["annotations"].to_string(),
                )
            })
            .collect::<Vec<_>>()
    };
    wait_until(60, "the first weight patch", || {
        !weight_patches(&sim).is_empty()
    });
    child.kill().unwrap();
    child.wait().unwrap();
    let id = running_id(&sim);
    assert_eq!(
        json(&sim.opsdeck(&["ops", "list", "-o", "json"]).stdout)["operations"][0]["state"],
        "unfinished"
    );
    let o = sim.opsdeck(&["ops", "resume", &id, "--yes"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(
        sim.jsonpath(
            "us-east-1",
            "svc/catalog",
            "{.metadata.annotations.external-dns\\.alpha\\.kubernetes\\.io/aws-weight}"
        ),
        "0"
    );
    let patches = weight_patches(&sim);
    let mut seen = std::collections::BTreeSet::new();
    for p in &patches {
        assert!(seen.insert(p.clone()), "sent twice: {p:?} in {patches:?}");
    }
    assert_eq!(patches.len(), 8, "4 regions x 2 shift steps: {patches:?}");
}
