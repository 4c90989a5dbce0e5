//! What `opsdeck sim` prints at start: endpoints, files, and the curl and
//! kubectl lines that inject every fault at run time.

use std::io::Write;

use super::SimArgs;
use crate::sim::auth::Role;
use crate::sim::fleet::RunningFleet;
use crate::sim::routing::TrafficRouter;
use crate::sim::world::build::WEIGHT;

/// Write the banner, ending with the line that names Ctrl-C.
pub fn write(out: &mut impl Write, args: &SimArgs, fleet: &RunningFleet) -> std::io::Result<()> {
    let sim = fleet.sim();
    let urls = fleet.urls();
    let files = fleet.files();
    let cfg = sim.world();
    let speed = sim.world().clock.speed();
    writeln!(
        out,
        "opsdeck sim: {} regions, {} pods per cluster, seed {}, speed {speed}x",
        cfg.clusters.len(),
        args.pods_per_cluster,
        cfg.seed,
    )?;
    writeln!(out, "  API server       {}", sim.base_url())?;
    let mut first_region = String::new();
    for c in &cfg.clusters {
        let name = &c.region.name;
        if first_region.is_empty() {
            first_region = name.clone();
        }
        writeln!(
            out,
            "  {name:<16} {}  (context sim-{name}, {})",
            sim.cluster_url(name),
            c.region.provider
        )?;
    }
    writeln!(
        out,
        "  Prometheus       {}/regions/<region>",
        urls.prometheus
    )?;
    writeln!(out, "  Alertmanager     {}", urls.alertmanager)?;
    writeln!(out, "  OpenCost         {}/regions/<region>", urls.opencost)?;
    writeln!(out, "  Cost Explorer    {}", urls.cost_explorer)?;
    writeln!(out, "  FOCUS exports    {}", files.focus_dir.display())?;
    writeln!(
        out,
        "  traffic router   {}",
        router_line(fleet.router(), &first_region)
    )?;
    writeln!(out, "  kubeconfig       {}", files.kubeconfig.display())?;
    writeln!(out, "  opsdeck config   {}", files.config.display())?;
    if let Some(path) = sim.audit_log() {
        writeln!(out, "  audit log        {}", path.display())?;
    }
    writeln!(out)?;
    let curl = format!(
        "curl -X POST -H 'Authorization: Bearer {}'",
        sim.token(Role::Admin)
    );
    let regions = format!("{}/control/regions/{first_region}/faults", sim.base_url());
    let tele = format!("{}/control/telemetry", sim.base_url());
    writeln!(
        out,
        "Faults at run time (admin token; DELETE the same URL to clear; any region name):"
    )?;
    for (what, body) in [
        ("region failed", r#"{"failed":true}"#),
        ("API refuses", r#"{"refuse":true}"#),
        ("API answers 503", r#"{"unavailable":true}"#),
        ("API latency", r#"{"latency_ms":800}"#),
    ] {
        writeln!(out, "  {what:<18} {curl} -d '{body}' {regions}")?;
    }
    for (what, path) in [
        ("latency spike", format!("latency-spike/{first_region}")),
        ("cost anomaly", format!("cost-anomaly/{first_region}")),
        (
            "bad release",
            format!("bad-release/{first_region}:checkout"),
        ),
        (
            "Prometheus down",
            format!("prometheus-down/{first_region}  (or /*)"),
        ),
        ("Prometheus slow", "prometheus-slow/3000".to_string()),
        ("Alertmanager down", "alertmanager-down/-".to_string()),
    ] {
        writeln!(out, "  {what:<18} {curl} {tele}/faults/{path}")?;
    }
    writeln!(
        out,
        "  {:<18} KUBECONFIG={} kubectl --context sim-{first_region} -n shop set image deploy/checkout checkout=registry.example.com/shop/checkout:9.9.9-bad",
        "real bad release",
        files.kubeconfig.display()
    )?;
    let last = cfg.clusters.len().saturating_sub(1);
    let last_region = cfg
        .clusters
        .last()
        .map(|c| c.region.name.clone())
        .unwrap_or_default();
    writeln!(
        out,
        "  {:<18} KUBECONFIG={} {}",
        format!("drain {last_region}"),
        files.kubeconfig.display(),
        drain(fleet.router(), &first_region, &last_region, last)
    )?;
    writeln!(
        out,
        "  {:<18} {curl} '{tele}/advance?seconds=600'",
        "skip 10 min ahead"
    )?;
    writeln!(
        out,
        "  {:<18} curl -H 'Authorization: Bearer {}' {tele}/faults",
        "telemetry faults",
        sim.token(Role::Admin)
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "Try: KUBECONFIG={} kubectl get deploy -n shop",
        files.kubeconfig.display()
    )?;
    writeln!(
        out,
        "     opsdeck status --config {}",
        files.config.display()
    )?;
    writeln!(out, "Press Ctrl-C (or send SIGTERM) to stop.")?;
    out.flush()
}

/// Where the weights the telemetry follows live.
fn router_line(router: TrafficRouter, first: &str) -> String {
    match router {
        TrafficRouter::ExternalDns => {
            format!("external-dns: each region's Service shop/<service> annotation {WEIGHT}")
        }
        TrafficRouter::Istio => {
            format!("istio: VirtualService shop/<service> in sim-{first}, a destination per region")
        }
        TrafficRouter::GatewayApi => {
            format!("gateway-api: HTTPRoute shop/<service> in sim-{first}, a backendRef per region")
        }
    }
}

/// The kubectl command that sets checkout's weight of `region` (the
/// `index`-th of the fleet) to 0 through `router`.
fn drain(router: TrafficRouter, first: &str, region: &str, index: usize) -> String {
    match router {
        TrafficRouter::ExternalDns => format!(
            "kubectl --context sim-{region} -n shop annotate --overwrite svc/checkout {WEIGHT}=0"
        ),
        TrafficRouter::Istio => format!(
            "kubectl --context sim-{first} -n shop patch vs checkout --type=json -p '[{{\"op\":\"replace\",\"path\":\"/spec/http/0/route/{index}/weight\",\"value\":0}}]'"
        ),
        TrafficRouter::GatewayApi => format!(
            "kubectl --context sim-{first} -n shop patch httproute checkout --type=json -p '[{{\"op\":\"replace\",\"path\":\"/spec/rules/0/backendRefs/{index}/weight\",\"value\":0}}]'"
        ),
    }
}
