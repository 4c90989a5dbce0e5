//! What a reader needs from the fleet. The console watches everything; each
//! command gathers only what it prints (`status`: deployments, instant SLO
//! values, alerts and costs; `workloads`: deployments; `alerts`:
//! Alertmanager; `costs`: billing), so it starts no watcher, range query or
//! billing fetch it would throw away.

use crate::model::state::KubeKind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needs {
    /// The Kubernetes kinds to watch (empty: no cluster is contacted).
    pub kube: Vec<KubeKind>,
    pub prometheus: bool,
    /// The last hour's series for the charts (range queries).
    pub charts: bool,
    pub alertmanager: bool,
    pub billing: bool,
}

impl Needs {
    /// Everything: the console.
    pub fn all() -> Self {
        Self {
            kube: vec![
                KubeKind::Node,
                KubeKind::Deployment,
                KubeKind::ReplicaSet,
                KubeKind::Pod,
                KubeKind::Event,
                KubeKind::Hpa,
                KubeKind::Routing,
            ],
            prometheus: true,
            charts: true,
            alertmanager: true,
            billing: true,
        }
    }

    fn none() -> Self {
        Self {
            kube: Vec::new(),
            prometheus: false,
            charts: false,
            alertmanager: false,
            billing: false,
        }
    }

    /// `opsdeck status`: health needs deployments, instant SLO values and
    /// alerts; the cost column today's costs.
    pub fn status() -> Self {
        Self {
            kube: vec![KubeKind::Deployment],
            prometheus: true,
            alertmanager: true,
            billing: true,
            ..Self::none()
        }
    }

    /// `opsdeck workloads`: the deployments' rollout state.
    pub fn workloads() -> Self {
        Self {
            kube: vec![KubeKind::Deployment],
            ..Self::none()
        }
    }

    /// `opsdeck alerts`.
    pub fn alerts() -> Self {
        Self {
            alertmanager: true,
            ..Self::none()
        }
    }

    /// `opsdeck costs`.
    pub fn costs() -> Self {
        Self {
            billing: true,
            ..Self::none()
        }
    }

    pub fn watches(&self, kind: KubeKind) -> bool {
        self.kube.contains(&kind)
    }
}
