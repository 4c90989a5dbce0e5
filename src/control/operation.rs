//! What the operator asked for, before it is planned. Plain data: it is
//! journaled, carried in effects and compared in tests.

use serde::{Deserialize, Serialize};

/// One operation. Progressive deploy, failover and failback join this enum
/// as more variants planned into the same kind of [`super::Plan`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Operation {
    /// Scale a service in one or more regions to `replicas`.
    #[serde(rename_all = "camelCase")]
    Scale {
        service: String,
        regions: Vec<String>,
        replicas: u32,
    },
    /// Roll a service back in one region, to the previous revision or to
    /// `to_revision` (the semantics of `kubectl rollout undo`).
    #[serde(rename_all = "camelCase")]
    Rollback {
        service: String,
        region: String,
        to_revision: Option<u64>,
    },
    /// A rolling restart of a service in one region.
    #[serde(rename_all = "camelCase")]
    Restart { service: String, region: String },
    /// Create a silence once per Alertmanager HA cluster.
    #[serde(rename_all = "camelCase")]
    SilenceCreate {
        matchers: Vec<String>,
        duration_seconds: u64,
        comment: String,
    },
    /// Expire a silence.
    #[serde(rename_all = "camelCase")]
    SilenceExpire { id: String },
    /// Progressive deploy of a new image, wave by wave, each gated on the
    /// SLO and a canary-vs-baseline comparison; a failure rolls back.
    #[serde(rename_all = "camelCase")]
    Deploy {
        service: String,
        image: String,
        container: Option<String>,
        /// Empty: every region of the config.
        regions: Vec<String>,
    },
    /// Move traffic off region `from` onto `to` (empty: every other
    /// serving region), for `services` (empty: every service of `from`).
    #[serde(rename_all = "camelCase")]
    Failover {
        services: Vec<String>,
        from: String,
        to: Vec<String>,
        scale_down: bool,
        allow_shortfall: bool,
    },
    /// Reverse the recorded failover of `services` (empty: every one) off `to`.
    #[serde(rename_all = "camelCase")]
    Failback { services: Vec<String>, to: String },
    /// Apply the recorded inverses of operation `of`, in reverse order.
    #[serde(rename_all = "camelCase")]
    Undo { of: String },
}

impl Operation {
    /// The service the operation acts on (the lease is taken per service).
    pub fn service(&self) -> Option<&str> {
        match self {
            Operation::Scale { service, .. }
            | Operation::Rollback { service, .. }
            | Operation::Restart { service, .. }
            | Operation::Deploy { service, .. } => Some(service),
            Operation::Failover { services, .. } | Operation::Failback { services, .. }
                if services.len() == 1 =>
            {
                services.first().map(String::as_str)
            }
            _ => None,
        }
    }

    /// A short verb for lists and Events: `scale`, `rollback`, ...
    pub fn verb(&self) -> &'static str {
        match self {
            Operation::Scale { .. } => "scale",
            Operation::Rollback { .. } => "rollback",
            Operation::Restart { .. } => "restart",
            Operation::SilenceCreate { .. } => "silence-create",
            Operation::SilenceExpire { .. } => "silence-expire",
            Operation::Undo { .. } => "undo",
            Operation::Deploy { .. } => "deploy",
            Operation::Failover { .. } => "failover",
            Operation::Failback { .. } => "failback",
        }
    }

    /// One line, as the operator would say it.
    pub fn describe(&self) -> String {
        match self {
            Operation::Scale {
                service,
                regions,
                replicas,
            } => format!(
                "scale {service} to {replicas} replicas in {}",
                regions.join(", ")
            ),
            Operation::Rollback {
                service,
                region,
                to_revision,
            } => match to_revision {
                Some(r) => format!("roll back {service} in {region} to revision {r}"),
                None => format!("roll back {service} in {region} to the previous revision"),
            },
            Operation::Restart { service, region } => {
                format!("restart {service} in {region}")
            }
            Operation::SilenceCreate {
                matchers,
                duration_seconds,
                ..
            } => format!(
                "silence {} for {}",
                matchers.join(", "),
                human_seconds(*duration_seconds)
            ),
            Operation::SilenceExpire { id } => format!("expire silence {id}"),
            Operation::Undo { of } => format!("undo operation {of}"),
            Operation::Deploy {
                service,
                image,
                regions,
                ..
            } => {
                let wh = if regions.is_empty() {
                    "every region".to_string()
                } else {
                    regions.join(", ")
                };
                format!("deploy {image} as {service} to {wh}")
            }
            Operation::Failover {
                services, from, to, ..
            } => format!(
                "fail {} over from {from} to {}",
                if services.is_empty() {
                    "every service".to_string()
                } else {
                    services.join(", ")
                },
                if to.is_empty() {
                    "the other serving regions".to_string()
                } else {
                    to.join(", ")
                }
            ),
            Operation::Failback { services, to } => format!(
                "fail {} back to {to}",
                if services.is_empty() {
                    "every service".to_string()
                } else {
                    services.join(", ")
                }
            ),
        }
    }
}

/// `90` → `1m30s`, `7200` → `2h`.
pub fn human_seconds(s: u64) -> String {
    match jiff::SignedDuration::try_from(std::time::Duration::from_secs(s)) {
        Ok(d) => format!("{d:#}"),
        Err(_) => format!("{s}s"),
    }
}
