//! What the snapshot needs of the config: [`RegionSpec`]s and [`ServiceSpec`]s.

use crate::config::{self, Config};
use crate::model::snapshot::LabelMatcher;
use crate::model::{RegionSpec, ServiceSpec};

pub fn provider(p: config::Provider) -> &'static str {
    match p {
        config::Provider::Aws => "aws",
        config::Provider::Gcp => "gcp",
        config::Provider::Azure => "azure",
        config::Provider::OnPrem => "on-prem",
    }
}

pub fn regions(cfg: &Config) -> Vec<RegionSpec> {
    cfg.regions
        .iter()
        .map(|r| RegionSpec {
            name: r.name.clone(),
            provider: provider(r.provider).to_string(),
            cloud_region: r.cloud_region.clone(),
            production: r.production
                || r.clusters.iter().any(|c| {
                    cfg.policy
                        .contexts
                        .get(&c.context)
                        .is_some_and(|p| p.production)
                }),
            contexts: r.clusters.iter().map(|c| c.context.clone()).collect(),
        })
        .collect()
}

pub fn services(cfg: &Config) -> Vec<ServiceSpec> {
    cfg.services
        .iter()
        .map(|s| ServiceSpec {
            name: s.name.clone(),
            namespace: s.namespace.clone(),
            deployment: s.deployment.clone(),
            deployment_by_region: s
                .regions
                .iter()
                .filter_map(|(r, o)| o.deployment.clone().map(|d| (r.clone(), d)))
                .collect(),
            max_error_ratio: s.slo.max_error_ratio,
            max_p95_seconds: s.slo.max_p95_seconds,
            // Matchers were validated when the config was resolved.
            alert_matchers: s
                .alert_matchers
                .iter()
                .filter_map(|m| LabelMatcher::parse(m))
                .collect(),
        })
        .collect()
}
