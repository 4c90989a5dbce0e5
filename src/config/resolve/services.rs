//! Resolving `[[services]]`: names, bounds, SLO thresholds, alert matchers
//! and per-region overrides.

use std::collections::{BTreeMap, BTreeSet};

use super::super::checks;
use super::super::error::nearest;
use super::super::file::*;
use super::super::locate::PathSeg;
use super::super::resolved::*;
use super::{Resolver, i, join, k};

impl Resolver<'_> {
    fn replicas(
        &mut self,
        r: Option<FileReplicas>,
        fallback: Replicas,
        path: &[PathSeg],
    ) -> Replicas {
        let Some(r) = r else { return fallback };
        let min = r.min.unwrap_or(fallback.min);
        let max = r.max.unwrap_or(fallback.max.max(min));
        if min > max {
            let found = format!("min = {min}, max = {max}");
            self.push(
                path,
                "replica bounds: min is greater than max",
                Some(found),
                "min <= max",
            );
        }
        if max == 0 {
            self.push(
                &join(path, &[k("max")]),
                "replica bound max must be at least 1",
                Some("0".into()),
                "max >= 1",
            );
        }
        Replicas { min, max }
    }

    pub(super) fn services(
        &mut self,
        list: Vec<FileService>,
        regions: &[&str],
        contexts: &[&str],
    ) -> Vec<Service> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (n, s) in list.into_iter().enumerate() {
            let base = [k("services"), i(n)];
            let name = self.required(
                &s.name,
                &join(&base, &[k("name")]),
                "a service name such as \"checkout\"",
            );
            let namespace = self.required(
                &s.namespace,
                &join(&base, &[k("namespace")]),
                "the Kubernetes namespace of the service",
            );
            if let Some(name) = &name
                && !seen.insert(name.clone())
            {
                self.push(
                    &join(&base, &[k("name")]),
                    "service name used twice",
                    Some(format!("{name:?}")),
                    "a unique name per service",
                );
            }
            if let Some(c) = s
                .capacity_rps_per_pod
                .filter(|c| !c.is_finite() || *c <= 0.0)
            {
                self.push(
                    &join(&base, &[k("capacity_rps_per_pod")]),
                    "capacity must be positive",
                    Some(c.to_string()),
                    "requests per second per pod, > 0",
                );
            }
            let replicas = self.replicas(
                s.replicas,
                Replicas { min: 1, max: 50 },
                &join(&base, &[k("replicas")]),
            );
            let slo = self.slo(s.slo.unwrap_or_default(), &join(&base, &[k("slo")]));
            let matchers = s
                .alert_matchers
                .unwrap_or_else(|| name.iter().map(|n| format!("service={n:?}")).collect());
            for (m, matcher) in matchers.iter().enumerate() {
                if let Err(e) = checks::label_matcher(matcher) {
                    self.invalid(&join(&base, &[k("alert_matchers"), i(m)]), matcher, e);
                }
            }
            let mut per_region = BTreeMap::new();
            for (region, o) in s.regions.unwrap_or_default() {
                let path = join(&base, &[k("regions"), k(&region)]);
                if !regions.contains(&region.as_str()) {
                    let valid = match nearest(&region, regions) {
                        Some(near) => {
                            format!("did you mean `{near}`? (one of {})", regions.join(", "))
                        }
                        None => format!("one of the configured regions: {}", regions.join(", ")),
                    };
                    self.push(&path, "unknown region", Some(format!("{region:?}")), &valid);
                }
                let r = o
                    .replicas
                    .map(|r| self.replicas(Some(r), replicas, &join(&path, &[k("replicas")])));
                per_region.insert(
                    region,
                    ServiceRegion {
                        deployment: o.deployment,
                        replicas: r,
                    },
                );
            }
            let (Some(name), Some(namespace)) = (name, namespace) else {
                continue;
            };
            let deploy = self.deploy(
                s.deploy.unwrap_or_default(),
                &join(&base, &[k("deploy")]),
                regions,
            );
            let failover = self.failover(
                s.failover.unwrap_or_default(),
                &join(&base, &[k("failover")]),
            );
            let t = s.traffic.unwrap_or_default();
            if let Some(context) = t.context.as_deref().filter(|c| !contexts.contains(c)) {
                let valid = match nearest(context, contexts) {
                    Some(near) => {
                        format!("did you mean `{near}`? (one of {})", contexts.join(", "))
                    }
                    None => format!("one of the configured contexts: {}", contexts.join(", ")),
                };
                let path = join(&base, &[k("traffic"), k("context")]);
                self.push(
                    &path,
                    "unknown context",
                    Some(format!("{context:?}")),
                    &valid,
                );
            }
            out.push(Service {
                deployment: s.deployment.unwrap_or_else(|| name.clone()),
                capacity_rps_per_pod: s.capacity_rps_per_pod,
                replicas,
                alert_matchers: matchers,
                slo,
                traffic: Traffic {
                    router: t.router.unwrap_or(Router::ExternalDns),
                    k8s_service: t.k8s_service.unwrap_or_else(|| name.clone()),
                    weight_annotation: t
                        .weight_annotation
                        .unwrap_or_else(|| "external-dns.alpha.kubernetes.io/aws-weight".into()),
                    object: t.object.unwrap_or_else(|| name.clone()),
                    context: t.context,
                },
                regions: per_region,
                deploy,
                failover,
                name,
                namespace,
            });
        }
        out
    }

    fn slo(&mut self, s: FileSlo, base: &[PathSeg]) -> Slo {
        let ratio = s.max_error_ratio.unwrap_or(0.01);
        if !(0.0..=1.0).contains(&ratio) {
            self.push(
                &join(base, &[k("max_error_ratio")]),
                "error ratio threshold out of range",
                Some(ratio.to_string()),
                "a fraction between 0 and 1, e.g. 0.01 for 1%",
            );
        }
        let p95 = s.max_p95_seconds.unwrap_or(0.5);
        if !p95.is_finite() || p95 <= 0.0 {
            self.push(
                &join(base, &[k("max_p95_seconds")]),
                "latency threshold must be positive",
                Some(p95.to_string()),
                "seconds, e.g. 0.3",
            );
        }
        for (key, q) in [
            ("request_rate", &s.request_rate),
            ("error_ratio", &s.error_ratio),
            ("p95_latency", &s.p95_latency),
        ] {
            if q.as_deref().is_some_and(|q| q.trim().is_empty()) {
                self.push(
                    &join(base, &[k(key)]),
                    "empty PromQL query",
                    Some("\"\"".into()),
                    "a PromQL expression; $region expands to the region's selector",
                );
            }
        }
        Slo {
            request_rate: s.request_rate,
            error_ratio: s.error_ratio,
            p95_latency: s.p95_latency,
            max_error_ratio: ratio,
            max_p95_seconds: p95,
        }
    }
}
