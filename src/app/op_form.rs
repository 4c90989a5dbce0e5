//! The small forms an operation starts from: scale (replicas, prefilled
//! with the current count, the configured bounds shown, an HPA noted) and
//! rollback (a revision picked from the ReplicaSet history the console
//! already watches); deploy and failover (`fleet`). Restart and failback
//! need no form. Built from the state by
//! `update()`; each yields the [`Operation`] to plan.

mod fleet;

pub use fleet::{DeployForm, FailoverForm, Toggles};

use super::state::AppState;
use crate::config::Replicas;
use crate::control::Operation;
use crate::model::Timestamp;

/// The service and region an operation acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpTarget {
    pub service: String,
    pub region: String,
    pub namespace: String,
    pub deployment: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleForm {
    pub target: OpTarget,
    /// Typed replicas (digits only).
    pub replicas: String,
    pub ready: Option<u32>,
    pub desired: Option<u32>,
    /// The configured bounds in the region.
    pub bounds: Option<Replicas>,
    /// `hpa shop/checkout min 2 max 10`: the engine changes its bounds.
    pub hpa: Option<String>,
    pub error: Option<String>,
}

/// One revision of the rollback picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub revision: u64,
    pub images: Vec<String>,
    pub created: Option<Timestamp>,
    pub change_cause: Option<String>,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollbackForm {
    pub target: OpTarget,
    /// Newest first; the current revision is listed but cannot be picked.
    pub revisions: Vec<Revision>,
    pub selected: usize,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpForm {
    Scale(ScaleForm),
    Rollback(RollbackForm),
    Deploy(DeployForm),
    Failover(FailoverForm),
}

impl ScaleForm {
    pub fn new(app: &AppState, target: OpTarget) -> Self {
        let cell = app
            .snapshot
            .regions
            .iter()
            .find(|r| r.name == target.region)
            .and_then(|r| r.services.iter().find(|c| c.service == target.service));
        let (ready, desired) = cell.map(|c| (c.ready, c.desired)).unwrap_or((None, None));
        let bounds = app
            .config
            .services
            .iter()
            .find(|s| s.name == target.service)
            .map(|s| s.replicas_in(&target.region));
        let hpa = super::lists::hpas(app, &target.region)
            .into_iter()
            .find(|(_, h)| {
                *h.namespace == *target.namespace
                    && (h.target == target.deployment
                        || h.target == format!("Deployment/{}", target.deployment))
            })
            .map(|(_, h)| {
                format!(
                    "HPA {}/{} (min {}, max {}): the engine sets its bounds, the HPA then scales",
                    h.namespace, h.name, h.min, h.max
                )
            });
        Self {
            replicas: desired.map(|d| d.to_string()).unwrap_or_default(),
            target,
            ready,
            desired,
            bounds,
            hpa,
            error: None,
        }
    }

    /// The operation, or what is wrong with the input.
    pub fn operation(&self) -> Result<Operation, String> {
        let replicas: u32 = self
            .replicas
            .trim()
            .parse()
            .map_err(|_| format!("replicas `{}`: type a whole number", self.replicas))?;
        Ok(Operation::Scale {
            service: self.target.service.clone(),
            regions: vec![self.target.region.clone()],
            replicas,
        })
    }
}

impl RollbackForm {
    pub fn new(app: &AppState, target: OpTarget) -> Self {
        let current = app
            .snapshot
            .regions
            .iter()
            .find(|r| r.name == target.region)
            .and_then(|r| r.services.iter().find(|c| c.service == target.service))
            .and_then(|c| c.revision);
        let mut revisions: Vec<Revision> = app
            .fleet
            .regions
            .get(&target.region)
            .into_iter()
            .flat_map(|d| d.clusters.values())
            .flat_map(|c| c.replicasets.values())
            .filter(|rs| {
                *rs.namespace == *target.namespace
                    && rs.owner.as_deref() == Some(target.deployment.as_str())
            })
            .filter_map(|rs| {
                Some(Revision {
                    revision: rs.revision?,
                    images: rs.images.clone(),
                    created: rs.created,
                    change_cause: rs.change_cause.clone(),
                    current: rs.revision == current,
                })
            })
            .collect();
        revisions.sort_by_key(|r| std::cmp::Reverse(r.revision));
        revisions.dedup_by_key(|r| r.revision);
        // Prefill: the newest revision before the current one.
        let selected = revisions.iter().position(|r| !r.current).unwrap_or(0);
        Self {
            target,
            revisions,
            selected,
            error: None,
        }
    }

    pub fn step(&mut self, down: bool) {
        let n = self.revisions.len();
        self.selected = if down {
            (self.selected + 1).min(n.saturating_sub(1))
        } else {
            self.selected.saturating_sub(1)
        };
    }

    pub fn operation(&self) -> Result<Operation, String> {
        let r = self
            .revisions
            .get(self.selected)
            .ok_or("no earlier revision in the ReplicaSet history to roll back to")?;
        if r.current {
            return Err(format!(
                "revision {} is the current one: pick an earlier one",
                r.revision
            ));
        }
        Ok(Operation::Rollback {
            service: self.target.service.clone(),
            region: self.target.region.clone(),
            to_revision: Some(r.revision),
        })
    }
}

impl OpForm {
    pub fn operation(&self) -> Result<Operation, String> {
        match self {
            OpForm::Scale(f) => f.operation(),
            OpForm::Rollback(f) => f.operation(),
            OpForm::Deploy(f) => f.operation(),
            OpForm::Failover(f) => f.operation(),
        }
    }

    pub fn set_error(&mut self, e: Option<String>) {
        match self {
            OpForm::Scale(f) => f.error = e,
            OpForm::Rollback(f) => f.error = e,
            OpForm::Deploy(f) => f.error = e,
            OpForm::Failover(f) => f.error = e,
        }
    }
}
