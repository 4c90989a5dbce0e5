//! Drill-down in `metrics` mode: a region read from kube-state-metrics has
//! no watch of its clusters, so its pods, events and ReplicaSets are not
//! known. While the operator looks at that region, its clusters are watched;
//! leaving it stops those watches (and forgets what they listed), so a
//! fleet of hundreds of clusters keeps at most one region's watches open.

use super::effect::Effect;
use super::state::{AppState, View};
use crate::config::file::WorkloadMode;

/// The region whose clusters the view needs watched, if it is in `metrics` mode.
fn wanted(app: &AppState) -> Option<String> {
    let View::Region(r) = app.view() else {
        return None;
    };
    app.config
        .regions
        .iter()
        .find(|reg| reg.name == *r && reg.workloads == WorkloadMode::Metrics)
        .map(|reg| reg.name.clone())
}

/// The watches to start or stop after the view changed.
pub fn follow_view(app: &mut AppState) -> Vec<Effect> {
    let want = wanted(app);
    if want == app.drilled {
        return Vec::new();
    }
    let mut out = Vec::new();
    if let Some(region) = app.drilled.take() {
        out.push(Effect::UnwatchRegion { region });
    }
    if let Some(region) = want.clone() {
        out.push(Effect::WatchRegion { region });
    }
    app.drilled = want;
    out
}
