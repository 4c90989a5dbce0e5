//! Each command plans only the sources it prints: `status` watches
//! deployments and makes no chart range queries, `alerts` contacts no
//! cluster, Prometheus or billing source, `costs` only billing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use opsdeck::config::overrides::Overrides;
use opsdeck::model::state::KubeKind;
use opsdeck::sources::hub;
use opsdeck::sources::needs::Needs;

fn demo() -> opsdeck::config::Config {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config-examples/demo.toml");
    opsdeck::config::load(Some(&path), Overrides::default())
        .unwrap()
        .config
}

#[test]
fn each_command_plans_only_what_it_prints() {
    let cfg = demo();
    let all = hub::plan_for(&cfg, None, &Needs::all());
    assert!(!all.clusters.is_empty() && !all.prometheus.is_empty() && !all.billing.is_empty());
    assert!(
        all.clusters
            .iter()
            .all(|c| c.kinds.contains(&KubeKind::Pod))
    );
    assert!(all.prometheus.iter().all(|p| p.chart_points > 0));

    let status = hub::plan_for(&cfg, None, &Needs::status());
    assert_eq!(status.clusters.len(), all.clusters.len());
    assert!(
        status
            .clusters
            .iter()
            .all(|c| c.kinds == [KubeKind::Deployment])
    );
    assert!(status.prometheus.iter().all(|p| p.chart_points == 0));
    assert!(status.alertmanagers.is_some());
    assert_eq!(status.billing.len(), all.billing.len());

    let alerts = hub::plan_for(&cfg, None, &Needs::alerts());
    assert!(
        alerts.clusters.is_empty() && alerts.prometheus.is_empty() && alerts.billing.is_empty()
    );
    assert!(alerts.alertmanagers.is_some());

    let costs = hub::plan_for(&cfg, None, &Needs::costs());
    assert!(
        costs.clusters.is_empty() && costs.prometheus.is_empty() && costs.alertmanagers.is_none()
    );
    assert_eq!(costs.billing.len(), all.billing.len());
}
