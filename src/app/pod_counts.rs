//! The pod counts of the region on screen kept current per data batch
//! without a scan: a pod added, changed or deleted in that region moves
//! the total, the not-ready count and the filter's matches by what it was
//! and what it becomes. Only a full re-list (or another region, or another
//! filter) recounts every pod.

use super::state::AppState;
use crate::model::PodRow;
use crate::model::query::pod_matches;
use crate::model::state::{KubeChange, KubeKind, KubeRow, Update, pod_key};

/// What one pod adds to the counts: (present, not ready, matching).
fn weight(p: &PodRow, filter: &str) -> (isize, isize, isize) {
    (
        1,
        isize::from(!p.ready),
        isize::from(pod_matches(p, filter)),
    )
}

fn moved(n: &mut usize, by: isize) {
    *n = n.saturating_add_signed(by);
}

impl AppState {
    /// Applies `u` to the fleet, keeping the pod counts current when it can;
    /// when it cannot (a re-list of the region's pods), drops them for a
    /// recount.
    pub fn apply_counted(&mut self, u: Update) {
        let Some(counts) = self.pod_counts.as_ref() else {
            self.fleet.apply(u);
            return;
        };
        let Update::Kube {
            region,
            context,
            change,
        } = &u
        else {
            self.fleet.apply(u);
            return;
        };
        if *region != counts.region {
            self.fleet.apply(u);
            return;
        }
        let key = match change {
            KubeChange::Upsert(KubeRow::Pod(p)) => (p.namespace.clone(), p.name.clone()),
            KubeChange::Delete(KubeKind::Pod, k) => pod_key(&k.0, &k.1),
            KubeChange::Replace(KubeKind::Pod, _) => {
                self.pod_counts = None;
                self.fleet.apply(u);
                return;
            }
            _ => {
                self.fleet.apply(u);
                return;
            }
        };
        let filter = counts.filter.clone();
        let (region, context) = (region.clone(), context.clone());
        let pod = |app: &AppState| {
            app.fleet
                .regions
                .get(&region)
                .and_then(|r| r.clusters.get(&context))
                .and_then(|c| c.pods.get(&key))
                .map(|p| weight(p, &filter))
                .unwrap_or((0, 0, 0))
        };
        let before = pod(self);
        self.fleet.apply(u);
        let after = pod(self);
        if let Some(c) = self.pod_counts.as_mut() {
            moved(&mut c.total, after.0 - before.0);
            moved(&mut c.not_ready, after.1 - before.1);
            moved(&mut c.matching, after.2 - before.2);
        }
    }
}
