//! The shape of one audit record: kube-apiserver's `audit.k8s.io/v1`
//! `Event`, with its fields in the order the real server writes them, and
//! how a request path maps to its `objectRef` (the apiserver's own
//! RequestInfo rules, purely syntactic: an unknown resource still gets one).

use std::collections::BTreeMap;

use axum::http::Method;
use serde::Serialize;
use serde_json::{Map, Value};

use super::super::api::verb_of;
use super::super::auth::Role;

/// One `audit.k8s.io/v1` `Event`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// `Event`
    pub kind: &'static str,
    /// `audit.k8s.io/v1`
    pub api_version: &'static str,
    /// `Request`: metadata and the request body
    pub level: &'static str,
    /// a v4 UUID per request
    #[serde(rename = "auditID")]
    pub audit_id: String,
    /// `ResponseComplete`
    pub stage: &'static str,
    /// path and query as the cluster sees them (no `/clusters/<region>`)
    #[serde(rename = "requestURI")]
    pub request_uri: String,
    /// the RBAC verb (`create`, `update`, `patch`, `delete`, `deletecollection`)
    pub verb: String,
    /// who asked
    pub user: User,
    /// the client's address
    #[serde(rename = "sourceIPs")]
    pub source_ips: Vec<String>,
    /// the User-Agent header
    #[serde(skip_serializing_if = "String::is_empty")]
    pub user_agent: String,
    /// the object addressed (absent for a non-resource path)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object_ref: Option<ObjectRef>,
    /// the answer's code, and for a failure its `Status`
    pub response_status: ResponseStatus,
    /// the request body, when it is JSON (or a protobuf SelfSubjectAccessReview)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_object: Option<Value>,
    /// when the request arrived (RFC 3339, microseconds)
    pub request_received_timestamp: String,
    /// when the answer was ready
    pub stage_timestamp: String,
    /// `authorization.k8s.io/decision` and `opsdeck.sim/cluster`
    pub annotations: BTreeMap<&'static str, String>,
}

/// `user` of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// `sim:<role>`, or `system:anonymous` without a valid token
    pub username: String,
    /// `system:authenticated` or `system:unauthenticated`
    pub groups: Vec<String>,
}

impl User {
    /// The user of a role; `None`: anonymous.
    pub fn of(role: Option<Role>) -> Self {
        let (username, group) = match role {
            Some(r) => (r.user(), "system:authenticated"),
            None => ("system:anonymous".to_string(), "system:unauthenticated"),
        };
        User {
            username,
            groups: vec![group.to_string()],
        }
    }
}

/// `objectRef` of an event; empty fields are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    /// plural resource name
    #[serde(skip_serializing_if = "String::is_empty")]
    pub resource: String,
    /// namespace
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// object name
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// API group (empty for the core group)
    #[serde(skip_serializing_if = "String::is_empty")]
    pub api_group: String,
    /// API version
    #[serde(skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    /// subresource (`scale`, `status`, ...)
    #[serde(skip_serializing_if = "String::is_empty")]
    pub subresource: String,
}

/// The object a cluster path (`api/v1/...` or `apis/<g>/<v>/...`, split on
/// `/`) addresses, as kube-apiserver's RequestInfo parses it; `None` for a
/// non-resource path.
pub fn object_ref(segs: &[&str]) -> Option<ObjectRef> {
    let (group, version, rest) = match segs {
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return None,
    };
    let mut r = ObjectRef {
        api_group: group.to_string(),
        api_version: version.to_string(),
        ..ObjectRef::default()
    };
    let mut parts = rest;
    if let ["namespaces", ns, more @ ..] = rest {
        r.namespace = (*ns).to_string();
        // `namespaces/<ns>/status` and `/finalize` are the namespace's own
        // subresources; anything else names a resource in the namespace.
        if !more.is_empty() && !matches!(more[0], "status" | "finalize") {
            parts = more;
        }
    }
    let at = |i: usize| parts.get(i).map(|s| (*s).to_string()).unwrap_or_default();
    r.resource = at(0);
    r.name = at(1);
    r.subresource = at(2);
    Some(r).filter(|r| !r.resource.is_empty())
}

