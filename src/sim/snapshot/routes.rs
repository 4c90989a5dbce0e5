//! The traffic routes of one cluster as plain data: per Istio
//! VirtualService its first HTTP route's destinations, per Gateway API
//! HTTPRoute its first rule's backendRefs, each with its weight.

use serde::Serialize;
use serde_json::Value;

use super::super::cluster::Cluster;
use super::super::kind::Kind;
use super::super::obj;

/// One weighted route object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteSnapshot {
    /// namespace
    pub namespace: String,
    /// name
    pub name: String,
    /// (destination host or backendRef name, effective weight)
    pub backends: Vec<(String, u32)>,
}

impl RouteSnapshot {
    /// The weight of `backend`, 0 when the route does not name it.
    pub fn weight(&self, backend: &str) -> u32 {
        self.backends
            .iter()
            .find(|(b, _)| b == backend)
            .map_or(0, |(_, w)| *w)
    }
}

fn weight(v: &Value) -> Option<u32> {
    v.get("weight")
        .and_then(Value::as_i64)
        .map(|w| u32::try_from(w.max(0)).unwrap_or(u32::MAX))
}

/// Istio: `spec.http[0].route[]`; a destination without a weight takes 100
/// when it is the only one, else 0.
fn virtual_service(v: &Value) -> Vec<(String, u32)> {
    let route = obj::path(v, "spec.http")
        .and_then(Value::as_array)
        .and_then(|h| h.first())
        .and_then(|h| h.get("route"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let alone = route.len() == 1;
    route
        .iter()
        .filter_map(|d| {
            let host = obj::path(d, "destination.host").and_then(Value::as_str)?;
            let w = weight(d).unwrap_or(if alone { 100 } else { 0 });
            Some((host.to_string(), w))
        })
        .collect()
}

/// Gateway API: `spec.rules[0].backendRefs[]`; the weight defaults to 1.
fn http_route(v: &Value) -> Vec<(String, u32)> {
    obj::path(v, "spec.rules")
        .and_then(Value::as_array)
        .and_then(|r| r.first())
        .and_then(|r| r.get("backendRefs"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|b| {
            let name = b.get("name").and_then(Value::as_str)?;
            Some((name.to_string(), weight(b).unwrap_or(1)))
        })
        .collect()
}

/// Every route object of `kind` (VirtualService or HTTPRoute) in `c`.
pub fn routes(c: &Cluster, kind: Kind) -> Vec<RouteSnapshot> {
    c.docs_of(kind, None)
        .iter()
        .map(|v| RouteSnapshot {
            namespace: obj::namespace(v).to_string(),
            name: obj::name(v).to_string(),
            backends: if kind == Kind::HttpRoute {
                http_route(v)
            } else {
                virtual_service(v)
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults() {
        let vs = json!({"spec": {"http": [{"route": [{"destination": {"host": "a"}}]}]}});
        assert_eq!(virtual_service(&vs), vec![("a".to_string(), 100)]);
        let vs = json!({"spec": {"http": [{"route": [{"destination": {"host": "a"}}, {"destination": {"host": "b"}, "weight": 7}]}]}});
        assert_eq!(
            virtual_service(&vs),
            vec![("a".to_string(), 0), ("b".to_string(), 7)]
        );
        let hr = json!({"spec": {"rules": [{"backendRefs": [{"name": "x"}, {"name": "y", "weight": 0}]}]}});
        let r = RouteSnapshot {
            namespace: String::new(),
            name: String::new(),
            backends: http_route(&hr),
        };
        assert_eq!((r.weight("x"), r.weight("y"), r.weight("z")), (1, 0, 0));
    }
}
