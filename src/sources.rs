//! Adapters to the outside world. Each runs as tasks that send
//! [`crate::model::state::Update`] messages; none touches UI state.

pub mod alertmanager;
pub mod backoff;
pub mod billing;
pub mod first_answers;
pub mod fleet_metrics;
pub mod fleet_slo;
pub mod gather;
pub mod http;
pub mod hub;
pub mod kube;
pub mod needs;
pub mod prometheus;
pub mod redact;
pub mod specs;
pub mod ticker;
pub mod tls;
