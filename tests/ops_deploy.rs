//! Progressive deploy and regional failover against `opsdeck sim`, proved
//! through kubectl and the simulator's audit log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ops_support;

use ops_support::*;

const REGIONS: [&str; 4] = ["us-east-1", "eu-west-1", "europe-west4", "eastus"];

fn image(sim: &Sim, region: &str, deploy: &str) -> String {
    sim.jsonpath(
        region,
        &format!("deploy/{deploy}"),
        "{.spec.template.spec.containers[0].image}",
    )
}

/// catalog's ExternalDNS weight in `region`, read through kubectl.
fn catalog_weight(sim: &Sim, region: &str) -> String {
    sim.jsonpath(
        region,
        "svc/catalog",
        "{.metadata.annotations.external-dns\\.alpha\\.kubernetes\\.io/aws-weight}",
    )
}

fn image_patches(sim: &Sim, mark: usize, name: &str) -> Vec<String> {
    sim.writes_since(mark)
        .iter()
        .filter(|e| {
            e["verb"] == "patch"
                && e["objectRef"]["resource"] == "deployments"
                && e["objectRef"]["name"] == name
        })
        .filter(|e| e["objectRef"]["subresource"].is_null())
        .filter(|e| e["requestObject"].to_string().contains("/image"))
        .map(|e| {
            e["annotations"]["opsdeck.sim/cluster"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn a_crashing_image_is_rolled_back_in_its_first_wave_and_a_good_one_goes_everywhere() {
    let sim = sim("10");
    let before: Vec<String> = REGIONS.iter().map(|r| image(&sim, r, "payments")).collect();
    let mark = sim.audit_lines().len();
    let bad = "registry.example.com/shop/payments:crash-1";
    let o = sim.opsdeck(&[
        "deploy",
        "payments",
        "--image",
        bad,
        "--yes",
        "--gate-window",
        "3s",
    ]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("CrashLoopBackOff") && o.stderr.contains("rolled back 1 change"),
        "{}",
        o.stderr
    );
    let patched = image_patches(&sim, mark, "payments");
    assert_eq!(
        patched.len(),
        2,
        "the first wave's image and its rollback, nothing else: {patched:?}"
    );
    assert_eq!(patched[0], patched[1], "one region only");
    for (r, was) in REGIONS.iter().zip(&before) {
        assert_eq!(
            &image(&sim, r, "payments"),
            was,
            "{r} runs what it ran before"
        );
    }
    let journal = sim.journals();
    assert!(
        journal.contains("\"record\":\"gate\"") && journal.contains("\"record\":\"rolledBack\""),
        "gate numbers and the rollback are journaled"
    );

    // A good image of another service (payments' metrics still carry the
    // crash for the next minutes: its canary would rightly look worse).
    let good = "registry.example.com/shop/catalog:2.0.0";
    let o = sim.opsdeck(&[
        "deploy",
        "catalog",
        "--image",
        good,
        "--yes",
        "--gate-window",
        "3s",
        "-o",
        "json",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let doc = json(&o.stdout);
    assert_eq!(doc["outcome"], "succeeded");
    let gates = doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["description"].as_str().unwrap().contains("canary gate"))
        .count();
    assert_eq!(gates, 4, "a canary gate per wave");
    for r in REGIONS {
        assert_eq!(image(&sim, r, "catalog"), good, "{r}");
        assert_eq!(
            sim.jsonpath(r, "deploy/catalog", "{.status.updatedReplicas}"),
            sim.jsonpath(r, "deploy/catalog", "{.spec.replicas}")
        );
    }
    let gate = sim.journals();
    assert!(
        gate.contains("\"baselineMedian\""),
        "the comparison's numbers are in the journal"
    );
}

#[test]
fn failover_moves_weight_off_a_region_and_failback_puts_it_back() {
    let sim = sim("10");
    let weight = |r: &str| catalog_weight(&sim, r);
    assert_eq!(weight("us-east-1"), "100");

    // The safety rule: 4 serving regions required, failing one leaves 3.
    let strict = sim.config_with("strict.toml", |t| {
        t.replacen(
            "name = \"catalog\"\nnamespace = \"shop\"",
            "name = \"catalog\"\nnamespace = \"shop\"\nfailover = { min_serving_regions = 4 }",
            1,
        )
    });
    let mark = sim.audit_lines().len();
    let mut c = sim.cmd(&["failover", "catalog", "--from", "us-east-1", "--yes"]);
    c.arg("--config").arg(&strict);
    let o = run(c);
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert!(o.stderr.contains("min_serving_regions"), "{}", o.stderr);
    assert!(
        sim.writes_since(mark).is_empty(),
        "refused before any change"
    );

    let o = sim.opsdeck(&[
        "failover",
        "catalog",
        "--from",
        "us-east-1",
        "--yes",
        "--verify-window",
        "2s",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("estimated time ~")
            && o.stderr.contains("within us-east-1's RTO of 15 min"),
        "the preview weighs the plan against the RTO: {}",
        o.stderr
    );
    assert_eq!(weight("us-east-1"), "0", "drained");
    let others: u32 = ["eu-west-1", "europe-west4", "eastus"]
        .iter()
        .map(|r| weight(r).parse::<u32>().unwrap())
        .sum();
    assert!(others >= 400, "the weight went to the others: {others}");
    let alerts = json(&sim.opsdeck(&["alerts", "-o", "json"]).stdout);
    let silence = alerts["silences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["comment"]
                .as_str()
                .unwrap_or("")
                .contains("failover of us-east-1")
        })
        .cloned();
    let silence = silence.unwrap_or_else(|| panic!("a silence during the failover: {alerts}"));
    assert_ne!(silence["state"], "expired");

    let o = sim.opsdeck(&[
        "failback",
        "catalog",
        "--to",
        "us-east-1",
        "--yes",
        "--verify-window",
        "2s",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    for r in REGIONS {
        assert_eq!(weight(r), "100", "{r} back to its weight");
    }
    let alerts = json(&sim.opsdeck(&["alerts", "-o", "json"]).stdout);
    let state = alerts["silences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == silence["id"])
        .map(|s| s["state"].clone());
    assert_eq!(
        state,
        Some(serde_json::json!("expired")),
        "failback expired the silence"
    );
    let o = sim.opsdeck(&["failback", "catalog", "--to", "us-east-1", "--yes"]);
    assert_eq!(o.code, 2, "nothing left to fail back: {}", o.stderr);
}

#[test]
fn a_target_that_breaks_its_slo_stops_the_shift() {
    let sim = sim_with("10", &["--fault", "eu-west-1:fail"]);
    let weight = |r: &str| catalog_weight(&sim, r);
    let o = sim.opsdeck(&[
        "failover",
        "catalog",
        "--from",
        "us-east-1",
        "--yes",
        "--verify-window",
        "2s",
    ]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("eu-west-1 breaks its SLO"),
        "{}",
        o.stderr
    );
    assert_eq!(
        weight("us-east-1"),
        "50",
        "stopped after the first step; nothing sent back"
    );
}

/// Weight patches the simulator's audit log holds for `service` in `region`.
fn weight_patches(sim: &Sim, region: &str, service: &str) -> usize {
    sim.writes_since(0)
        .iter()
        .filter(|e| {
            e["verb"] == "patch"
                && e["objectRef"]["resource"] == "services"
                && e["objectRef"]["name"] == service
                && e["annotations"]["opsdeck.sim/cluster"] == region
        })
        .count()
}

#[test]
fn a_prometheus_read_that_fails_once_is_retried_and_a_dead_one_stops_the_shift() {
    let sim = sim("10");
    let weight = |r: &str| catalog_weight(&sim, r);
    // A target's Prometheus answers 503 while the check after the first
    // shift starts, and recovers within it: the check samples on and passes.
    sim.fault("prometheus-down", "eu-west-1");
    let mut c = sim.cmd(&[
        "failover",
        "catalog",
        "--from",
        "us-east-1",
        "--to",
        "eu-west-1",
        "--yes",
        "--verify-window",
        "12s",
    ]);
    c.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = c.spawn().unwrap();
    wait_until(120, "the first shift to eu-west-1", || {
        weight_patches(&sim, "eu-west-1", "catalog") >= 1
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    sim.clear_fault("prometheus-down", "eu-west-1");
    let o = child.wait_with_output().unwrap();
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    assert_eq!(weight("us-east-1"), "0", "drained");
    assert_eq!(weight("eu-west-1"), "200", "took the weight");
    assert_eq!(
        err.matches("passed: catalog in eu-west-1 within its SLO")
            .count(),
        2,
        "both checks passed, the first despite its failed reads: {err}"
    );
    let o = sim.opsdeck(&[
        "failback",
        "catalog",
        "--to",
        "us-east-1",
        "--yes",
        "--verify-window",
        "2s",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(weight("us-east-1"), "100", "failed back");

    // Down for good: three failed reads in a row stop the shift after its
    // first step, fail closed.
    sim.fault("prometheus-down", "eu-west-1");
    let o = sim.opsdeck(&[
        "failover",
        "catalog",
        "--from",
        "us-east-1",
        "--to",
        "eu-west-1",
        "--yes",
        "--verify-window",
        "6s",
    ]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("cannot verify") && o.stderr.contains("3 reads in a row failed"),
        "{}",
        o.stderr
    );
    assert_eq!(weight("us-east-1"), "50", "stopped after the first step");
}

#[test]
fn a_region_failover_scales_the_targets_and_failback_restores_them() {
    let sim = sim("10");
    // Tight capacity for catalog, so the targets must grow to take the load
    // whatever the hour (traffic follows the day): from the request rates
    // now, the busiest target after the shift should need about 8 pods.
    let o = sim.opsdeck(&["status", "-o", "json"]);
    let doc = json(&o.stdout);
    let rate = |r: &str| -> f64 {
        doc["regions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == r)
            .and_then(|x| {
                x["services"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["service"] == "catalog")
            })
            .and_then(|c| c["requestRate"].as_f64())
            .unwrap_or_else(|| panic!("no catalog request rate in {r}: {}", o.stdout))
    };
    let moved = rate("us-east-1") / 3.0;
    let busiest = ["eu-west-1", "europe-west4", "eastus"]
        .iter()
        .map(|r| rate(r) + moved)
        .fold(0.0, f64::max);
    let per_pod = (busiest * 1.3 / 8.0).max(0.1);
    let tight = sim.config_with("tight.toml", |t| {
        t.replacen(
            "capacity_rps_per_pod = 80.0",
            &format!("capacity_rps_per_pod = {per_pod:.2}"),
            1,
        )
    });
    let run_with = |args: &[&str]| {
        let mut c = sim.cmd(args);
        c.arg("--config").arg(&tight);
        run(c)
    };
    let replicas = |r: &str| {
        sim.jsonpath(r, "deploy/catalog", "{.spec.replicas}")
            .parse::<u32>()
            .unwrap()
    };
    let weight = |r: &str, s: &str| {
        sim.jsonpath(
            r,
            &format!("svc/{s}"),
            "{.metadata.annotations.external-dns\\.alpha\\.kubernetes\\.io/aws-weight}",
        )
    };
    assert_eq!(replicas("eu-west-1"), 3);
    let o = run_with(&[
        "failover",
        "--region",
        "us-east-1",
        "--yes",
        "--verify-window",
        "1s",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    for s in ["checkout", "catalog", "payments", "search"] {
        assert_eq!(weight("us-east-1", s), "0", "{s} drained");
    }
    for r in ["eu-west-1", "europe-west4", "eastus"] {
        let n = replicas(r);
        assert!(
            n > 3 && n <= 16,
            "catalog in {r} scaled within its bounds for the extra load: {n}"
        );
        assert_eq!(
            sim.jsonpath(r, "deploy/catalog", "{.status.readyReplicas}"),
            n.to_string(),
            "{r} ready"
        );
    }
    let o = run_with(&[
        "failback",
        "--region",
        "us-east-1",
        "--yes",
        "--verify-window",
        "1s",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    for s in ["checkout", "catalog", "payments", "search"] {
        assert_eq!(weight("us-east-1", s), "100", "{s} back");
    }
    for r in ["eu-west-1", "europe-west4", "eastus"] {
        assert_eq!(replicas(r), 3, "catalog in {r} restored");
    }
}

/// The weight of `region` in the route object of the first cluster.
fn route_weight(sim: &Sim, kind: &str, region: &str) -> u64 {
    let obj = json(&sim.kubectl("us-east-1", &["get", kind, "catalog", "-o", "json"]));
    let entries: Vec<serde_json::Value> = match kind {
        "virtualservice" => obj["spec"]["http"][0]["route"].as_array().unwrap().clone(),
        _ => obj["spec"]["rules"][0]["backendRefs"]
            .as_array()
            .unwrap()
            .clone(),
    };
    entries
        .iter()
        .find(|e| {
            e["destination"]["host"] == format!("catalog.{region}.svc.cluster.local")
                || e["name"] == format!("catalog-{region}")
        })
        .and_then(|e| e["weight"].as_u64())
        .unwrap_or_else(|| panic!("no entry for {region} in {obj}"))
}

#[test]
fn failover_and_failback_through_istio_and_gateway_api() {
    for (router, kind) in [("istio", "virtualservice"), ("gateway-api", "httproute")] {
        let sim = sim_with("10", &["--router", router]);
        assert_eq!(route_weight(&sim, kind, "eu-west-1"), 100, "{router}");
        let o = sim.opsdeck(&[
            "failover",
            "catalog",
            "--from",
            "eu-west-1",
            "--yes",
            "--verify-window",
            "1s",
        ]);
        assert_eq!(o.code, 0, "{router}: {}\n{}", o.stdout, o.stderr);
        assert_eq!(
            route_weight(&sim, kind, "eu-west-1"),
            0,
            "{router}: drained"
        );
        let others: u64 = ["us-east-1", "europe-west4", "eastus"]
            .iter()
            .map(|r| route_weight(&sim, kind, r))
            .sum();
        assert_eq!(others, 400, "{router}: the weight moved, none lost");
        let o = sim.opsdeck(&[
            "failback",
            "catalog",
            "--to",
            "eu-west-1",
            "--yes",
            "--verify-window",
            "1s",
        ]);
        assert_eq!(o.code, 0, "{router}: {}\n{}", o.stdout, o.stderr);
        for r in ["us-east-1", "eu-west-1", "europe-west4", "eastus"] {
            assert_eq!(route_weight(&sim, kind, r), 100, "{router}: {r} restored");
        }
    }
}

/// A deploy of payments to eastus then eu-west-1, gated for 8 s.
fn payments_deploy(image: &str) -> Vec<String> {
    [
        "deploy",
        "payments",
        "--image",
        image,
        "--regions",
        "eastus,eu-west-1",
        "--yes",
        "--gate-window",
        "8s",
    ]
    .map(str::to_string)
    .to_vec()
}

#[test]
fn a_mild_regression_after_the_change_fails_the_baseline_comparison_and_rolls_back() {
    let image = "registry.example.com/shop/payments:2.1.0";
    // Speed 60: the 5-minute rate windows of the SLO queries follow a change
    // within 5 s.
    let sim = ops_support::sim("60");
    let before = image_of(&sim, "eastus");
    let args = payments_deploy(image);
    let child = sim
        .cmd(&args.iter().map(String::as_str).collect::<Vec<_>>())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_until(60, "the new image in eastus", || {
        image_of(&sim, "eastus") == image
    });
    // The new version is 20% slower: below payments' absolute p95 threshold.
    sim.fault("latency-spike", "eastus");
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("canary p95")
            && stderr.contains(
                "from its level before the deploy, significantly worse than the baseline"
            ),
        "{stderr}"
    );
    assert!(!stderr.contains("canary error ratio"), "{stderr}");
    assert_eq!(image_of(&sim, "eastus"), before, "rolled back");
    assert_ne!(image_of(&sim, "eu-west-1"), image, "no later wave");
    let journal = sim.journals();
    let gate = journal
        .lines()
        .map(json)
        .find(|r| r["record"] == "gate" && r["values"]["verdict"] == "fail")
        .unwrap_or_else(|| panic!("no failed gate with its numbers: {journal}"));
    let p95 = &gate["values"]["p95Seconds"];
    assert_eq!(p95["relativeToLevel"], true);
    assert!(p95["canaryChange"].as_f64().unwrap() > 1.1, "{p95}");
    assert!(p95["baselineChange"].as_f64().unwrap() < 1.1, "{p95}");
    let wander = p95["wanderBefore"].as_f64().unwrap();
    assert!(
        wander > 0.0 && wander < 0.1,
        "p95 wandered a little before: {p95}"
    );
}

#[test]
fn a_region_slower_before_the_deploy_is_not_blamed_on_the_release() {
    let image = "registry.example.com/shop/payments:2.1.0";
    // eastus is 20% slower from the start, before any change.
    let sim = sim_with("60", &["--fault", "eastus:latency-spike"]);
    let args = payments_deploy(image);
    let o = sim.opsdeck(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(image_of(&sim, "eastus"), image);
    assert_eq!(image_of(&sim, "eu-west-1"), image);
    let journal = sim.journals();
    let gate = journal
        .lines()
        .map(json)
        .find(|r| r["record"] == "gate" && r["values"]["verdict"] == "pass")
        .unwrap_or_else(|| panic!("no passed canary gate: {journal}"));
    let p95 = &gate["values"]["p95Seconds"];
    assert!(
        p95["canaryMedian"].as_f64().unwrap() > p95["baselineMedian"].as_f64().unwrap() * 1.1,
        "eastus is slower in raw values: {p95}"
    );
}

fn image_of(sim: &Sim, region: &str) -> String {
    image(sim, region, "payments")
}
