//! The embedded fleet: a simulated multi-region world served over the real
//! wire protocols on loopback.
//!
//! # World
//! [`World::generate`] builds a seeded, deterministic fleet from a
//! [`SimConfig`]: one cluster per region (aws us-east-1, aws eu-west-1, gcp
//! europe-west4, azure eastus by default), nodes, namespaces, the shop
//! services (`checkout`, `catalog`, `payments`, `search` in namespace `shop`)
//! as Deployments with two revisions, a Service per app with ExternalDNS
//! weighted-record annotations, HPAs, leases, and background deployments in
//! `platform` up to `pods_per_cluster`. A simulated clock ([`clock::Clock`],
//! `speed` times the wall clock) drives the deployment, ReplicaSet, pod
//! lifecycle and HPA controllers.
//!
//! # Snapshot (for telemetry)
//! [`World::snapshot`] returns a [`WorldSnapshot`]: per region its provider,
//! cloud region, `failed` flag and faults, nodes (instance type, zone,
//! capacity), and per deployment desired/ready/updated/available replicas,
//! images, `bad_release`, `traffic_weight`, HPA bounds, per-pod resource
//! requests and pods (name, node, ready, restarts). It takes each cluster's
//! lock briefly and copies plain data. A running [`Sim`] hands out its world
//! with [`Sim::world`].
//!
//! # Server
//! [`Sim::start`] serves every cluster under `/clusters/<region>` on
//! 127.0.0.1 (Kubernetes REST: discovery, tables, list/watch, patch, scale,
//! logs, SelfSubjectAccessReview), with bearer tokens per role, and a control
//! endpoint `POST /control/regions/<region>/faults` for fault injection.

pub mod api;
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
pub mod kind;
pub mod kubeconfig;
pub mod lifecycle;
pub mod normalize;
pub mod obj;
pub mod patch;
pub mod pod;
pub mod replicaset;
pub mod rng;
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
