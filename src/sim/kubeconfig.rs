//! Files a running simulator writes so clients can find it: a kubeconfig
//! (one context `sim-<region>` per cluster, users `viewer`, `operator`,
//! `admin`; contexts use `operator`) and an opsdeck config of the shape of
//! `config-examples/demo.toml` with the real URLs.

pub mod services;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::auth::{Role, Tokens};
use super::routing::TrafficRouter;

/// The demo config this file's shape follows.
const DEMO: &str = include_str!("../../config-examples/demo.toml");

/// The kubeconfig text (https URLs on the same port, with the CA).
pub fn kubeconfig(base_url: &str, regions: &[String], tokens: &Tokens) -> String {
    let mut s = String::from("apiVersion: v1\nkind: Config\nclusters:\n");
    for r in regions {
        let _ = writeln!(
            s,
            "- name: sim-{r}\n  cluster:\n    server: {}/clusters/{r}\n    certificate-authority-data: {}",
            base_url.replacen("http://", "https://", 1),
            super::tls::CA_PEM_BASE64.trim()
        );
    }
    s.push_str("contexts:\n");
    for r in regions {
        let _ = writeln!(
            s,
            "- name: sim-{r}\n  context:\n    cluster: sim-{r}\n    user: operator\n    namespace: shop"
        );
    }
    s.push_str("users:\n");
    for role in Role::ALL {
        let _ = writeln!(
            s,
            "- name: {}\n  user:\n    token: {}",
            role.name(),
            tokens.token(role)
        );
    }
    let _ = writeln!(
        s,
        "current-context: sim-{}\npreferences: {{}}",
        regions.first().map(String::as_str).unwrap_or("")
    );
    s
}

/// The base URLs of a running fleet's servers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetUrls {
    /// Kubernetes API (`/clusters/<region>`) and control endpoint
    pub kube: String,
    /// Prometheus (`/regions/<region>/api/v1/...`)
    pub prometheus: String,
    /// Alertmanager API v2
    pub alertmanager: String,
    /// OpenCost (`/regions/<region>/allocation/compute`)
    pub opencost: String,
    /// AWS Cost Explorer (`POST /`)
    pub cost_explorer: String,
}

impl FleetUrls {
    /// Every server at one base URL (a Kubernetes-only simulator).
    pub fn all(base: &str) -> Self {
        Self {
            kube: base.to_string(),
            prometheus: base.to_string(),
            alertmanager: base.to_string(),
            opencost: base.to_string(),
            cost_explorer: base.to_string(),
        }
    }
}

/// The dummy AWS credentials file the Cost Explorer source signs with.
pub const AWS_CREDENTIALS: &str = "# Dummy keys for the simulated AWS Cost Explorer of `opsdeck sim`.\n\
     [default]\n\
     aws_access_key_id = AKIASIMULATOR0000000\n\
     aws_secret_access_key = opsdeck-simulator-not-a-secret\n";

/// The opsdeck config text: the demo config's `[ui]` and `[policy]`
/// sections and its `[[services]]`, with `[[regions]]` generated: per region
/// its cluster, its Prometheus (with a `region` selector), the one
/// Alertmanager HA cluster, and billing: OpenCost for the first aws region,
/// AWS Cost Explorer for the other aws regions, FOCUS files for the rest.
/// Traffic goes through ExternalDNS weights.
pub fn opsdeck_toml(urls: &FleetUrls, regions: &[(String, String, String)], dir: &Path) -> String {
    opsdeck_toml_routed(urls, regions, dir, TrafficRouter::ExternalDns)
}

