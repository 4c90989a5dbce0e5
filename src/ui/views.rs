//! One module per view.

pub mod alerts;
pub mod costs;
pub mod fleet;
pub mod fleet_list;
pub mod fleet_matrix;
pub mod logs;
pub mod operations;
pub mod region;
pub mod service;
