//! Merging what several Alertmanagers report. Members of an HA cluster share
//! silences by gossip but each receives alerts on its own, so the same alert
//! (same fingerprint) arrives several times: it is shown once, with the
//! earliest `startsAt`, active if any member says so.

use std::collections::BTreeMap;

use super::api::{WireAlert, WireSilence};
use crate::model::{Alert, AlertState, Silence, Timestamp};

/// What one Alertmanager answered.
pub struct Reported<'a> {
    pub url: &'a str,
    pub ha_cluster: &'a str,
    pub alerts: &'a [WireAlert],
    pub silences: &'a [WireSilence],
}

fn time(raw: &Option<String>) -> Option<Timestamp> {
    raw.as_deref().and_then(|t| t.parse().ok())
}

fn state(raw: &str) -> AlertState {
    match raw {
        "active" => AlertState::Active,
        "suppressed" => AlertState::Suppressed,
        _ => AlertState::Unprocessed,
    }
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

pub fn merge(reports: &[Reported<'_>]) -> (Vec<Alert>, Vec<Silence>) {
    let mut alerts: BTreeMap<String, Alert> = BTreeMap::new();
    let mut silences: BTreeMap<(String, String), Silence> = BTreeMap::new();
    for r in reports {
        for a in r.alerts {
            let starts = time(&a.starts_at);
            let s = state(&a.status.state);
            let entry = alerts
                .entry(a.fingerprint.clone())
                .or_insert_with(|| Alert {
                    fingerprint: a.fingerprint.clone(),
                    labels: a.labels.clone(),
                    annotations: a.annotations.clone(),
                    starts_at: starts,
                    state: s,
                    silenced_by: Vec::new(),
                    inhibited_by: Vec::new(),
                    seen_on: Vec::new(),
                    ha_clusters: Vec::new(),
                });
            entry.starts_at = match (entry.starts_at, starts) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            if s == AlertState::Active || entry.state == AlertState::Unprocessed {
                entry.state = s;
            }
            for id in &a.status.silenced_by {
                push_unique(&mut entry.silenced_by, id);
            }
            for id in &a.status.inhibited_by {
                push_unique(&mut entry.inhibited_by, id);
            }
            push_unique(&mut entry.seen_on, r.url);
            push_unique(&mut entry.ha_clusters, r.ha_cluster);
        }
        for s in r.silences {
            silences
                .entry((r.ha_cluster.to_string(), s.id.clone()))
                .or_insert_with(|| Silence {
                    id: s.id.clone(),
                    matchers: s.matchers.clone(),
                    starts_at: time(&s.starts_at),
                    ends_at: time(&s.ends_at),
                    created_by: s.created_by.clone(),
                    comment: s.comment.clone(),
                    state: s.status.state.clone(),
                    ha_cluster: r.ha_cluster.to_string(),
                });
        }
    }
    let mut alerts: Vec<Alert> = alerts.into_values().collect();
    alerts.sort_by(|a, b| {
        a.starts_at
            .cmp(&b.starts_at)
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
    (alerts, silences.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::super::api::WireAlertStatus;
    use super::*;

    fn alert(fp: &str, starts: &str, state: &str) -> WireAlert {
        WireAlert {
            fingerprint: fp.into(),
            labels: [("alertname".to_string(), "HighErrorRatio".to_string())].into(),
            annotations: BTreeMap::new(),
            starts_at: Some(starts.into()),
            status: WireAlertStatus {
                state: state.into(),
                silenced_by: vec![],
                inhibited_by: vec![],
            },
        }
    }

    #[test]
    fn an_ha_pair_shows_each_alert_once_with_the_earliest_start() {
        let a = [alert("f1", "2026-11-23T10:00:05Z", "active")];
        let b = [
            alert("f1", "2026-11-23T10:00:01Z", "suppressed"),
            alert("f2", "2026-11-23T10:01:00Z", "active"),
        ];
        let (alerts, _) = merge(&[
            Reported {
                url: "http://am-0",
                ha_cluster: "prod",
                alerts: &a,
                silences: &[],
            },
            Reported {
                url: "http://am-1",
                ha_cluster: "prod",
                alerts: &b,
                silences: &[],
            },
        ]);
        assert_eq!(alerts.len(), 2);
        let f1 = &alerts[0];
        assert_eq!(f1.fingerprint, "f1");
        assert_eq!(
            f1.starts_at.map(|t| t.to_string()).as_deref(),
            Some("2026-11-23T10:00:01Z")
        );
        assert_eq!(f1.state, AlertState::Active);
        assert_eq!(f1.seen_on, vec!["http://am-0", "http://am-1"]);
        assert_eq!(f1.ha_clusters, vec!["prod"]);
    }
}
