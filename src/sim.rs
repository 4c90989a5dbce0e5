//! The embedded fleet: a simulated multi-region world served over the real
//! wire protocols on loopback.
//!
//! # World
//! [`World::generate`] builds a seeded, deterministic fleet from a
//! [`SimConfig`]: one cluster per region (aws us-east-1, aws eu-west-1, gcp
//! europe-west4, azure eastus by default; more regions continue with aws
//! us-west-2, gcp us-central1, azure westeurope, ...), nodes (instance type,
//! zone, capacity), namespaces, the shop services (`checkout`, `catalog`,
//! `payments`, `search` in namespace `shop`) as Deployments with two
//! revisions, a Service per app with ExternalDNS weighted-record annotations
//! (`external-dns.alpha.kubernetes.io/set-identifier`, `.../aws-weight`),
//! HPAs on `checkout` and `search`, the traffic routes of every shop
//! service (an Istio `VirtualService` with a weighted destination
//! `<svc>.<region>.svc.cluster.local` per region and a Gateway API
//! `HTTPRoute` with a weighted backendRef `<svc>-<region>` per region, the
//! same full table in every cluster; see [`routing`] and
//! [`world::routes`]), control-plane leases, and background
//! deployments in `platform` up to `pods_per_cluster`. The same seed gives
//! the same names, uids and (with `start_ms`) timestamps.
//!
//! A simulated clock ([`clock::Clock`], `speed` times the wall clock) drives
//! the controllers every 100 ms: deployments ([`controller`]: revisions,
//! pod-template-hash, rolling update / Recreate, progress deadline,
//! conditions, events), ReplicaSets ([`replicaset`]), the pod lifecycle
//! ([`lifecycle`]: Pending -> ContainerCreating -> Running/Ready after ~1.5
//! simulated seconds; a tag containing `bad` goes ImagePullBackOff, `crash`
//! CrashLoopBackOff, see [`Settings`]), the HPA ([`hpa`]) and leases.
//!
//! # Snapshot (for telemetry)
//! [`World::snapshot`] returns a [`WorldSnapshot`] of plain data:
//! - per region ([`snapshot::RegionSnapshot`]): `name`, `provider`,
//!   `cloud_region`, `failed`, `faults`, `nodes`, `deployments`,
//!   `virtual_services` and `http_routes` ([`snapshot::routes::RouteSnapshot`]:
//!   `namespace`, `name`, `backends` as (host or backendRef name, weight));
//! - per node ([`snapshot::NodeSnapshot`]): `instance_type`, `zone`,
//!   `cpu_millis`, `memory_bytes`, `max_pods`;
//! - per deployment ([`snapshot::DeploymentSnapshot`]): `namespace`, `name`,
//!   `desired`, `ready`, `updated`, `available`, `revision`, `images`,
//!   `bad_release`, `paused`, `traffic_weight` (the Service's aws-weight),
//!   `hpa` bounds, per-pod `requests` (`cpu_millis`, `memory_bytes`) and
//!   `pods` ([`snapshot::PodSnapshot`]: `name`, `node`, `image`, `ready`,
//!   `restarts`, `terminating`).
//!
//! It locks one cluster at a time, briefly, and copies. A running [`Sim`]
//! hands out its world with [`Sim::world`] (an `Arc<World>`) and a shortcut
//! [`Sim::snapshot`]; `GET /control/snapshot` serves it as JSON.
//!
//! # Server
//! [`Sim::start`] serves every cluster under `/clusters/<region>` on one
//! 127.0.0.1 port, plain HTTP and TLS on the same port (kubectl sends bearer
//! tokens only over https, so the kubeconfig uses `https://` with the CA of
//! [`tls`]). Kubernetes REST: discovery (aggregated and legacy), `/version`
//! (v1.32), Tables, list/watch with selectors, bookmarks, paging and 410
//! expiry, strategic-merge / merge / JSON patch, PUT, `dryRun=All`, 409 on
//! stale resourceVersions, `deployments/scale`, pod logs and
//! SelfSubjectAccessReview (JSON and protobuf). Bearer tokens per role
//! ([`auth`]): viewer, operator, admin; none: 401; denied: 403 Status.
//! With an audit log ([`audit`]; `--audit-log PATH`, [`fleet::FleetConfig`]'s
//! `audit_log`, [`server::ServeOptions::audit_log`]) every mutating request
//! is appended as one kube-apiserver `audit.k8s.io/v1` Event JSON line.
//!
//! Faults ([`fault`]), per region, at start (`--fault REGION:KIND`) or at run
//! time through `POST /control/regions/<region>/faults` (admin token;
//! [`api::control`]): `refuse` (connections closed without an answer),
//! `unavailable` (503), `latency_ms`, `failed` (pods NotReady, error logs),
//! `expire_watches` (open watches end with 410, resumes from older versions
//! get 410). [`kubeconfig`] writes the kubeconfig and `opsdeck.toml`;
//! [`cmd`] holds `opsdeck sim` and `opsdeck demo`.
//!
//! # Traffic routers
//! `opsdeck sim --router external-dns|istio|gateway-api`
//! ([`routing::TrafficRouter`], [`fleet::FleetConfig`]'s `router`) picks
//! where the telemetry reads each region's traffic weight: the region's
//! Service annotation, or the route weight of that region in the first
//! region's VirtualService / HTTPRoute ([`fleet::adapter::world_input_via`]).
//! The written `opsdeck.toml` names the same router in every service's
//! `[services.traffic]`.

pub mod api;
pub mod audit;
pub mod auth;
pub mod clock;
pub mod cluster;
pub mod cmd;
pub mod config;
pub mod controller;
pub mod events;
pub mod fault;
pub mod fleet;
pub mod hash;
pub mod hpa;
pub mod json_cache;
pub mod kind;
pub mod kubeconfig;
pub mod lifecycle;
pub mod normalize;
pub mod obj;
pub mod patch;
pub mod pod;
pub mod replicaset;
pub mod rng;
pub mod routing;
pub mod server;
pub mod snapshot;
pub mod store;
pub mod telemetry;
pub mod tls;
pub mod world;

pub use config::{Settings, SimConfig};
pub use fault::{FaultPatch, Faults};
pub use server::Sim;
pub use snapshot::WorldSnapshot;
pub use world::World;
