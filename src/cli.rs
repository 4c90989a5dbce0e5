//! Non-interactive commands: they share `config`, `sources` and `control`
//! with the console and print tables or JSON.

pub mod config_cmd;
pub mod exit;
