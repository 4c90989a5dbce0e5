//! opsdeck: a terminal operations console for multi-region Kubernetes fleets.
//!
//! The module layout follows `ARCHITECTURE.md`: `config` (file shapes and
//! resolution), `sim` (the embedded fleet), and later `model`, `sources`,
//! `control`, `app`, `ui` and `cli`.

pub mod app;
pub mod cli;
pub mod config;
pub mod model;
pub mod sim;
pub mod ui;
