//! The console application: state, messages, update, and the terminal it runs in.
//!
//! - [`state::AppState`]: what the console shows and remembers.
//! - [`msg::Msg`]: what can happen (keys, data, effect results).
//! - [`update::update`]: the only place state changes; returns [`effect::Effect`]s.
//! - [`runtime::run`]: the one `tokio::select!` loop that feeds `update`,
//!   draws, and hands effects to the executor.

pub mod clipboard;
pub mod costs;
pub mod derived;
pub mod drill;
pub mod effect;
pub mod executor;
pub mod first_live;
#[cfg(any(test, feature = "testing"))]
pub mod fixtures;
pub mod fleet_list;
pub mod fuzzy;
pub mod journal_follow;
pub mod launch;
pub mod lists;
pub mod msg;
pub mod op_form;
pub mod op_preview;
pub mod operator;
pub mod ops_state;
pub mod pacer;
pub mod palette;
pub mod pod_counts;
pub mod runtime;
pub mod silence_form;

pub mod state;
pub mod terminal;
pub mod update;

pub use effect::{Effect, LogStreamId, LogTarget};
pub use msg::{LogLine, Msg};
pub use runtime::run;
pub use state::AppState;
pub use update::update;
