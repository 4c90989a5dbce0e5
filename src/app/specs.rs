//! What the snapshot needs of the configuration: region and service specs.

use crate::config::Config;
use crate::model::snapshot::LabelMatcher;
use crate::model::{RegionSpec, ServiceSpec};

pub fn regions(config: &Config) -> Vec<RegionSpec> {
    config
        .regions
        .iter()
        .map(|r| RegionSpec {
            name: r.name.clone(),
            provider: provider_label(&r.provider).to_string(),
            production: r.production,
            contexts: r.clusters.iter().map(|c| c.context.clone()).collect(),
        })
        .collect()
}

pub fn services(config: &Config) -> Vec<ServiceSpec> {
    config
        .services
        .iter()
        .map(|s| ServiceSpec {
            name: s.name.clone(),
            namespace: s.namespace.clone(),
            deployment: s.deployment.clone(),
            deployment_by_region: s
                .regions
                .iter()
                .filter_map(|(region, o)| o.deployment.clone().map(|d| (region.clone(), d)))
                .collect(),
            max_error_ratio: s.slo.max_error_ratio,
            max_p95_seconds: s.slo.max_p95_seconds,
            // Config resolution already rejected matchers that do not parse.
            alert_matchers: s
                .alert_matchers
                .iter()
                .filter_map(|m| LabelMatcher::parse(m))
                .collect(),
        })
        .collect()
}

pub fn provider_label(p: &crate::config::Provider) -> &'static str {
    use crate::config::Provider;
    match p {
        Provider::Aws => "aws",
        Provider::Gcp => "gcp",
        Provider::Azure => "azure",
        Provider::OnPrem => "on-prem",
    }
}
