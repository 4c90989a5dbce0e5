//! Building one cluster of the seeded world: namespaces, nodes, the shop
//! services (two revisions each), background deployments, Services with
//! traffic weights, the traffic routes (VirtualService, HTTPRoute), HPAs
//! and leases. The controllers themselves roll the
//! deployments out, at a frozen time in the past, with no delays.

use std::sync::Arc;

use serde_json::{Value, json};

use super::super::clock::{Clock, Millis, rfc3339, rfc3339_micro};
use super::super::cluster::{Cluster, Region, key};
use super::super::config::{Settings, SimConfig};
use super::super::kind::Kind;
use super::super::normalize::normalize;
use super::super::rng::Rng;
use super::catalog::{App, FILLER_MAX, FILLERS, NAMESPACES, SHOP, instance_type};
use super::routes::{self, INITIAL_WEIGHT};

const DAY: Millis = 86_400_000;

/// The traffic weight annotation (ExternalDNS weighted records).
pub const WEIGHT: &str = "external-dns.alpha.kubernetes.io/aws-weight";
/// The set-identifier annotation (ExternalDNS weighted records).
pub const SET_ID: &str = "external-dns.alpha.kubernetes.io/set-identifier";

/// Build one cluster.
pub fn cluster(
    region: Region,
    cfg: &SimConfig,
    settings: Arc<Settings>,
    clock: Arc<Clock>,
) -> Cluster {
    let seed_rng = Rng::new(cfg.seed).fork(&region.name);
    let mut c = Cluster::new(region, settings, clock.clone(), seed_rng.fork("runtime"));
    let mut rng = seed_rng.fork("build");
    let epoch = clock.epoch();
    c.ctl.quiet = true;
    c.frozen = Some(epoch - 30 * DAY);
    for ns in NAMESPACES {
        let v = json!({"metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns}}, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}});
        create(&mut c, &mut rng, Kind::Namespace, v);
    }
    let shop: usize = SHOP.iter().map(|a| a.replicas as usize).sum();
    let total = cfg.pods_per_cluster.max(shop);
    nodes(&mut c, &mut rng, total);

    // Revision 1 of every shop service, then background workloads.
    let patch: Vec<u64> = SHOP.iter().map(|_| 1 + rng.below(8)).collect();
    for (app, p) in SHOP.iter().zip(&patch) {
        let v = deployment(
            "shop",
            app,
            &format!("{}:{}.{}", app.repo, app.version, p - 1),
        );
        create(&mut c, &mut rng, Kind::Deployment, v);
    }
    let mut left = total - shop;
    let mut i = 0;
    while left > 0 {
        let n = left.min(FILLER_MAX);
        let base = FILLERS[i % FILLERS.len()];
        let name = if i < FILLERS.len() {
            base.to_string()
        } else {
            format!("{base}-{}", i / FILLERS.len())
        };
        let app = App {
            name: "",
            replicas: n as i64,
            repo: "",
            version: "",
            cpu_m: 100,
            mem_mi: 128,
            port: 8080,
            hpa: None,
        };
        let image = format!(
            "registry.example.com/platform/{base}:2.{}.{}",
            rng.below(10),
            rng.below(10)
        );
        let v = deployment_named("platform", &name, &app, &image);
        create(&mut c, &mut rng, Kind::Deployment, v);
        left -= n;
        i += 1;
    }
    settle_all(&mut c);

    // Revision 2 of the shop services, a few days ago.
    c.frozen = Some(epoch - 3 * DAY);
    for (app, p) in SHOP.iter().zip(&patch) {
        if let Some(d) = c.doc(Kind::Deployment, "shop", app.name) {
            let mut v = (*d).clone();
            v["spec"]["template"]["spec"]["containers"][0]["image"] =
                json!(format!("{}:{}.{}", app.repo, app.version, p));
            v["metadata"]["generation"] = json!(2);
            c.put(Kind::Deployment, v);
        }
    }
    settle_all(&mut c);
    let names: Vec<String> = super::regions(cfg.regions.max(1))
        .into_iter()
        .map(|r| r.name)
        .collect();
    for app in SHOP {
        service(&mut c, &mut rng, app);
        if let Some((min, max)) = app.hpa {
            hpa(&mut c, &mut rng, app.name, min, max);
        }
        create(
            &mut c,
            &mut rng,
            Kind::VirtualService,
            routes::virtual_service(app.name, &names),
        );
        create(
            &mut c,
            &mut rng,
            Kind::HttpRoute,
            routes::http_route(app.name, &names),
        );
    }
    for name in ["kube-controller-manager", "kube-scheduler"] {
        let holder = format!("{name}-{}", rng.hex(8));
        let v = json!({"metadata": {"name": name, "namespace": "kube-system"}, "spec": {
            "holderIdentity": holder, "leaseDurationSeconds": 15, "acquireTime": rfc3339_micro(epoch - 30 * DAY),
            "renewTime": rfc3339_micro(epoch), "leaseTransitions": 0}});
        create(&mut c, &mut rng, Kind::Lease, v);
    }
    c.frozen = None;
    c.ctl.quiet = false;
    c.ctl.last_hpa = epoch;
    c.ctl.last_lease = epoch;
    c.history.clear();
    c.floor = c.rv;
    c
}

fn settle_all(c: &mut Cluster) {
    let ds: Vec<_> = c
        .docs
        .get(&Kind::Deployment)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    c.ctl.active.extend(ds);
    c.settle();
}

/// Store a new object with uid, creationTimestamp and generation.
pub fn create(c: &mut Cluster, rng: &mut Rng, kind: Kind, mut v: Value) -> Arc<Value> {
    normalize(kind, &mut v);
    let m = super::super::obj::obj_mut(&mut v, &["metadata"]);
    m.insert("uid".into(), json!(rng.uuid()));
    m.insert("creationTimestamp".into(), json!(rfc3339(c.now())));
    if kind.has_generation() {
        m.entry("generation").or_insert(json!(1));
    }
    let ns = super::super::obj::namespace(&v).to_string();
    let name = super::super::obj::name(&v).to_string();
    if kind == Kind::Deployment {
        c.ctl.active.insert(key(&ns, &name));
    }
    c.put(kind, v)
}

fn nodes(c: &mut Cluster, rng: &mut Rng, pods: usize) {
    let region = c.region.clone();
    let (itype, cpu, mem) = instance_type(&region.provider);
    let count = pods.div_ceil(100).max(3);
    for i in 0..count {
        let zone = &region.zones[i % region.zones.len()];
        let ip = format!(
            "10.{}.{}.{}",
            i / 250 % 250,
            1 + i % 250,
            10 + rng.below(200)
        );
        let name = match region.provider.as_str() {
            "gcp" => format!(
                "gke-{}-default-pool-{}-{}",
                region.name,
                rng.hex(8),
                rng.suffix(4)
            ),
            "azure" => format!(
                "aks-nodepool1-{}-vmss{:06x}",
                10_000_000 + rng.below(89_999_999),
                i
            ),
            _ => format!(
                "ip-{}.{}.compute.internal",
                ip.replace('.', "-"),
                region.name
            ),
        };
        let v = json!({
            "metadata": {"name": name, "labels": {
                "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
                "node.kubernetes.io/instance-type": itype, "topology.kubernetes.io/region": region.cloud_region,
                "topology.kubernetes.io/zone": zone}},
            "spec": {"providerID": format!("{}://{}/{}", region.provider, zone, name), "podCIDR": format!("10.{}.{}.0/24", 100 + i / 250, i % 250)},
            "status": {
                "capacity": {"cpu": cpu.to_string(), "memory": format!("{}Ki", mem * 1024 * 1024), "pods": "110", "ephemeral-storage": "104845292Ki"},
                "allocatable": {"cpu": format!("{}m", cpu * 1000 - 90), "memory": format!("{}Ki", mem * 1024 * 1024 - 1_500_000), "pods": "110", "ephemeral-storage": "96625420948"},
                "conditions": [
                    {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory", "message": "kubelet has sufficient memory available", "lastHeartbeatTime": rfc3339(c.now()), "lastTransitionTime": rfc3339(c.now())},
                    {"type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure", "message": "kubelet has no disk pressure", "lastHeartbeatTime": rfc3339(c.now()), "lastTransitionTime": rfc3339(c.now())},
                    {"type": "PIDPressure", "status": "False", "reason": "KubeletHasSufficientPID", "message": "kubelet has sufficient PID available", "lastHeartbeatTime": rfc3339(c.now()), "lastTransitionTime": rfc3339(c.now())},
                    {"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status", "lastHeartbeatTime": rfc3339(c.now()), "lastTransitionTime": rfc3339(c.now())}],
                "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
                "nodeInfo": {"kubeletVersion": "v1.32.4", "kubeProxyVersion": "v1.32.4", "osImage": "Ubuntu 22.04.5 LTS",
                    "kernelVersion": "6.8.0-1021", "containerRuntimeVersion": "containerd://1.7.24", "architecture": "amd64",
                    "operatingSystem": "linux", "machineID": rng.hex(32), "systemUUID": rng.uuid(), "bootID": rng.uuid()},
            },
        });
        create(c, rng, Kind::Node, v);
        c.ctl.nodes.push((name, ip));
    }
}

/// A Deployment for a shop service.
fn deployment(ns: &str, app: &App, image: &str) -> Value {
    deployment_named(ns, app.name, app, image)
}

fn deployment_named(ns: &str, name: &str, app: &App, image: &str) -> Value {
    json!({
        "metadata": {"name": name, "namespace": ns, "labels": {"app": name, "app.kubernetes.io/part-of": ns}},
        "spec": {
            "replicas": app.replicas,
            "selector": {"matchLabels": {"app": name}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{
                    "name": name,
                    "image": image,
                    "ports": [{"name": "http", "containerPort": app.port}],
                    "resources": {
                        "requests": {"cpu": format!("{}m", app.cpu_m), "memory": format!("{}Mi", app.mem_mi)},
                        "limits": {"memory": format!("{}Mi", app.mem_mi * 2)},
                    },
                }]},
            },
        },
    })
}

fn service(c: &mut Cluster, rng: &mut Rng, app: &App) {
    let region = c.region.name.clone();
    let ip = format!("10.96.{}.{}", rng.below(250), 1 + rng.below(250));
    let v = json!({
        "metadata": {"name": app.name, "namespace": "shop", "labels": {"app": app.name}, "annotations": {
            "external-dns.alpha.kubernetes.io/hostname": format!("{}.shop.example.com", app.name),
            SET_ID: region,
            WEIGHT: INITIAL_WEIGHT.to_string(),
        }},
        "spec": {"selector": {"app": app.name}, "clusterIP": ip, "clusterIPs": [ip],
            "ports": [{"name": "http", "port": 80, "targetPort": app.port}]},
        "status": {"loadBalancer": {}},
    });
    create(c, rng, Kind::Service, v);
}

fn hpa(c: &mut Cluster, rng: &mut Rng, target: &str, min: i64, max: i64) {
    let v = json!({
        "metadata": {"name": target, "namespace": "shop"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
            "minReplicas": min,
            "maxReplicas": max,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}],
        },
        "status": {"currentReplicas": 0, "desiredReplicas": 0},
    });
    create(c, rng, Kind::Hpa, v);
}
