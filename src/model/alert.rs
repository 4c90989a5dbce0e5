//! Alerts and silences as Alertmanager's API v2 describes them, merged across
//! the Alertmanagers of the fleet.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertState {
    Active,
    Suppressed,
    Unprocessed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    pub fingerprint: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    /// The earliest `startsAt` any Alertmanager reported.
    pub starts_at: Option<Timestamp>,
    pub state: AlertState,
    pub silenced_by: Vec<String>,
    pub inhibited_by: Vec<String>,
    /// Alertmanager URLs that reported it.
    pub seen_on: Vec<String>,
    /// HA clusters (config `ha_cluster`) that have it.
    pub ha_clusters: Vec<String>,
}

impl Alert {
    pub fn label(&self, name: &str) -> &str {
        self.labels.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.label("alertname")
    }

    pub fn severity(&self) -> &str {
        self.label("severity")
    }

    pub fn firing(&self) -> bool {
        self.state == AlertState::Active
    }
}

/// One silence matcher, as API v2 writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Matcher {
    pub name: String,
    pub value: String,
    pub is_regex: bool,
    #[serde(default = "yes")]
    pub is_equal: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Silence {
    pub id: String,
    pub matchers: Vec<Matcher>,
    pub starts_at: Option<Timestamp>,
    pub ends_at: Option<Timestamp>,
    pub created_by: String,
    pub comment: String,
    /// `active`, `pending` or `expired`.
    pub state: String,
    pub ha_cluster: String,
}
