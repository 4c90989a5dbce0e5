//! The deployment controller driven directly on the simulated clock:
//! names and hashes, Recreate, revision history limits, events.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use opsdeck::sim::api::write::commit;
use opsdeck::sim::kind::Kind;
use opsdeck::sim::rng::ALPHANUMS;
use opsdeck::sim::{SimConfig, World};
use serde_json::{Value, json};

fn world() -> World {
    World::generate(&SimConfig {
        regions: 1,
        pods_per_cluster: 14,
        start_ms: Some(1_790_000_000_000),
        ..SimConfig::default()
    })
}

fn deploy(w: &World, image: &str, extra: Value) {
    let mut v = json!({"metadata": {"name": "web", "namespace": "shop"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": image}]}}}});
    json_patch::merge(&mut v, &extra);
    let mut c = w.clusters[0].lock();
    let old = c.doc(Kind::Deployment, "shop", "web");
    commit(&mut c, Kind::Deployment, false, "shop", old.as_deref(), v).unwrap();
}

/// Advance simulated time in steps until `done` or 60 simulated seconds.
fn run_until(w: &World, mut done: impl FnMut(&World) -> bool) {
    for _ in 0..120 {
        w.clock.advance(500);
        w.tick();
        if done(w) {
            return;
        }
    }
    panic!("not done after 60 simulated seconds");
}

/// The rollout of the current spec is done: the status describes this
/// generation (not the one before the last change) and every replica is
/// updated and available.
fn complete(w: &World) -> bool {
    let c = w.clusters[0].lock();
    let d = c.doc(Kind::Deployment, "shop", "web").unwrap();
    let s = &d["status"];
    let want = d["spec"]["replicas"].as_i64();
    s["observedGeneration"].as_i64() == d["metadata"]["generation"].as_i64()
        && s["updatedReplicas"].as_i64() == want
        && s["availableReplicas"].as_i64() == want
        && s["replicas"].as_i64() == want
}

/// Change only the image of the stored deployment.
fn set_image(w: &World, image: &str) {
    let mut c = w.clusters[0].lock();
    let old = c.doc(Kind::Deployment, "shop", "web").unwrap();
    let mut v = (*old).clone();
    v["spec"]["template"]["spec"]["containers"][0]["image"] = json!(image);
    commit(&mut c, Kind::Deployment, false, "shop", Some(&old), v).unwrap();
}

#[test]
fn names_hashes_and_owner_references() {
    let w = world();
    deploy(&w, "img:1", json!({}));
    run_until(&w, complete);
    let c = w.clusters[0].lock();
    let d = c.doc(Kind::Deployment, "shop", "web").unwrap();
    let rs = c.owned_rs("shop", d["metadata"]["uid"].as_str().unwrap());
    assert_eq!(rs.len(), 1);
    let hash = rs[0]["metadata"]["labels"]["pod-template-hash"]
        .as_str()
        .unwrap();
    assert!(hash.bytes().all(|b| ALPHANUMS.contains(&b)));
    assert_eq!(rs[0]["metadata"]["name"], format!("web-{hash}"));
    assert_eq!(
        rs[0]["spec"]["selector"]["matchLabels"]["pod-template-hash"],
        hash
    );
    assert_eq!(
        rs[0]["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "1"
    );
    assert_eq!(
        d["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "1"
    );
    assert_eq!(
        d["status"]["observedGeneration"],
        d["metadata"]["generation"]
    );
    let pods: Vec<_> = c
        .pods
        .values()
        .filter(|p| p.rs == rs[0]["metadata"]["name"])
        .collect();
    assert_eq!(pods.len(), 3);
    for p in pods {
        let suffix = p.name.strip_prefix(&format!("web-{hash}-")).unwrap();
        assert_eq!(suffix.len(), 5);
        assert_eq!(p.label("pod-template-hash"), Some(hash));
        let v = p.to_value();
        assert_eq!(
            v["metadata"]["ownerReferences"][0]["uid"],
            rs[0]["metadata"]["uid"]
        );
        assert_eq!(
            v["status"]["conditions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["type"] == "Ready")
                .unwrap()["status"],
            "True"
        );
    }
    // Events for the rollout, about the right objects.
    let events = c.docs_of(Kind::Event, Some("shop"));
    let scaled = events
        .iter()
        .find(|e| e["reason"] == "ScalingReplicaSet" && e["involvedObject"]["name"] == "web")
        .unwrap();
    assert_eq!(scaled["involvedObject"]["uid"], d["metadata"]["uid"]);
    assert_eq!(
        scaled["message"],
        format!("Scaled up replica set web-{hash} from 0 to 3")
    );
    assert!(
        events
            .iter()
            .any(|e| e["reason"] == "SuccessfulCreate"
                && e["involvedObject"]["kind"] == "ReplicaSet")
    );
    assert!(
        events
            .iter()
            .any(|e| e["reason"] == "Started" && e["involvedObject"]["kind"] == "Pod")
    );
}

#[test]
fn replicas_only_change_keeps_the_revision() {
    let w = world();
    deploy(&w, "img:1", json!({}));
    run_until(&w, complete);
    deploy(&w, "img:1", json!({"spec": {"replicas": 5}}));
    run_until(&w, complete);
    let c = w.clusters[0].lock();
    let d = c.doc(Kind::Deployment, "shop", "web").unwrap();
    assert_eq!(
        c.owned_rs("shop", d["metadata"]["uid"].as_str().unwrap())
            .len(),
        1
    );
    assert_eq!(
        d["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
        "1"
    );
    assert_eq!(d["metadata"]["generation"], 2);
}

#[test]
fn recreate_stops_old_pods_first() {
    let w = world();
    deploy(
        &w,
        "img:1",
        json!({"spec": {"strategy": {"type": "Recreate"}}}),
    );
    run_until(&w, complete);
    set_image(&w, "img:2");
    let mut overlap = false;
    run_until(&w, |w| {
        let c = w.clusters[0].lock();
        let running: Vec<&str> = c
            .pods
            .values()
            .filter(|p| p.label("app") == Some("web"))
            .map(|p| p.image())
            .collect();
        overlap |= running.contains(&"img:1") && running.contains(&"img:2");
        drop(c);
        complete(w)
    });
    assert!(!overlap, "Recreate never runs old and new pods together");
    // And the rollout happened: only new pods are left.
    let c = w.clusters[0].lock();
    let images: Vec<&str> = c
        .pods
        .values()
        .filter(|p| p.label("app") == Some("web") && p.deleting.is_none())
        .map(|p| p.image())
        .collect();
    assert_eq!(images, ["img:2"; 3]);
}

#[test]
fn rolling_update_respects_surge_and_unavailable() {
    let w = world();
    deploy(
        &w,
        "img:1",
        json!({"spec": {"replicas": 4, "strategy": {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}}}),
    );
    run_until(&w, complete);
    set_image(&w, "img:2");
    run_until(&w, |w| {
        let c = w.clusters[0].lock();
        let web: Vec<_> = c
            .pods
            .values()
            .filter(|p| p.label("app") == Some("web") && p.deleting.is_none())
            .collect();
        assert!(
            web.len() <= 5,
            "maxSurge 1: at most 5 pods, saw {}",
            web.len()
        );
        assert!(
            web.iter().filter(|p| p.ready()).count() >= 4,
            "maxUnavailable 0: 4 ready pods at all times"
        );
        drop(c);
        complete(w)
    });
}

#[test]
fn revision_history_limit_prunes_old_replicasets() {
    let w = world();
    deploy(
        &w,
        "img:1",
        json!({"spec": {"revisionHistoryLimit": 2, "replicas": 1}}),
    );
    run_until(&w, complete);
    for i in 2..=6 {
        set_image(&w, &format!("img:{i}"));
        run_until(&w, complete);
    }
    let c = w.clusters[0].lock();
    let d = c.doc(Kind::Deployment, "shop", "web").unwrap();
    let revs: Vec<String> = c
        .owned_rs("shop", d["metadata"]["uid"].as_str().unwrap())
        .iter()
        .map(|r| {
            r["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(revs, ["4", "5", "6"]);
}
