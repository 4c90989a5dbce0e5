//! The Kubernetes REST API of every simulated cluster, served under
//! `/clusters/<region>`: routing, faults, authentication and authorization.

pub mod control;
pub mod discovery;
pub mod list;
pub mod logs;
pub mod scale;
pub mod selector;
pub mod status;
pub mod table;
pub mod watch;
pub mod write;

use std::collections::HashMap;
use std::sync::{Arc, MutexGuard};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, header};
use bytes::Bytes;

use super::audit::{AuditLog, Pending};
use super::auth::{self, Role, Tokens};
use super::cluster::Cluster;
use super::kind::Kind;
use super::world::{ClusterCell, World};
use status::Resp;

/// What every request handler shares.
#[derive(Debug)]
pub struct Shared {
    /// the world
    pub world: Arc<World>,
    /// bearer tokens per role
    pub tokens: Tokens,
    /// more control routes (e.g. the telemetry's `/control/telemetry/...`),
    /// served behind the same tokens: reading needs any role, changing the
    /// admin token
    pub extra_control: Option<axum::Router>,
    /// where mutating requests are recorded, if anywhere
    pub audit: Option<Arc<AuditLog>>,
}

/// What the server does with a request.
#[derive(Debug)]
pub enum Outcome {
    /// answer
    Answer(Resp),
    /// close the connection without an answer (fault: refuse)
    Refuse,
}

/// One API request, parsed.
#[derive(Debug)]
pub struct Ctx {
    /// shared state
    pub shared: Arc<Shared>,
    /// the cluster addressed
    pub cell: Arc<ClusterCell>,
    /// the caller's role
    pub role: Role,
    /// HTTP method
    pub method: Method,
    /// query parameters
    pub query: HashMap<String, String>,
    /// Accept header
    pub accept: String,
    /// Content-Type header
    pub content_type: String,
    /// request body
    pub body: Bytes,
}

impl Ctx {
    /// A query parameter.
    pub fn q(&self, k: &str) -> Option<&str> {
        self.query
            .get(k)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A boolean query parameter (`true` or `1`).
    pub fn flag(&self, k: &str) -> bool {
        matches!(self.q(k), Some("true" | "1"))
    }

    /// `dryRun=All`
    pub fn dry_run(&self) -> bool {
        self.q("dryRun").is_some()
    }

    /// Lock the cluster.
    pub fn lock(&self) -> MutexGuard<'_, Cluster> {
        self.cell.lock()
    }
}

/// The resource a request addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// a collection, in one namespace or all
    Collection {
        /// kind
        kind: Kind,
        /// namespace
        ns: Option<String>,
    },
    /// one object, maybe a subresource
    Object {
        /// kind
        kind: Kind,
        /// namespace (empty for cluster-scoped)
        ns: String,
        /// name
        name: String,
        /// subresource
        sub: Option<String>,
    },
}

