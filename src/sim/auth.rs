//! Identities and what they may do. Bearer tokens map to three roles:
//! `viewer` (get/list/watch), `operator` (also patch/update deployments,
//! their scale, services, HPAs and the traffic routes: Istio
//! VirtualServices, Gateway API HTTPRoutes; create/update leases and events) and
//! `admin` (everything). SelfSubjectAccessReview answers from the same rules,
//! from JSON or protobuf requests (what `kubectl auth can-i` sends).

pub mod proto;

use serde_json::{Value, json};

use super::api::Ctx;
use super::api::status::{self, Resp};
use super::kind::Kind;
use super::rng::Rng;

/// A role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// get, list, watch
    Viewer,
    /// viewer + day-to-day operations
    Operator,
    /// everything
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Operator, Role::Admin];

    /// `viewer`, `operator`, `admin`.
    pub fn name(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    /// The user name the server reports.
    pub fn user(self) -> String {
        format!("sim:{}", self.name())
    }

    /// May this role do `verb` on `group`/`resource` (or its subresource `sub`)?
    pub fn allows(self, verb: &str, group: &str, resource: &str, sub: Option<&str>) -> bool {
        if self == Role::Admin {
            return true;
        }
        if group == "authorization.k8s.io" && resource == "selfsubjectaccessreviews" {
            return verb == "create";
        }
        if matches!(verb, "get" | "list" | "watch") {
            return true;
        }
        if self == Role::Viewer {
            return false;
        }
        let full = match sub {
            Some(s) => format!("{resource}/{s}"),
            None => resource.to_string(),
        };
        match (group, full.as_str()) {
            ("apps", "deployments" | "deployments/scale")
            | ("", "services")
            | ("autoscaling", "horizontalpodautoscalers")
            | ("networking.istio.io", "virtualservices")
            | ("gateway.networking.k8s.io", "httproutes") => {
                matches!(verb, "patch" | "update")
            }
            ("coordination.k8s.io", "leases") | ("", "events") => {
                matches!(verb, "create" | "update" | "patch")
            }
            _ => false,
        }
    }

    /// May this role call a non-resource URL?
    pub fn allows_path(self, verb: &str) -> bool {
        self == Role::Admin || verb == "get"
    }
}

/// The bearer token of each role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    /// viewer token
    pub viewer: String,
    /// operator token
    pub operator: String,
    /// admin token
    pub admin: String,
}

impl Tokens {
    /// Tokens derived from the world seed.
    pub fn from_seed(seed: u64) -> Self {
        let mut r = Rng::new(seed).fork("tokens");
        Self {
            viewer: format!("sim-viewer-{}", r.hex(24)),
            operator: format!("sim-operator-{}", r.hex(24)),
            admin: format!("sim-admin-{}", r.hex(24)),
        }
    }

    /// The role of a token.
    pub fn role(&self, token: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| !token.is_empty() && self.token(*r) == token)
    }

    /// The token of a role.
    pub fn token(&self, r: Role) -> &str {
        match r {
            Role::Viewer => &self.viewer,
            Role::Operator => &self.operator,
            Role::Admin => &self.admin,
        }
    }
}

/// 403 Forbidden, worded like the API server.
pub fn forbidden(
    role: Role,
    verb: &str,
    kind: Kind,
    ns: &str,
    name: &str,
    sub: Option<&str>,
) -> Resp {
    let i = kind.info();
    let what = if name.is_empty() {
        kind.qualified()
    } else {
        format!("{} \"{name}\"", kind.qualified())
    };
    let resource = match sub {
        Some(s) => format!("{}/{s}", i.plural),
        None => i.plural.to_string(),
    };
    let scope = if ns.is_empty() {
        "at the cluster scope".to_string()
    } else {
        format!("in the namespace \"{ns}\"")
    };
    let msg = format!(
        "{what} is forbidden: User \"{}\" cannot {verb} resource \"{resource}\" in API group \"{}\" {scope}",
        role.user(),
        i.group
    );
    status::error(
        403,
        "Forbidden",
        &msg,
        Some(json!({"name": name, "group": i.group, "kind": i.plural})),
    )
}

/// POST selfsubjectaccessreviews: JSON or protobuf in, JSON out.
pub fn review(ctx: &Ctx) -> Resp {
    let spec = if ctx.content_type.contains("protobuf") {
        match proto::ssar_spec(&ctx.body) {
            Some(s) => s,
            None => return status::bad_request("cannot decode SelfSubjectAccessReview protobuf"),
        }
    } else {
        match serde_json::from_slice::<Value>(&ctx.body) {
            Ok(v) => v.get("spec").cloned().unwrap_or(json!({})),
            Err(e) => return status::bad_request(&format!("invalid SelfSubjectAccessReview: {e}")),
        }
    };
    let allowed = if let Some(ra) = spec.get("resourceAttributes") {
        let s = |k: &str| ra.get(k).and_then(Value::as_str).unwrap_or("");
        let verb = if s("verb") == "*" {
            "deletecollection"
        } else {
            s("verb")
        };
        let sub = Some(s("subresource")).filter(|x| !x.is_empty());
        ctx.role.allows(verb, s("group"), s("resource"), sub)
    } else if let Some(nr) = spec.get("nonResourceAttributes") {
        ctx.role
            .allows_path(nr.get("verb").and_then(Value::as_str).unwrap_or(""))
    } else {
        false
    };
    let mut st = json!({"allowed": allowed});
    if allowed {
        st["reason"] = json!(format!(
            "RBAC: allowed by ClusterRoleBinding \"sim-{}\"",
            ctx.role.name()
        ));
    }
    let body = json!({
        "kind": "SelfSubjectAccessReview",
        "apiVersion": "authorization.k8s.io/v1",
        "metadata": {"creationTimestamp": null},
        "spec": spec,
        "status": st,
    });
    status::json(201, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles() {
        assert!(Role::Viewer.allows("list", "apps", "deployments", None));
        assert!(!Role::Viewer.allows("patch", "apps", "deployments", None));
        assert!(Role::Operator.allows("patch", "apps", "deployments", Some("scale")));
        assert!(!Role::Operator.allows("delete", "apps", "deployments", None));
        assert!(Role::Operator.allows("create", "coordination.k8s.io", "leases", None));
        assert!(Role::Operator.allows("patch", "networking.istio.io", "virtualservices", None));
        assert!(Role::Operator.allows("update", "gateway.networking.k8s.io", "httproutes", None));
        assert!(!Role::Operator.allows("delete", "gateway.networking.k8s.io", "httproutes", None));
        assert!(Role::Admin.allows("delete", "", "pods", None));
        let t = Tokens::from_seed(1);
        assert_eq!(t.role(&t.operator), Some(Role::Operator));
        assert_eq!(t.role(""), None);
    }
}
