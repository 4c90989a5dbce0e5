//! Cloud logins: a kubeconfig `exec` credential plugin (as `aws eks
//! get-token`, `gke-gcloud-auth-plugin` and `kubelogin` are) runs, its
//! ExecCredential token reaches the simulator, and is fetched again after
//! its `expirationTimestamp`; a missing plugin binary marks only its region
//! unreachable, naming the context and the command.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ops_support;

use std::os::unix::fs::PermissionsExt;

use ops_support::*;

const MISSING: &str = "/nonexistent/bin/aws-eks-get-token";

#[test]
fn an_exec_plugin_logs_in_and_a_missing_one_fails_only_its_region() {
    let sim = sim("10");
    let operator = sim
        .tokens()
        .into_iter()
        .find(|t| t.starts_with("sim-operator-"))
        .unwrap();
    let calls = sim.path("plugin-calls");
    let plugin = sim.path("get-token");
    std::fs::write(
        &plugin,
        format!(
            "#!/bin/sh\necho call >> {calls}\nexp=$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%SZ)\n\
             printf '{{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"{operator}\",\"expirationTimestamp\":\"%s\"}}}}' \"$exp\"\n",
            calls = calls.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).unwrap();

    let original = sim.path("kubeconfig");
    let text = std::fs::read_to_string(&original).unwrap();
    let exec = |name: &str, command: &str| {
        format!(
            "- name: {name}\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: {command}\n      args: [\"eks\", \"get-token\"]\n      interactiveMode: Never\n"
        )
    };
    let text = text
        .replace(
            "    cluster: sim-eastus\n    user: operator",
            "    cluster: sim-eastus\n    user: broken",
        )
        .replace("    user: operator\n", "    user: cloud\n")
        .replace(
            "users:\n",
            &format!(
                "users:\n{}{}",
                exec("cloud", &plugin.display().to_string()),
                exec("broken", MISSING)
            ),
        );
    assert!(!text.contains("user: operator"), "{text}");
    let logins = sim.path("kubeconfig-exec");
    std::fs::write(&logins, text).unwrap();
    let config = sim.config_with("exec.toml", |t| {
        t.replace(
            &original.display().to_string(),
            &logins.display().to_string(),
        )
    });
    let with_config = |args: &[&str]| {
        let mut c = sim.cmd(args);
        c.arg("--config").arg(&config);
        run(c)
    };
    let count = || {
        std::fs::read_to_string(&calls)
            .unwrap_or_default()
            .lines()
            .count()
    };

    let o = with_config(&["status", "-o", "json"]);
    let status = json(&o.stdout);
    let regions = status["regions"].as_array().unwrap();
    let region = |name: &str| regions.iter().find(|r| r["name"] == name).unwrap();
    for r in ["us-east-1", "eu-west-1", "europe-west4"] {
        let ready: Vec<i64> = region(r)["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["ready"].as_i64().unwrap_or(0))
            .collect();
        assert!(
            ready.iter().all(|n| *n > 0),
            "{r} read with the plugin's token: {ready:?}"
        );
    }
    let eastus = region("eastus");
    let kube = eastus["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "kubernetes")
        .unwrap();
    let err = kube["lastError"].as_str().unwrap_or("");
    assert_eq!(kube["stale"], true, "{kube}");
    assert!(err.contains(MISSING) && err.contains("sim-eastus"), "{err}");
    assert!(count() >= 1, "the plugin ran");

    // A scale that waits for its rollout outlives the 2-second token.
    let before = count();
    let o = with_config(&[
        "scale",
        "catalog",
        "--region",
        "us-east-1",
        "--replicas",
        "5",
        "--yes",
        "--verify-window",
        "3s",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        sim.jsonpath("us-east-1", "deploy/catalog", "{.status.readyReplicas}"),
        "5"
    );
    assert!(
        count() >= before + 2,
        "the token was fetched again after expiry: {} calls",
        count() - before
    );
}
