//! The selection of each view: moving it, opening it, and what it is.

use super::super::effect::Effect;
use super::super::fleet_list;
use super::super::lists::{self, FleetRow};
use super::super::state::{AlertsTab, AppState, CostGroup, RegionTab, View};
use super::{fail, info, logs, nav};
use crate::config::keymap::Action;
use crate::sanitize::clean;

/// The object under the selection, for copy, logs and operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selected {
    Region(String),
    Deployment {
        region: String,
        context: String,
        namespace: String,
        name: String,
    },
    Pod {
        region: String,
        context: String,
        namespace: String,
        name: String,
    },
    Node {
        context: String,
        name: String,
    },
    Alert {
        fingerprint: String,
        name: String,
    },
    Silence {
        id: String,
    },
}

fn slot(app: &mut AppState) -> Option<&mut usize> {
    let s = &mut app.sel;
    Some(match app.stack.last()? {
        View::Fleet => &mut s.fleet,
        View::Region(_) => &mut s.region,
        View::Service(_) => &mut s.service,
        View::Alerts => match s.alerts_tab {
            AlertsTab::Alerts => &mut s.alerts,
            AlertsTab::Silences => &mut s.silences,
        },
        View::Costs => &mut s.costs,
        View::Operations => &mut app.ops.selected,
        View::Logs => return None,
    })
}

/// Keeps the selection inside the list after it changed.
pub fn clamp(app: &mut AppState) {
    let n = lists::current_count(app);
    if let Some(i) = slot(app) {
        *i = (*i).min(n.saturating_sub(1));
    }
}

pub fn reset(app: &mut AppState) {
    if let Some(i) = slot(app) {
        *i = 0;
    }
}

/// Up, down, page up/down, top, bottom.
pub fn step(app: &mut AppState, action: Action) {
    if *app.view() == View::Logs {
        logs::scroll(app, action);
        return;
    }
    if *app.view() == View::Fleet && fleet_list::active(app) {
        fleet_list::step(app, action);
        return;
    }
    let n = lists::current_count(app);
    let page = usize::from(app.size.1.saturating_sub(8)).max(1);
    let Some(i) = slot(app) else {
        return;
    };
    let last = n.saturating_sub(1);
    *i = match action {
        Action::Up => i.saturating_sub(1),
        Action::Down => (*i + 1).min(last),
        Action::PageUp => i.saturating_sub(page),
        Action::PageDown => (*i + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => *i,
    };
}

fn cycle<T: Copy + PartialEq>(all: &[T], current: T, forward: bool) -> T {
    let i = all.iter().position(|t| *t == current).unwrap_or(0);
    let n = all.len();
    all[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }]
}

/// Left/right: the previous/next region in the fleet view, else tabs.
pub fn side(app: &mut AppState, forward: bool) {
    match app.view().clone() {
        View::Fleet if fleet_list::active(app) => fleet_list::side(app, forward),
        View::Fleet => {
            let rows = lists::fleet_rows(app);
            let heads: Vec<usize> = rows
                .iter()
                .enumerate()
                .filter(|(_, r)| matches!(r, FleetRow::Region(_)))
                .map(|(i, _)| i)
                .collect();
            let cur = app.sel.fleet;
            // Keep the same service offset inside the region.
            let head = heads
                .iter()
                .rev()
                .find(|h| **h <= cur)
                .copied()
                .unwrap_or(0);
            let offset = cur - head;
            let target = if forward {
                heads.iter().find(|h| **h > head).copied()
            } else {
                heads.iter().rev().find(|h| **h < head).copied()
            };
            if let Some(t) = target {
                let end = heads
                    .iter()
                    .find(|h| **h > t)
                    .copied()
                    .unwrap_or(rows.len());
                app.sel.fleet = (t + offset).min(end.saturating_sub(1));
            }
        }
        View::Region(_) => {
            app.sel.region_tab = cycle(&RegionTab::ALL, app.sel.region_tab, forward);
            app.sel.region = 0;
        }
        View::Alerts => {
            let tabs = [AlertsTab::Alerts, AlertsTab::Silences];
            app.sel.alerts_tab = cycle(&tabs, app.sel.alerts_tab, forward);
        }
        View::Costs => {
            app.sel.cost_group = cycle(&CostGroup::ALL, app.sel.cost_group, forward);
            app.sel.costs = 0;
        }
        View::Service(_) | View::Logs | View::Operations => {}
    }
    clamp(app);
}

