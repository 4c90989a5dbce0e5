//! Side effects as data: `update()` returns them, the runtime performs the
//! terminal ones (quit, clipboard) and hands the rest to the effect executor.

use std::time::Duration;

use url::Url;

use crate::control::Operation;
use crate::model::alert::Matcher;

/// What a detached operation process is asked to do.
#[derive(Debug, Clone, PartialEq)]
pub enum OpCommand {
    Run(Operation),
    Resume(String),
    Undo(String),
    /// Ask a running operation to hold before its next step, or to go on
    /// (`opsdeck ops pause|continue ID`: an annotation on its Lease).
    Pause(String),
    Continue(String),
}

impl OpCommand {
    /// The `opsdeck` arguments (after the global ones) that run it without
    /// a question, or `None` for operations the console does not start.
    pub fn args(&self) -> Option<Vec<String>> {
        let mut a: Vec<String> = match self {
            OpCommand::Run(Operation::Scale {
                service,
                regions,
                replicas,
            }) => vec![
                "scale".into(),
                service.clone(),
                "--region".into(),
                regions.join(","),
                "--replicas".into(),
                replicas.to_string(),
            ],
            OpCommand::Run(Operation::Rollback {
                service,
                region,
                to_revision,
            }) => {
                let mut v = vec![
                    "rollback".into(),
                    service.clone(),
                    "--region".into(),
                    region.clone(),
                ];
                if let Some(r) = to_revision {
                    v.extend(["--to-revision".into(), r.to_string()]);
                }
                v
            }
            OpCommand::Run(Operation::Restart { service, region }) => vec![
                "restart".into(),
                service.clone(),
                "--region".into(),
                region.clone(),
            ],
            OpCommand::Run(Operation::Deploy {
                service,
                image,
                container,
                regions,
            }) => {
                let mut v = vec![
                    "deploy".into(),
                    service.clone(),
                    "--image".into(),
                    image.clone(),
                ];
                if let Some(c) = container {
                    v.extend(["--container".into(), c.clone()]);
                }
                if !regions.is_empty() {
                    v.extend(["--regions".into(), regions.join(",")]);
                }
                v
            }
            OpCommand::Run(Operation::Failover {
                services,
                from,
                to,
                scale_down,
                allow_shortfall,
            }) if services.len() <= 1 => {
                let mut v: Vec<String> = vec!["failover".into()];
                v.extend(services.iter().cloned());
                v.extend(["--from".into(), from.clone()]);
                if !to.is_empty() {
                    v.extend(["--to".into(), to.join(",")]);
                }
                if *scale_down {
                    v.push("--scale-down".into());
                }
                if *allow_shortfall {
                    v.push("--allow-shortfall".into());
                }
                v
            }
            OpCommand::Run(Operation::Failback { services, to }) if services.len() <= 1 => {
                let mut v: Vec<String> = vec!["failback".into()];
                v.extend(services.iter().cloned());
                v.extend(["--to".into(), to.clone()]);
                v
            }
            OpCommand::Run(_) => return None,
            OpCommand::Resume(id) => vec!["ops".into(), "resume".into(), id.clone()],
            OpCommand::Undo(id) => vec!["ops".into(), "undo".into(), id.clone()],
            OpCommand::Pause(id) => vec!["ops".into(), "pause".into(), id.clone()],
            OpCommand::Continue(id) => vec!["ops".into(), "continue".into(), id.clone()],
        };
        a.extend(["--yes".into(), "-o".into(), "json".into()]);
        if matches!(self, OpCommand::Run(_)) {
            a.extend(["--reason".into(), "started from the opsdeck console".into()]);
        }
        Some(a)
    }

    pub fn describe(&self) -> String {
        match self {
            OpCommand::Run(op) => op.describe(),
            OpCommand::Resume(id) => format!("resume operation {id}"),
            OpCommand::Undo(id) => format!("undo operation {id}"),
            OpCommand::Pause(id) => format!("pause operation {id}"),
            OpCommand::Continue(id) => format!("continue operation {id}"),
        }
    }
}

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
    /// Watch every cluster of a region in `metrics` mode while the operator
    /// looks at it (pods, events, ReplicaSets come only from a watch).
    WatchRegion {
        region: String,
    },
    /// Stop those watches and forget what they listed.
    UnwatchRegion {
        region: String,
    },
    /// Plan `op` against the live fleet, run the guards and the server-side
    /// dry run; the answer comes back as `Msg::Planned { id, .. }`.
    PlanOperation {
        id: u64,
        op: Operation,
    },
    /// Start an operation in a detached `opsdeck` process of its own, which
    /// outlives the console; `Msg::OperationSpawned` says it started.
    StartOperation(OpCommand),
    /// Ask the process running operation `id` to abort (SIGINT, as Ctrl-C).
    AbortOperation {
        id: String,
        pid: u32,
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
            Effect::WatchRegion { region } => format!("watch {region}"),
            Effect::UnwatchRegion { region } => format!("stop watching {region}"),
            Effect::PlanOperation { op, .. } => format!("plan: {}", op.describe()),
            Effect::StartOperation(c) => format!("start: {}", c.describe()),
            Effect::AbortOperation { id, .. } => format!("abort operation {id}"),
            Effect::CopyToClipboard(_) => "copy to clipboard".into(),
            Effect::RefreshNow => "refresh".into(),
            Effect::Quit => "quit".into(),
        }
    }
}
