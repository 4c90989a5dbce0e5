//! `/version` and API discovery, legacy (APIVersions, APIGroupList,
//! APIResourceList) and aggregated (`apidiscovery.k8s.io/v2`).

use serde_json::{Value, json};

use super::super::kind::{Kind, group_versions};
use super::Ctx;
use super::status::{self, Resp};

/// The aggregated discovery content type.
pub const AGGREGATED: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/// GET /version
pub fn version() -> Resp {
    status::json(
        200,
        &json!({
            "major": "1",
            "minor": "32",
            "gitVersion": "v1.32.4-opsdeck-sim",
            "gitCommit": "0000000000000000000000000000000000000000",
            "gitTreeState": "clean",
            "buildDate": "2026-01-01T00:00:00Z",
            "goVersion": "go1.23.8",
            "compiler": "gc",
            "platform": format!("{}/{}", std::env::consts::OS, if cfg!(target_arch = "aarch64") { "arm64" } else { "amd64" }),
        }),
    )
}

fn aggregated(accept: &str) -> bool {
    accept.contains("as=APIGroupDiscoveryList")
}

fn kinds_in(group: &str, version: &str) -> Vec<Kind> {
    Kind::ALL
        .into_iter()
        .filter(|k| k.info().group == group && k.info().version == version)
        .collect()
}

fn agg_resource(k: Kind) -> Value {
    let i = k.info();
    let subs: Vec<Value> = i
        .subs
        .iter()
        .map(|s| {
            let (g, v, kind) = if s.kind.is_empty() { (i.group, i.version, i.kind) } else { (s.group, s.version, s.kind) };
            json!({"subresource": s.name, "responseKind": {"group": g, "version": v, "kind": kind}, "verbs": s.verbs})
        })
        .collect();
    let mut r = json!({
        "resource": i.plural,
        "responseKind": {"group": i.group, "version": i.version, "kind": i.kind},
        "scope": if i.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": i.singular,
        "verbs": i.verbs,
    });
    if !i.short.is_empty() {
        r["shortNames"] = json!(i.short);
    }
    if !i.categories.is_empty() {
        r["categories"] = json!(i.categories);
    }
    if !subs.is_empty() {
        r["subresources"] = json!(subs);
    }
    r
}

fn ssar_agg() -> Value {
    json!({"resource": "selfsubjectaccessreviews", "responseKind": {"group": "authorization.k8s.io", "version": "v1", "kind": "SelfSubjectAccessReview"},
        "scope": "Cluster", "singularResource": "selfsubjectaccessreview", "verbs": ["create"]})
}

fn agg_group(group: &str, version: &str) -> Value {
    let mut resources: Vec<Value> = kinds_in(group, version)
        .into_iter()
        .map(agg_resource)
        .collect();
    if group == "authorization.k8s.io" {
        resources.push(ssar_agg());
    }
    json!({"metadata": {"name": group, "creationTimestamp": null}, "versions": [{"version": version, "resources": resources, "freshness": "Current"}]})
}

fn agg_list(items: Vec<Value>) -> Resp {
    let body = json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {}, "items": items});
    status::bytes(
        200,
        AGGREGATED,
        serde_json::to_vec(&body).unwrap_or_default(),
    )
}

/// GET /api
pub fn core(ctx: &Ctx) -> Resp {
    if aggregated(&ctx.accept) {
        return agg_list(vec![agg_group("", "v1")]);
    }
    status::json(
        200,
        &json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}),
    )
}

/// GET /apis
pub fn groups(ctx: &Ctx) -> Resp {
    let gvs: Vec<(&str, &str)> = group_versions()
        .into_iter()
        .filter(|(g, _)| !g.is_empty())
        .collect();
    if aggregated(&ctx.accept) {
        return agg_list(gvs.iter().map(|(g, v)| agg_group(g, v)).collect());
    }
    let groups: Vec<Value> = gvs
        .iter()
        .map(|(g, v)| {
            let gv = json!({"groupVersion": format!("{g}/{v}"), "version": v});
            json!({"name": g, "versions": [gv.clone()], "preferredVersion": gv})
        })
        .collect();
    status::json(
        200,
        &json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}),
    )
}

/// GET `/api/v1`, `/apis/<group>/<version>`
pub fn resources(group: &str, version: &str) -> Resp {
    if !group_versions().contains(&(group, version)) {
        return status::error(
            404,
            "NotFound",
            "the server could not find the requested resource",
            None,
        );
    }
    let mut out = Vec::new();
    for k in kinds_in(group, version) {
        let i = k.info();
        let mut r = json!({"name": i.plural, "singularName": i.singular, "namespaced": i.namespaced, "kind": i.kind, "verbs": i.verbs});
        if !i.short.is_empty() {
            r["shortNames"] = json!(i.short);
        }
        if !i.categories.is_empty() {
            r["categories"] = json!(i.categories);
        }
        out.push(r);
        for s in i.subs {
            let mut r = json!({"name": format!("{}/{}", i.plural, s.name), "singularName": "", "namespaced": i.namespaced,
                "kind": if s.kind.is_empty() { i.kind } else { s.kind }, "verbs": s.verbs});
            if !s.kind.is_empty() && s.group != i.group {
                r["group"] = json!(s.group);
                r["version"] = json!(s.version);
            }
            out.push(r);
        }
    }
    if group == "authorization.k8s.io" {
        out.push(json!({"name": "selfsubjectaccessreviews", "singularName": "selfsubjectaccessreview", "namespaced": false, "kind": "SelfSubjectAccessReview", "verbs": ["create"]}));
    }
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    status::json(
        200,
        &json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": out}),
    )
}