fn parse_query(q: Option<&str>) -> HashMap<String, String> {
    url::form_urlencoded::parse(q.unwrap_or("").as_bytes())
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Parse the part of a path after `/api/v1` or `/apis/<g>/<v>`.
pub fn target(group: &str, version: &str, rest: &[&str]) -> Option<Target> {
    let kind = |plural: &str| Kind::from_path(group, version, plural);
    match rest {
        [plural] => Some(Target::Collection {
            kind: kind(plural)?,
            ns: None,
        }),
        ["namespaces", ns, plural] if kind(plural).is_some_and(|k| k.info().namespaced) => {
            Some(Target::Collection {
                kind: kind(plural)?,
                ns: Some((*ns).to_string()),
            })
        }
        ["namespaces", ns, plural, name, sub @ ..]
            if kind(plural).is_some_and(|k| k.info().namespaced) && sub.len() <= 1 =>
        {
            Some(Target::Object {
                kind: kind(plural)?,
                ns: (*ns).to_string(),
                name: (*name).to_string(),
                sub: sub.first().map(|s| (*s).to_string()),
            })
        }
        [plural, name, sub @ ..]
            if kind(plural).is_some_and(|k| !k.info().namespaced) && sub.len() <= 1 =>
        {
            Some(Target::Object {
                kind: kind(plural)?,
                ns: String::new(),
                name: (*name).to_string(),
                sub: sub.first().map(|s| (*s).to_string()),
            })
        }
        _ => None,
    }
}

/// Serve one request, and record it in the audit log if there is one.
pub async fn handle(shared: Arc<Shared>, req: Request<Body>) -> Outcome {
    let received = jiff::Timestamp::now();
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 64 << 20).await.ok();
    let token = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|a| a.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    let role = shared.tokens.role(token);
    let pending = shared
        .audit
        .as_ref()
        .and_then(|log| Pending::start(log, received, &parts, body.as_ref(), role));
    let outcome = match body {
        Some(body) => answer(shared, parts, body, role).await,
        None => Outcome::Answer(status::bad_request("unreadable request body")),
    };
    match (pending, outcome) {
        (Some(p), Outcome::Answer(resp)) => Outcome::Answer(p.finish(resp).await),
        (_, outcome) => outcome,
    }
}

