//! The `[[services]]` half of the opsdeck config the simulator writes: the
//! demo config's services, with per-region overrides only for regions the
//! fleet has, and a `[services.traffic]` table per service naming the
//! router the telemetry follows.

use std::fmt::Write as _;

use super::super::routing::TrafficRouter;
use super::super::world::build::WEIGHT;

/// The traffic table of `service` for `router` (`first`: the first region,
/// whose cluster holds the route objects that count).
pub fn traffic(service: &str, router: TrafficRouter, first: &str) -> String {
    let mut s = format!("[services.traffic]\nrouter = \"{}\"\n", router.as_str());
    match router {
        TrafficRouter::ExternalDns => {
            let _ = writeln!(
                s,
                "k8s_service = \"{service}\"\nweight_annotation = \"{WEIGHT}\""
            );
        }
        TrafficRouter::Istio => {
            let _ = writeln!(
                s,
                "object = \"{service}\"          # VirtualService; a destination <service>.<region>.svc.cluster.local per region\ncontext = \"sim-{first}\""
            );
        }
        TrafficRouter::GatewayApi => {
            let _ = writeln!(
                s,
                "object = \"{service}\"          # HTTPRoute; a backendRef <service>-<region> per region\ncontext = \"sim-{first}\""
            );
        }
    }
    s
}

/// The region a `[services.regions."<region>"]` header names.
fn override_region(header: &str) -> Option<&str> {
    let rest = header.trim().strip_prefix("[services.regions.")?;
    Some(rest.trim_end_matches(']').trim_matches('"'))
}

/// `demo` (the demo config from its first `[[services]]`) rewritten for a
/// fleet of `regions` following `router`.
pub fn services(demo: &str, regions: &[String], router: TrafficRouter) -> String {
    let first = regions.first().map(String::as_str).unwrap_or("");
    let mut out = String::new();
    let mut name: Option<String> = None;
    let mut keep = true;
    let flush = |out: &mut String, name: &mut Option<String>| {
        if let Some(n) = name.take() {
            out.push_str(&traffic(&n, router, first));
            out.push('\n');
        }
    };
    for line in demo.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            if t == "[[services]]" {
                flush(&mut out, &mut name);
            }
            keep = match t {
                "[services.traffic]" => false,
                _ => override_region(t).is_none_or(|r| regions.iter().any(|x| x == r)),
            };
        }
        if keep && name.is_none() && (t.starts_with("name ") || t.starts_with("name=")) {
            name = t.split_once('=').map(|(_, v)| {
                v.split('#')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .trim_matches('"')
                    .to_string()
            });
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    flush(&mut out, &mut name);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO: &str = "[[services]]\nname = \"a\"   # x\n\n[services.traffic]\nrouter = \"external-dns\"\n\n[services.regions.\"eu-west-1\"]\nreplicas = { min = 1 }\n\n[[services]]\nname = \"b\"\n";

    #[test]
    fn rewrites() {
        let one = services(DEMO, &["us-east-1".to_string()], TrafficRouter::Istio);
        assert!(!one.contains("eu-west-1"), "{one}");
        assert_eq!(one.matches("[services.traffic]").count(), 2, "{one}");
        assert!(one.contains("router = \"istio\"\nobject = \"b\""), "{one}");
        assert!(one.contains("context = \"sim-us-east-1\""), "{one}");
        let two = services(
            DEMO,
            &["us-east-1".to_string(), "eu-west-1".to_string()],
            TrafficRouter::ExternalDns,
        );
        assert!(two.contains("[services.regions.\"eu-west-1\"]"), "{two}");
        assert!(two.contains("k8s_service = \"a\""), "{two}");
    }
}
