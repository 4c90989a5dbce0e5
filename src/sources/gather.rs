//! One pass over every source, for the commands: connect, gather with
//! per-source timeouts, stop. A faulty region never makes this hang: after
//! `deadline`, whatever has not answered is reported as unreachable.

use std::collections::BTreeSet;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::hub;
use super::needs::Needs;
use crate::config::Config;
use crate::model::state::{FleetState, KubeChange, KubeKind, Update};
use crate::model::{SourceKind, SourceStatus};

/// Gathers until every source answered once (Kubernetes: its deployments
/// listed) or `deadline` passed; then stops every task.
pub async fn once(
    cfg: &Config,
    context: Option<&str>,
    deadline: Duration,
    needs: &Needs,
) -> FleetState {
    let plan = hub::plan_for(cfg, context, needs);
    let mut pending: BTreeSet<(SourceKind, String, String)> = plan.expected().into_iter().collect();
    let mut seen = Seen::default();
    let (tx, mut rx) = mpsc::channel(4096);
    let mut tasks = JoinSet::new();
    hub::spawn(plan, &tx, &mut tasks);
    drop(tx);
    let mut state = FleetState::default();
    let timer = tokio::time::sleep(deadline);
    tokio::pin!(timer);
    while !pending.is_empty() {
        tokio::select! {
            _ = &mut timer => break,
            msg = rx.recv() => {
                let Some(update) = msg else { break };
                note(&update, &mut pending, &mut seen);
                state.apply(update);
            }
        }
    }
    tasks.abort_all();
    // Drain what was already sent, so nothing that arrived is lost.
    while let Ok(update) = rx.try_recv() {
        note(&update, &mut pending, &mut seen);
        state.apply(update);
    }
    for (kind, region, name) in pending {
        let reported = state
            .sources
            .iter()
            .find(|s| s.kind == kind && s.region == region && s.name == name)
            .cloned();
        let (mut s, what) = match reported {
            // A failure was reported: it says why.
            Some(s) if s.last_error.is_some() => continue,
            // A cluster whose API server answered its probe, but whose
            // deployments were not listed in time: not read, so not fresh.
            Some(s) => (s, "deployments not listed"),
            None => (SourceStatus::new(kind, &region, &name), "no answer"),
        };
        s.failed(format!("{what} within {} s", deadline.as_secs()), 1);
        state.apply(Update::Source(s));
    }
    state
}

/// Clusters whose deployments were listed, and clusters whose status came:
/// a cluster is done once both are true (its status follows the list, and
/// stopping at the list alone would drop it).
#[derive(Default)]
struct Seen {
    listed: BTreeSet<(String, String)>,
    reported: BTreeSet<(String, String)>,
}

fn note(update: &Update, pending: &mut BTreeSet<(SourceKind, String, String)>, seen: &mut Seen) {
    match update {
        Update::Kube {
            region,
            context,
            change: KubeChange::Replace(KubeKind::Deployment, _),
        } => {
            let key = (region.clone(), context.clone());
            if seen.reported.contains(&key) {
                pending.remove(&(SourceKind::Kubernetes, region.clone(), context.clone()));
            }
            seen.listed.insert(key);
        }
        Update::Source(s) => {
            let cluster = (s.region.clone(), s.name.clone());
            let done = s.kind != SourceKind::Kubernetes
                || s.last_error.is_some()
                || seen.listed.contains(&cluster);
            if s.kind == SourceKind::Kubernetes {
                seen.reported.insert(cluster);
            }
            if done {
                pending.remove(&(s.kind, s.region.clone(), s.name.clone()));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed() -> Update {
        Update::Kube {
            region: "r".into(),
            context: "c".into(),
            change: KubeChange::Replace(KubeKind::Deployment, Vec::new()),
        }
    }

    fn status() -> Update {
        Update::Source(SourceStatus::new(SourceKind::Kubernetes, "r", "c"))
    }

    #[test]
    fn a_cluster_is_done_once_listed_and_reported_in_either_order() {
        for order in [[listed(), status()], [status(), listed()]] {
            let mut pending: BTreeSet<_> =
                [(SourceKind::Kubernetes, "r".into(), "c".into())].into();
            let mut seen = Seen::default();
            note(&order[0], &mut pending, &mut seen);
            assert_eq!(pending.len(), 1, "one of the two is not enough");
            note(&order[1], &mut pending, &mut seen);
            assert!(pending.is_empty());
        }
    }
}
