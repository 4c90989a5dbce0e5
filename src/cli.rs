//! Non-interactive commands: they share `config`, `sources` and `control`
//! with the console and print tables or JSON.

pub mod alerts;
pub mod config_cmd;
pub mod costs;
pub mod exit;
pub mod init;
pub mod ops;
pub mod ops_journal;
pub mod ops_render;
pub mod output;
pub mod read;
pub mod status;
pub mod workloads;
