//! The `deployments/{name}/scale` subresource (autoscaling/v1 Scale).

use serde_json::{Value, json};

use super::super::kind::Kind;
use super::super::obj;
use super::super::patch;
use super::Ctx;
use super::status::{self, Resp};
use super::write::commit;

/// The Scale view of a deployment.
pub fn scale_of(d: &Value) -> Value {
    let selector = obj::path(d, "spec.selector.matchLabels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": obj::name(d),
            "namespace": obj::namespace(d),
            "uid": obj::meta(d, "uid"),
            "resourceVersion": obj::meta(d, "resourceVersion"),
            "creationTimestamp": obj::meta(d, "creationTimestamp"),
        },
        "spec": {"replicas": obj::int(d, "spec.replicas", 1)},
        "status": {"replicas": obj::int(d, "status.replicas", 0), "selector": selector},
    })
}

/// GET scale.
pub fn get(ctx: &Ctx, ns: &str, name: &str) -> Resp {
    let c = ctx.lock();
    match c.doc(Kind::Deployment, ns, name) {
        Some(d) => status::json(200, &scale_of(&d)),
        None => status::not_found(Kind::Deployment, name),
    }
}

/// PUT or PATCH scale. kubectl's PUT carries no Content-Type.
pub fn write(ctx: &Ctx, ns: &str, name: &str) -> Resp {
    let mut c = ctx.lock();
    let Some(d) = c.doc(Kind::Deployment, ns, name) else {
        return status::not_found(Kind::Deployment, name);
    };
    let d = super::write::race(ctx, &mut c, Kind::Deployment, ns, d);
    let current = scale_of(&d);
    let new = if ctx.method == axum::http::Method::PATCH {
        let Some(pt) = patch::patch_type(&ctx.content_type) else {
            return status::error(415, "UnsupportedMediaType", "unknown patch type", None);
        };
        match patch::apply(pt, &current, &ctx.body) {
            Ok(v) => v,
            Err(e) => return status::error(422, "Invalid", &e, None),
        }
    } else {
        match serde_json::from_slice::<Value>(&ctx.body) {
            Ok(v) => v,
            Err(e) => return status::bad_request(&format!("invalid Scale: {e}")),
        }
    };
    if let Some(rv) = obj::meta(&new, "resourceVersion")
        && rv != obj::meta(&d, "resourceVersion").unwrap_or("")
    {
        return status::conflict(Kind::Deployment, name);
    }
    let Some(replicas) = obj::path(&new, "spec.replicas")
        .and_then(Value::as_i64)
        .filter(|r| *r >= 0)
    else {
        return status::invalid(
            Kind::Deployment,
            name,
            "spec.replicas: Invalid value: must be a non-negative integer",
        );
    };
    let mut nd = (*d).clone();
    nd["spec"]["replicas"] = json!(replicas);
    match commit(&mut c, Kind::Deployment, ctx.dry_run(), ns, Some(&d), nd) {
        Ok(v) => status::json(200, &scale_of(&v)),
        Err(e) => e,
    }
}
