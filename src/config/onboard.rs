//! A starting config from a kubeconfig (`opsdeck init`): one region per
//! context, the provider and cloud region recognised from EKS
//! (`arn:aws:eks:REGION:…`, `*.REGION.eks.amazonaws.com`), GKE
//! (`gke_PROJECT_LOCATION_NAME`) and AKS (`*.REGION.azmk8s.io`) names and
//! server URLs, production guessed from `prod` in the names, and commented
//! placeholders for Prometheus, Alertmanager and billing.

use std::fmt::Write as _;

use kube::config::Kubeconfig;

/// What one context was recognised as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub context: String,
    /// `aws`, `gcp`, `azure` or `on-prem`
    pub provider: &'static str,
    pub cloud_region: Option<String>,
    pub production: bool,
    /// The region's name in the config (unique).
    pub region: String,
}

/// `europe-west4-a` (a GKE zone) → `europe-west4`.
fn region_of_location(loc: &str) -> String {
    let parts: Vec<&str> = loc.split('-').collect();
    match parts.as_slice() {
        [a, b, z] if z.len() == 1 => format!("{a}-{b}"),
        _ => loc.to_string(),
    }
}

/// Provider and cloud region from a context's cluster name and server URL.
fn recognise(names: &[&str], server: &str) -> (&'static str, Option<String>) {
    let host = server
        .split("://")
        .nth(1)
        .unwrap_or(server)
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    for n in names {
        if let Some(rest) = n.strip_prefix("arn:aws:eks:") {
            let region = rest.split(':').next().filter(|r| !r.is_empty());
            return ("aws", region.map(str::to_string));
        }
        if let Some(rest) = n.strip_prefix("gke_") {
            // gke_PROJECT_LOCATION_NAME: the project may not hold `_`.
            let parts: Vec<&str> = rest.splitn(3, '_').collect();
            if let [_, loc, _] = parts.as_slice() {
                return ("gcp", Some(region_of_location(loc)));
            }
        }
    }
    if let Some(pre) = host.strip_suffix(".eks.amazonaws.com") {
        return ("aws", pre.rsplit('.').next().map(str::to_string));
    }
    if let Some(pre) = host.strip_suffix(".azmk8s.io") {
        return ("azure", pre.rsplit('.').next().map(str::to_string));
    }
    if host.ends_with("container.googleapis.com") {
        return ("gcp", None);
    }
    ("on-prem", None)
}

/// Whether a name says production: a `prod`/`production` word, not `nonprod`
/// or `preprod`.
fn says_production(names: &[&str]) -> bool {
    names.iter().any(|n| {
        n.to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == "prod" || w == "production" || w == "prd")
    })
}

/// A region name: lowercase letters, digits and `-`.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Every context of `kc`, recognised.
pub fn contexts(kc: &Kubeconfig) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    for named in &kc.contexts {
        let cluster_name = named
            .context
            .as_ref()
            .map(|c| c.cluster.clone())
            .unwrap_or_default();
        let server = kc
            .clusters
            .iter()
            .find(|c| c.name == cluster_name)
            .and_then(|c| c.cluster.as_ref())
            .and_then(|c| c.server.clone())
            .unwrap_or_default();
        let names = [named.name.as_str(), cluster_name.as_str()];
        let (provider, cloud_region) = recognise(&names, &server);
        let short = cluster_name
            .rsplit(['/', '_'])
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or(&named.name);
        let base = cloud_region.clone().unwrap_or_else(|| slug(short));
        let mut region = if base.is_empty() {
            "region".to_string()
        } else {
            base
        };
        if out.iter().any(|f| f.region == region) {
            region = format!("{region}-{}", slug(short));
        }
        let mut n = 2;
        while out.iter().any(|f| f.region == region) {
            region = format!("{}-{n}", region.trim_end_matches(char::is_numeric));
            n += 1;
        }
        out.push(Found {
            context: named.name.clone(),
            provider,
            cloud_region,
            production: says_production(&names),
            region,
        });
    }
    out
}

/// A TOML string literal.
fn lit(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The config text for `found`, reading `kubeconfig` (None: the default).
pub fn config_text(found: &[Found], kubeconfig: Option<&str>) -> String {
    let mut s = String::from(
        "# opsdeck configuration written by `opsdeck init` from your kubeconfig.\n\
         # One region per context; check each provider, cloud region and production\n\
         # flag, then fill in the commented Prometheus, Alertmanager and billing\n\
         # sections and add [[services]] (see config-examples/multi-region.toml).\n\
         # `opsdeck config check` validates it.\n\n\
         [policy]\n\
         typed_name_for_production = true\n",
    );
    for f in found {
        let _ = writeln!(s, "\n[[regions]]\nname = {}", lit(&f.region));
        let _ = writeln!(s, "provider = {}", lit(f.provider));
        if let Some(r) = &f.cloud_region {
            let _ = writeln!(s, "cloud_region = {}", lit(r));
        }
        if f.production {
            s.push_str("production = true              # guessed from the name\n");
        }
        let _ = writeln!(s, "\n[[regions.clusters]]\ncontext = {}", lit(&f.context));
        if let Some(k) = kubeconfig {
            let _ = writeln!(s, "kubeconfig = {}", lit(k));
        }
        s.push_str("# namespaces = [\"default\"]   # the namespaces to watch (default: all)\n");
        let _ = writeln!(
            s,
            "\n# [regions.prometheus]\n# url = \"https://prometheus.example/\"\n# selector = 'cluster=\"{}\"'\n# bearer_token_env = \"PROM_TOKEN\"\n\
             \n# [[regions.alertmanagers]]\n# url = \"https://alertmanager.example/\"\n# ha_cluster = \"{}\"\n\
             \n# [regions.billing]\n# kind = \"{}\"",
            f.region,
            f.region,
            match f.provider {
                "aws" => "aws-cost-explorer",
                "on-prem" => "focus-csv",
                _ => "opencost",
            }
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_servers_say_provider_and_region() {
        assert_eq!(
            recognise(&["arn:aws:eks:eu-west-1:123:cluster/prod-euw1"], ""),
            ("aws", Some("eu-west-1".into()))
        );
        assert_eq!(
            recognise(&["ops"], "https://ABCD.gr7.us-east-2.eks.amazonaws.com"),
            ("aws", Some("us-east-2".into()))
        );
        assert_eq!(
            recognise(&["gke_acme-prod_europe-west4-a_web"], ""),
            ("gcp", Some("europe-west4".into()))
        );
        assert_eq!(
            recognise(
                &["aks1"],
                "https://aks1-dns-9f.hcp.westeurope.azmk8s.io:443"
            ),
            ("azure", Some("westeurope".into()))
        );
        assert_eq!(
            recognise(&["kind-dev"], "https://127.0.0.1:6443"),
            ("on-prem", None)
        );
    }

    #[test]
    fn production_is_a_word_not_a_substring() {
        assert!(says_production(&["prod-use1"]));
        assert!(says_production(&["gke_acme-prod_europe-west4_web"]));
        assert!(!says_production(&["nonprod-use1"]));
        assert!(!says_production(&["preprod"]));
        assert!(!says_production(&["product-catalog-dev"]));
    }
}
