//! The conformance checks of specs/kubernetes-api.md, run with the real
//! kubectl against an in-process simulator (one simulator and one
//! `--cache-dir` per test).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "fixtures/sim/support.rs"]
mod support;

use std::time::Duration;

use support::{small, start};

fn setup() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    support::kubectl_path();
}

/// 1. `get deploy -A` header; `-o wide` adds CONTAINERS IMAGES SELECTOR.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c01_get_deployments_table() {
    setup();
    let env = start(small()).await;
    let out = env.kubectl(&["get", "deploy", "-A"]).await;
    let header: Vec<&str> = out
        .ok()
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        header,
        [
            "NAMESPACE",
            "NAME",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE"
        ]
    );
    assert!(
        out.stdout.contains("checkout") && out.stdout.contains("4/4"),
        "{}",
        out.stdout
    );
    let wide = env.kubectl(&["get", "deploy", "-o", "wide"]).await;
    let header: Vec<&str> = wide
        .ok()
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        header,
        [
            "NAME",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE",
            "CONTAINERS",
            "IMAGES",
            "SELECTOR"
        ]
    );
    assert!(
        wide.stdout
            .contains("registry.example.com/shop/checkout:1.14.")
            && wide.stdout.contains("app=checkout")
    );
}

/// 2 and 3. `scale`, then `scale --current-replicas` with the wrong count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c02_c03_scale() {
    setup();
    let env = start(small()).await;
    env.create_web(1, "").await;
    let r = env.kubectl(&["scale", "deploy/web", "--replicas=3"]).await;
    assert_eq!(r.ok().trim(), "deployment.apps/web scaled");
    let r = env
        .kubectl(&["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"])
        .await;
    assert_eq!(r.ok(), "3");
    env.wait_ready("web", 3).await;
    env.kubectl(&["scale", "deploy/web", "--replicas=4"])
        .await
        .ok();
    let r = env
        .kubectl(&[
            "scale",
            "deploy/web",
            "--current-replicas=2",
            "--replicas=5",
        ])
        .await;
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("error: Expected replicas to be 2, was 4"),
        "{}",
        r.stderr
    );
    // --current-replicas that matches: GET + PUT of /scale.
    let r = env
        .kubectl(&[
            "scale",
            "deploy/web",
            "--current-replicas=4",
            "--replicas=2",
        ])
        .await;
    assert_eq!(r.ok().trim(), "deployment.apps/web scaled");
    env.wait_ready("web", 2).await;
}

/// 4, 5, 6, 7. set image + rollout status, history + change-cause, undo, undo to a missing revision.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c04_to_c07_rollout_history_undo() {
    setup();
    let env = start(small()).await;
    env.create_web(2, "").await;
    env.kubectl(&["set", "image", "deploy/web", "c=img:2"])
        .await
        .ok();
    let r = env
        .kubectl(&["rollout", "status", "deploy/web", "--timeout=40s"])
        .await;
    assert!(
        r.ok()
            .trim_end()
            .ends_with("deployment \"web\" successfully rolled out"),
        "{}",
        r.stdout
    );

    let h = env.kubectl(&["rollout", "history", "deploy/web"]).await;
    let revs: Vec<&str> = h
        .ok()
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(revs, ["1", "2"], "{}", h.stdout);
    env.kubectl(&[
        "annotate",
        "deploy/web",
        "kubernetes.io/change-cause=moved to img:2",
    ])
    .await
    .ok();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let h = env.kubectl(&["rollout", "history", "deploy/web"]).await;
    assert!(
        h.ok()
            .lines()
            .any(|l| l.starts_with('2') && l.contains("moved to img:2")),
        "{}",
        h.stdout
    );

    let rs_before = env
        .kubectl(&["get", "rs", "-l", "app=web", "--no-headers"])
        .await
        .ok()
        .lines()
        .count();
    let r = env.kubectl(&["rollout", "undo", "deploy/web"]).await;
    assert!(r.ok().contains("rolled back"), "{}", r.stdout);
    env.kubectl(&["rollout", "status", "deploy/web", "--timeout=40s"])
        .await
        .ok();
    let h = env.kubectl(&["rollout", "history", "deploy/web"]).await;
    let revs: Vec<&str> = h
        .ok()
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(revs, ["2", "3"], "{}", h.stdout);
    let rs_after = env
        .kubectl(&["get", "rs", "-l", "app=web", "--no-headers"])
        .await
        .ok()
        .lines()
        .count();
    assert_eq!(rs_before, rs_after);
    let img = env
        .kubectl(&[
            "get",
            "deploy",
            "web",
            "-o",
            "jsonpath={.spec.template.spec.containers[0].image}",
        ])
        .await;
    assert_eq!(img.ok(), "img:1");

    let r = env
        .kubectl(&["rollout", "undo", "deploy/web", "--to-revision=9"])
        .await;
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("error: unable to find specified revision 9 in history"),
        "{}",
        r.stderr
    );
}

/// 8. A bad image with progressDeadlineSeconds 5: rollout status fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c08_progress_deadline() {
    setup();
    let env = start(small()).await;
    env.create_web(2, r#""progressDeadlineSeconds":5,"#).await;
    env.kubectl(&["set", "image", "deploy/web", "c=img:2-bad"])
        .await
        .ok();
    let r = env
        .kubectl(&["rollout", "status", "deploy/web", "--timeout=40s"])
        .await;
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("exceeded its progress deadline"),
        "{}",
        r.stderr
    );
    let pods = env.kubectl(&["get", "pods", "-l", "app=web"]).await;
    assert!(pods.ok().contains("ImagePullBackOff"), "{}", pods.stdout);
}

