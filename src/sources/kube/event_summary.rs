//! The parts of an Event the console keeps, read straight from the API's
//! JSON. A cluster keeps up to an hour of events (thousands on a busy one),
//! and the watch lists them all at start-up; a full `k8s_openapi` Event
//! allocates its uid, source, reporting fields and every timestamp, all
//! dropped at once. Serde skips what is not named here without allocating.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta, Time};
use serde::Deserialize;

/// An Event as the watch of events reads it.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventSummary {
    #[serde(deserialize_with = "super::summary::summary_meta")]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub involved_object: Involved,
    pub reason: Option<String>,
    pub message: Option<String>,
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub count: Option<i32>,
    pub last_timestamp: Option<Time>,
    pub event_time: Option<MicroTime>,
}

/// The object the event is about: what the events list names.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Involved {
    pub kind: Option<String>,
    pub name: Option<String>,
}

super::summary::namespaced_v1!(EventSummary, "Event", "events", "EventList");

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// An Event as the API serves it, with the fields the summary skips.
    const EVENT: &str = r#"{
      "apiVersion": "v1", "kind": "Event",
      "metadata": {"name": "web-1.17f0", "namespace": "shop", "uid": "u1",
        "resourceVersion": "77", "creationTimestamp": "2026-11-03T11:35:29Z",
        "managedFields": [{"manager": "kubelet"}]},
      "involvedObject": {"kind": "Pod", "namespace": "shop", "name": "web-1",
        "uid": "p1", "apiVersion": "v1"},
      "reason": "BackOff", "message": "Back-off restarting failed container",
      "source": {"component": "kubelet", "host": "node-a"},
      "firstTimestamp": "2026-11-03T11:30:00Z", "lastTimestamp": "2026-11-03T11:35:29Z",
      "eventTime": null, "count": 7, "type": "Warning",
      "reportingComponent": "kubelet", "reportingInstance": "node-a"
    }"#;

    #[test]
    fn reads_what_the_events_list_shows_and_skips_the_rest() {
        let e: EventSummary = serde_json::from_str(EVENT).unwrap();
        assert_eq!(e.metadata.name.as_deref(), Some("web-1.17f0"));
        assert_eq!(e.metadata.namespace.as_deref(), Some("shop"));
        assert_eq!(e.metadata.resource_version.as_deref(), Some("77"));
        assert!(e.metadata.uid.is_none() && e.metadata.managed_fields.is_none());
        assert_eq!(e.involved_object.kind.as_deref(), Some("Pod"));
        assert_eq!(e.involved_object.name.as_deref(), Some("web-1"));
        assert_eq!(e.reason.as_deref(), Some("BackOff"));
        assert_eq!(e.type_.as_deref(), Some("Warning"));
        assert_eq!(e.count, Some(7));
        assert!(e.last_timestamp.is_some() && e.event_time.is_none());
    }

    /// events.k8s.io-style events carry only `eventTime`; older ones may
    /// lack the involved object's fields.
    #[test]
    fn an_event_with_only_an_event_time_and_no_object_reads() {
        let e: EventSummary = serde_json::from_str(
            r#"{"metadata": {"name": "x"}, "eventTime": "2026-11-03T11:35:29.123456Z"}"#,
        )
        .unwrap();
        assert!(e.event_time.is_some() && e.last_timestamp.is_none());
        assert!(e.involved_object.kind.is_none() && e.reason.is_none());
    }
}
