//! The simulator's wire protocol seen by a raw HTTP client: discovery
//! content types, watch semantics (410 on expired resume, bookmarks,
//! streaming lists, selectors, timeouts), Tables, pod logs, faults and the
//! control endpoint.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "fixtures/sim/http.rs"]
mod http;
#[path = "fixtures/sim/support.rs"]
mod support;

use std::time::{Duration, Instant};

use http::{H, TABLE, lines};
use opsdeck::sim::auth::Role;
use serde_json::{Value, json};
use support::{small, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_and_version() {
    let env = start(small()).await;
    let h = H::new(&env, Role::Viewer);
    let v = h.json("/version").await;
    assert_eq!(
        (v["major"].as_str(), v["minor"].as_str()),
        (Some("1"), Some("32"))
    );
    assert!(v["gitVersion"].as_str().unwrap().starts_with("v1.32."));
    let r = h
        .get("/apis")
        .header(
            "accept",
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    );
    let body: Value = r.json().await.unwrap();
    let apps = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["metadata"]["name"] == "apps")
        .unwrap();
    let deploy = apps["versions"][0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource"] == "deployments")
        .unwrap();
    assert_eq!(deploy["shortNames"], json!(["deploy"]));
    assert_eq!(
        deploy["subresources"][0]["responseKind"],
        json!({"group": "autoscaling", "version": "v1", "kind": "Scale"})
    );
    let legacy = h.json("/apis/apps/v1").await;
    let scale = legacy["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "deployments/scale")
        .unwrap();
    assert_eq!(
        (scale["group"].as_str(), scale["kind"].as_str()),
        (Some("autoscaling"), Some("Scale"))
    );
    assert_eq!(h.get("/openapi/v2").send().await.unwrap().status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_expired_resume_is_an_error_event() {
    let env = start(small()).await;
    let h = H::new(&env, Role::Operator);
    let list = h.json("/apis/apps/v1/namespaces/shop/deployments").await;
    let rv = list["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    env.expire_watches();
    h.patch(
        "/apis/apps/v1/namespaces/shop/deployments/checkout",
        json!({"metadata": {"labels": {"x": "1"}}}),
    )
    .await;
    let old: u64 = rv.parse::<u64>().unwrap() - 1;
    let r = h
        .get(&format!(
            "/apis/apps/v1/namespaces/shop/deployments?watch=true&resourceVersion={old}"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (ls, ended) = lines(r, Duration::from_secs(5)).await;
    assert!(ended, "the stream closes after the error");
    assert_eq!(ls.len(), 1, "{ls:?}");
    let ev: Value = serde_json::from_str(&ls[0]).unwrap();
    assert_eq!(ev["type"], "ERROR");
    assert_eq!(
        (
            ev["object"]["code"].as_u64(),
            ev["object"]["reason"].as_str()
        ),
        (Some(410), Some("Expired"))
    );
    // A continue token from before the expiry is too old as well.
    let page = h.json("/api/v1/namespaces/shop/pods?limit=2").await;
    h.patch(
        "/apis/apps/v1/namespaces/shop/deployments/checkout",
        json!({"metadata": {"labels": {"x": "2"}}}),
    )
    .await;
    env.expire_watches();
    let t = page["metadata"]["continue"].as_str().unwrap();
    assert_eq!(
        h.get(&format!(
            "/api/v1/namespaces/shop/pods?limit=2&continue={t}"
        ))
        .send()
        .await
        .unwrap()
        .status(),
        410
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streaming_list_bookmarks_selectors_and_timeout() {
    let env = start(small()).await;
    let h = H::new(&env, Role::Operator);
    let r = h
        .get("/apis/apps/v1/namespaces/shop/deployments?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1")
        .send()
        .await
        .unwrap();
    let (ls, ended) = lines(r, Duration::from_secs(5)).await;
    assert!(ended, "timeoutSeconds closes the stream");
    let evs: Vec<Value> = ls
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(evs.iter().filter(|e| e["type"] == "ADDED").count(), 4);
    let bm = evs
        .iter()
        .find(|e| e["type"] == "BOOKMARK")
        .expect("initial-events-end bookmark");
    assert_eq!(
        (
            bm["object"]["kind"].as_str(),
            bm["object"]["apiVersion"].as_str()
        ),
        (Some("Deployment"), Some("apps/v1"))
    );
    assert_eq!(
        bm["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"],
        "true"
    );

    let list = h.json("/apis/apps/v1/namespaces/shop/deployments").await;
    let rv = list["metadata"]["resourceVersion"].as_str().unwrap();
    let r = h.get(&format!("/apis/apps/v1/namespaces/shop/deployments?watch=true&resourceVersion={rv}&fieldSelector=metadata.name%3Dcatalog&timeoutSeconds=2")).send().await.unwrap();
    h.patch(
        "/apis/apps/v1/namespaces/shop/deployments/checkout",
        json!({"metadata": {"annotations": {"a": "1"}}}),
    )
    .await;
    h.patch(
        "/apis/apps/v1/namespaces/shop/deployments/catalog",
        json!({"metadata": {"annotations": {"a": "1"}}}),
    )
    .await;
    let start = Instant::now();
    let (ls, ended) = lines(r, Duration::from_secs(6)).await;
    assert!(ended && start.elapsed() < Duration::from_secs(4));
    let evs: Vec<Value> = ls
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!evs.is_empty());
    assert!(
        evs.iter()
            .all(|e| e["object"]["metadata"]["name"] == "catalog" && e["type"] == "MODIFIED"),
        "{ls:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables() {
    let env = start(small()).await;
    let h = H::new(&env, Role::Viewer);
    let r = h
        .get("/api/v1/namespaces/shop/pods")
        .header("accept", TABLE)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-type"],
        "application/json;as=Table;v=v1;g=meta.k8s.io"
    );
    let t: Value = r.json().await.unwrap();
    let cols: Vec<&str> = t["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        cols,
        [
            "Name",
            "Ready",
            "Status",
            "Restarts",
            "Age",
            "IP",
            "Node",
            "Nominated Node",
            "Readiness Gates"
        ]
    );
    assert_eq!(t["rows"].as_array().unwrap().len(), 14);
    let row = &t["rows"][0];
    assert_eq!(
        (row["cells"][1].as_str(), row["cells"][2].as_str()),
        (Some("1/1"), Some("Running"))
    );
    assert_eq!(row["object"]["kind"], "PartialObjectMetadata");
    let nodes: Value = h
        .get("/api/v1/nodes")
        .header("accept", TABLE)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(nodes["rows"][0]["cells"][1], "Ready");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_and_control_endpoint() {
    let env = start(small()).await;
    let h = H::new(&env, Role::Viewer);
    let control = format!("{}/control/regions/us-east-1/faults", env.sim.base_url());
    let post = |token: String, body: Value| {
        h.http
            .post(control.clone())
            .bearer_auth(token)
            .body(body.to_string())
            .send()
    };
    assert_eq!(
        post(
            env.sim.token(Role::Viewer).into(),
            json!({"unavailable": true})
        )
        .await
        .unwrap()
        .status(),
        403
    );

    assert_eq!(
        post(
            env.sim.token(Role::Admin).into(),
            json!({"unavailable": true})
        )
        .await
        .unwrap()
        .status(),
        200
    );
    let r = h.get("/api/v1/namespaces/shop/pods").send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.json::<Value>().await.unwrap()["kind"], "Status");

    post(
        env.sim.token(Role::Admin).into(),
        json!({"clear": true, "latency_ms": 400}),
    )
    .await
    .unwrap();
    let t = Instant::now();
    assert_eq!(
        h.get("/api/v1/namespaces/shop/pods")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert!(t.elapsed() >= Duration::from_millis(400));

    post(
        env.sim.token(Role::Admin).into(),
        json!({"clear": true, "refuse": true}),
    )
    .await
    .unwrap();
    let err = h
        .get("/api/v1/namespaces/shop/pods")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_request() || err.is_connect(), "{err:?}");

    post(
        env.sim.token(Role::Admin).into(),
        json!({"clear": true, "failed": true}),
    )
    .await
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let d = h
            .json("/apis/apps/v1/namespaces/shop/deployments/checkout")
            .await;
        if d["status"]["readyReplicas"].is_null()
            && d["status"]["conditions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["type"] == "Available" && c["status"] == "False")
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "checkout stays available in a failed region: {}",
            d["status"]
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let snap: Value = h
        .http
        .get(format!("{}/control/snapshot", env.sim.base_url()))
        .bearer_auth(&h.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(snap["regions"][0]["failed"], true);
    assert!(
        snap["regions"][0]["deployments"][0]["pods"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["ready"] == false)
    );

    let r = h
        .http
        .delete(control.clone())
        .bearer_auth(env.sim.token(Role::Admin))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        json!({"refuse": false, "unavailable": false, "latency_ms": 0, "failed": false, "racing_writes": 0})
    );
    assert_eq!(
        h.get("/api/v1/namespaces/shop/pods")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_leases_dry_run_and_auth() {
    let env = start(small()).await;
    let op = H::new(&env, Role::Operator);
    let url = format!(
        "{}/apis/coordination.k8s.io/v1/namespaces/shop/leases",
        op.base
    );
    let lease = json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "opsdeck-lock"}, "spec": {"holderIdentity": "me", "leaseDurationSeconds": 30}});
    let post = |q: &str, body: &Value| {
        op.http
            .post(format!("{url}{q}"))
            .bearer_auth(&op.token)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
    };
    assert_eq!(post("?dryRun=All", &lease).await.unwrap().status(), 201);
    assert_eq!(
        op.get("/apis/coordination.k8s.io/v1/namespaces/shop/leases/opsdeck-lock")
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let created: Value = post("", &lease).await.unwrap().json().await.unwrap();
    let r = post("", &lease).await.unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<Value>().await.unwrap()["reason"], "AlreadyExists");
    let mut stale = created.clone();
    stale["spec"]["holderIdentity"] = json!("other");
    let put = |v: &Value| {
        op.http
            .put(format!("{url}/opsdeck-lock"))
            .bearer_auth(&op.token)
            .body(v.to_string())
            .send()
    };
    assert_eq!(put(&stale).await.unwrap().status(), 200);
    assert_eq!(
        put(&stale).await.unwrap().status(),
        409,
        "second PUT with the same resourceVersion is stale"
    );

    let r = op
        .http
        .get(format!("{}/api/v1/namespaces/shop/pods", op.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = op
        .http
        .delete(format!(
            "{}/apis/apps/v1/namespaces/shop/deployments/checkout",
            op.base
        ))
        .bearer_auth(&op.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let st: Value = r.json().await.unwrap();
    assert_eq!(
        (st["kind"].as_str(), st["reason"].as_str()),
        (Some("Status"), Some("Forbidden"))
    );
    assert!(st["message"].as_str().unwrap().contains("User \"sim:operator\" cannot delete resource \"deployments\" in API group \"apps\" in the namespace \"shop\""));
}
