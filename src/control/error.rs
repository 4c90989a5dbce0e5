//! Why an operation did not run or did not finish, and the exit code each
//! reason maps to (README: 1 failed, 2 usage, 4 refused, 5 unreachable).

use serde::Serialize;

/// A guard refused the plan before anything changed. Each names its rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "guard", rename_all = "camelCase")]
pub enum Refusal {
    /// Read-only is on (globally or for one context); `rule` names who set it.
    #[serde(rename_all = "camelCase")]
    ReadOnly { rule: String },
    /// Outside the replica bounds of the config.
    #[serde(rename_all = "camelCase")]
    Bounds { message: String },
    /// A SelfSubjectAccessReview said no.
    #[serde(rename_all = "camelCase")]
    Rbac {
        context: String,
        permission: String,
        reason: String,
    },
    /// Another live operation holds the service's lease.
    #[serde(rename_all = "camelCase")]
    Lease {
        context: String,
        lease: String,
        holder: String,
        since: String,
    },
    /// No confirmation (no terminal and no `--yes`, or the answer was no).
    #[serde(rename_all = "camelCase")]
    Confirmation { message: String },
    /// A safety rule of the plan itself (paused deployment, ...).
    #[serde(rename_all = "camelCase")]
    Safety { message: String },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::ReadOnly { rule } => write!(f, "refused: read-only ({rule})"),
            Refusal::Bounds { message } => write!(f, "refused by bounds: {message}"),
            Refusal::Rbac {
                context,
                permission,
                reason,
            } => {
                write!(
                    f,
                    "refused by RBAC: missing permission `{permission}` in context {context}"
                )?;
                if !reason.is_empty() {
                    write!(f, " ({reason})")?;
                }
                Ok(())
            }
            Refusal::Lease {
                context,
                lease,
                holder,
                since,
            } => write!(
                f,
                "refused: another operation holds lease {lease} in context {context}: {holder} (since {since})"
            ),
            Refusal::Confirmation { message } => write!(f, "refused: {message}"),
            Refusal::Safety { message } => write!(f, "refused: {message}"),
        }
    }
}

/// Anything that stops an operation command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControlError {
    /// Unknown service, region, revision or operation id (exit 2).
    Usage(String),
    /// A guard said no before anything changed (exit 4).
    Refused(Refusal),
    /// A cluster or source could not be reached (exit 5).
    Unreachable(String),
    /// The operation (or its planning) failed (exit 1).
    Failed(String),
}

impl ControlError {
    pub fn exit_code(&self) -> u8 {
        match self {
            ControlError::Usage(_) => 2,
            ControlError::Refused(_) => 4,
            ControlError::Unreachable(_) => 5,
            ControlError::Failed(_) => 1,
        }
    }
}

impl std::fmt::Display for ControlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ControlError::Usage(m) | ControlError::Unreachable(m) | ControlError::Failed(m) => {
                f.write_str(m)
            }
            ControlError::Refused(r) => r.fmt(f),
        }
    }
}

impl From<Refusal> for ControlError {
    fn from(r: Refusal) -> Self {
        ControlError::Refused(r)
    }
}

/// A kube error as the operator reads it: code, reason and message, no
/// credentials; connection problems are "unreachable".
pub fn kube(context: &str, what: &str, e: &kube::Error) -> ControlError {
    let text = crate::sources::kube::client::describe(e);
    match e {
        kube::Error::HyperError(_) | kube::Error::Service(_) => {
            ControlError::Unreachable(format!("{what}: context {context} unreachable: {text}"))
        }
        _ => ControlError::Failed(format!("{what} in {context}: {text}")),
    }
}
