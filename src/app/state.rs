//! [`AppState`]: everything the console shows and remembers. Only
//! `update()` changes it; `ui::draw` reads it.

use std::collections::VecDeque;

use super::effect::{LogStreamId, LogTarget};
use super::msg::LogLine;
use super::op_form::OpForm;
use super::op_preview::Preview;
use super::ops_state::OpsState;
use super::palette::PaletteState;
use super::silence_form::SilenceForm;
use crate::config::{Config, Keymap};
use crate::model::state::FleetState;
use crate::model::{FleetSnapshot, RegionSpec, ServiceSpec, Timestamp};
use crate::sources::specs;

/// A screen of the console. The navigation stack holds these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    Fleet,
    Region(String),
    Service(String),
    Logs,
    Alerts,
    Costs,
    Operations,
}

impl View {
    /// The keymap context its keys are looked up in.
    pub fn context(&self) -> crate::config::keymap::Context {
        use crate::config::keymap::Context;
        match self {
            View::Alerts => Context::Alerts,
            View::Logs => Context::Logs,
            View::Operations => Context::Operations,
            _ => Context::Table,
        }
    }

    pub fn title(&self) -> String {
        match self {
            View::Fleet => "Fleet".into(),
            View::Region(r) => format!("Region {r}"),
            View::Service(s) => format!("Service {s}"),
            View::Logs => "Logs".into(),
            View::Alerts => "Alerts".into(),
            View::Costs => "Costs".into(),
            View::Operations => "Operations".into(),
        }
    }
}

/// The tabs of the region view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionTab {
    Pods,
    Deployments,
    Nodes,
    Events,
    Hpas,
    Clusters,
}

impl RegionTab {
    pub const ALL: [RegionTab; 6] = [
        RegionTab::Pods,
        RegionTab::Deployments,
        RegionTab::Nodes,
        RegionTab::Events,
        RegionTab::Hpas,
        RegionTab::Clusters,
    ];

    pub fn label(self) -> &'static str {
        match self {
            RegionTab::Pods => "Pods",
            RegionTab::Deployments => "Deployments",
            RegionTab::Nodes => "Nodes",
            RegionTab::Events => "Events",
            RegionTab::Hpas => "HPAs",
            RegionTab::Clusters => "Clusters",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertsTab {
    Alerts,
    Silences,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostGroup {
    Provider,
    Region,
    Service,
}

impl CostGroup {
    pub const ALL: [CostGroup; 3] = [CostGroup::Provider, CostGroup::Region, CostGroup::Service];

    pub fn label(self) -> &'static str {
        match self {
            CostGroup::Provider => "by provider",
            CostGroup::Region => "by region",
            CostGroup::Service => "by service",
        }
    }
}

/// Selection and tabs of each view, kept while the operator moves around.
#[derive(Debug, Clone)]
pub struct Selections {
    /// Row of the fleet view (region headers and service rows, flattened).
    pub fleet: usize,
    pub region_tab: RegionTab,
    pub region: usize,
    /// Region row of the service view.
    pub service: usize,
    pub alerts_tab: AlertsTab,
    pub alerts: usize,
    pub silences: usize,
    pub cost_group: CostGroup,
    pub costs: usize,
}

impl Default for Selections {
    fn default() -> Self {
        Self {
            fleet: 0,
            region_tab: RegionTab::Pods,
            region: 0,
            service: 0,
            alerts_tab: AlertsTab::Alerts,
            alerts: 0,
            silences: 0,
            cost_group: CostGroup::Region,
            costs: 0,
        }
    }
}

/// The `/` filter of the current list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub text: String,
    /// Typed keys go to the filter input.
    pub editing: bool,
}

/// A followed log stream.
#[derive(Debug, Clone)]
pub struct LogsState {
    pub id: LogStreamId,
    pub region: String,
    pub context: String,
    pub namespace: String,
    pub target: LogTarget,
    pub lines: VecDeque<LogLine>,
    /// Lines dropped from the front to keep `LOG_LINES`.
    pub dropped: u64,
    /// When paused: the absolute index one past the last line shown.
    pub paused_at: Option<u64>,
    pub wrap: bool,
    /// Why the stream ended, when it did.
    pub ended: Option<String>,
}

/// Lines kept per log stream.
pub const LOG_LINES: usize = 5000;

impl LogsState {
    /// Absolute index one past the newest line received.
    pub fn received(&self) -> u64 {
        self.dropped + self.lines.len() as u64
    }
}

/// Something drawn over the view that takes the keys.
#[derive(Debug, Clone)]
pub enum Overlay {
    Help {
        scroll: usize,
    },
    Palette(PaletteState),
    Silence(SilenceForm),
    /// The form of an operation (scale replicas, rollback revision).
    OpForm(OpForm),
    /// Waiting for the plan of `operation` (effect `PlanOperation { id }`).
    Planning {
        id: u64,
        operation: crate::control::Operation,
        summary: String,
    },
    /// The plan, its guards and dry run, and the confirmation it needs.
    Preview(Box<PreviewState>),
    /// A yes/no question before something changes.
    Ask(Question),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PreviewState {
    pub operation: crate::control::Operation,
    pub preview: Preview,
    /// What the operator typed when the policy asks for the name.
    pub typed: String,
    pub error: Option<String>,
}

/// A question the confirm popup asks; `y` does what it says.
#[derive(Debug, Clone, PartialEq)]
pub enum Question {
    ExpireSilence {
        ha_cluster: String,
        alertmanagers: Vec<url::Url>,
        id: String,
        comment: String,
    },
    Abort {
        id: String,
        pid: u32,
        summary: String,
    },
    /// Quitting while operations run: they go on in their own processes.
    Quit { running: Vec<String> },
    /// At start: an operation whose process is gone; resume, undo or leave.
    Unfinished {
        id: String,
        summary: String,
        steps_done: usize,
        steps: usize,
        last_step: Option<String>,
    },
}

/// Pod counts of the region on screen, kept by `update()` so a frame never
/// scans every pod of a 100k-pod region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodCounts {
    pub region: String,
    pub filter: String,
    pub total: usize,
    pub not_ready: usize,
    /// Pods that match `filter`.
    pub matching: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub config: Config,
    pub keymap: Keymap,
    /// Who acts: shown in the header, written as `created_by` of silences.
    pub identity: String,
    pub ascii: bool,
    pub region_specs: Vec<RegionSpec>,
    pub service_specs: Vec<ServiceSpec>,
    pub fleet: FleetState,
    pub snapshot: FleetSnapshot,
    pub now: Timestamp,
    /// Navigation stack; never empty, the fleet view at the bottom.
    pub stack: Vec<View>,
    pub sel: Selections,
    pub filter: Filter,
    pub overlay: Option<Overlay>,
    pub logs: Option<LogsState>,
    pub status: Option<Status>,
    /// Something visible changed since the last frame.
    pub dirty: bool,
    /// The change should be drawn without waiting for the frame pacer: a
    /// key the operator pressed, a source that came live or went down.
    /// Routine data (watch events, polls that changed nothing but figures)
    /// stays paced.
    pub urgent: bool,
    pub next_log_id: LogStreamId,
    /// Terminal size as last reported, for page moves.
    pub size: (u16, u16),
    pub pod_counts: Option<PodCounts>,
    /// Operations from the journal, and the fleet cells under one.
    pub ops: OpsState,
    /// Identifies the next `Effect::PlanOperation`.
    pub next_plan_id: u64,
    /// What the frame draws that takes computing (`derived::refresh`).
    pub derived: super::derived::Derived,
    /// The `metrics`-mode region whose clusters are watched because it is
    /// on screen (`drill`).
    pub drilled: Option<String>,
}

impl AppState {
    pub fn new(config: Config, keymap: Keymap, identity: String, now: Timestamp) -> Self {
        let region_specs = specs::regions(&config);
        let service_specs = specs::services(&config);
        let fleet = FleetState::default();
        let snapshot = FleetSnapshot::build(&region_specs, &service_specs, &fleet, now);
        let mut app = Self {
            ascii: config.ui.ascii,
            config,
            keymap,
            identity,
            region_specs,
            service_specs,
            fleet,
            snapshot,
            now,
            stack: vec![View::Fleet],
            sel: Selections::default(),
            filter: Filter::default(),
            overlay: None,
            logs: None,
            status: None,
            dirty: true,
            urgent: false,
            next_log_id: 1,
            size: (80, 24),
            pod_counts: None,
            ops: OpsState::default(),
            next_plan_id: 1,
            derived: Default::default(),
            drilled: None,
        };
        app.derive();
        app
    }

