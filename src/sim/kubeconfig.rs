//! Files a running simulator writes so clients can find it: a kubeconfig
//! (one context `sim-<region>` per cluster, users `viewer`, `operator`,
//! `admin`; contexts use `operator`) and an opsdeck config of the shape of
//! `config-examples/demo.toml` with the real URLs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::auth::{Role, Tokens};

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

/// The opsdeck config text: the demo config's `[ui]` and `[policy]`
/// sections and its `[[services]]`, with `[[regions]]` generated.
pub fn opsdeck_toml(base_url: &str, regions: &[(String, String, String)], dir: &Path) -> String {
    let head_start = DEMO.find("[ui]").unwrap_or(0);
    let regions_at = DEMO.find("[[regions]]").unwrap_or(DEMO.len());
    let services_at = DEMO.find("[[services]]").unwrap_or(DEMO.len());
    let kubeconfig = dir.join("kubeconfig");
    let focus = dir.join("focus");
    let mut s = String::from(
        "# opsdeck configuration written by `opsdeck sim` / `opsdeck demo` for the embedded\n\
         # simulated fleet. The Kubernetes API of every cluster is served by the simulator\n\
         # process under /clusters/<region>; the Prometheus, Alertmanager and billing\n\
         # endpoints below are served by the same process (part 2 of the embedded fleet).\n\n",
    );
    s.push_str(&DEMO[head_start..regions_at.max(head_start)]);
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
            "[regions.prometheus]\nurl = \"{base_url}/regions/{name}/prometheus\"\nselector = 'region=\"{name}\"'\ntimeout = \"5s\"\n"
        );
        let _ = writeln!(
            s,
            "[[regions.alertmanagers]]\nurl = \"{base_url}/alertmanager\"\nha_cluster = \"global\"\n"
        );
        if i == 0 {
            let _ = writeln!(
                s,
                "[regions.billing]\nkind = \"opencost\"\nurl = \"{base_url}/regions/{name}/opencost\"\n"
            );
        } else if provider == "aws" {
            let _ = writeln!(
                s,
                "[regions.billing]\nkind = \"aws-cost-explorer\"\nendpoint = \"{base_url}/regions/{name}/aws-cost-explorer\"\nregion = \"us-east-1\"\nservice_tag = \"service\"\n"
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
        s.push_str(&DEMO[services_at..]);
    }
    s
}

/// Write both files into `dir`; returns (kubeconfig, opsdeck.toml) paths.
pub fn write(
    dir: &Path,
    base_url: &str,
    regions: &[(String, String, String)],
    tokens: &Tokens,
) -> std::io::Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir)?;
    std::fs::create_dir_all(dir.join("focus"))?;
    let names: Vec<String> = regions.iter().map(|r| r.0.clone()).collect();
    let kc = dir.join("kubeconfig");
    std::fs::write(&kc, kubeconfig(base_url, &names, tokens))?;
    let cfg = dir.join("opsdeck.toml");
    std::fs::write(&cfg, opsdeck_toml(base_url, regions, dir))?;
    Ok((kc, cfg))
}
