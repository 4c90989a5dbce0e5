//! One simulated cluster: its object store, pods, watch history and the
//! controller's bookkeeping. Store operations live in `store`, the control
//! loops in `controller`, `replicaset`, `lifecycle` and `hpa`.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

use serde_json::Value;
use tokio::sync::broadcast;

use super::clock::{Clock, Millis};
use super::config::Settings;
use super::json_cache::JsonCache;
use super::kind::Kind;
use super::pod::Pod;
use super::rng::Rng;

/// (namespace, name); namespace is empty for cluster-scoped objects.
pub type Key = (String, String);

/// Make a key.
pub fn key(ns: &str, name: &str) -> Key {
    (ns.to_string(), name.to_string())
}

/// The region a cluster runs in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Region {
    /// region name, also the cluster name (`us-east-1`)
    pub name: String,
    /// `aws`, `gcp`, `azure`
    pub provider: String,
    /// the provider's region name
    pub cloud_region: String,
    /// availability zones
    pub zones: Vec<String>,
}

/// A watch event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    /// ADDED
    Added,
    /// MODIFIED
    Modified,
    /// DELETED
    Deleted,
}

impl EventType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change in the watch history.
#[derive(Debug)]
pub struct Change {
    /// resourceVersion of the change
    pub rv: u64,
    /// kind of the object
    pub kind: Kind,
    /// event type
    pub etype: EventType,
    /// the object after the change (before deletion for DELETED)
    pub obj: Arc<Value>,
}

/// What live watchers receive.
#[derive(Debug, Clone)]
pub enum Signal {
    /// A change was recorded.
    Change(Arc<Change>),
    /// Every open watch must end with an expired (410) error.
    Expire,
}

/// Controller bookkeeping.
#[derive(Debug, Default)]
pub struct Ctl {
    /// deployments to reconcile
    pub active: BTreeSet<Key>,
    /// pods still moving through their lifecycle (or crash-looping)
    pub moving: BTreeSet<Key>,
    /// pods being deleted
    pub terminating: BTreeSet<Key>,
    /// pods per ReplicaSet (namespace, rs name) -> pod names
    pub rs_pods: HashMap<Key, BTreeSet<String>>,
    /// next event number
    pub event_seq: u64,
    /// events in creation order (oldest are dropped past a cap)
    pub events: std::collections::VecDeque<Key>,
    /// round-robin node index for scheduling
    pub next_node: usize,
    /// next pod IP
    pub next_ip: u32,
    /// last HPA evaluation
    pub last_hpa: Millis,
    /// last lease renewal
    pub last_lease: Millis,
    /// nodes pods are scheduled on: (name, internal IP)
    pub nodes: Vec<(String, String)>,
    /// no events while building the initial world
    pub quiet: bool,
}

/// One cluster.
#[derive(Debug)]
pub struct Cluster {
    /// where it runs
    pub region: Region,
    /// shared settings (bad image patterns, sizes)
    pub settings: Arc<Settings>,
    /// the simulated clock
    pub clock: Arc<Clock>,
    /// last resourceVersion handed out
    pub rv: u64,
    /// every object except pods
    pub docs: BTreeMap<Kind, BTreeMap<Key, Arc<Value>>>,
    /// the JSON of each of `docs`, for lists
    pub json: Arc<JsonCache>,
    /// pods
    pub pods: BTreeMap<Key, Pod>,
    /// recent changes, oldest first
    pub history: VecDeque<Arc<Change>>,
    /// watches from a resourceVersion below this get 410 Expired
    pub floor: u64,
    /// live watchers
    pub tx: broadcast::Sender<Signal>,
    /// randomness for names and uids
    pub rng: Rng,
    /// controller bookkeeping
    pub ctl: Ctl,
    /// the region failed: pods run but are not ready
    pub failed: bool,
    /// a fixed time used while building the initial world
    pub frozen: Option<Millis>,
}

impl Cluster {
    /// An empty cluster.
    pub fn new(region: Region, settings: Arc<Settings>, clock: Arc<Clock>, rng: Rng) -> Self {
        // A watcher more than this many changes behind ends with 410 and
        // re-lists (bounded memory: the ring keeps the last changes alive).
        let (tx, _) = broadcast::channel(8_192);
        Self {
            region,
            settings,
            clock,
            rv: 1,
            docs: BTreeMap::new(),
            json: Arc::default(),
            pods: BTreeMap::new(),
            history: VecDeque::new(),
            floor: 0,
            tx,
            rng,
            ctl: Ctl::default(),
            failed: false,
            frozen: None,
        }
    }

    /// Simulated now.
    pub fn now(&self) -> Millis {
        self.frozen.unwrap_or_else(|| self.clock.now())
    }
}