    /// Recomputes what the frame draws (`update()` does after every message).
    pub fn derive(&mut self) {
        super::derived::refresh(self);
    }

    pub fn view(&self) -> &View {
        self.stack.last().unwrap_or(&View::Fleet)
    }

    pub fn read_only(&self) -> bool {
        self.config.policy.read_only
    }

    /// Rebuilds what is derived from the fleet state: the snapshot and the
    /// pod counts of the region on screen.
    pub fn rebuild(&mut self) {
        self.rebuild_snapshot();
        self.pod_counts = None;
        self.count_pods();
        self.derive();
    }

    /// Recounts the pods of the region on screen when the region or the
    /// filter changed since the last count (or the data did: `rebuild`).
    pub fn count_pods(&mut self) {
        let View::Region(region) = self.view() else {
            return;
        };
        let fresh = self
            .pod_counts
            .as_ref()
            .is_some_and(|c| c.region == *region && c.filter == self.filter.text);
        if fresh {
            return;
        }
        let region = region.clone();
        let mut counts = PodCounts {
            region: region.clone(),
            filter: self.filter.text.clone(),
            total: 0,
            not_ready: 0,
            matching: 0,
        };
        if let Some(d) = self.fleet.regions.get(&region) {
            for c in d.clusters.values() {
                counts.total += c.pods.len();
                counts.not_ready += c.pods.values().filter(|p| !p.ready).count();
            }
        }
        self.pod_counts = Some(counts);
        let matching = if self.filter.text.is_empty() {
            self.pod_counts.as_ref().map(|c| c.total).unwrap_or(0)
        } else {
            super::lists::pods(self, &region).count()
        };
        if let Some(c) = self.pod_counts.as_mut() {
            c.matching = matching;
        }
    }

    /// Rebuilds the snapshot after the fleet state or the clock changed.
    pub fn rebuild_snapshot(&mut self) {
        self.snapshot = FleetSnapshot::build(
            &self.region_specs,
            &self.service_specs,
            &self.fleet,
            self.now,
        );
    }

    /// The first kubeconfig context of a region.
    pub fn context_of(&self, region: &str) -> Option<&str> {
        self.region_specs
            .iter()
            .find(|r| r.name == region)
            .and_then(|r| r.contexts.first())
            .map(String::as_str)
    }
}
