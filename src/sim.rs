//! The embedded fleet: a simulated multi-region world served over the real
//! wire protocols on loopback.

pub mod telemetry;