/// Enter: drill into the selection.
pub fn open(app: &mut AppState) -> Vec<Effect> {
    match app.view().clone() {
        View::Fleet => match lists::fleet_rows(app).get(app.sel.fleet).copied() {
            Some(FleetRow::Region(ri)) => match app.snapshot.regions.get(ri) {
                Some(r) => {
                    let name = r.name.clone();
                    nav::push(app, View::Region(name))
                }
                None => Vec::new(),
            },
            Some(FleetRow::Service(ri, si)) => {
                let name = app
                    .snapshot
                    .regions
                    .get(ri)
                    .and_then(|r| r.services.get(si))
                    .map(|c| c.service.clone());
                match name {
                    Some(name) => {
                        app.sel.service = ri;
                        nav::push(app, View::Service(name))
                    }
                    None => Vec::new(),
                }
            }
            None => Vec::new(),
        },
        View::Service(_) => match app.snapshot.regions.get(app.sel.service) {
            Some(r) => {
                let name = r.name.clone();
                nav::push(app, View::Region(name))
            }
            None => Vec::new(),
        },
        View::Region(region) => match selected(app) {
            Some(Selected::Deployment { name, .. }) => {
                let service = app
                    .service_specs
                    .iter()
                    .find(|s| s.deployment_in(&region) == name)
                    .map(|s| s.name.clone());
                match service {
                    Some(s) => {
                        app.sel.service = app
                            .snapshot
                            .regions
                            .iter()
                            .position(|r| r.name == region)
                            .unwrap_or(0);
                        nav::push(app, View::Service(s))
                    }
                    None => {
                        info(app, format!("{name} is not a configured service"));
                        Vec::new()
                    }
                }
            }
            Some(Selected::Pod { .. }) => logs::start(app),
            _ => Vec::new(),
        },
        View::Alerts => {
            let service = match selected(app) {
                Some(Selected::Alert { fingerprint, .. }) => app
                    .fleet
                    .alerts
                    .iter()
                    .find(|a| a.fingerprint == fingerprint)
                    .map(|a| a.label("service").to_string())
                    .filter(|s| app.service_specs.iter().any(|spec| spec.name == *s)),
                _ => None,
            };
            match service {
                Some(s) => nav::push(app, View::Service(s)),
                None => Vec::new(),
            }
        }
        View::Operations => {
            super::ops::open(app);
            Vec::new()
        }
        View::Costs | View::Logs => Vec::new(),
    }
}

