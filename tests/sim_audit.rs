//! The simulator's audit log (`--audit-log PATH`): one kube-apiserver
//! `audit.k8s.io/v1` Event per mutating request, read while the simulator
//! runs. First `opsdeck sim` as a process driven by the real kubectl, then
//! an in-process simulator driven over plain HTTP for the refusals kubectl
//! does not easily provoke (401, 404, 409, 422).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "fixtures/sim/support.rs"]
mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use opsdeck::sim::Sim;
use opsdeck::sim::server::ServeOptions;

/// Every line of an audit log, parsed; a line that is not JSON fails the test.
fn read_audit(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// The lines after the first `from`, without SelfSubjectAccessReviews.
fn since(path: &Path, from: usize) -> Vec<Value> {
    read_audit(path)
        .into_iter()
        .skip(from)
        .filter(|e| e["objectRef"]["resource"] != "selfsubjectaccessreviews")
        .collect()
}

/// The `opsdeck sim` process; killed when dropped, so a failing test never
/// leaves it running.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start `opsdeck sim ARGS` and read its banner up to the Ctrl-C line, for
/// 60 s at most (a child that prints nothing, or dies, fails the test).
fn spawn_sim(args: &[&str]) -> (Proc, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let proc = Proc(child);
    let (tx, rx) = mpsc::channel();
    // Keeps draining stdout after the banner so the child never blocks on it.
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(l);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut lines = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(l) => {
                let done = l.contains("Ctrl-C");
                lines.push(l);
                if done {
                    return (proc, lines);
                }
            }
            Err(e) => panic!("no banner ({e}); got {lines:?}"),
        }
    }
}

