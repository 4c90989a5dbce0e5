//! Fixture builders for tests and benches: a four-region fleet (aws
//! us-east-1 and eu-west-1, gcp europe-west4, azure eastus) running
//! checkout, catalog, payments and search, with payments degraded in
//! eu-west-1, eastus's Prometheus stale, alerts, a silence and 30 days of
//! cost with one anomaly. Everything is at a fixed instant, [`now`].

use std::path::Path;
use std::sync::Arc;

mod alerts;
mod big;
mod large;
pub mod ops;

pub use alerts::{alerts, silences};
pub use big::{BIG_REGIONS, BIG_SERVICES, big_app};
pub use large::{
    LARGE_CLOUD_REGIONS, LARGE_DEGRADED, LARGE_DOWN, LARGE_UNKNOWN, large_app, large_deployment,
    large_names,
};

use super::state::AppState;
use crate::config::{self, Config, Keymap, Overrides, Theme};
use crate::model::kube::*;
use crate::model::state::{KubeChange, KubeKind, KubeRow, SloSeries, Update};
use crate::model::{CostLine, SloValues, SourceKind, SourceStatus, Timestamp};

pub const REGIONS: [(&str, &str, bool); 4] = [
    ("us-east-1", "aws", true),
    ("eu-west-1", "aws", true),
    ("europe-west4", "gcp", false),
    ("eastus", "azure", false),
];
pub const SERVICES: [&str; 4] = ["checkout", "catalog", "payments", "search"];

/// 2026-11-18T09:30:00Z.
pub fn now() -> Timestamp {
    Timestamp::from_second(1_795_080_600).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn ago(seconds: i64) -> Option<Timestamp> {
    now()
        .checked_sub(jiff::SignedDuration::from_secs(seconds))
        .ok()
}

/// The fixture configuration (TOML), with `read_only` as given.
pub fn config_text(read_only: bool, ascii: bool) -> String {
    let mut t = format!(
        "[ui]\nascii = {ascii}\nmax_fps = 20\n[ui.budget]\nmonthly = 68000.0\ncurrency = \"USD\"\n\n[policy]\nread_only = {read_only}\n\n"
    );
    for (name, provider, prod) in REGIONS {
        t.push_str(&format!(
            "[[regions]]\nname = \"{name}\"\nprovider = \"{provider}\"\ncloud_region = \"{name}\"\nproduction = {prod}\n\
             [[regions.clusters]]\ncontext = \"sim-{name}\"\nnamespaces = [\"shop\"]\n"
        ));
        match name {
            "us-east-1" => t.push_str(
                "[[regions.alertmanagers]]\nurl = \"http://am-us-0.example:9093\"\nha_cluster = \"am-us\"\n\
                 [[regions.alertmanagers]]\nurl = \"http://am-us-1.example:9093\"\nha_cluster = \"am-us\"\n",
            ),
            "eu-west-1" => t.push_str(
                "[[regions.alertmanagers]]\nurl = \"http://am-eu-0.example:9093\"\nha_cluster = \"am-eu\"\n",
            ),
            _ => {}
        }
        t.push('\n');
    }
    for s in SERVICES {
        let (err, p95) = if s == "payments" {
            (0.005, 0.5)
        } else {
            (0.01, 0.35)
        };
        t.push_str(&format!(
            "[[services]]\nname = \"{s}\"\nnamespace = \"shop\"\nalert_matchers = ['service=\"{s}\"']\n\
             [services.slo]\nmax_error_ratio = {err}\nmax_p95_seconds = {p95}\n\n"
        ));
    }
    t
}

pub fn config(read_only: bool, ascii: bool) -> Config {
    let no_env = |_: &str| None;
    match config::from_text(
        Path::new("fixture.toml"),
        &config_text(read_only, ascii),
        &Overrides::default(),
        &no_env,
    ) {
        Ok(c) => c,
        Err(e) => panic!("fixture config does not resolve: {e:?}"),
    }
}

pub fn keymap(name: &str) -> Keymap {
    match Keymap::built_in(name) {
        Ok(Some(k)) => k,
        _ => panic!("no built-in keymap {name}"),
    }
}

pub fn theme(name: &str) -> Theme {
    match Theme::built_in(name) {
        Ok(Some(t)) => t,
        _ => panic!("no built-in theme {name}"),
    }
}

/// The fixture console on the fleet view, with every update applied.
pub fn app(ascii: bool) -> AppState {
    app_with(false, ascii, "default")
}

pub fn app_with(read_only: bool, ascii: bool, keymap_name: &str) -> AppState {
    let mut app = AppState::new(
        config(read_only, ascii),
        keymap(keymap_name),
        "operator@sim-us-east-1".into(),
        now(),
    );
    for u in updates() {
        app.fleet.apply(u);
    }
    app.rebuild();
    app
}

fn ns() -> Arc<str> {
    Arc::from("shop")
}

fn hash(s: &str) -> u64 {
    s.bytes().fold(1469598103934665603u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(1099511628211)
    })
}

