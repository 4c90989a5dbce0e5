//! The guarded operations engine. An [`Operation`] (what the operator asked)
//! is planned against the live fleet into a [`Plan`] of typed [`Step`]s;
//! guards (read-only, bounds, RBAC, the per-service lease) refuse before
//! anything changes; the [`execute`] task runs the steps — each reads before
//! it writes, so a resumed operation never sends one twice — and journals
//! intent and result of every step before and after it runs.
//!
//! `control` knows no screen: the CLI and the console call the same code and
//! receive the same [`execute::Progress`] events.

pub mod canary;
pub mod clients;
pub mod error;
pub mod execute;
pub mod gate;
pub mod guard;
pub mod journal;
pub mod kube_ops;
pub mod lease;
pub mod notify;
pub mod operation;
pub mod plan;
pub mod record;
pub mod router;
pub mod stats;
pub mod step;

pub use error::Refusal;
pub use operation::Operation;
pub use plan::Plan;
pub use step::{Action, ObjectRef, Step};

/// Who runs an operation: the person (login name) and the machine. Goes into
/// the journal, the lease holder and the Kubernetes Events; never a credential.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    pub identity: String,
    pub host: String,
}

impl Actor {
    /// `$USER` (or `$LOGNAME`) and the host name of this machine.
    pub fn current() -> Self {
        let identity = ["OPSDECK_IDENTITY", "USER", "LOGNAME"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
            .unwrap_or_else(|| "unknown".into());
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .or_else(|| std::env::var("HOSTNAME").ok())
            .unwrap_or_else(|| "localhost".into());
        Self {
            identity: crate::sanitize::clean(&identity).into_owned(),
            host: crate::sanitize::clean(&host).into_owned(),
        }
    }

    /// `alice@bastion-1`
    pub fn label(&self) -> String {
        format!("{}@{}", self.identity, self.host)
    }
}