/// The audit verb of a request: the RBAC verb for a resource, the lower-case
/// method for a non-resource path (as kube-apiserver does).
pub fn verb(method: &Method, object: Option<&ObjectRef>) -> String {
    match object {
        Some(o) => verb_of(method, o.name.is_empty(), false).to_string(),
        None => method.as_str().to_ascii_lowercase(),
    }
}

/// `responseStatus` of an event: a `Status` without kind and apiVersion.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ResponseStatus {
    /// always `{}`
    pub metadata: Map<String, Value>,
    /// `Failure` (or `Success`) as answered
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Value>,
    /// the answered message
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Value>,
    /// `Forbidden`, `Conflict`, `NotFound`, `Invalid`, ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Value>,
    /// the answered details
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
    /// the HTTP status code
    pub code: u16,
}

/// `responseStatus`: the code, and for a failure the fields of the `Status`
/// the server answered (`status`, `message`, `reason`, `details`).
pub fn response_status(code: u16, body: Option<&Value>) -> ResponseStatus {
    let st = body.filter(|b| b["kind"] == "Status");
    let field = |k: &str| st.and_then(|s| s.get(k)).cloned();
    ResponseStatus {
        metadata: Map::new(),
        status: field("status"),
        message: field("message"),
        reason: field("reason"),
        details: field("details"),
        code,
    }
}

/// RFC 3339 in UTC with microseconds, as kube-apiserver writes them.
pub fn timestamp(t: jiff::Timestamp) -> String {
    format!("{t:.6}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn segs(p: &str) -> Vec<&str> {
        p.split('/').filter(|s| !s.is_empty()).collect()
    }

    #[test]
    fn object_refs_follow_request_info() {
        let r = object_ref(&segs(
            "/apis/apps/v1/namespaces/shop/deployments/checkout/scale",
        ))
        .unwrap();
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"resource": "deployments", "namespace": "shop", "name": "checkout",
                   "apiGroup": "apps", "apiVersion": "v1", "subresource": "scale"})
        );
        let r = object_ref(&segs("/api/v1/namespaces/shop/pods")).unwrap();
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"resource": "pods", "namespace": "shop", "apiVersion": "v1"})
        );
        let r = object_ref(&segs("/api/v1/namespaces/shop")).unwrap();
        assert_eq!(
            (r.resource.as_str(), r.name.as_str()),
            ("namespaces", "shop")
        );
        let r = object_ref(&segs("/api/v1/namespaces/shop/finalize")).unwrap();
        assert_eq!(r.subresource, "finalize");
        let r = object_ref(&segs(
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        ))
        .unwrap();
        assert_eq!(verb(&Method::POST, Some(&r)), "create");
        assert_eq!(object_ref(&segs("/apis/apps/v1")), None);
        assert_eq!(object_ref(&segs("/version")), None);
        assert_eq!(verb(&Method::DELETE, None), "delete");
        let coll = object_ref(&segs("/api/v1/namespaces/shop/pods")).unwrap();
        assert_eq!(verb(&Method::DELETE, Some(&coll)), "deletecollection");
    }

    #[test]
    fn response_status_copies_the_status() {
        let line = |code, body| serde_json::to_string(&response_status(code, body)).unwrap();
        assert_eq!(line(200, None), r#"{"metadata":{},"code":200}"#);
        let st = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                        "message": "m", "reason": "Conflict", "code": 409});
        assert_eq!(
            line(409, Some(&st)),
            r#"{"metadata":{},"status":"Failure","message":"m","reason":"Conflict","code":409}"#
        );
        // A body that is not a Status adds nothing.
        assert_eq!(
            line(500, Some(&json!({"a": 1}))),
            r#"{"metadata":{},"code":500}"#
        );
    }

    #[test]
    fn timestamps_have_microseconds() {
        let t: jiff::Timestamp = "2026-03-01T10:20:30.123456789Z".parse().unwrap();
        assert_eq!(timestamp(t), "2026-03-01T10:20:30.123456Z");
        let t: jiff::Timestamp = "2026-03-01T10:20:30Z".parse().unwrap();
        assert_eq!(timestamp(t), "2026-03-01T10:20:30.000000Z");
    }
}
