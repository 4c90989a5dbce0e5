//! Small drawing helpers shared by the views.

pub mod spark;
pub mod table;
