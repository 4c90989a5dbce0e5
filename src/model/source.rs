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
    /// Workload state from kube-state-metrics through a fleet-wide store.
    Metrics,
}

impl SourceKind {
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Kubernetes => "kubernetes",
            SourceKind::Prometheus => "prometheus",
            SourceKind::Alertmanager => "alertmanager",
            SourceKind::Billing => "billing",
            SourceKind::Metrics => "metrics",
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
    /// A polled source's own interval: its data is current while the last
    /// poll answered within it.
    pub every_seconds: Option<u64>,
    /// A watch that is open (its list synced, no error since): current
    /// however quiet the objects are.
    pub watching: bool,
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
            every_seconds: None,
            watching: false,
        }
    }

    /// What the operator reads from this status at a glance: whether the
    /// source ever answered, is failing, is stale, has its watch open.
    pub fn condition(&self) -> (bool, bool, bool, bool) {
        (
            self.last_success.is_some(),
            self.last_error.is_some(),
            self.stale,
            self.watching,
        )
    }

    /// A polled source, current while its last poll is within `every`.
    pub fn polled_every(mut self, every: std::time::Duration) -> Self {
        self.every_seconds = Some(every.as_secs().max(1));
        self
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

    /// How old what this source says is at `now`, in seconds: 0 while it is
    /// current (an open watch, or a poll that answered within its own
    /// interval, with a second of slack), else the time since its last answer.
    pub fn figure_age(&self, now: Timestamp) -> Option<i64> {
        let age = self.age(now)?.as_secs();
        let within = self.every_seconds.is_some_and(|e| age <= e as i64 + 1);
        Some(if !self.stale && (self.watching || within) {
            0
        } else {
            age
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_is_current_within_its_own_interval_or_while_its_watch_is_open() {
        let t0 = Timestamp::from_second(1_000_000).unwrap_or(Timestamp::UNIX_EPOCH);
        let at = |s: i64| t0 + jiff::SignedDuration::from_secs(s);
        let mut prom = SourceStatus::new(SourceKind::Prometheus, "r", "p")
            .polled_every(std::time::Duration::from_secs(10));
        prom.succeeded(t0);
        assert_eq!(prom.figure_age(at(8)), Some(0));
        assert_eq!(prom.figure_age(at(180)), Some(180), "missed polls age");
        let mut billing = SourceStatus::new(SourceKind::Billing, "r", "b")
            .polled_every(std::time::Duration::from_secs(300));
        billing.succeeded(t0);
        assert_eq!(billing.figure_age(at(180)), Some(0), "within 5 min");
        let mut watch = SourceStatus::new(SourceKind::Kubernetes, "r", "ctx");
        watch.succeeded(t0);
        assert_eq!(watch.figure_age(at(180)), Some(180), "not open yet");
        watch.watching = true;
        assert_eq!(watch.figure_age(at(180)), Some(0), "a quiet open watch");
        watch.failed("gone".into(), 1);
        assert_eq!(watch.figure_age(at(180)), Some(180), "stale shows its age");
    }

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
