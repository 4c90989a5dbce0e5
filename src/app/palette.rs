//! The command palette: every view, region, service and action, fuzzy-found.

use super::fuzzy;
use super::state::{AppState, View};
use crate::config::keymap::Action;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaletteState {
    pub input: String,
    pub selected: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    View(View),
    Action(Action),
    /// Scale, rollback or restart `service` in `region`.
    Operate {
        action: Action,
        service: String,
        region: String,
    },
    /// Deploy `service`, or fail `region` over or back (every service of
    /// it, or `service` only).
    OperateFleet {
        action: Action,
        service: Option<String>,
        region: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub label: String,
    /// "view", "region", "service", "action" or "op" (an operation by name).
    pub kind: &'static str,
    pub target: Target,
}

/// Actions worth offering by name (navigation keys are not).
const ACTIONS: &[Action] = &[
    Action::Refresh,
    Action::CopyName,
    Action::CopyKubectl,
    Action::ViewLogs,
    Action::Scale,
    Action::Rollback,
    Action::Restart,
    Action::Deploy,
    Action::Failover,
    Action::Failback,
    Action::Silence,
    Action::ExpireSilence,
    Action::Help,
    Action::Filter,
    Action::Quit,
];

/// Every entry, before matching.
pub fn entries(app: &AppState) -> Vec<Entry> {
    let mut out = Vec::new();
    for (label, view) in [
        ("Fleet", View::Fleet),
        ("Alerts", View::Alerts),
        ("Costs", View::Costs),
        ("Operations", View::Operations),
    ] {
        out.push(Entry {
            label: label.into(),
            kind: "view",
            target: Target::View(view),
        });
    }
    for r in &app.region_specs {
        out.push(Entry {
            label: format!("region {} ({})", r.name, r.provider),
            kind: "region",
            target: Target::View(View::Region(r.name.clone())),
        });
    }
    for s in &app.service_specs {
        out.push(Entry {
            label: format!("service {}", s.name),
            kind: "service",
            target: Target::View(View::Service(s.name.clone())),
        });
    }
    for a in ACTIONS {
        let description = app
            .keymap
            .bindings
            .iter()
            .find(|b| b.action == *a)
            .map(|b| b.description.clone())
            .unwrap_or_else(|| a.name().replace('-', " "));
        out.push(Entry {
            label: description,
            kind: "action",
            target: Target::Action(*a),
        });
    }
    // "scale checkout eu-west-1", "rollback checkout eu-west-1", ...
    for action in [Action::Scale, Action::Rollback, Action::Restart] {
        for s in &app.service_specs {
            for r in &app.region_specs {
                out.push(Entry {
                    label: format!("{} {} {}", action.name(), s.name, r.name),
                    kind: "op",
                    target: Target::Operate {
                        action,
                        service: s.name.clone(),
                        region: r.name.clone(),
                    },
                });
            }
        }
    }
    // "failover us-east-1", "failback checkout us-east-1", "deploy checkout"
    for action in [Action::Failover, Action::Failback] {
        for r in &app.region_specs {
            out.push(Entry {
                label: format!("{} {}", action.name(), r.name),
                kind: "op",
                target: Target::OperateFleet {
                    action,
                    service: None,
                    region: Some(r.name.clone()),
                },
            });
            for s in &app.service_specs {
                out.push(Entry {
                    label: format!("{} {} {}", action.name(), s.name, r.name),
                    kind: "op",
                    target: Target::OperateFleet {
                        action,
                        service: Some(s.name.clone()),
                        region: Some(r.name.clone()),
                    },
                });
            }
        }
    }
    for s in &app.service_specs {
        out.push(Entry {
            label: format!("deploy {}", s.name),
            kind: "op",
            target: Target::OperateFleet {
                action: Action::Deploy,
                service: Some(s.name.clone()),
                region: None,
            },
        });
    }
    out
}

/// Entries matching the input, best first.
pub fn matches(app: &AppState, input: &str) -> Vec<Entry> {
    // Named operations only once the input starts with their verb ("sc",
    // "roll", "restart"), so they never crowd out views and regions.
    let first = input.split_whitespace().next().unwrap_or("");
    let wants_op = |e: &Entry| match &e.target {
        Target::Operate { action, .. } | Target::OperateFleet { action, .. } => {
            first.len() >= 2 && action.name().starts_with(first)
        }
        _ => true,
    };
    let mut scored: Vec<(i64, usize, Entry)> = entries(app)
        .into_iter()
        .filter(wants_op)
        .enumerate()
        .filter_map(|(i, e)| fuzzy::score(input, &e.label).map(|s| (s, i, e)))
        .collect();
    if !input.trim().is_empty() {
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    }
    scored.into_iter().map(|(_, _, e)| e).collect()
}