/// A pod name suffix like Kubernetes makes: five of `bcdfghjklmnpqrstvwxz2456789`.
pub fn suffix(seed: u64, len: usize) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x ^= x >> 33;
            x = x.wrapping_mul(0xff51afd7ed558ccd);
            char::from(ALPHABET[(x % ALPHABET.len() as u64) as usize])
        })
        .collect()
}

fn degraded(region: &str, service: &str) -> bool {
    region == "eu-west-1" && service == "payments"
}

fn kube(region: &str, change: KubeChange) -> Update {
    Update::Kube {
        region: region.into(),
        context: format!("sim-{region}"),
        change,
    }
}

/// Every update the fixture fleet consists of.
pub fn updates() -> Vec<Update> {
    let mut out = Vec::new();
    for (ri, (region, _, _)) in REGIONS.iter().enumerate() {
        let mut deployments = Vec::new();
        let mut replicasets = Vec::new();
        let mut pods = Vec::new();
        let mut hpas = Vec::new();
        for (si, svc) in SERVICES.iter().enumerate() {
            let desired = if *svc == "payments" { 4 } else { 3 };
            let bad = degraded(region, svc);
            let rev = 5 + si as u64 + u64::from(bad) * 2;
            let rs_name = format!("{svc}-{}", suffix(hash(svc).wrapping_add(rev), 10));
            let old_rs = format!("{svc}-{}", suffix(hash(svc).wrapping_add(rev - 1), 10));
            let image = format!("registry.example/shop/{svc}:1.{rev}.0");
            deployments.push(KubeRow::Deployment(DeploymentRow {
                namespace: ns(),
                name: svc.to_string(),
                uid: format!("uid-{region}-{svc}"),
                desired,
                ready: if bad { 1 } else { desired },
                updated: if bad { 2 } else { desired },
                available: if bad { 1 } else { desired },
                unavailable: if bad { 3 } else { 0 },
                revision: Some(rev),
                images: vec![image.clone()],
                paused: false,
                progressing: Some(
                    if bad {
                        "ReplicaSetUpdated"
                    } else {
                        "NewReplicaSetAvailable"
                    }
                    .into(),
                ),
                available_condition: Some(!bad),
                generation: 7,
                observed_generation: 7,
                created: ago(86_400 * 20),
            }));
            replicasets.push(KubeRow::ReplicaSet(ReplicaSetRow {
                namespace: ns(),
                name: rs_name.clone(),
                owner: Some(Arc::from(*svc)),
                revision: Some(rev),
                desired: if bad { 2 } else { desired },
                ready: if bad { 0 } else { desired },
                images: vec![image],
                change_cause: Some(format!("deploy 1.{rev}.0")),
                created: ago(if bad { 900 } else { 86_400 * 3 }),
            }));
            replicasets.push(KubeRow::ReplicaSet(ReplicaSetRow {
                namespace: ns(),
                name: old_rs.clone(),
                owner: Some(Arc::from(*svc)),
                revision: Some(rev - 1),
                desired: if bad { 2 } else { 0 },
                ready: if bad { 1 } else { 0 },
                images: vec![format!("registry.example/shop/{svc}:1.{}.0", rev - 1)],
                change_cause: Some(format!("deploy 1.{}.0", rev - 1)),
                created: ago(86_400 * 9),
            }));
            for p in 0..desired {
                let (status, ready, restarts) = match (bad, p) {
                    (true, 0) => ("Running", true, 0),
                    (true, 1 | 2) => ("CrashLoopBackOff", false, 7 + p),
                    (true, _) => ("ContainerCreating", false, 0),
                    _ => ("Running", true, u32::from(p == 1 && si == 1)),
                };
                let owner = if bad && p == 0 { &old_rs } else { &rs_name };
                pods.push(KubeRow::Pod(PodRow {
                    namespace: ns(),
                    name: format!(
                        "{owner}-{}",
                        suffix(
                            hash(region)
                                .wrapping_add(hash(svc))
                                .wrapping_add(u64::from(p)),
                            5
                        )
                    )
                    .into(),
                    owner: Some(Arc::from(owner.as_str())),
                    node: Some(Arc::from(
                        format!("node-{region}-{}", (p + si as u32) % 3).as_str(),
                    )),
                    status: Arc::from(status),
                    ready,
                    restarts,
                    created: ago(if bad {
                        600
                    } else {
                        86_400 * 2 + i64::from(p) * 3600
                    }),
                }));
            }
            hpas.push(KubeRow::Hpa(HpaRow {
                namespace: ns(),
                name: svc.to_string(),
                target: format!("Deployment/{svc}"),
                min: 2,
                max: 12,
                current: desired,
                desired,
            }));
        }
        let nodes: Vec<KubeRow> = (0..3)
            .map(|n| {
                KubeRow::Node(NodeRow {
                    name: format!("node-{region}-{n}"),
                    ready: true,
                    instance_type: Some(
                        match ri {
                            0 | 1 => "m6i.xlarge",
                            2 => "n2-standard-4",
                            _ => "D4s_v5",
                        }
                        .into(),
                    ),
                    zone: Some(format!("{region}-{}", ["a", "b", "c"][n])),
                    cpu: Some("4".into()),
                    memory: Some("16Gi".into()),
                })
            })
            .collect();
        let mut events = vec![KubeRow::Event(EventRow {
            namespace: ns(),
            time: ago(1800),
            kind: "Normal".into(),
            reason: "ScalingReplicaSet".into(),
            object: "Deployment/search".into(),
            message: "Scaled up replica set search to 3".into(),
            count: 1,
        })];
        if *region == "eu-west-1" {
            events.push(KubeRow::Event(EventRow {
                namespace: ns(),
                time: ago(45),
                kind: "Warning".into(),
                reason: "BackOff".into(),
                object: "Pod/payments".into(),
                message: "Back-off restarting failed container payments".into(),
                count: 14,
            }));
        }
        // ExternalDNS weights: eu-west-1 (degraded) partly drained.
        let routing = SERVICES
            .iter()
            .map(|svc| {
                KubeRow::Routing(RoutingRow {
                    namespace: ns(),
                    name: svc.to_string(),
                    set_identifier: Some(region.to_string()),
                    weight: Some(if *region == "eu-west-1" { 40 } else { 100 }),
                })
            })
            .collect();
        for (kind, rows) in [
            (KubeKind::Routing, routing),
            (KubeKind::Deployment, deployments),
            (KubeKind::ReplicaSet, replicasets),
            (KubeKind::Pod, pods),
            (KubeKind::Node, nodes),
            (KubeKind::Event, events),
            (KubeKind::Hpa, hpas),
        ] {
            out.push(kube(region, KubeChange::Replace(kind, rows)));
        }
        for (si, svc) in SERVICES.iter().enumerate() {
            let base = [420.0, 910.0, 180.0, 640.0][si] * [1.0, 0.8, 0.5, 0.35][ri];
            let bad = degraded(region, svc);
            let err = if bad {
                0.012
            } else {
                0.0004 + 0.0001 * si as f64
            };
            let p95 = if bad { 0.42 } else { 0.08 + 0.02 * si as f64 };
            out.push(Update::Slo {
                region: region.to_string(),
                service: svc.to_string(),
                values: SloValues {
                    request_rate: Some(base),
                    error_ratio: Some(err),
                    p95_seconds: Some(p95),
                    at: ago(5),
                },
            });
            let t0 = now().as_second() as f64 - 3600.0;
            let wave = |i: usize| 1.0 + 0.15 * ((i as f64) / 9.0 + si as f64).sin();
            let series = SloSeries {
                request_rate: (0..60)
                    .map(|i| (t0 + 60.0 * i as f64, base * wave(i)))
                    .collect(),
                error_ratio: (0..60)
                    .map(|i| {
                        (
                            t0 + 60.0 * i as f64,
                            if bad && i > 45 { err } else { 0.0004 * wave(i) },
                        )
                    })
                    .collect(),
                p95_seconds: (0..60)
                    .map(|i| {
                        (
                            t0 + 60.0 * i as f64,
                            if bad && i > 45 { p95 } else { 0.1 * wave(i) },
                        )
                    })
                    .collect(),
            };
            out.push(Update::SloSeries {
                region: region.to_string(),
                service: svc.to_string(),
                series,
            });
        }
        out.push(Update::Costs {
            region: region.to_string(),
            lines: cost_lines(region, REGIONS[ri].1, ri),
        });
        for (kind, name, age, stale) in [
            (SourceKind::Kubernetes, format!("sim-{region}"), 3, false),
            (
                SourceKind::Prometheus,
                format!("prometheus-{region}"),
                8,
                false,
            ),
            (SourceKind::Billing, format!("billing-{region}"), 120, false),
        ] {
            let stale = stale || (*region == "eastus" && kind == SourceKind::Prometheus);
            let age = if stale { 360 } else { age };
            let mut s = SourceStatus::new(kind, region, &name);
            s.last_success = ago(age);
            if stale {
                s.last_error = Some("connection refused".into());
                s.missed = 4;
                s.stale = true;
            }
            out.push(Update::Source(s));
        }
    }
    out.push(Update::Alerts {
        alerts: alerts(),
        silences: silences(),
    });
    out
}

