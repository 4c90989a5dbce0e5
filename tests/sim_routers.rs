//! The traffic routers of the simulator, as processes: `opsdeck sim
//! --router istio|gateway-api` serves VirtualServices and HTTPRoutes to
//! kubectl, the config it writes names the router and checks, and a weight
//! patched with kubectl moves that region's request rate in the
//! simulator's Prometheus.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "fixtures/sim/support.rs"]
mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The simulator process, killed when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A running `opsdeck sim` with its printed endpoints.
struct Sim {
    _proc: Proc,
    dir: tempfile::TempDir,
    lines: Vec<String>,
}

impl Sim {
    fn start(extra: &[&str]) -> Sim {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
            .args(["sim", "--dir", dir.path().to_str().unwrap()])
            .args(["--backfill-minutes", "2"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let proc = Proc(child);
        let mut lines = Vec::new();
        let start = Instant::now();
        loop {
            let mut l = String::new();
            if out.read_line(&mut l).unwrap() == 0 || start.elapsed() > Duration::from_secs(60) {
                panic!("no prompt; got {lines:?}");
            }
            let done = l.contains("Ctrl-C");
            lines.push(l.trim_end().to_string());
            if done {
                break;
            }
        }
        std::thread::spawn(move || for _ in out.lines() {});
        Sim {
            _proc: proc,
            dir,
            lines,
        }
    }

    fn field(&self, label: &str) -> String {
        self.lines
            .iter()
            .find_map(|l| l.trim_start().strip_prefix(label))
            .map(|s| s.split_whitespace().next().unwrap_or("").to_string())
            .unwrap_or_else(|| panic!("no {label:?} in {:?}", self.lines))
    }

    fn config(&self) -> String {
        self.dir
            .path()
            .join("opsdeck.toml")
            .to_string_lossy()
            .into_owned()
    }

    fn token(&self, role: &str) -> String {
        let kc = std::fs::read_to_string(self.dir.path().join("kubeconfig")).unwrap();
        kc.split("token: ")
            .find(|t| t.starts_with(&format!("sim-{role}-")))
            .and_then(|t| t.lines().next())
            .unwrap()
            .to_string()
    }

    /// kubectl against context `sim-<region>` (namespace shop) with its own cache.
    fn kubectl(&self, region: &str, args: &[&str]) -> (bool, String, String) {
        let o = Command::new(support::kubectl_path())
            .env("KUBECONFIG", self.dir.path().join("kubeconfig"))
            .arg("--cache-dir")
            .arg(self.dir.path().join("kube-cache"))
            .args(["--context", &format!("sim-{region}")])
            .args(args)
            .output()
            .unwrap();
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }

    fn curl(&self, args: &[&str]) -> String {
        let o = Command::new("curl").arg("-sf").args(args).output().unwrap();
        assert!(o.status.success(), "curl {args:?}: {o:?}");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// Skip simulated telemetry time.
    fn advance(&self, seconds: u32) {
        let url = format!(
            "{}/control/telemetry/advance?seconds={seconds}",
            self.field("API server")
        );
        let auth = format!("Authorization: Bearer {}", self.token("admin"));
        self.curl(&["-X", "POST", "-H", &auth, &url]);
    }

    /// An instant query against the simulator's Prometheus for `region`.
    fn prom(&self, region: &str, q: &str) -> f64 {
        let base = self.field("Prometheus");
        let base = base.trim_end_matches("/regions/<region>");
        let url = format!("{base}/regions/{region}/api/v1/query");
        let body = self.curl(&["-G", &url, "--data-urlencode", &format!("query={q}")]);
        let v: Value = serde_json::from_str(&body).unwrap();
        let r = &v["data"]["result"];
        assert_eq!(r.as_array().map(Vec::len), Some(1), "{q}: {v}");
        r[0]["value"][1].as_str().unwrap().parse().unwrap()
    }

    /// checkout's request rate in `region` over the last minute.
    fn rps(&self, region: &str) -> f64 {
        self.prom(
            region,
            &format!(
                "sum(rate(http_requests_total{{service=\"checkout\",region=\"{region}\"}}[1m]))"
            ),
        )
    }

    /// Advance time until `f(rps in region)` holds; bounded.
    fn wait_rps(&self, region: &str, what: &str, f: impl Fn(f64) -> bool) -> f64 {
        let start = Instant::now();
        loop {
            self.advance(90);
            let v = self.rps(region);
            if f(v) {
                return v;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "{region}: checkout never {what}; last {v} rps"
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

fn config_check(config: &str) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["config", "check", "--config", config])
        .output()
        .unwrap();
    (
        o.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

/// The `[services.traffic]` table of every service in the written config.
fn traffic_tables(config: &str) -> Vec<toml::Value> {
    let cfg: toml::Value = toml::from_str(&std::fs::read_to_string(config).unwrap()).unwrap();
    cfg["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["traffic"].clone())
        .collect()
}

fn assert_written(sim: &Sim, router: &str) {
    let tables = traffic_tables(&sim.config());
    assert_eq!(tables.len(), 4);
    for t in &tables {
        assert_eq!(t["router"].as_str(), Some(router), "{t}");
        assert_eq!(t["context"].as_str(), Some("sim-us-east-1"), "{t}");
        assert!(t["object"].is_str(), "{t}");
    }
    let (code, out) = config_check(&sim.config());
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(router), "{out}");
}

/// Moving eu-west-1's weight to 0 on the first cluster's route object moves
/// its traffic to us-east-1; the Service annotation is no longer what counts.
fn weight_moves_traffic(sim: &Sim, patch: &[&str]) {
    let (us, eu) = ("us-east-1", "eu-west-1");
    let eu_before = sim.wait_rps(eu, "served traffic", |v| v > 1.0);
    let us_before = sim.rps(us);
    // The annotation of eu-west-1's own Service does not count any more.
    let (ok, out, err) = sim.kubectl(
        eu,
        &[
            "annotate",
            "--overwrite",
            "svc/checkout",
            "external-dns.alpha.kubernetes.io/aws-weight=0",
        ],
    );
    assert!(ok, "{out}{err}");
    std::thread::sleep(Duration::from_millis(1500)); // the telemetry syncs every second
    sim.advance(90);
    let eu_ignored = sim.rps(eu);
    assert!(
        eu_ignored > 0.5 * eu_before,
        "the annotation moved traffic: {eu_before} -> {eu_ignored}"
    );
    let (ok, out, err) = sim.kubectl(us, patch);
    assert!(ok, "{out}{err}");
    assert!(out.contains("patched"), "{out}");
    let eu_after = sim.wait_rps(eu, "drained", |v| v < 0.05 * eu_before);
    let us_after = sim.rps(us);
    assert!(
        us_after > 1.6 * us_before,
        "us-east-1 {us_before} -> {us_after} (eu-west-1 {eu_before} -> {eu_after})"
    );
}

/// Discovery, watch and the create/delete round trip of a route kind.
fn serves_the_kind(sim: &Sim, plural: &str, group_path: &str, manifest: &str) {
    let (ok, out, err) = sim.kubectl("us-east-1", &["api-resources"]);
    assert!(ok, "{err}");
    assert!(
        out.lines().any(|l| l.starts_with(plural)),
        "no {plural} in api-resources:\n{out}"
    );
    // A watch from the list's resourceVersion sees the next change.
    let base = format!(
        "{}/clusters/us-east-1/apis/{group_path}/namespaces/shop/{plural}",
        sim.field("API server")
    );
    let auth = format!("Authorization: Bearer {}", sim.token("viewer"));
    let list: Value = serde_json::from_str(&sim.curl(&["-H", &auth, &base])).unwrap();
    assert_eq!(list["items"].as_array().map(Vec::len), Some(4), "{list}");
    let rv = list["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    let (ok, out, err) = sim.kubectl(
        "us-east-1",
        &["label", plural, "search", "opsdeck.test/touched=yes"],
    );
    assert!(ok, "{out}{err}");
    let events = sim.curl(&[
        "-H",
        &auth,
        &format!("{base}?watch=true&resourceVersion={rv}&timeoutSeconds=1"),
    ]);
    assert!(
        events.contains("\"MODIFIED\"") && events.contains("opsdeck.test/touched"),
        "{events}"
    );
    // The operator may not delete; the admin creates and deletes.
    let (ok, out, _) = sim.kubectl("us-east-1", &["auth", "can-i", "delete", plural]);
    assert!(!ok && out.trim() == "no", "{out}");
    let file = sim.dir.path().join("route.json");
    std::fs::write(&file, manifest).unwrap();
    let (ok, out, err) = sim.kubectl(
        "us-east-1",
        &[
            "--user",
            "admin",
            "create",
            "--validate=false",
            "-f",
            file.to_str().unwrap(),
        ],
    );
    assert!(ok && out.contains("created"), "{out}{err}");
    let (ok, out, err) = sim.kubectl("us-east-1", &["--user", "admin", "delete", plural, "extra"]);
    assert!(ok && out.contains("deleted"), "{out}{err}");
}

#[test]
fn istio_virtual_services_move_traffic() {
    let sim = Sim::start(&[
        "--router",
        "istio",
        "--regions",
        "2",
        "--pods-per-cluster",
        "20",
    ]);
    assert_written(&sim, "istio");
    let (ok, out, err) = sim.kubectl("eu-west-1", &["get", "vs"]);
    assert!(ok, "{err}");
    let header: Vec<&str> = out.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["NAME", "GATEWAYS", "HOSTS", "AGE"]);
    assert!(out.contains("[\"checkout.global\"]"), "{out}");
    let (ok, out, err) = sim.kubectl(
        "us-east-1",
        &[
            "get",
            "virtualservice",
            "checkout",
            "-o",
            "jsonpath={.spec.http[0].route[*].destination.host} {.spec.http[0].route[*].weight}",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "checkout.us-east-1.svc.cluster.local checkout.eu-west-1.svc.cluster.local 100 100"
    );
    let (ok, out, _) = sim.kubectl("us-east-1", &["auth", "can-i", "patch", "virtualservices"]);
    assert!(ok && out.trim() == "yes", "{out}");
    serves_the_kind(
        &sim,
        "virtualservices",
        "networking.istio.io/v1",
        r#"{"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"extra","namespace":"shop"},"spec":{"hosts":["extra.global"],"http":[{"route":[{"destination":{"host":"extra.us-east-1.svc.cluster.local"}}]}]}}"#,
    );
    // A JSON patch on the first cluster's VirtualService.
    weight_moves_traffic(
        &sim,
        &[
            "patch",
            "vs",
            "checkout",
            "--type=json",
            "-p",
            r#"[{"op":"replace","path":"/spec/http/0/route/1/weight","value":0}]"#,
        ],
    );
}

#[test]
fn gateway_api_http_routes_move_traffic() {
    let sim = Sim::start(&[
        "--router",
        "gateway-api",
        "--regions",
        "2",
        "--pods-per-cluster",
        "20",
    ]);
    assert_written(&sim, "gateway-api");
    let (ok, out, err) = sim.kubectl("us-east-1", &["get", "httproutes"]);
    assert!(ok, "{err}");
    let header: Vec<&str> = out.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["NAME", "HOSTNAMES", "AGE"]);
    let (ok, out, err) = sim.kubectl(
        "us-east-1",
        &[
            "get",
            "httproute",
            "checkout",
            "-o",
            "jsonpath={.spec.rules[0].backendRefs[*].name} {.spec.rules[0].backendRefs[*].weight}",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(out, "checkout-us-east-1 checkout-eu-west-1 100 100");
    serves_the_kind(
        &sim,
        "httproutes",
        "gateway.networking.k8s.io/v1",
        r#"{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"extra","namespace":"shop"},"spec":{"rules":[{"backendRefs":[{"name":"extra-us-east-1","port":80}]}]}}"#,
    );
    // A merge patch replaces the backendRefs list.
    weight_moves_traffic(
        &sim,
        &[
            "patch",
            "httproute",
            "checkout",
            "--type=merge",
            "-p",
            r#"{"spec":{"rules":[{"backendRefs":[{"name":"checkout-us-east-1","port":80,"weight":100},{"name":"checkout-eu-west-1","port":80,"weight":0}]}]}}"#,
        ],
    );
}
