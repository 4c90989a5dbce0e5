//! The control endpoint (admin token required to change anything):
//! - `GET  /control/regions` — regions and their faults
//! - `GET  /control/regions/{region}/faults`
//! - `POST /control/regions/{region}/faults` with a [`FaultPatch`] JSON body,
//!   e.g. `{"latency_ms": 800}`, `{"refuse": true}`, `{"unavailable": true}`,
//!   `{"failed": true}`, `{"expire_watches": true}`, `{"racing_writes": 2}`,
//!   `{"clear": true}`
//! - `DELETE /control/regions/{region}/faults` — clear them
//! - `GET  /control/snapshot` — the [`WorldSnapshot`](crate::sim::WorldSnapshot) as JSON
//!
//! Any other `/control/...` path goes to the server's extra control router
//! when it has one (the embedded fleet mounts the telemetry's
//! `/control/telemetry/...` there): any token may read, only the admin
//! token may change.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Method, Request};
use serde_json::json;

use super::super::auth::Role;
use super::super::fault::FaultPatch;
use super::Shared;
use super::status::{self, Resp};

/// Whether `/control/<rest>` is one of this module's own routes.
pub fn is_own(rest: &str) -> bool {
    matches!(
        rest.split('/').find(|s| !s.is_empty()),
        Some("regions" | "snapshot")
    )
}

/// Hand a request to another control router, after the token checks.
pub async fn forward(router: &axum::Router, role: Option<Role>, req: Request<Body>) -> Resp {
    let Some(role) = role else {
        return status::error(401, "Unauthorized", "Unauthorized", None);
    };
    if req.method() != Method::GET && role != Role::Admin {
        return status::error(
            403,
            "Forbidden",
            &format!(
                "User \"{}\" cannot change faults: the admin token is required",
                role.user()
            ),
            None,
        );
    }
    match tower::ServiceExt::oneshot(router.clone(), req).await {
        Ok(r) => r,
        Err(never) => match never {},
    }
}

/// Serve `/control/<rest>`.
pub fn handle(
    shared: &Shared,
    role: Option<Role>,
    method: &Method,
    rest: &str,
    _q: &HashMap<String, String>,
    body: &[u8],
) -> Resp {
    let Some(role) = role else {
        return status::error(401, "Unauthorized", "Unauthorized", None);
    };
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let world = &shared.world;
    match (method.clone(), segs.as_slice()) {
        (Method::GET, ["snapshot"]) => status::json(200, &json!(world.snapshot())),
        (Method::GET, ["regions"]) => {
            let list: Vec<_> = world
                .clusters
                .iter()
                .map(|c| json!({"region": c.region, "faults": c.faults()}))
                .collect();
            status::json(200, &json!(list))
        }
        (Method::GET, ["regions", r, "faults"]) => match world.cluster(r) {
            Some(c) => status::json(200, &json!(c.faults())),
            None => status::error(404, "NotFound", &format!("no region {r:?}"), None),
        },
        (m, ["regions", r, "faults"]) if m == Method::POST || m == Method::DELETE => {
            if role != Role::Admin {
                return status::error(
                    403,
                    "Forbidden",
                    &format!(
                        "User \"{}\" cannot change faults: the admin token is required",
                        role.user()
                    ),
                    None,
                );
            }
            let patch = if m == Method::DELETE {
                FaultPatch {
                    clear: true,
                    ..FaultPatch::default()
                }
            } else {
                match serde_json::from_slice::<FaultPatch>(body) {
                    Ok(p) => p,
                    Err(e) => return status::bad_request(&format!("invalid fault patch: {e}")),
                }
            };
            match world.apply_faults(r, &patch) {
                Ok(f) => status::json(200, &json!(f)),
                Err(e) => status::error(404, "NotFound", &e, None),
            }
        }
        _ => status::error(404, "NotFound", "unknown control endpoint", None),
    }
}
