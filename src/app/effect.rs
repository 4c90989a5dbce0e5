//! Side effects as data: `update()` returns them, the runtime performs the
//! terminal ones (quit, clipboard) and hands the rest to the effect executor.

use std::time::Duration;

use url::Url;

use crate::model::alert::Matcher;

/// Identifies one log stream from `StartLogs` to `StopLogs` and `Msg::LogLines`.
pub type LogStreamId = u64;

/// What a log stream follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogTarget {
    Pod(String),
    /// Every pod of the deployment, interleaved; each line names its pod.
    Deployment(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Create one silence in one Alertmanager HA cluster: the executor posts
    /// it to the first member of `alertmanagers` that answers (members
    /// replicate silences between themselves).
    CreateSilence {
        ha_cluster: String,
        alertmanagers: Vec<Url>,
        matchers: Vec<Matcher>,
        duration: Duration,
        comment: String,
        created_by: String,
    },
    /// Expire a silence in the HA cluster that holds it.
    ExpireSilence {
        ha_cluster: String,
        alertmanagers: Vec<Url>,
        id: String,
    },
    /// Follow logs; lines come back as `Msg::LogLines { id, .. }`.
    StartLogs {
        id: LogStreamId,
        region: String,
        context: String,
        namespace: String,
        target: LogTarget,
        /// `None`: the pod's default container.
        container: Option<String>,
        /// Lines of history to start with.
        tail: u32,
    },
    StopLogs {
        id: LogStreamId,
    },
    /// Written by the runtime to the terminal as OSC 52.
    CopyToClipboard(String),
    /// Ask every source to refresh now.
    RefreshNow,
    /// Handled by the runtime: restore the terminal and return.
    Quit,
}

impl Effect {
    /// A short description for status lines and `Msg::EffectFailed`.
    pub fn describe(&self) -> String {
        match self {
            Effect::CreateSilence { ha_cluster, .. } => format!("create silence in {ha_cluster}"),
            Effect::ExpireSilence { ha_cluster, id, .. } => {
                format!("expire silence {id} in {ha_cluster}")
            }
            Effect::StartLogs { target, .. } => match target {
                LogTarget::Pod(p) => format!("follow logs of pod {p}"),
                LogTarget::Deployment(d) => format!("follow logs of deployment {d}"),
            },
            Effect::StopLogs { id } => format!("stop log stream {id}"),
            Effect::CopyToClipboard(_) => "copy to clipboard".into(),
            Effect::RefreshNow => "refresh".into(),
            Effect::Quit => "quit".into(),
        }
    }
}