async fn answer(
    shared: Arc<Shared>,
    parts: axum::http::request::Parts,
    body: Bytes,
    role: Option<Role>,
) -> Outcome {
    let path = parts.uri.path().to_string();
    let query = parse_query(parts.uri.query());
    let header = |h: header::HeaderName| {
        parts
            .headers
            .get(h)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let (accept, content_type) = (header(header::ACCEPT), header(header::CONTENT_TYPE));
    if path == "/healthz" || path == "/livez" || path == "/readyz" {
        return Outcome::Answer(status::bytes(200, "text/plain", "ok"));
    }
    if let Some(rest) = path.strip_prefix("/control/") {
        if let Some(router) = shared
            .extra_control
            .as_ref()
            .filter(|_| !control::is_own(rest))
        {
            let req = Request::from_parts(parts, Body::from(body));
            return Outcome::Answer(control::forward(router, role, req).await);
        }
        return Outcome::Answer(control::handle(
            &shared,
            role,
            &parts.method,
            rest,
            &query,
            &body,
        ));
    }
    let Some(rest) = path.strip_prefix("/clusters/") else {
        return Outcome::Answer(status::error(
            404,
            "NotFound",
            "the server could not find the requested resource",
            None,
        ));
    };
    let (cluster, k8s) = rest.split_once('/').unwrap_or((rest, ""));
    let Some(cell) = shared.world.cluster(cluster).cloned() else {
        return Outcome::Answer(status::error(
            404,
            "NotFound",
            &format!("no cluster {cluster:?}"),
            None,
        ));
    };
    let faults = cell.faults();
    if faults.refuse {
        return Outcome::Refuse;
    }
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    if faults.unavailable {
        return Outcome::Answer(status::error(
            503,
            "ServiceUnavailable",
            "the server is currently unable to handle the request",
            None,
        ));
    }
    let segs: Vec<&str> = k8s.split('/').filter(|s| !s.is_empty()).collect();
    if segs == ["version"] {
        return Outcome::Answer(discovery::version());
    }
    let Some(role) = role else {
        return Outcome::Answer(status::error(401, "Unauthorized", "Unauthorized", None));
    };
    let ctx = Ctx {
        shared: shared.clone(),
        cell,
        role,
        method: parts.method.clone(),
        query,
        accept,
        content_type,
        body,
    };
    Outcome::Answer(route(ctx, &segs).await)
}

async fn route(ctx: Ctx, segs: &[&str]) -> Resp {
    let (group, version, rest): (&str, &str, &[&str]) = match segs {
        ["api"] => return discovery::core(&ctx),
        ["apis"] => return discovery::groups(&ctx),
        ["api", "v1"] => return discovery::resources("", "v1"),
        ["apis", g, v] => return discovery::resources(g, v),
        ["api", "v1", rest @ ..] => ("", "v1", rest),
        ["apis", g, v, rest @ ..] => (g, v, rest),
        _ => {
            return status::error(
                404,
                "NotFound",
                "the server could not find the requested resource",
                None,
            );
        }
    };
    if group == "authorization.k8s.io" && version == "v1" && rest == ["selfsubjectaccessreviews"] {
        return if ctx.method == Method::POST {
            auth::review(&ctx)
        } else {
            status::method_not_allowed()
        };
    }
    let Some(t) = target(group, version, rest) else {
        return status::error(
            404,
            "NotFound",
            "the server could not find the requested resource",
            None,
        );
    };
    let verb = verb(&ctx, &t);
    let (kind, ns, name, sub) = match &t {
        Target::Collection { kind, ns } => {
            (*kind, ns.clone().unwrap_or_default(), String::new(), None)
        }
        Target::Object {
            kind,
            ns,
            name,
            sub,
        } => (*kind, ns.clone(), name.clone(), sub.clone()),
    };
    if !ctx
        .role
        .allows(verb, kind.info().group, kind.info().plural, sub.as_deref())
    {
        return auth::forbidden(ctx.role, verb, kind, &ns, &name, sub.as_deref());
    }
    match (t, ctx.method.clone()) {
        (Target::Collection { kind, ns }, Method::GET) => {
            if ctx.flag("watch") {
                watch::serve(&ctx, kind, ns.as_deref())
            } else {
                list::serve(&ctx, kind, ns.as_deref())
            }
        }
        (Target::Collection { kind, ns }, Method::POST) => {
            write::create(&ctx, kind, ns.as_deref().unwrap_or(""))
        }
        (
            Target::Object {
                kind,
                ns,
                name,
                sub: None,
            },
            m,
        ) => match m {
            Method::GET => list::get(&ctx, kind, &ns, &name),
            Method::PUT => write::update(&ctx, kind, &ns, &name),
            Method::PATCH => write::patch(&ctx, kind, &ns, &name),
            Method::DELETE => write::delete(&ctx, kind, &ns, &name),
            _ => status::method_not_allowed(),
        },
        (
            Target::Object {
                kind: Kind::Deployment,
                ns,
                name,
                sub: Some(s),
            },
            m,
        ) if s == "scale" => match m {
            Method::GET => scale::get(&ctx, &ns, &name),
            Method::PUT | Method::PATCH => scale::write(&ctx, &ns, &name),
            _ => status::method_not_allowed(),
        },
        (
            Target::Object {
                kind: Kind::Pod,
                ns,
                name,
                sub: Some(s),
            },
            Method::GET,
        ) if s == "log" => logs::serve(&ctx, &ns, &name).await,
        (
            Target::Object {
                kind,
                ns,
                name,
                sub: Some(s),
            },
            m,
        ) if s == "status" => match m {
            Method::GET => list::get(&ctx, kind, &ns, &name),
            Method::PUT => write::update(&ctx, kind, &ns, &name),
            Method::PATCH => write::patch(&ctx, kind, &ns, &name),
            _ => status::method_not_allowed(),
        },
        _ => status::error(
            404,
            "NotFound",
            "the server could not find the requested resource",
            None,
        ),
    }
}

/// The RBAC verb of a request.
pub fn verb(ctx: &Ctx, t: &Target) -> &'static str {
    let collection = matches!(t, Target::Collection { .. });
    verb_of(&ctx.method, collection, ctx.flag("watch"))
}

/// The RBAC verb of `method` on a collection or one object (`watch`: the
/// request has `watch=true`).
pub fn verb_of(method: &Method, collection: bool, watch: bool) -> &'static str {
    match *method {
        Method::GET if collection && watch => "watch",
        Method::GET if collection => "list",
        Method::GET => "get",
        Method::POST => "create",
        Method::PUT => "update",
        Method::PATCH => "patch",
        Method::DELETE if collection => "deletecollection",
        Method::DELETE => "delete",
        _ => "unknown",
    }
}