fn cost_lines(region: &str, provider: &str, ri: usize) -> Vec<CostLine> {
    let last = jiff::civil::date(2026, 11, 17);
    let mut lines = Vec::new();
    for d in 0..30i64 {
        let Ok(day) = last.checked_sub(jiff::Span::new().days(d)) else {
            continue;
        };
        for (si, svc) in SERVICES.iter().enumerate() {
            let base = [210.0, 150.0, 120.0, 260.0][si] * [1.0, 0.9, 0.6, 0.45][ri];
            let noise = 1.0 + 0.03 * (((d * 7 + si as i64 * 3) % 5) as f64 - 2.0) / 2.0;
            let spike = if degraded(region, svc) && d == 5 {
                3.2
            } else {
                1.0
            };
            lines.push(CostLine {
                day,
                provider: provider.into(),
                region: region.into(),
                service: Some(svc.to_string()),
                amount: (base * noise * spike * 100.0).round() / 100.0,
                currency: "USD".into(),
            });
        }
        lines.push(CostLine {
            day,
            provider: provider.into(),
            region: region.into(),
            service: None,
            amount: 55.0 * [1.0, 0.9, 0.6, 0.45][ri],
            currency: "USD".into(),
        });
    }
    lines
}

/// `n` more pods in `region` (for the 100k-pod benchmark).
pub fn many_pods(region: &str, n: usize) -> Update {
    let namespace = ns();
    let status: Arc<str> = Arc::from("Running");
    let owner: Arc<str> = Arc::from("bulk-5d8f7c9b6");
    let rows = (0..n)
        .map(|i| {
            KubeRow::Pod(PodRow {
                namespace: namespace.clone(),
                name: format!("bulk-5d8f7c9b6-{i:06}").into(),
                owner: Some(owner.clone()),
                node: Some(Arc::from(format!("node-{region}-{}", i % 3).as_str())),
                status: status.clone(),
                ready: i % 97 != 0,
                restarts: (i % 5) as u32,
                created: ago(3600 + (i % 1000) as i64),
            })
        })
        .collect();
    kube(region, KubeChange::Replace(KubeKind::Pod, rows))
}
