//! Where data came from and how fresh it is. The console shows stale data as
//! stale, never as current; commands print the error, never drop the source.

use serde::Serialize;

use super::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    Kubernetes,
    Prometheus,
    Alertmanager,
    Billing,
}

impl SourceKind {
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Kubernetes => "kubernetes",
            SourceKind::Prometheus => "prometheus",
            SourceKind::Alertmanager => "alertmanager",
            SourceKind::Billing => "billing",
        }
    }
}

/// The state of one source: a cluster context, a Prometheus, an
/// Alertmanager or a billing source.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceStatus {
    pub kind: SourceKind,
    /// Region name, or "" for a source shared by several regions.
    pub region: String,
    /// Context name or endpoint (host and path, never credentials).
    pub name: String,
    pub last_success: Option<Timestamp>,
    /// A short human message, never a token or a URL with credentials.
    pub last_error: Option<String>,
    /// Refreshes missed in a row since the last success.
    pub missed: u32,
    pub stale: bool,
    /// Problems that did not stop the source (e.g. malformed CSV rows,
    /// reported with file and line and skipped).
    pub warnings: Vec<String>,
}

impl SourceStatus {
    pub fn new(kind: SourceKind, region: &str, name: &str) -> Self {
        Self {
            kind,
            region: region.to_string(),
            name: name.to_string(),
            last_success: None,
            last_error: None,
            missed: 0,
            stale: false,
            warnings: Vec::new(),
        }
    }

    /// Records a success at `now`.
    pub fn succeeded(&mut self, now: Timestamp) {
        self.last_success = Some(now);
        self.last_error = None;
        self.missed = 0;
        self.stale = false;
    }

    /// Records a failure; stale after `stale_after` misses in a row, or at
    /// once when the source never succeeded.
    pub fn failed(&mut self, error: String, stale_after: u32) {
        self.last_error = Some(error);
        self.missed = self.missed.saturating_add(1);
        self.stale = self.last_success.is_none() || self.missed >= stale_after.max(1);
    }

    /// Age of the data at `now`, if there is any.
    pub fn age(&self, now: Timestamp) -> Option<jiff::SignedDuration> {
        self.last_success.map(|t| now.duration_since(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goes_stale_after_missed_refreshes_and_recovers() {
        let mut s = SourceStatus::new(SourceKind::Prometheus, "eu", "prom");
        s.failed("refused".into(), 3);
        assert!(s.stale, "never succeeded: stale at once");
        let t = Timestamp::UNIX_EPOCH;
        s.succeeded(t);
        assert!(!s.stale && s.last_error.is_none());
        s.failed("timeout".into(), 3);
        s.failed("timeout".into(), 3);
        assert!(!s.stale);
        s.failed("timeout".into(), 3);
        assert!(s.stale);
        assert_eq!(s.last_error.as_deref(), Some("timeout"));
        s.succeeded(t);
        assert!(!s.stale);
    }
}
