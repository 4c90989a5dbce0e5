//! The fleet's vocabulary: plain data the sources fill and the console and
//! commands draw. No I/O here, and no other module of the crate is imported.

pub mod alert;
pub mod cost;
pub mod health;
pub mod kube;
pub mod query;
pub mod slo;
pub mod snapshot;
pub mod source;
pub mod state;

pub use alert::{Alert, AlertState, Silence};
pub use cost::CostLine;
pub use health::Health;
pub use kube::{DeploymentRow, EventRow, HpaRow, NodeRow, PodRow, ReplicaSetRow, RoutingRow};
pub use slo::SloValues;
pub use snapshot::{FleetSnapshot, RegionSpec, RegionView, ServiceCell, ServiceSpec};
pub use source::{SourceKind, SourceStatus};

/// Seconds since the Unix epoch, as the sources stamp their data.
pub type Timestamp = jiff::Timestamp;
