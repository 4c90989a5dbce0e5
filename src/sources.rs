//! Adapters to the outside world. Each runs as tasks that send
//! [`crate::model::state::Update`] messages; none touches UI state.

pub mod http;
pub mod kube;
pub mod prometheus;
pub mod redact;