fn stop(mut proc: Proc) {
    Command::new("kill")
        .args(["-TERM", &proc.0.id().to_string()])
        .status()
        .unwrap();
    let start = Instant::now();
    loop {
        if let Some(st) = proc.0.try_wait().unwrap() {
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

/// kubectl against the fleet in `dir`, in namespace shop of eu-west-1, as
/// `user`; its own `--cache-dir` per call; 60 s at most.
async fn kubectl(dir: &Path, user: &str, args: &[&str]) -> support::Run {
    static N: AtomicUsize = AtomicUsize::new(0);
    let cache = dir.join(format!("kube-cache-{}", N.fetch_add(1, Ordering::Relaxed)));
    let mut c = tokio::process::Command::new(support::kubectl_path());
    c.arg("--kubeconfig").arg(dir.join("kubeconfig"));
    c.arg("--cache-dir").arg(cache);
    c.args(["--context", "sim-eu-west-1", "--user", user, "-n", "shop"]);
    c.args(["--request-timeout=20s"]).args(args);
    c.env_remove("KUBECONFIG").kill_on_drop(true);
    let out = tokio::time::timeout(Duration::from_secs(60), c.output())
        .await
        .unwrap_or_else(|_| panic!("kubectl {args:?} timed out"))
        .expect("kubectl runs");
    support::Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

fn tokens(kubeconfig: &Path) -> Vec<String> {
    let kc = std::fs::read_to_string(kubeconfig).unwrap();
    let t: Vec<String> = kc
        .lines()
        .filter_map(|l| l.trim().strip_prefix("token: "))
        .map(str::to_string)
        .collect();
    assert_eq!(t.len(), 3, "{kc}");
    t
}

/// The shape every line shares.
fn check_line(e: &Value) {
    assert_eq!(e["kind"], "Event", "{e}");
    assert_eq!(e["apiVersion"], "audit.k8s.io/v1", "{e}");
    assert_eq!(e["level"], "Request", "{e}");
    assert_eq!(e["stage"], "ResponseComplete", "{e}");
    assert_eq!(e["auditID"].as_str().unwrap().len(), 36, "{e}");
    assert_eq!(e["sourceIPs"], json!(["127.0.0.1"]), "{e}");
    let verb = e["verb"].as_str().unwrap();
    assert!(
        ["create", "update", "patch", "delete", "deletecollection"].contains(&verb),
        "{e}"
    );
    for k in ["requestReceivedTimestamp", "stageTimestamp"] {
        let t = e[k].as_str().unwrap();
        // 2026-03-01T10:20:30.123456Z
        assert!(
            t.len() == 27 && t.ends_with('Z') && t.as_bytes()[19] == b'.',
            "{k}: {t}"
        );
    }
    assert!(e["requestURI"].as_str().unwrap().starts_with('/'), "{e}");
    assert!(e["annotations"]["opsdeck.sim/cluster"].is_string(), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sim_audit_log_records_kubectl_writes() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    support::kubectl_path();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let log: PathBuf = dir.join("audit.jsonl");
    let (sim, lines) = spawn_sim(&[
        "sim",
        "--audit-log",
        log.to_str().unwrap(),
        "--dir",
        dir.to_str().unwrap(),
        "--speed",
        "5",
    ]);
    assert_eq!(field(&lines, "audit log"), log.to_str().unwrap());
    let replicas = async || {
        let r = kubectl(
            dir,
            "operator",
            &[
                "get",
                "deploy",
                "checkout",
                "-o",
                "jsonpath={.spec.replicas}",
            ],
        )
        .await;
        r.ok().trim().to_string()
    };

    // The HPA of checkout would move its replicas; take it away first.
    kubectl(dir, "admin", &["delete", "hpa", "checkout"])
        .await
        .ok();
    let del = since(&log, 0);
    assert_eq!(del.len(), 1, "{del:?}");
    assert_eq!(del[0]["verb"], "delete");
    assert_eq!(del[0]["objectRef"]["apiGroup"], "autoscaling");
    assert_eq!(del[0]["user"]["username"], "sim:admin");

    // 1. scale: exactly one line, the PATCH of deployments/scale.
    let n = read_audit(&log).len();
    let r = kubectl(
        dir,
        "operator",
        &["scale", "deploy/checkout", "--replicas=5"],
    )
    .await;
    assert_eq!(r.ok().trim(), "deployment.apps/checkout scaled");
    let new = since(&log, n);
    assert_eq!(new.len(), 1, "{new:?}");
    let e = &new[0];
    assert_eq!(e["verb"], "patch");
    assert_eq!(
        e["objectRef"],
        json!({"resource": "deployments", "namespace": "shop", "name": "checkout",
               "apiGroup": "apps", "apiVersion": "v1", "subresource": "scale"})
    );
    assert_eq!(
        e["user"],
        json!({"username": "sim:operator", "groups": ["system:authenticated"]})
    );
    assert_eq!(e["responseStatus"], json!({"metadata": {}, "code": 200}));
    assert_eq!(e["annotations"]["opsdeck.sim/cluster"], "eu-west-1");
    assert_eq!(e["annotations"]["authorization.k8s.io/decision"], "allow");
    assert_eq!(e["requestObject"]["spec"]["replicas"], 5);
    assert!(
        e["requestURI"]
            .as_str()
            .unwrap()
            .starts_with("/apis/apps/v1/namespaces/shop/deployments/checkout/scale"),
        "{e}"
    );
    assert!(
        e["userAgent"].as_str().unwrap().starts_with("kubectl/"),
        "{e}"
    );
    assert_eq!(replicas().await, "5");

    // 2. a server-side dry run is logged with dryRun=All and changes nothing.
    let n = read_audit(&log).len();
    let r = kubectl(
        dir,
        "operator",
        &[
            "scale",
            "deploy/checkout",
            "--replicas=7",
            "--dry-run=server",
        ],
    )
    .await;
    assert!(r.ok().contains("server dry run"), "{}", r.stdout);
    let new = since(&log, n);
    assert_eq!(new.len(), 1, "{new:?}");
    assert!(
        new[0]["requestURI"]
            .as_str()
            .unwrap()
            .contains("dryRun=All"),
        "{}",
        new[0]
    );
    assert_eq!(new[0]["requestObject"]["spec"]["replicas"], 7);
    assert_eq!(new[0]["responseStatus"]["code"], 200);
    assert_eq!(replicas().await, "5");

    // 3. the viewer may not patch: 403, decision forbid.
    let n = read_audit(&log).len();
    let r = kubectl(
        dir,
        "viewer",
        &[
            "patch",
            "deploy/checkout",
            "--type=merge",
            "-p",
            r#"{"spec":{"replicas":2}}"#,
        ],
    )
    .await;
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    assert!(r.stderr.contains("Forbidden"), "{}", r.stderr);
    let new = since(&log, n);
    assert_eq!(new.len(), 1, "{new:?}");
    let e = &new[0];
    assert_eq!(e["verb"], "patch");
    assert_eq!(e["user"]["username"], "sim:viewer");
    assert_eq!(e["responseStatus"]["code"], 403);
    assert_eq!(e["responseStatus"]["reason"], "Forbidden");
    assert_eq!(e["responseStatus"]["status"], "Failure");
    assert_eq!(e["annotations"]["authorization.k8s.io/decision"], "forbid");
    assert_eq!(e["objectRef"]["subresource"], Value::Null);
    assert_eq!(replicas().await, "5");

    // `auth can-i` posts a (protobuf) SelfSubjectAccessReview: logged too.
    let n = read_audit(&log).len();
    let r = kubectl(dir, "operator", &["auth", "can-i", "patch", "deployments"]).await;
    assert_eq!(r.ok().trim(), "yes");
    let ssar: Vec<Value> = read_audit(&log).into_iter().skip(n).collect();
    assert_eq!(ssar.len(), 1, "{ssar:?}");
    assert_eq!(ssar[0]["verb"], "create");
    assert_eq!(
        ssar[0]["objectRef"],
        json!({"resource": "selfsubjectaccessreviews",
               "apiGroup": "authorization.k8s.io", "apiVersion": "v1"})
    );
    assert_eq!(
        ssar[0]["requestObject"]["spec"]["resourceAttributes"]["verb"],
        "patch"
    );

    // 4. every line is an Event of a mutating request; no GET; no token.
    let all = read_audit(&log);
    assert_eq!(all.len(), 5, "{all:?}");
    for e in &all {
        check_line(e);
        assert_eq!(e["annotations"]["opsdeck.sim/cluster"], "eu-west-1");
    }
    let ids: std::collections::HashSet<&str> =
        all.iter().map(|e| e["auditID"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), all.len());
    let text = std::fs::read_to_string(&log).unwrap();
    for t in tokens(&dir.join("kubeconfig")) {
        assert!(!text.contains(&t), "token {t} in the audit log");
    }
    stop(sim);
}

/// What kubectl does not easily provoke, over plain HTTP to an in-process
/// simulator: 401 (anonymous), 404 (no cluster, no object), 409 (exists,
/// stale resourceVersion), 422; a create names its object; reads are not
/// logged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_process_audit_log_records_refusals() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("logs/audit.jsonl");
    let sim = Sim::start_with(
        support::small(),
        ServeOptions::audit_log(&log, false).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(sim.audit_log(), Some(log.as_path()));
    let region = sim.world().region_names()[0].clone();
    let base = sim.cluster_url(&region);
    let operator = sim.token(opsdeck::sim::auth::Role::Operator).to_string();
    let admin = sim.token(opsdeck::sim::auth::Role::Admin).to_string();
    let http = reqwest::Client::new();
    let send = async |method: &str, url: String, token: &str, ct: &str, body: &str| {
        let mut r = http
            .request(method.parse().unwrap(), url)
            .header("User-Agent", "audit-test/1")
            .header("Content-Type", ct);
        if !token.is_empty() {
            r = r.bearer_auth(token);
        }
        r.body(body.to_string())
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    let deploy = format!("{base}/apis/apps/v1/namespaces/shop/deployments/checkout");
    let leases = format!("{base}/apis/coordination.k8s.io/v1/namespaces/shop/leases");
    let lease = r#"{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"op-lock"},"spec":{"holderIdentity":"t"}}"#;
    let json = "application/json";
    let merge = "application/merge-patch+json";

    assert_eq!(send("GET", deploy.clone(), &operator, "", "").await, 200);
    assert_eq!(
        send("POST", leases.clone(), &operator, json, lease).await,
        201
    );
    assert_eq!(
        send("POST", leases.clone(), &operator, json, lease).await,
        409
    );
    let stale = r#"{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"checkout","namespace":"shop","resourceVersion":"1"},"spec":{"replicas":3}}"#;
    assert_eq!(
        send("PUT", format!("{deploy}/scale"), &operator, json, stale).await,
        409
    );
    let negative = r#"{"spec":{"replicas":-1}}"#;
    assert_eq!(
        send(
            "PATCH",
            format!("{deploy}/scale"),
            &operator,
            merge,
            negative
        )
        .await,
        422
    );
    assert_eq!(
        send("DELETE", deploy.clone(), "not-a-token", "", "").await,
        401
    );
    let mars = sim.cluster_url("mars-1") + "/apis/apps/v1/namespaces/shop/deployments/x";
    assert_eq!(send("PATCH", mars, &operator, merge, "{}").await, 404);
    let missing = format!("{base}/apis/apps/v1/namespaces/shop/deployments/nope");
    assert_eq!(send("DELETE", missing, &admin, "", "").await, 404);

    let all = read_audit(&log);
    let got: Vec<(String, u64, String)> = all
        .iter()
        .map(|e| {
            check_line(e);
            (
                e["verb"].as_str().unwrap().to_string(),
                e["responseStatus"]["code"].as_u64().unwrap(),
                e["responseStatus"]["reason"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect();
    let want = [
        ("create", 201, ""),
        ("create", 409, "AlreadyExists"),
        ("update", 409, "Conflict"),
        ("patch", 422, "Invalid"),
        ("delete", 401, "Unauthorized"),
        ("patch", 404, "NotFound"),
        ("delete", 404, "NotFound"),
    ];
    let want: Vec<(String, u64, String)> = want
        .iter()
        .map(|(v, c, r)| (v.to_string(), *c, r.to_string()))
        .collect();
    assert_eq!(got, want, "{all:?}");
    // The create names its object from the body.
    assert_eq!(all[0]["objectRef"]["name"], "op-lock");
    assert_eq!(all[0]["objectRef"]["resource"], "leases");
    assert_eq!(all[0]["requestObject"]["spec"]["holderIdentity"], "t");
    assert_eq!(all[1]["responseStatus"]["status"], "Failure");
    assert_eq!(all[3]["objectRef"]["subresource"], "scale");
    assert_eq!(all[2]["userAgent"], "audit-test/1");
    // Without a valid token: anonymous, forbidden.
    assert_eq!(
        all[4]["user"],
        json!({"username": "system:anonymous", "groups": ["system:unauthenticated"]})
    );
    assert_eq!(
        all[4]["annotations"]["authorization.k8s.io/decision"],
        "forbid"
    );
    assert_eq!(all[5]["annotations"]["opsdeck.sim/cluster"], "mars-1");
    for e in &all[..5] {
        assert_eq!(e["annotations"]["opsdeck.sim/cluster"], region.as_str());
    }
    let text = std::fs::read_to_string(&log).unwrap();
    for t in [operator.as_str(), admin.as_str(), "not-a-token"] {
        assert!(!text.contains(t), "token {t} in the audit log");
    }
    sim.shutdown().await;
}