/// [`opsdeck_toml`] with every service's `[services.traffic]` naming
/// `router` (for istio and gateway-api: the route object and the first
/// region's context), and per-region overrides only for existing regions.
pub fn opsdeck_toml_routed(
    urls: &FleetUrls,
    regions: &[(String, String, String)],
    dir: &Path,
    router: TrafficRouter,
) -> String {
    let head_start = DEMO.find("[ui]").unwrap_or(0);
    let regions_at = DEMO.find("[[regions]]").unwrap_or(DEMO.len());
    let services_at = DEMO.find("[[services]]").unwrap_or(DEMO.len());
    let kubeconfig = dir.join("kubeconfig");
    let focus = dir.join("focus");
    let credentials = dir.join("aws-credentials");
    let mut s = String::from(
        "# opsdeck configuration written by `opsdeck sim` / `opsdeck demo` for the embedded\n\
         # simulated fleet. Every endpoint below is served by the simulator process on\n\
         # 127.0.0.1: the Kubernetes API of every cluster, Prometheus, the Alertmanager,\n\
         # OpenCost and AWS Cost Explorer, each on its own port; FOCUS exports are files.\n\n",
    );
    s.push_str(&DEMO[head_start..regions_at.max(head_start)]);
    let first_aws = regions.iter().position(|r| r.1 == "aws");
    for (i, (name, provider, cloud_region)) in regions.iter().enumerate() {
        let _ = writeln!(
            s,
            "[[regions]]\nname = \"{name}\"\nprovider = \"{provider}\"\ncloud_region = \"{cloud_region}\""
        );
        if provider == "aws" {
            s.push_str("production = true\n");
        }
        let _ = writeln!(
            s,
            "\n[[regions.clusters]]\ncontext = \"sim-{name}\"\nkubeconfig = {:?}\nnamespaces = [\"shop\"]\n",
            kubeconfig.display().to_string()
        );
        let _ = writeln!(
            s,
            "[regions.prometheus]\nurl = \"{}/regions/{name}\"\nselector = 'region=\"{name}\"'\ntimeout = \"5s\"\n",
            urls.prometheus
        );
        let _ = writeln!(
            s,
            "[[regions.alertmanagers]]\nurl = \"{}\"\nha_cluster = \"global\"\n",
            urls.alertmanager
        );
        if Some(i) == first_aws {
            let _ = writeln!(
                s,
                "[regions.billing]\nkind = \"opencost\"\nurl = \"{}/regions/{name}\"\n",
                urls.opencost
            );
        } else if provider == "aws" {
            let _ = writeln!(
                s,
                "[regions.billing]\nkind = \"aws-cost-explorer\"\nendpoint = \"{}\"\nregion = \"us-east-1\"\nservice_tag = \"service\"\ncredentials_file = {:?}\n",
                urls.cost_explorer,
                credentials.display().to_string()
            );
        } else {
            let _ = writeln!(
                s,
                "[regions.billing]\nkind = \"focus-csv\"\ndir = {:?}\n",
                focus.display().to_string()
            );
        }
    }
    if services_at < DEMO.len() {
        let names: Vec<String> = regions.iter().map(|r| r.0.clone()).collect();
        s.push_str(&services::services(&DEMO[services_at..], &names, router));
    }
    s
}

/// Write the kubeconfig, opsdeck.toml and aws-credentials into `dir` (and
/// create `dir/focus`); returns (kubeconfig, opsdeck.toml) paths.
pub fn write(
    dir: &Path,
    urls: &FleetUrls,
    regions: &[(String, String, String)],
    tokens: &Tokens,
) -> std::io::Result<(PathBuf, PathBuf)> {
    write_routed(dir, urls, regions, tokens, TrafficRouter::ExternalDns)
}

/// [`write()`], the opsdeck.toml naming `router` ([`opsdeck_toml_routed`]).
pub fn write_routed(
    dir: &Path,
    urls: &FleetUrls,
    regions: &[(String, String, String)],
    tokens: &Tokens,
    router: TrafficRouter,
) -> std::io::Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir)?;
    std::fs::create_dir_all(dir.join("focus"))?;
    let names: Vec<String> = regions.iter().map(|r| r.0.clone()).collect();
    let kc = dir.join("kubeconfig");
    std::fs::write(&kc, kubeconfig(&urls.kube, &names, tokens))?;
    std::fs::write(dir.join("aws-credentials"), AWS_CREDENTIALS)?;
    let cfg = dir.join("opsdeck.toml");
    std::fs::write(&cfg, opsdeck_toml_routed(urls, regions, dir, router))?;
    Ok((kc, cfg))
}
