//! kube-rs against the simulator: list, paging, watcher with a forced
//! expiry, reflector, scale, the three patch types, dry-run, conflicts,
//! SelfSubjectAccessReview per role, 401 and 403.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "fixtures/sim/support.rs"]
mod support;

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use k8s_openapi::api::core::v1::Pod;
use kube::Client;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::runtime::{WatchStreamExt, reflector, watcher};
use serde_json::json;
use support::{Env, small, start};

async fn client(env: &Env, user: &str) -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let kc = Kubeconfig::read_from(&env.kubeconfig).unwrap();
    let opts = KubeConfigOptions {
        context: Some("sim-us-east-1".into()),
        cluster: None,
        user: Some(user.into()),
    };
    let cfg = kube::Config::from_custom_kubeconfig(kc, &opts)
        .await
        .unwrap();
    Client::try_from(cfg).unwrap()
}

fn api_code(e: kube::Error) -> (u16, String) {
    match e {
        kube::Error::Api(s) => (s.code, s.reason.clone()),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_select_and_page() {
    let env = start(small()).await;
    let c = client(&env, "viewer").await;
    let pods: Api<Pod> = Api::namespaced(c.clone(), "shop");
    let all = pods.list(&ListParams::default()).await.unwrap();
    assert_eq!(all.items.len(), 14, "4+3+3+4 shop pods");
    assert!(all.metadata.resource_version.is_some());
    let checkout = pods
        .list(&ListParams::default().labels("app=checkout"))
        .await
        .unwrap();
    assert_eq!(checkout.items.len(), 4);
    let two = pods
        .list(&ListParams::default().labels("app in (checkout, search),app!=search"))
        .await
        .unwrap();
    assert_eq!(two.items.len(), 4);
    let first = all.items[0].metadata.name.clone().unwrap();
    let one = pods
        .list(&ListParams::default().fields(&format!("metadata.name={first}")))
        .await
        .unwrap();
    assert_eq!(one.items.len(), 1);
    let running = pods
        .list(&ListParams::default().fields("status.phase=Running"))
        .await
        .unwrap();
    assert_eq!(running.items.len(), 14);

    let mut names = Vec::new();
    let mut lp = ListParams::default().limit(5);
    loop {
        let page = pods.list(&lp).await.unwrap();
        assert!(page.items.len() <= 5);
        names.extend(page.items.iter().map(|p| p.metadata.name.clone().unwrap()));
        match page.metadata.continue_ {
            Some(t) if !t.is_empty() => lp = ListParams::default().limit(5).continue_token(&t),
            _ => break,
        }
    }
    let all_names: Vec<String> = all
        .items
        .iter()
        .map(|p| p.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, all_names);

    let all_ns: Api<Pod> = Api::all(c);
    assert!(
        all_ns
            .list(&ListParams::default())
            .await
            .unwrap()
            .items
            .len()
            >= 20
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watcher_relists_once_after_forced_expiry() {
    let env = start(small()).await;
    let c = client(&env, "viewer").await;
    let api: Api<Deployment> = Api::namespaced(c, "shop");
    let mut stream = watcher(api, watcher::Config::default()).boxed();
    let mut inits = 0;
    let mut errors = 0;
    let mut expired = false;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while let Ok(Some(ev)) = tokio::time::timeout_at(deadline, stream.next()).await {
        match ev {
            Ok(watcher::Event::Init) => inits += 1,
            Ok(watcher::Event::InitDone) if !expired => {
                // Expire once the watch that follows the list is open.
                expired = true;
                let world = env.sim.world().clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(800)).await;
                    let patch = opsdeck::sim::FaultPatch {
                        expire_watches: true,
                        ..Default::default()
                    };
                    world.apply_faults("us-east-1", &patch).unwrap();
                });
            }
            Ok(watcher::Event::InitDone) => break,
            Ok(_) => {}
            Err(_) => errors += 1,
        }
    }
    assert_eq!(inits, 2, "one initial list and exactly one re-list");
    assert_eq!(errors, 1, "the expiry surfaces once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reflector_follows_patch_scale() {
    let env = start(small()).await;
    let viewer = client(&env, "viewer").await;
    let (reader, writer) = reflector::store::<Deployment>();
    let stream = reflector(
        writer,
        watcher(Api::namespaced(viewer, "shop"), watcher::Config::default()),
    );
    let drain = tokio::spawn(stream.applied_objects().for_each(|_| async {}));
    tokio::time::timeout(Duration::from_secs(10), reader.wait_until_ready())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(reader.state().len(), 4);

    let operator = client(&env, "operator").await;
    let api: Api<Deployment> = Api::namespaced(operator, "shop");
    let scale = api
        .patch_scale(
            "catalog",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 6}})),
        )
        .await
        .unwrap();
    assert_eq!(scale.spec.unwrap().replicas, Some(6));
    assert_eq!(
        api.get_scale("catalog")
            .await
            .unwrap()
            .status
            .unwrap()
            .selector
            .as_deref(),
        Some("app=catalog")
    );
    let ready = async {
        loop {
            let d = reader
                .state()
                .into_iter()
                .find(|d| d.metadata.name.as_deref() == Some("catalog"))
                .unwrap();
            if d.status.as_ref().and_then(|s| s.ready_replicas) == Some(6) {
                return d;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let d = tokio::time::timeout(Duration::from_secs(15), ready)
        .await
        .expect("the reflector sees catalog at 6/6");
    assert_eq!(d.spec.as_ref().unwrap().replicas, Some(6));
    drain.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patch_types_dry_run_and_conflict() {
    let env = start(small()).await;
    let api: Api<Deployment> = Api::namespaced(client(&env, "operator").await, "shop");
    let pp = PatchParams::default();

    let sp = json!({"spec": {"template": {"spec": {"$setElementOrder/containers": [{"name": "search"}], "containers": [{"name": "search", "image": "registry.example.com/shop/search:2.0.0"}]}}}});
    let d = api
        .patch("search", &pp, &Patch::Strategic(sp))
        .await
        .unwrap();
    let cs = d.spec.unwrap().template.spec.unwrap().containers;
    assert_eq!(
        (cs.len(), cs[0].image.as_deref()),
        (1, Some("registry.example.com/shop/search:2.0.0"))
    );
    assert!(
        cs[0].resources.is_some(),
        "strategic merge keeps the other container fields"
    );

    let d = api
        .patch(
            "search",
            &pp,
            &Patch::Merge(json!({"metadata": {"annotations": {"team": "search"}}})),
        )
        .await
        .unwrap();
    assert_eq!(
        d.metadata
            .annotations
            .unwrap()
            .get("team")
            .map(String::as_str),
        Some("search")
    );

    let jp: json_patch::Patch =
        serde_json::from_value(json!([{"op": "replace", "path": "/spec/replicas", "value": 2}]))
            .unwrap();
    let d = api
        .patch("search", &pp, &Patch::Json::<()>(jp))
        .await
        .unwrap();
    assert_eq!(d.spec.unwrap().replicas, Some(2));

    let before = api.get("payments").await.unwrap();
    let dry = api
        .patch(
            "payments",
            &PatchParams::default().dry_run(),
            &Patch::Merge(json!({"spec": {"replicas": 9}})),
        )
        .await
        .unwrap();
    assert_eq!(dry.spec.unwrap().replicas, Some(9));
    let after = api.get("payments").await.unwrap();
    assert_eq!(after.spec.as_ref().unwrap().replicas, Some(3));
    assert_eq!(
        after.metadata.resource_version,
        before.metadata.resource_version
    );

    let mut stale = before.clone();
    api.patch(
        "payments",
        &pp,
        &Patch::Merge(json!({"metadata": {"labels": {"touched": "yes"}}})),
    )
    .await
    .unwrap();
    stale.spec.as_mut().unwrap().replicas = Some(4);
    let err = api
        .replace("payments", &PostParams::default(), &stale)
        .await
        .unwrap_err();
    assert_eq!(api_code(err), (409, "Conflict".to_string()));
    let fresh = api.get("payments").await.unwrap();
    let mut ok = fresh.clone();
    ok.spec.as_mut().unwrap().replicas = Some(4);
    assert_eq!(
        api.replace("payments", &PostParams::default(), &ok)
            .await
            .unwrap()
            .spec
            .unwrap()
            .replicas,
        Some(4)
    );
}

async fn can_i(c: &Client, verb: &str, resource: &str, sub: Option<&str>) -> bool {
    let ssar = SelfSubjectAccessReview {
        spec: SelfSubjectAccessReviewSpec {
            resource_attributes: Some(ResourceAttributes {
                namespace: Some("shop".into()),
                verb: Some(verb.into()),
                group: Some("apps".into()),
                resource: Some(resource.into()),
                subresource: sub.map(str::to_string),
                ..ResourceAttributes::default()
            }),
            ..SelfSubjectAccessReviewSpec::default()
        },
        ..SelfSubjectAccessReview::default()
    };
    let api: Api<SelfSubjectAccessReview> = Api::all(c.clone());
    api.create(&PostParams::default(), &ssar)
        .await
        .unwrap()
        .status
        .unwrap()
        .allowed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_reviews_match_enforcement() {
    let env = start(small()).await;
    let viewer = client(&env, "viewer").await;
    let operator = client(&env, "operator").await;
    let admin = client(&env, "admin").await;
    assert!(can_i(&viewer, "get", "deployments", None).await);
    assert!(!can_i(&viewer, "patch", "deployments", None).await);
    assert!(can_i(&operator, "patch", "deployments", Some("scale")).await);
    assert!(!can_i(&operator, "delete", "deployments", None).await);
    assert!(can_i(&admin, "delete", "deployments", None).await);

    let as_viewer: Api<Deployment> = Api::namespaced(viewer, "shop");
    let err = as_viewer
        .patch(
            "checkout",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 5}})),
        )
        .await
        .unwrap_err();
    assert_eq!(api_code(err), (403, "Forbidden".to_string()));
    let as_operator: Api<Deployment> = Api::namespaced(operator, "shop");
    let err = as_operator
        .delete("checkout", &Default::default())
        .await
        .unwrap_err();
    assert_eq!(api_code(err).0, 403);
    as_operator
        .patch(
            "checkout",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 5}})),
        )
        .await
        .unwrap();

    // No token at all: 401 (plain HTTP, no credentials).
    let cfg = kube::Config::new(env.sim.cluster_url("us-east-1").parse().unwrap());
    let anon: Api<Deployment> = Api::namespaced(Client::try_from(cfg).unwrap(), "shop");
    let err = anon.list(&ListParams::default()).await.unwrap_err();
    assert_eq!(api_code(err).0, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_sees_rollout_events() {
    let env = start(small()).await;
    let c = client(&env, "operator").await;
    let api: Api<Deployment> = Api::namespaced(c.clone(), "shop");
    let pods: Api<Pod> = Api::namespaced(c, "shop");
    let events = watcher(pods, watcher::Config::default().labels("app=catalog")).applied_objects();
    let found = tokio::spawn(async move {
        events
            .try_filter(|p| {
                futures::future::ready(
                    p.spec
                        .as_ref()
                        .and_then(|s| s.containers[0].image.as_deref())
                        == Some("registry.example.com/shop/catalog:9.9.9"),
                )
            })
            .try_filter(|p| {
                futures::future::ready(
                    p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"),
                )
            })
            .boxed()
            .try_next()
            .await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let sp = json!({"spec": {"template": {"spec": {"containers": [{"name": "catalog", "image": "registry.example.com/shop/catalog:9.9.9"}]}}}});
    api.patch("catalog", &PatchParams::default(), &Patch::Strategic(sp))
        .await
        .unwrap();
    let pod = tokio::time::timeout(Duration::from_secs(15), found)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(pod.is_some());
}
