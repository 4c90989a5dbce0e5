//! Everything that can happen to the console: keys, resizes, time, data from
//! the sources, and the results of effects.

use crossterm::event::KeyEvent;

use super::effect::LogStreamId;
use crate::model::Timestamp;
use crate::model::state::Update;

/// One line of a followed log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// The pod that wrote it (shown as a label when following a deployment).
    pub pod: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    /// The clock moved on (the runtime ticks once a second).
    Tick(Timestamp),
    /// A batch of source updates, applied together.
    Data(Vec<Update>),
    SilenceCreated {
        ha_cluster: String,
        id: String,
    },
    SilenceExpired {
        ha_cluster: String,
        id: String,
    },
    LogLines {
        id: LogStreamId,
        lines: Vec<LogLine>,
    },
    /// The stream ended (pod gone, connection closed); `reason` if it failed.
    LogsEnded {
        id: LogStreamId,
        reason: Option<String>,
    },
    /// An effect could not be carried out; `what` is `Effect::describe()`.
    EffectFailed {
        what: String,
        error: String,
    },
    /// SIGTERM or SIGHUP: leave now.
    Terminate,
}
