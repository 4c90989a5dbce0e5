//! Everything that can happen to the console: keys, resizes, time, data from
//! the sources, and the results of effects.

use crossterm::event::KeyEvent;

use super::effect::LogStreamId;
use super::op_preview::PlanOutcome;
use crate::control::journal::{Entry, Summary};
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
    /// The answer to `Effect::PlanOperation { id, .. }`.
    Planned {
        id: u64,
        outcome: Box<PlanOutcome>,
    },
    /// A detached operation process started; its output goes to `log`.
    OperationSpawned {
        what: String,
        pid: u32,
        log: std::path::PathBuf,
    },
    /// Journals that changed since the follower last looked (all of them
    /// the first time), or why the journal directory cannot be read.
    Journals {
        changed: Vec<(Summary, Vec<Entry>)>,
        error: Option<String>,
    },
    /// Something worth a line in the footer.
    Notice(String),
    /// SIGTERM or SIGHUP: leave now.
    Terminate,
}
