//! `opsdeck scale` against `opsdeck sim`, proved through kubectl and the
//! simulator's audit log: the dry run changes nothing, the real run changes
//! exactly the planned objects once, an HPA gets bounds instead of a /scale
//! write, `ops list` finds it, `ops undo` restores it, and no token leaks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "sources_support/common.rs"]
mod common;
mod ops_support;

use ops_support::*;

#[test]
fn scale_dry_run_then_run_then_list_then_undo() {
    let sim = sim("10");
    let before = sim.jsonpath("eu-west-1", "deploy/catalog", "{.spec.replicas}");
    assert_eq!(before, "3");

    // --dry-run: the plan, server-side dry runs, nothing stored.
    let mark = sim.audit_lines().len();
    let o = sim.opsdeck(&[
        "scale",
        "catalog",
        "--region",
        "eu-west-1",
        "--replicas",
        "6",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let doc = json(&o.stdout);
    common::assert_schema(&doc);
    assert_eq!(doc["kind"], "Plan");
    assert_eq!(doc["plan"]["steps"][0]["changes"][0]["from"], 3, "{doc}");
    assert_eq!(doc["dryRun"][0]["accepted"], true, "{doc}");
    let lines = sim.audit_lines();
    let dry: Vec<_> = lines[mark..]
        .iter()
        .filter(|e| e["requestURI"].as_str().unwrap().contains("dryRun=All"))
        .collect();
    assert!(!dry.is_empty(), "the dry run reached the server");
    assert!(
        sim.writes_since(mark).is_empty(),
        "dry run wrote: {:?}",
        sim.writes_since(mark)
    );
    assert_eq!(
        sim.jsonpath("eu-west-1", "deploy/catalog", "{.spec.replicas}"),
        "3"
    );

    // Without a terminal and without --yes: refused, nothing written.
    let o = sim.opsdeck(&[
        "scale",
        "catalog",
        "--region",
        "eu-west-1",
        "--replicas",
        "6",
    ]);
    assert_eq!(o.code, 4, "{}", o.stderr);
    assert!(o.stderr.contains("--yes"), "{}", o.stderr);
    assert!(sim.writes_since(mark).is_empty());

    // The real run.
    let mark = sim.audit_lines().len();
    let o = sim.opsdeck(&[
        "scale",
        "catalog",
        "--region",
        "eu-west-1",
        "--replicas",
        "6",
        "--yes",
        "--reason",
        "load test",
        "-o",
        "json",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let doc = json(&o.stdout);
    common::assert_schema(&doc);
    assert_eq!(doc["outcome"], "succeeded");
    let id = doc["id"].as_str().unwrap().to_string();
    assert_eq!(
        sim.jsonpath("eu-west-1", "deploy/catalog", "{.status.readyReplicas}"),
        "6"
    );
    let writes = sim.writes_since(mark);
    let scales = matching(
        &writes,
        "patch",
        "deployments",
        Some("scale"),
        "catalog",
        "eu-west-1",
    );
    assert_eq!(scales.len(), 1, "one /scale patch: {writes:?}");
    assert_eq!(scales[0]["requestObject"]["spec"]["replicas"], 6);
    assert!(
        scales[0]["requestObject"]["metadata"]["resourceVersion"].is_string(),
        "the write carries a resourceVersion"
    );
    assert!(
        writes
            .iter()
            .all(|e| e["annotations"]["opsdeck.sim/cluster"] == "eu-west-1"),
        "only eu-west-1 was touched"
    );
    assert!(
        !matching(
            &writes,
            "create",
            "leases",
            None,
            "opsdeck-catalog",
            "eu-west-1"
        )
        .is_empty()
            || !matching(
                &writes,
                "update",
                "leases",
                None,
                "opsdeck-catalog",
                "eu-west-1"
            )
            .is_empty(),
        "lease taken"
    );
    // Who did what, for kubectl describe / rollout history.
    let cause = sim.jsonpath(
        "eu-west-1",
        "deploy/catalog",
        "{.metadata.annotations.kubernetes\\.io/change-cause}",
    );
    assert!(
        cause.contains(&id) && cause.contains("tester") && cause.contains("load test"),
        "{cause}"
    );
    let events = sim.kubectl(
        "eu-west-1",
        &[
            "get",
            "events",
            "--field-selector",
            "involvedObject.name=catalog",
            "-o",
            "json",
        ],
    );
    let events = json(&events);
    assert!(
        events["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["reason"] == "OpsdeckScaled" && e["reportingComponent"] == "opsdeck"),
        "an Event for the step"
    );
    // The lease is released.
    let holder = sim.jsonpath(
        "eu-west-1",
        "lease/opsdeck-catalog",
        "{.spec.holderIdentity}",
    );
    assert_eq!(holder, "");

    // ops list / show.
    let o = sim.opsdeck(&["ops", "list", "-o", "json"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let doc = json(&o.stdout);
    common::assert_schema(&doc);
    let op = doc["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == id.as_str())
        .cloned()
        .unwrap();
    assert_eq!(op["state"], "succeeded");
    assert_eq!(op["stepsDone"], op["steps"]);
    let o = sim.opsdeck(&["ops", "show", &id, "-o", "json"]);
    assert_eq!(o.code, 0);
    common::assert_schema(&json(&o.stdout));
    let o = sim.opsdeck(&["ops", "show", "no-such-op"]);
    assert_eq!(o.code, 2, "{}", o.stderr);

    // Undo: the recorded previous value comes back.
    let mark = sim.audit_lines().len();
    let o = sim.opsdeck(&["ops", "undo", &id, "--yes"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert_eq!(
        sim.jsonpath("eu-west-1", "deploy/catalog", "{.spec.replicas}"),
        "3"
    );
    assert_eq!(
        sim.jsonpath("eu-west-1", "deploy/catalog", "{.status.readyReplicas}"),
        "3"
    );
    let writes = sim.writes_since(mark);
    assert_eq!(
        matching(
            &writes,
            "patch",
            "deployments",
            Some("scale"),
            "catalog",
            "eu-west-1"
        )
        .len(),
        1
    );

    // No token in the journal or any output.
    let journals = sim.journals();
    for t in sim.tokens() {
        assert!(!journals.contains(&t), "a token in the journal");
        assert!(!o.stdout.contains(&t) && !o.stderr.contains(&t));
    }
}

#[test]
fn scale_with_an_hpa_changes_its_bounds_not_scale() {
    let sim = sim("10");
    let mark = sim.audit_lines().len();
    let o = sim.opsdeck(&[
        "scale",
        "checkout",
        "--region",
        "eu-west-1",
        "--replicas",
        "7",
        "--yes",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("HPA"), "the plan says why: {}", o.stderr);
    assert_eq!(
        sim.jsonpath("eu-west-1", "hpa/checkout", "{.spec.minReplicas}"),
        "7"
    );
    let ready: u32 = sim
        .jsonpath("eu-west-1", "deploy/checkout", "{.status.readyReplicas}")
        .parse()
        .unwrap();
    assert!(ready >= 7, "ready {ready}");
    let writes = sim.writes_since(mark);
    assert_eq!(
        matching(
            &writes,
            "patch",
            "horizontalpodautoscalers",
            None,
            "checkout",
            "eu-west-1"
        )
        .len(),
        1,
        "{writes:?}"
    );
    assert!(
        matching(
            &writes,
            "patch",
            "deployments",
            Some("scale"),
            "checkout",
            "eu-west-1"
        )
        .is_empty(),
        "no /scale write to fight the HPA"
    );
}

#[test]
fn silence_create_then_expire_through_the_engine() {
    let sim = sim("1");
    let o = sim.opsdeck(&[
        "silence",
        "create",
        "--matcher",
        "service=checkout",
        "--duration",
        "2h",
        "--comment",
        "deploy window",
        "--yes",
        "-o",
        "json",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let doc = json(&o.stdout);
    common::assert_schema(&doc);
    let alerts = json(&sim.opsdeck(&["alerts", "-o", "json"]).stdout);
    let silence = alerts["silences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["comment"] == "deploy window")
        .cloned()
        .unwrap_or_else(|| panic!("the Alertmanager holds the silence: {alerts}"));
    assert_ne!(silence["state"], "expired");
    let id = silence["id"].as_str().unwrap();
    let o = sim.opsdeck(&["silence", "expire", id, "--yes"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let alerts = json(&sim.opsdeck(&["alerts", "-o", "json"]).stdout);
    let state = alerts["silences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .map(|s| s["state"].clone());
    assert_eq!(state, Some(serde_json::json!("expired")), "{alerts}");
    let o = sim.opsdeck(&["silence", "expire", "no-such-id", "--yes"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
}
