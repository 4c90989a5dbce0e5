//! `opsdeck init` on a kubeconfig with EKS-, GKE-, AKS- and kind-shaped
//! contexts: the config it writes is what `config check` accepts, with the
//! providers, cloud regions and production guesses recognised; it never
//! overwrites without --force and never writes without --yes off a terminal.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn opsdeck(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .arg("--config")
        .arg(config)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

const KUBECONFIG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/kubeconfig-clouds.yaml"
);

#[test]
fn init_writes_a_config_that_config_check_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sub").join("opsdeck.toml");

    // Off a terminal without --yes: nothing written.
    let o = opsdeck(&config, &["init", "--kubeconfig", KUBECONFIG]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("pass --yes"));
    assert!(!config.exists());

    let o = opsdeck(&config, &["init", "--kubeconfig", KUBECONFIG, "--yes"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = opsdeck(&config, &["config", "check", "-o", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let checked: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let regions = checked["config"]["regions"].as_array().unwrap();
    let got: Vec<(String, String, String, bool, String)> = regions
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_string(),
                r["provider"].as_str().unwrap().to_string(),
                r["cloud_region"].as_str().unwrap_or("").to_string(),
                r["production"].as_bool().unwrap(),
                r["clusters"][0]["context"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        (
            "us-east-1",
            "aws",
            "us-east-1",
            true,
            "arn:aws:eks:us-east-1:123456789012:cluster/prod-use1",
        ),
        (
            "europe-west4",
            "gcp",
            "europe-west4",
            true,
            "gke_acme-prod_europe-west4-a_web",
        ),
        ("westeurope", "azure", "westeurope", false, "staging-aks"),
        ("kind-dev", "on-prem", "kind-dev", false, "kind-dev"),
    ]
    .map(|(a, b, c, d, e)| {
        (
            a.to_string(),
            b.to_string(),
            c.to_string(),
            d,
            e.to_string(),
        )
    });
    assert_eq!(got, want);

    // A second init refuses, and the file is unchanged.
    let before = std::fs::read_to_string(&config).unwrap();
    let o = opsdeck(&config, &["init", "--kubeconfig", KUBECONFIG, "--yes"]);
    assert_eq!(o.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), before);
    let o = opsdeck(
        &config,
        &["init", "--kubeconfig", KUBECONFIG, "--yes", "--force"],
    );
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn an_unreadable_kubeconfig_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("opsdeck.toml");
    let o = opsdeck(
        &config,
        &["init", "--kubeconfig", "/nonexistent/kc", "--yes"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/kc"));
    assert!(!config.exists());
}
