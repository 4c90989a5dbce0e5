//! opsdeck: a terminal operations console for multi-region Kubernetes fleets.
//!
//! The module layout follows `ARCHITECTURE.md`: `config` (file shapes and
//! resolution), `model` (the fleet's vocabulary), `sources` (adapters to the
//! outside world), `app` (state, messages, update, runtime), `ui` (pure
//! drawing), `cli` (non-interactive commands) and `sim` (the embedded fleet).

pub mod alloc_tuning;
pub mod app;
pub mod cli;
pub mod config;
pub mod control;
pub mod model;
pub mod sanitize;
pub mod sim;
pub mod sources;
pub mod ui;
