//! The simulator's Alertmanager API v2 against a real Alertmanager 0.25:
//! the same requests to both, the same answers modulo ids and timestamps.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "telemetry_support/peers.rs"]
mod peers;

use std::collections::BTreeMap;
use std::time::Duration;

use opsdeck::sim::telemetry::{Telemetry, TelemetryConfig, fixture, serve, timefmt};
use serde_json::{Value, json};

struct Both {
    sim: String,
    real: String,
    c: reqwest::Client,
}

impl Both {
    async fn send(&self, method: &str, path: &str, body: Option<&Value>) -> [(u16, Value); 2] {
        let mut out = Vec::new();
        for base in [&self.sim, &self.real] {
            let url = format!("{base}{path}");
            let req = match method {
                "GET" => self.c.get(&url),
                "DELETE" => self.c.delete(&url),
                _ => self.c.post(&url),
            };
            let req = match body {
                Some(b) => req
                    .header("content-type", "application/json")
                    .body(b.to_string()),
                None => req,
            };
            let r = req.send().await.unwrap();
            let status = r.status().as_u16();
            let text = r.text().await.unwrap();
            let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
            out.push((status, v));
        }
        [out.remove(0), out.remove(0)]
    }
}

/// Alerts as comparable data: fingerprint, labels, state, silencedBy (ids
/// mapped through `ids`), inhibitedBy; sorted by fingerprint.
fn alerts_view(v: &Value, ids: &BTreeMap<String, String>) -> Vec<Value> {
    let mut list: Vec<Value> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let silenced: Vec<String> = a["status"]["silencedBy"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    ids.get(s.as_str().unwrap())
                        .cloned()
                        .unwrap_or_else(|| "?".into())
                })
                .collect();
            json!({
                "fingerprint": a["fingerprint"],
                "labels": a["labels"],
                "annotations": a["annotations"],
                "state": a["status"]["state"],
                "silencedBy": silenced,
                "inhibitedBy": a["status"]["inhibitedBy"],
                "receivers": a["receivers"],
            })
        })
        .collect();
    list.sort_by_key(|a| a["fingerprint"].as_str().unwrap().to_string());
    list
}

