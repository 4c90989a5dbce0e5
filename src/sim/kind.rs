//! The resource types the simulated API serves, with their discovery facts.

/// A served resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// core/v1 Namespace
    Namespace,
    /// core/v1 Node
    Node,
    /// core/v1 Pod
    Pod,
    /// core/v1 Event
    Event,
    /// core/v1 Service
    Service,
    /// apps/v1 Deployment
    Deployment,
    /// apps/v1 ReplicaSet
    ReplicaSet,
    /// autoscaling/v2 HorizontalPodAutoscaler
    Hpa,
    /// coordination.k8s.io/v1 Lease
    Lease,
    /// networking.istio.io/v1 VirtualService (a custom resource)
    VirtualService,
    /// gateway.networking.k8s.io/v1 HTTPRoute (a custom resource)
    HttpRoute,
}

/// A subresource in discovery.
#[derive(Debug)]
pub struct Sub {
    /// `scale`, `status`, `log`
    pub name: &'static str,
    /// group of the response kind
    pub group: &'static str,
    /// version of the response kind
    pub version: &'static str,
    /// response kind
    pub kind: &'static str,
    /// allowed verbs
    pub verbs: &'static [&'static str],
}

/// Discovery facts about a resource type.
#[derive(Debug)]
pub struct Info {
    /// `Pod`
    pub kind: &'static str,
    /// `pods`
    pub plural: &'static str,
    /// `pod`
    pub singular: &'static str,
    /// API group, empty for core
    pub group: &'static str,
    /// API version
    pub version: &'static str,
    /// namespaced or cluster-scoped
    pub namespaced: bool,
    /// short names
    pub short: &'static [&'static str],
    /// verbs
    pub verbs: &'static [&'static str],
    /// categories
    pub categories: &'static [&'static str],
    /// subresources
    pub subs: &'static [Sub],
}

const RW: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const STATUS_SUB: Sub = Sub {
    name: "status",
    group: "",
    version: "",
    kind: "",
    verbs: &["get", "patch", "update"],
};

static INFOS: [Info; 11] = [
    Info {
        kind: "Namespace",
        plural: "namespaces",
        singular: "namespace",
        group: "",
        version: "v1",
        namespaced: false,
        short: &["ns"],
        verbs: &[
            "create", "delete", "get", "list", "patch", "update", "watch",
        ],
        categories: &[],
        subs: &[],
    },
    Info {
        kind: "Node",
        plural: "nodes",
        singular: "node",
        group: "",
        version: "v1",
        namespaced: false,
        short: &["no"],
        verbs: RW,
        categories: &[],
        subs: &[],
    },
    Info {
        kind: "Pod",
        plural: "pods",
        singular: "pod",
        group: "",
        version: "v1",
        namespaced: true,
        short: &["po"],
        verbs: &["delete", "get", "list", "watch"],
        categories: &["all"],
        subs: &[Sub {
            name: "log",
            group: "",
            version: "v1",
            kind: "Pod",
            verbs: &["get"],
        }],
    },
    Info {
        kind: "Event",
        plural: "events",
        singular: "event",
        group: "",
        version: "v1",
        namespaced: true,
        short: &["ev"],
        verbs: RW,
        categories: &[],
        subs: &[],
    },
    Info {
        kind: "Service",
        plural: "services",
        singular: "service",
        group: "",
        version: "v1",
        namespaced: true,
        short: &["svc"],
        verbs: RW,
        categories: &["all"],
        subs: &[],
    },
    Info {
        kind: "Deployment",
        plural: "deployments",
        singular: "deployment",
        group: "apps",
        version: "v1",
        namespaced: true,
        short: &["deploy"],
        verbs: RW,
        categories: &["all"],
        subs: &[
            Sub {
                name: "scale",
                group: "autoscaling",
                version: "v1",
                kind: "Scale",
                verbs: &["get", "patch", "update"],
            },
            STATUS_SUB,
        ],
    },
    Info {
        kind: "ReplicaSet",
        plural: "replicasets",
        singular: "replicaset",
        group: "apps",
        version: "v1",
        namespaced: true,
        short: &["rs"],
        verbs: RW,
        categories: &["all"],
        subs: &[],
    },
    Info {
        kind: "HorizontalPodAutoscaler",
        plural: "horizontalpodautoscalers",
        singular: "horizontalpodautoscaler",
        group: "autoscaling",
        version: "v2",
        namespaced: true,
        short: &["hpa"],
        verbs: RW,
        categories: &["all"],
        subs: &[STATUS_SUB],
    },
    Info {
        kind: "Lease",
        plural: "leases",
        singular: "lease",
        group: "coordination.k8s.io",
        version: "v1",
        namespaced: true,
        short: &[],
        verbs: RW,
        categories: &[],
        subs: &[],
    },
    Info {
        kind: "VirtualService",
        plural: "virtualservices",
        singular: "virtualservice",
        group: "networking.istio.io",
        version: "v1",
        namespaced: true,
        short: &["vs"],
        verbs: RW,
        categories: &["istio-io", "networking-istio-io"],
        subs: &[STATUS_SUB],
    },
    Info {
        kind: "HTTPRoute",
        plural: "httproutes",
        singular: "httproute",
        group: "gateway.networking.k8s.io",
        version: "v1",
        namespaced: true,
        short: &[],
        verbs: RW,
        categories: &["gateway-api"],
        subs: &[STATUS_SUB],
    },
];

impl Kind {
    /// Every served kind, in discovery order.
    pub const ALL: [Kind; 11] = [
        Kind::Namespace,
        Kind::Node,
        Kind::Pod,
        Kind::Event,
        Kind::Service,
        Kind::Deployment,
        Kind::ReplicaSet,
        Kind::Hpa,
        Kind::Lease,
        Kind::VirtualService,
        Kind::HttpRoute,
    ];

    /// Discovery facts.
    pub fn info(self) -> &'static Info {
        &INFOS[self as usize]
    }

    /// Does the API server keep `metadata.generation` (bumped on spec
    /// changes) for this kind?
    pub fn has_generation(self) -> bool {
        matches!(
            self,
            Kind::Deployment
                | Kind::ReplicaSet
                | Kind::Hpa
                | Kind::VirtualService
                | Kind::HttpRoute
        )
    }

    /// `apps/v1` or `v1`.
    pub fn api_version(self) -> String {
        let i = self.info();
        if i.group.is_empty() {
            i.version.to_string()
        } else {
            format!("{}/{}", i.group, i.version)
        }
    }

    /// `deployments.apps` or `pods`, as error messages name resources.
    pub fn qualified(self) -> String {
        let i = self.info();
        if i.group.is_empty() {
            i.plural.to_string()
        } else {
            format!("{}.{}", i.plural, i.group)
        }
    }

    /// The kind served at `group`/`version` under `plural`.
    pub fn from_path(group: &str, version: &str, plural: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| {
            let i = k.info();
            i.group == group && i.version == version && i.plural == plural
        })
    }
}

/// The API groups served, as (group, version), core first.
pub fn group_versions() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for k in Kind::ALL {
        let i = k.info();
        if !out.contains(&(i.group, i.version)) {
            out.push((i.group, i.version));
        }
    }
    out.push(("authorization.k8s.io", "v1"));
    out
}
