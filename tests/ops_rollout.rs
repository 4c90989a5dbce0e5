//! Rollback (to the previous revision and to a given one, kubectl's
//! semantics, checked with `kubectl rollout history`) and restart against
//! `opsdeck sim`; a concurrent edit between plan and execution stops on 409
//! and the other writer's value survives; a write that meets another
//! writer's change to other fields reads the object again and goes on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ops_support;

use std::sync::Arc;

use ops_support::*;

fn image(sim: &Sim) -> String {
    sim.jsonpath(
        "eu-west-1",
        "deploy/payments",
        "{.spec.template.spec.containers[0].image}",
    )
}

/// `opsdeck rollback payments` to the previous revision in eu-west-1, with
/// a short SLO check; it must succeed.
fn roll_back_payments(sim: &Sim) -> Out {
    let o = sim.opsdeck(&[
        "rollback",
        "payments",
        "--region",
        "eu-west-1",
        "--yes",
        "--verify-window",
        "2s",
    ]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    o
}

fn revisions(sim: &Sim) -> Vec<String> {
    sim.kubectl("eu-west-1", &["rollout", "history", "deploy/payments"])
        .lines()
        .filter_map(|l| {
            l.split_whitespace()
                .next()
                .filter(|w| w.chars().all(|c| c.is_ascii_digit()))
                .map(str::to_string)
        })
        .collect()
}

#[test]
fn rollback_to_previous_and_to_a_revision_then_restart() {
    let sim = sim("10");
    let rev2_image = image(&sim);
    assert_eq!(revisions(&sim), ["1", "2"]);
    let o = roll_back_payments(&sim);
    let rev1_image = image(&sim);
    assert_ne!(rev1_image, rev2_image, "the template of revision 1 is back");
    assert_eq!(
        revisions(&sim),
        ["2", "3"],
        "revision 1 renumbered to 3, as kubectl undo does"
    );
    assert!(
        o.stderr.contains("within its SLO"),
        "verified: {}",
        o.stderr
    );
    let history = sim.kubectl("eu-west-1", &["rollout", "history", "deploy/payments"]);
    assert!(
        history.contains("opsdeck: roll back payments"),
        "change-cause in history: {history}"
    );

    let o = sim.opsdeck(&[
        "rollback",
        "payments",
        "--region",
        "eu-west-1",
        "--to-revision",
        "2",
        "--yes",
        "--verify-window",
        "2s",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(image(&sim), rev2_image);
    assert_eq!(revisions(&sim), ["3", "4"]);

    let o = sim.opsdeck(&[
        "rollback",
        "payments",
        "--region",
        "eu-west-1",
        "--to-revision",
        "9",
        "--yes",
    ]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("unable to find specified revision 9"),
        "{}",
        o.stderr
    );

    let rs_before = sim
        .kubectl(
            "eu-west-1",
            &["get", "rs", "-l", "app=payments", "-o", "name"],
        )
        .lines()
        .count();
    let o = sim.opsdeck(&["restart", "payments", "--region", "eu-west-1", "--yes"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let at = sim.jsonpath(
        "eu-west-1",
        "deploy/payments",
        "{.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}",
    );
    assert!(at.starts_with("20"), "restartedAt set: {at:?}");
    let rs_after = sim
        .kubectl(
            "eu-west-1",
            &["get", "rs", "-l", "app=payments", "-o", "name"],
        )
        .lines()
        .count();
    assert_eq!(rs_after, rs_before + 1, "a new ReplicaSet for the restart");
    assert_eq!(
        sim.jsonpath("eu-west-1", "deploy/payments", "{.status.updatedReplicas}"),
        sim.jsonpath("eu-west-1", "deploy/payments", "{.spec.replicas}")
    );
}

#[test]
fn a_concurrent_edit_between_plan_and_execution_stops_on_409() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let sim = sim("10");
    let loaded =
        opsdeck::config::load(Some(&sim.config()), opsdeck::config::Overrides::default()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let ctx = opsdeck::control::clients::Ctx::new(
        Arc::new(loaded.config),
        opsdeck::control::Actor {
            identity: "tester".into(),
            host: "test".into(),
        },
        sim.data().join("operations"),
        Default::default(),
    );
    let op = opsdeck::control::Operation::Scale {
        service: "catalog".into(),
        regions: vec!["eu-west-1".into()],
        replicas: 5,
    };
    let plan = rt
        .block_on(opsdeck::control::plan::plan(&ctx, &op))
        .unwrap();
    // Someone else scales between our plan and our write.
    sim.kubectl("eu-west-1", &["scale", "deploy/catalog", "--replicas", "7"]);
    let mark = sim.audit_lines().len();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let done = rt
        .block_on(opsdeck::control::execute::start(
            &ctx,
            &plan,
            None,
            tx,
            Default::default(),
        ))
        .unwrap();
    assert_eq!(done.outcome, opsdeck::control::journal::Outcome::Failed);
    assert!(
        done.message.contains("409") && done.message.contains("someone else"),
        "{}",
        done.message
    );
    let conflicts: Vec<_> = sim
        .audit_lines()
        .into_iter()
        .skip(mark)
        .filter(|e| e["responseStatus"]["code"] == 409)
        .collect();
    assert_eq!(conflicts.len(), 1, "the server said 409 once");
    assert_eq!(
        sim.jsonpath("eu-west-1", "deploy/catalog", "{.spec.replicas}"),
        "7",
        "the other writer's value survives"
    );
}

/// Deployment PATCHes in the audit log after line `from`: (dry run, code).
fn deployment_patches(sim: &Sim, from: usize) -> Vec<(bool, u64)> {
    sim.audit_lines()
        .into_iter()
        .skip(from)
        .filter(|e| e["verb"] == "patch" && e["objectRef"]["resource"] == "deployments")
        .map(|e| {
            (
                e["requestURI"].as_str().unwrap().contains("dryRun"),
                e["responseStatus"]["code"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_rollback_that_meets_a_racing_writer_reads_again_and_goes_on() {
    // The next write to an existing object in eu-west-1 meets another
    // writer first (an annotation, after the plan read the Deployment): the
    // plan's dry run gets a real 409 from the server, and so does the
    // rollback's PATCH, which carries the resourceVersion the plan read.
    let sim = sim_with("10", &["--fault", "eu-west-1:racing-writes=1"]);
    let rev2_image = image(&sim);
    roll_back_payments(&sim);
    assert_ne!(
        image(&sim),
        rev2_image,
        "the template of revision 1 is back"
    );
    assert_eq!(
        sim.jsonpath(
            "eu-west-1",
            "deploy/payments",
            "{.metadata.annotations.sim\\.opsdeck\\.dev/racing-writer}"
        ),
        "1",
        "the other writer's change survives"
    );
    assert_eq!(
        deployment_patches(&sim, 0),
        [(true, 409), (true, 200), (false, 409), (false, 200)],
        "each 409 was followed by a fresh read and one more try"
    );
}