fn silences_view(v: &Value, ids: &BTreeMap<String, String>) -> Vec<Value> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| {
            json!({
                "id": ids.get(s["id"].as_str().unwrap()).cloned().unwrap_or_else(|| "?".into()),
                "state": s["status"]["state"],
                "matchers": s["matchers"],
                "createdBy": s["createdBy"],
                "comment": s["comment"],
            })
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silences_match_and_expire_like_the_real_alertmanager() {
    let dir = tempfile::tempdir().unwrap();
    let config = TelemetryConfig {
        resolution: Duration::from_millis(200),
        ..TelemetryConfig::default()
    };
    let am_yaml = config.alertmanager.to_yaml();
    let (_am, port) = peers::alertmanager(dir.path(), &am_yaml).await;
    let t = Telemetry::new(config, fixture::world()).unwrap();
    let _ticker = t.spawn_ticker();
    let addr = peers::serve(serve::routers(&t).alertmanager).await;
    let both = Both {
        sim: format!("http://{addr}"),
        real: format!("http://127.0.0.1:{port}"),
        c: peers::client(),
    };
    let now = opsdeck::sim::telemetry::wall_ms();
    let at = |offset_s: i64| timefmt::rfc3339_ms(now + offset_s * 1000);

    // Alerts in, fingerprints and states equal.
    let alerts = json!([
        {"labels": {"alertname": "TestA", "region": "us-east-1", "severity": "page"}, "annotations": {"summary": "a"}, "startsAt": at(-60), "endsAt": at(3600)},
        {"labels": {"alertname": "TestB", "region": "eu-west-1"}, "annotations": {}, "startsAt": at(-60), "endsAt": at(3600)},
        {"labels": {"alertname": "TestC", "region": "eastus", "service": "checkout"}, "startsAt": at(-30), "endsAt": at(3600)},
        {"labels": {"alertname": "RegionDown", "region": "eastus", "severity": "critical"}, "startsAt": at(-30), "endsAt": at(3600)},
        {"labels": {"alertname": "HighErrorRatio", "region": "eastus", "service": "checkout"}, "startsAt": at(-30), "endsAt": at(3600)},
        {"labels": {"alertname": "Resolved", "region": "eastus"}, "startsAt": at(-600), "endsAt": at(-60)},
    ]);
    let [s, r] = both.send("POST", "/api/v2/alerts", Some(&alerts)).await;
    assert_eq!(s.0, r.0, "post alerts: {s:?} vs {r:?}");
    tokio::time::sleep(Duration::from_millis(700)).await;
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    let [s, r] = both.send("GET", "/api/v2/alerts", None).await;
    assert_eq!(s.0, r.0);
    assert_eq!(
        alerts_view(&s.1, &ids),
        alerts_view(&r.1, &ids),
        "alerts after post"
    );
    assert_eq!(
        s.1.as_array().unwrap().len(),
        5,
        "resolved alert listed: {:#}",
        s.1
    );

    // A regex silence on the region.
    let sil1 = json!({"matchers": [{"name": "region", "value": "us-.*", "isRegex": true, "isEqual": true}],
        "startsAt": at(-60), "endsAt": at(3600), "createdBy": "test", "comment": "maintenance"});
    let [s, r] = both.send("POST", "/api/v2/silences", Some(&sil1)).await;
    assert_eq!((s.0, r.0), (200, 200), "{s:?} {r:?}");
    ids.insert(s.1["silenceID"].as_str().unwrap().into(), "S1".into());
    ids.insert(r.1["silenceID"].as_str().unwrap().into(), "S1".into());
    let sim_s1 = s.1["silenceID"].as_str().unwrap().to_string();
    let real_s1 = r.1["silenceID"].as_str().unwrap().to_string();

    // A negative matcher: service != checkout, with alertname = TestB.
    let sil2 = json!({"matchers": [
            {"name": "service", "value": "checkout", "isRegex": false, "isEqual": false},
            {"name": "alertname", "value": "TestB", "isRegex": false, "isEqual": true}],
        "startsAt": at(-60), "endsAt": at(1800), "createdBy": "test", "comment": "negative"});
    let [s, r] = both.send("POST", "/api/v2/silences", Some(&sil2)).await;
    assert_eq!((s.0, r.0), (200, 200), "{s:?} {r:?}");
    ids.insert(s.1["silenceID"].as_str().unwrap().into(), "S2".into());
    ids.insert(r.1["silenceID"].as_str().unwrap().into(), "S2".into());

    // A silence that does not match anything currently firing, pending in the future.
    let sil3 = json!({"matchers": [{"name": "alertname", "value": "Nothing", "isRegex": false}],
        "startsAt": at(600), "endsAt": at(1200), "createdBy": "test", "comment": "later"});
    let [s, r] = both.send("POST", "/api/v2/silences", Some(&sil3)).await;
    assert_eq!((s.0, r.0), (200, 200), "{s:?} {r:?}");
    ids.insert(s.1["silenceID"].as_str().unwrap().into(), "S3".into());
    ids.insert(r.1["silenceID"].as_str().unwrap().into(), "S3".into());

    tokio::time::sleep(Duration::from_millis(500)).await;
    for path in [
        "/api/v2/alerts",
        "/api/v2/alerts?silenced=false",
        "/api/v2/alerts?inhibited=false",
        "/api/v2/alerts?active=false",
        "/api/v2/alerts?filter=alertname%3D~%22Test%5BAB%5D%22",
        "/api/v2/alerts?filter=region%21%3D%22eastus%22",
        "/api/v2/alerts?filter=region%21~%22eu.%2A%22&filter=alertname%3D%22TestA%22",
    ] {
        let [s, r] = both.send("GET", path, None).await;
        assert_eq!(s.0, r.0, "{path}");
        assert_eq!(alerts_view(&s.1, &ids), alerts_view(&r.1, &ids), "{path}");
    }
    let [s, _] = both.send("GET", "/api/v2/alerts", None).await;
    let states: BTreeMap<String, String> =
        s.1.as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["labels"]["alertname"].as_str().unwrap().to_string(),
                    a["status"]["state"].as_str().unwrap().to_string(),
                )
            })
            .collect();
    assert_eq!(states["TestA"], "suppressed");
    assert_eq!(states["TestB"], "suppressed");
    assert_eq!(states["TestC"], "active");
    assert_eq!(
        states["HighErrorRatio"], "suppressed",
        "inhibited by RegionDown"
    );

    let [s, r] = both.send("GET", "/api/v2/silences", None).await;
    assert_eq!(
        silences_view(&s.1, &ids),
        silences_view(&r.1, &ids),
        "silences"
    );
    let [s, r] = both.send("GET", "/api/v2/alerts/groups", None).await;
    let groups = |v: &Value| {
        let mut g: Vec<Value> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                json!([
                    g["labels"],
                    g["receiver"],
                    g["alerts"].as_array().unwrap().len()
                ])
            })
            .collect();
        g.sort_by_key(|x| x.to_string());
        g
    };
    assert_eq!(groups(&s.1), groups(&r.1), "groups");

    // Expire the first silence: TestA is active again, the silence expired.
    let sim_path = format!("/api/v2/silence/{sim_s1}");
    let real_path = format!("/api/v2/silence/{real_s1}");
    let sd = both
        .c
        .delete(format!("{}{sim_path}", both.sim))
        .send()
        .await
        .unwrap()
        .status();
    let rd = both
        .c
        .delete(format!("{}{real_path}", both.real))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(sd, rd, "delete");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let sg: Value = both
        .c
        .get(format!("{}{sim_path}", both.sim))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rg: Value = both
        .c
        .get(format!("{}{real_path}", both.real))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(sg["status"], rg["status"]);
    assert_eq!(sg["status"]["state"], "expired");
    assert_eq!(sg["matchers"], rg["matchers"]);
    let [s, r] = both.send("GET", "/api/v2/alerts", None).await;
    assert_eq!(
        alerts_view(&s.1, &ids),
        alerts_view(&r.1, &ids),
        "alerts after expiry"
    );
    let [s, r] = both.send("GET", "/api/v2/silences", None).await;
    assert_eq!(
        silences_view(&s.1, &ids),
        silences_view(&r.1, &ids),
        "silences after expiry"
    );

    // Errors: end before start, matchers matching only the empty string, unknown id.
    let bad1 = json!({"matchers": [{"name": "a", "value": "b", "isRegex": false}], "startsAt": at(100), "endsAt": at(50), "createdBy": "t", "comment": "c"});
    let bad2 = json!({"matchers": [{"name": "a", "value": ".*", "isRegex": true}], "startsAt": at(0), "endsAt": at(50), "createdBy": "t", "comment": "c"});
    for bad in [&bad1, &bad2] {
        let [s, r] = both.send("POST", "/api/v2/silences", Some(bad)).await;
        assert_eq!(s.0, r.0, "{bad}: {s:?} vs {r:?}");
    }
    let [s, r] = both
        .send(
            "GET",
            "/api/v2/silence/00000000-0000-0000-0000-000000000000",
            None,
        )
        .await;
    assert_eq!(s.0, r.0, "unknown silence");
    let [s, r] = both.send("GET", "/api/v2/status", None).await;
    assert_eq!((s.0, r.0), (200, 200));
    assert_eq!(s.1["cluster"]["status"], r.1["cluster"]["status"]);
}
