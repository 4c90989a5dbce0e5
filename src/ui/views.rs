//! One module per view.

pub mod alerts;
pub mod costs;
pub mod fleet;
pub mod logs;
pub mod operations;
pub mod region;
pub mod service;
