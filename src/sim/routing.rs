//! Where the simulated fleet's traffic weights live: the traffic router the
//! telemetry follows (`opsdeck sim --router`), and the names each router's
//! objects use for a region.
//!
//! - `external-dns`: each region's `shop/<svc>` Service annotation
//!   `external-dns.alpha.kubernetes.io/aws-weight`;
//! - `istio`: in the first region's cluster, VirtualService `shop/<svc>`,
//!   `spec.http[0].route[]` entry whose `destination.host` is
//!   `<svc>.<region>.svc.cluster.local`;
//! - `gateway-api`: in the first region's cluster, HTTPRoute `shop/<svc>`,
//!   `spec.rules[0].backendRefs[]` entry named `<svc>-<region>`.
//!
//! Every cluster holds the same VirtualServices and HTTPRoutes (a
//! multi-primary mesh); only the first cluster's are read.

/// The traffic router whose weights move the simulated traffic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrafficRouter {
    /// ExternalDNS weighted records: Service annotations
    #[default]
    ExternalDns,
    /// Istio VirtualService route weights
    Istio,
    /// Gateway API HTTPRoute backendRef weights
    GatewayApi,
}

impl TrafficRouter {
    /// `external-dns`, `istio`, `gateway-api` (the opsdeck config's `router`).
    pub fn as_str(self) -> &'static str {
        match self {
            TrafficRouter::ExternalDns => "external-dns",
            TrafficRouter::Istio => "istio",
            TrafficRouter::GatewayApi => "gateway-api",
        }
    }
}

/// The VirtualService destination host of `service` in `region`.
pub fn istio_host(service: &str, region: &str) -> String {
    format!("{service}.{region}.svc.cluster.local")
}

/// The HTTPRoute backendRef name of `service` in `region`.
pub fn backend_name(service: &str, region: &str) -> String {
    format!("{service}-{region}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(TrafficRouter::default().as_str(), "external-dns");
        assert_eq!(
            istio_host("checkout", "eu-west-1"),
            "checkout.eu-west-1.svc.cluster.local"
        );
        assert_eq!(backend_name("checkout", "eastus"), "checkout-eastus");
    }
}
