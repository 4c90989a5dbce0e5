//! A step of a plan: plain data that says what it changes (object, field,
//! from → to), the inverse that would undo it, the permissions it needs,
//! whether a server-side dry run can check it, and — through its action —
//! how to tell that it is already applied.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A region's median error ratio and p95 over a period, the level a
/// canary gate measures that region's change against, and how far each
/// wandered from it in that period (largest |value / level − 1|): a move
/// no larger than that is the region's usual noise, not the release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionLevel {
    pub region: String,
    pub error_ratio: Option<f64>,
    pub p95_seconds: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_wander: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p95_wander: Option<f64>,
}

/// The Kubernetes object a step reads and changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    pub region: String,
    pub context: String,
    pub namespace: String,
    /// `apps/v1`, `autoscaling/v2`
    pub api_version: String,
    /// `Deployment`, `HorizontalPodAutoscaler`
    pub kind: String,
    pub name: String,
    pub uid: Option<String>,
}

impl ObjectRef {
    /// `deployment shop/checkout in eu-west-1`
    pub fn label(&self) -> String {
        format!(
            "{} {}/{} in {}",
            self.kind.to_ascii_lowercase(),
            self.namespace,
            self.name,
            self.region
        )
    }
}

/// One field an action changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    pub field: String,
    pub from: Value,
    pub to: Value,
}

/// An RBAC permission a step needs, checked with a SelfSubjectAccessReview
/// before the first step runs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    pub context: String,
    pub namespace: String,
    pub verb: String,
    pub group: String,
    pub resource: String,
    pub subresource: Option<String>,
}

impl Permission {
    /// `patch deployments/scale (apps) in namespace shop`
    pub fn label(&self) -> String {
        let res = match &self.subresource {
            Some(s) => format!("{}/{s}", self.resource),
            None => self.resource.clone(),
        };
        let group = if self.group.is_empty() {
            String::new()
        } else {
            format!(".{}", self.group)
        };
        format!("{} {res}{group} in namespace {}", self.verb, self.namespace)
    }
}

/// A silence as the plan holds it (times are absolute, fixed at planning).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SilenceSpec {
    pub matchers: Vec<String>,
    pub starts_at: String,
    pub ends_at: String,
    pub created_by: String,
    pub comment: String,
}

/// What a step does. Changes carry their target value; gates carry their
/// thresholds. The executor turns each into requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Action {
    /// Deployment `spec.replicas` through the `/scale` subresource.
    SetReplicas { replicas: u32 },
    /// HorizontalPodAutoscaler `spec.minReplicas`/`spec.maxReplicas`.
    #[serde(rename_all = "camelCase")]
    SetHpaBounds { min: u32, max: u32 },
    /// Deployment `spec.template` (rollback: a ReplicaSet's template without
    /// `pod-template-hash`).
    #[serde(rename_all = "camelCase")]
    SetTemplate {
        revision: Option<u64>,
        template: Value,
    },
    /// One container's image in the Deployment's pod template.
    #[serde(rename_all = "camelCase")]
    SetImage { container: String, image: String },
    /// The traffic weight of `region` in the service's router (the router
    /// adapter knows the object's shape; the engine does not).
    #[serde(rename_all = "camelCase")]
    SetWeight {
        region: String,
        weight: u32,
        /// The router adapter's key for the region (annotation name,
        /// destination host, backendRef name).
        key: String,
    },
    /// Template annotation `kubectl.kubernetes.io/restartedAt`.
    RestartAt { at: String },
    /// Gate: the rollout completes (observedGeneration, updated = ready =
    /// available = replicas, within the replica range when given); a
    /// progress deadline or the timeout fails it.
    #[serde(rename_all = "camelCase")]
    WaitRollout {
        timeout_seconds: u64,
        min_replicas: Option<u32>,
        max_replicas: Option<u32>,
    },
    /// Gate: the service's SLO thresholds hold in the region over a window.
    #[serde(rename_all = "camelCase")]
    VerifySlo {
        service: String,
        window_seconds: u64,
        max_error_ratio: f64,
        max_p95_seconds: f64,
        /// A region that serves no traffic yet (drained, before a failback
        /// shifts any back) passes: it is judged after the first shift.
        #[serde(default)]
        idle_ok: bool,
    },
    /// Gate: absolute SLO thresholds in the canary regions, and canary vs
    /// baseline (the regions still on the old version) with a one-sided
    /// Mann–Whitney U test per interval sample: fail when the canary is
    /// significantly worse by more than `margin`.
    #[serde(rename_all = "camelCase")]
    CanaryGate {
        service: String,
        canary: Vec<String>,
        baseline: Vec<String>,
        window_seconds: u64,
        interval_seconds: u64,
        confidence: f64,
        margin: f64,
        max_error_ratio: f64,
        max_p95_seconds: f64,
        /// Each region's own level before the deploy: the comparison is of
        /// how much each side moved from it (empty: raw values compared)
        #[serde(default)]
        reference: Vec<RegionLevel>,
    },
    /// A silence, created once in one Alertmanager HA cluster.
    #[serde(rename_all = "camelCase")]
    CreateSilence {
        ha_cluster: String,
        silence: SilenceSpec,
    },
    /// Expire a silence in one HA cluster.
    #[serde(rename_all = "camelCase")]
    ExpireSilence { ha_cluster: String, id: String },
}

impl Action {
    /// Gates check; they change nothing, have no inverse and always run
    /// again on resume.
    pub fn is_gate(&self) -> bool {
        matches!(
            self,
            Action::WaitRollout { .. } | Action::VerifySlo { .. } | Action::CanaryGate { .. }
        )
    }

    /// What an Event's reason says about it.
    pub fn reason(&self) -> &'static str {
        match self {
            Action::SetReplicas { .. } => "OpsdeckScaled",
            Action::SetHpaBounds { .. } => "OpsdeckHpaBoundsChanged",
            Action::SetTemplate { .. } => "OpsdeckRolledBack",
            Action::RestartAt { .. } => "OpsdeckRestarted",
            Action::SetImage { .. } => "OpsdeckImageSet",
            Action::SetWeight { .. } => "OpsdeckWeightSet",
            Action::CanaryGate { .. } => "OpsdeckCanaryGate",
            Action::WaitRollout { .. } => "OpsdeckRolloutComplete",
            Action::VerifySlo { .. } => "OpsdeckVerified",
            Action::CreateSilence { .. } => "OpsdeckSilenced",
            Action::ExpireSilence { .. } => "OpsdeckSilenceExpired",
        }
    }
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// Position in the plan, from 0.
    pub index: usize,
    /// In words: what the operator will see happen.
    pub description: String,
    pub action: Action,
    /// The object it changes or watches; `None` for Alertmanager steps.
    pub target: Option<ObjectRef>,
    pub changes: Vec<FieldChange>,
    /// What would undo it (`None`: nothing to undo, e.g. a gate).
    pub inverse: Option<Action>,
    pub permissions: Vec<Permission>,
    /// A server-side dry run (`dryRun=All`) can check it.
    pub dry_run: bool,
    /// The object's resourceVersion when the plan was made.
    pub resource_version: Option<String>,
}