/// The object under the selection of the current view.
pub fn selected(app: &AppState) -> Option<Selected> {
    match app.view() {
        View::Fleet => match lists::fleet_rows(app).get(app.sel.fleet).copied()? {
            FleetRow::Region(ri) => {
                Some(Selected::Region(app.snapshot.regions.get(ri)?.name.clone()))
            }
            FleetRow::Service(ri, si) => {
                let r = app.snapshot.regions.get(ri)?;
                let c = r.services.get(si)?;
                Some(Selected::Deployment {
                    region: r.name.clone(),
                    context: app.context_of(&r.name)?.to_string(),
                    namespace: c.namespace.clone(),
                    name: c.deployment.clone(),
                })
            }
        },
        View::Service(service) => {
            let r = app.snapshot.regions.get(app.sel.service)?;
            let c = r.services.iter().find(|c| c.service == *service)?;
            Some(Selected::Deployment {
                region: r.name.clone(),
                context: app.context_of(&r.name)?.to_string(),
                namespace: c.namespace.clone(),
                name: c.deployment.clone(),
            })
        }
        View::Region(region) => {
            let i = app.sel.region;
            let r = region.clone();
            match app.sel.region_tab {
                RegionTab::Pods => {
                    let (ctx, p) = lists::pods(app, region).nth(i)?;
                    Some(Selected::Pod {
                        region: r,
                        context: ctx.to_string(),
                        namespace: p.namespace.to_string(),
                        name: p.name.to_string(),
                    })
                }
                RegionTab::Deployments => {
                    let (ctx, d) = lists::deployments(app, region).into_iter().nth(i)?;
                    Some(Selected::Deployment {
                        region: r,
                        context: ctx.to_string(),
                        namespace: d.namespace.to_string(),
                        name: d.name.clone(),
                    })
                }
                RegionTab::Nodes => {
                    let (ctx, n) = lists::nodes(app, region).into_iter().nth(i)?;
                    Some(Selected::Node {
                        context: ctx.to_string(),
                        name: n.name.clone(),
                    })
                }
                _ => Some(Selected::Region(r)),
            }
        }
        View::Alerts => match app.sel.alerts_tab {
            AlertsTab::Alerts => {
                let a = *lists::alerts(app).get(app.sel.alerts)?;
                Some(Selected::Alert {
                    fingerprint: a.fingerprint.clone(),
                    name: a.name().to_string(),
                })
            }
            AlertsTab::Silences => {
                let s = *lists::silences(app).get(app.sel.silences)?;
                Some(Selected::Silence { id: s.id.clone() })
            }
        },
        View::Logs => {
            let l = app.logs.as_ref()?;
            match &l.target {
                super::super::effect::LogTarget::Pod(p) => Some(Selected::Pod {
                    region: l.region.clone(),
                    context: l.context.clone(),
                    namespace: l.namespace.clone(),
                    name: p.clone(),
                }),
                super::super::effect::LogTarget::Deployment(d) => Some(Selected::Deployment {
                    region: l.region.clone(),
                    context: l.context.clone(),
                    namespace: l.namespace.clone(),
                    name: d.clone(),
                }),
            }
        }
        View::Costs | View::Operations => None,
    }
}

/// Quotes a word for a POSIX shell when it needs it.
fn sh(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@=".contains(c));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// The name, or a ready kubectl command, of the selection.
pub fn copy_text(sel: &Selected, kubectl: bool) -> Option<String> {
    let k = |ctx: &str, ns: Option<&str>, rest: String| {
        let ns = ns.map(|n| format!(" -n {}", sh(n))).unwrap_or_default();
        format!("kubectl --context {}{ns} {rest}", sh(ctx))
    };
    Some(match (sel, kubectl) {
        (Selected::Region(r), false) => r.clone(),
        (Selected::Deployment { name, .. }, false)
        | (Selected::Pod { name, .. }, false)
        | (Selected::Node { name, .. }, false)
        | (Selected::Alert { name, .. }, false) => name.clone(),
        (Selected::Silence { id }, false) => id.clone(),
        (
            Selected::Deployment {
                context,
                namespace,
                name,
                ..
            },
            true,
        ) => k(
            context,
            Some(namespace),
            format!("rollout status deployment/{}", sh(name)),
        ),
        (
            Selected::Pod {
                context,
                namespace,
                name,
                ..
            },
            true,
        ) => k(
            context,
            Some(namespace),
            format!("logs -f {}", sh(&format!("pod/{name}"))),
        ),
        (Selected::Node { context, name }, true) => {
            k(context, None, format!("describe node {}", sh(name)))
        }
        _ => return None,
    })
}

pub fn copy(app: &mut AppState, kubectl: bool) -> Vec<Effect> {
    let Some(text) = selected(app).and_then(|s| copy_text(&s, kubectl)) else {
        let what = if kubectl { "kubectl command" } else { "name" };
        fail(app, format!("nothing selected has a {what} to copy"));
        return Vec::new();
    };
    let text = clean(&text).into_owned();
    info(app, format!("copied: {text}"));
    vec![Effect::CopyToClipboard(text)]
}