/// 9 and 10. undo of a paused deployment fails; restart makes a new ReplicaSet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c09_c10_pause_and_restart() {
    setup();
    let env = start(small()).await;
    env.create_web(1, "").await;
    env.kubectl(&["set", "image", "deploy/web", "c=img:2"])
        .await
        .ok();
    env.kubectl(&["rollout", "status", "deploy/web", "--timeout=40s"])
        .await
        .ok();
    env.kubectl(&["rollout", "pause", "deploy/web"]).await.ok();
    let r = env.kubectl(&["rollout", "undo", "deploy/web"]).await;
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("error: you cannot rollback a paused deployment; "),
        "{}",
        r.stderr
    );
    env.kubectl(&["rollout", "resume", "deploy/web"]).await.ok();

    let before = env
        .kubectl(&["get", "rs", "-l", "app=web", "--no-headers"])
        .await
        .ok()
        .lines()
        .count();
    let r = env.kubectl(&["rollout", "restart", "deploy/web"]).await;
    assert!(r.ok().contains("restarted"), "{}", r.stdout);
    env.kubectl(&["rollout", "status", "deploy/web", "--timeout=40s"])
        .await
        .ok();
    let rs = env.kubectl(&["get", "rs", "-l", "app=web", "-o", "jsonpath={range .items[*]}{.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}{.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}|{end}"]).await;
    assert_eq!(
        before + 1,
        env.kubectl(&["get", "rs", "-l", "app=web", "--no-headers"])
            .await
            .ok()
            .lines()
            .count()
    );
    assert!(
        rs.ok().split('|').any(|s| !s.is_empty()),
        "no ReplicaSet template carries restartedAt: {}",
        rs.stdout
    );
}

/// 11. `get pods -w` during a rollout shows ContainerCreating, then Running.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c11_watch_pods_during_rollout() {
    setup();
    let env = start(small()).await;
    env.create_web(2, "").await;
    let watch = env
        .kubectl_as("admin", &["get", "pods", "-l", "app=web", "-w"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    env.kubectl(&["set", "image", "deploy/web", "c=img:2"])
        .await
        .ok();
    env.kubectl(&["rollout", "status", "deploy/web", "--timeout=40s"])
        .await
        .ok();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut watch = watch;
    let _ = watch.start_kill();
    let out = watch.wait_with_output().await.unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let creating = text
        .lines()
        .position(|l| l.contains("ContainerCreating"))
        .unwrap_or_else(|| panic!("no ContainerCreating row:\n{text}"));
    assert!(
        text.lines()
            .skip(creating + 1)
            .any(|l| l.contains("Running") && l.contains("1/1")),
        "no Running row after ContainerCreating:\n{text}"
    );
}

/// 12. `auth can-i`: yes for what the token may do, no (exit 1) otherwise.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c12_auth_can_i() {
    setup();
    let env = start(small()).await;
    let r = env
        .run_as("operator", &["auth", "can-i", "get", "deployments"])
        .await;
    assert_eq!(r.ok().trim(), "yes");
    let r = env
        .run_as("operator", &["auth", "can-i", "patch", "deployments"])
        .await;
    assert_eq!(r.ok().trim(), "yes");
    let r = env
        .run_as("operator", &["auth", "can-i", "delete", "deployments"])
        .await;
    assert_eq!((r.code, r.stdout.trim()), (1, "no"));
    let r = env
        .run_as("viewer", &["auth", "can-i", "patch", "deployments"])
        .await;
    assert_eq!((r.code, r.stdout.trim()), (1, "no"));
    // And the server enforces what it answered.
    let r = env
        .run_as("viewer", &["scale", "deploy/checkout", "--replicas=5"])
        .await;
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("forbidden"), "{}", r.stderr);
    let r = env
        .run_as("admin", &["auth", "can-i", "delete", "deployments"])
        .await;
    assert_eq!(r.ok().trim(), "yes");
}

/// 13. api-resources, version, wait --for=condition=Available.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c13_api_resources_version_wait() {
    setup();
    let env = start(small()).await;
    let r = env.kubectl(&["api-resources"]).await;
    let text = r.ok();
    for want in [
        "deployments",
        "deploy",
        "replicasets",
        "pods",
        "horizontalpodautoscalers",
        "leases",
        "selfsubjectaccessreviews",
    ] {
        assert!(
            text.split_whitespace().any(|w| w == want),
            "api-resources lacks {want}:\n{text}"
        );
    }
    let r = env.kubectl(&["version"]).await;
    assert!(r.ok().contains("Server Version: v1.32."), "{}", r.stdout);
    env.create_web(1, "").await;
    env.kubectl(&["scale", "deploy/web", "--replicas=2"])
        .await
        .ok();
    let r = env
        .kubectl(&[
            "wait",
            "--for=condition=Available",
            "deploy/web",
            "--timeout=30s",
        ])
        .await;
    assert!(r.ok().contains("condition met"), "{}", r.stdout);
}

/// 14. Watches forced to expire during `rollout status`: it still succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c14_rollout_status_survives_expired_watch() {
    setup();
    let mut cfg = small();
    cfg.speed = 0.5;
    let env = start(cfg).await;
    env.create_web(3, "").await;
    env.kubectl(&["set", "image", "deploy/web", "c=img:2"])
        .await
        .ok();
    let status = env
        .kubectl_as(
            "admin",
            &["rollout", "status", "deploy/web", "--timeout=60s"],
        )
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        env.expire_watches();
    }
    let out = tokio::time::timeout(Duration::from_secs(60), status.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "rollout status failed: {text}");
    assert!(
        text.trim_end()
            .ends_with("deployment \"web\" successfully rolled out"),
        "{text}"
    );
}
