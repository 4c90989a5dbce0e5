//! `opsdeck status`: every region's health, service by service.

use serde::Serialize;

use super::output::{self, Format};
use super::read::{self, ReadArgs};
use crate::config::Config;
use crate::model::{FleetSnapshot, Health, RegionView};
use crate::sanitize::clean;

#[derive(Serialize)]
struct Body<'a> {
    health: Health,
    regions: &'a [RegionView],
}

/// Renders the status and picks the exit code: 3 with `--check` when a
/// service is degraded or down, else 5 when a source was unreachable.
pub fn run(cfg: &Config, args: &ReadArgs, check: bool) -> Result<(String, u8), String> {
    let state = read::gather(cfg, args, &crate::sources::needs::Needs::status())?;
    let snap = read::snapshot(cfg, &state);
    let text = match args.output {
        Format::Json => output::json(
            "Status",
            state.sources.clone(),
            Body {
                health: snap.worst(),
                regions: &snap.regions,
            },
        ),
        Format::Table => table(&snap),
    };
    let hurting = snap
        .regions
        .iter()
        .flat_map(|r| &r.services)
        .any(|c| matches!(c.health, Health::Degraded | Health::Down));
    let code = if check && hurting {
        super::exit::DEGRADED
    } else {
        read::code_for_sources(&state)
    };
    Ok((text, code))
}

fn table(snap: &FleetSnapshot) -> String {
    let colour = output::colour();
    let mut t = output::table(&[
        "REGION", "SERVICE", "HEALTH", "READY", "REQ/S", "ERR%", "P95(ms)", "ALERTS", "COST/DAY",
    ]);
    for r in &snap.regions {
        for c in &r.services {
            let ready = match (c.ready, c.desired) {
                (Some(a), Some(b)) if c.from_metrics => format!("{a}/{b} m"),
                (Some(a), Some(b)) => format!("{a}/{b}"),
                _ => "-".into(),
            };
            t.add_row(vec![
                comfy_table::Cell::new(format!(
                    "{}{}",
                    clean(&r.name),
                    if r.production { " (prod)" } else { "" }
                )),
                comfy_table::Cell::new(clean(&c.service)),
                output::health_cell(c.health, colour),
                comfy_table::Cell::new(ready),
                comfy_table::Cell::new(output::opt(c.request_rate, 1)),
                comfy_table::Cell::new(output::opt(c.error_ratio.map(|e| e * 100.0), 2)),
                comfy_table::Cell::new(output::opt(c.p95_seconds.map(|p| p * 1000.0), 0)),
                comfy_table::Cell::new(c.firing_alerts),
                comfy_table::Cell::new(output::opt(c.cost_per_day, 2)),
            ]);
        }
    }
    let sources: Vec<_> = snap
        .regions
        .iter()
        .flat_map(|r| r.sources.iter().cloned())
        .collect();
    let legend = if snap
        .regions
        .iter()
        .any(|r| r.services.iter().any(|c| c.from_metrics))
    {
        "m: ready counts from kube-state-metrics through [fleet_metrics], not a watch of the cluster\n"
    } else {
        ""
    };
    format!(
        "{t}\n{legend}{}{}",
        summary_table(snap),
        output::source_problems(&sources)
    )
}

/// The `metrics` regions' pods, restarts, nodes and HPAs, when any region
/// has them.
fn summary_table(snap: &FleetSnapshot) -> String {
    let with: Vec<_> = snap
        .regions
        .iter()
        .filter_map(|r| r.workload_summary.as_ref().map(|s| (r, s)))
        .collect();
    if with.is_empty() {
        return String::new();
    }
    let mut t = output::table(&[
        "REGION", "PODS", "RUNNING", "PENDING", "FAILED", "RESTARTS", "NODES", "HPAS", "AT MAX",
    ]);
    for (r, s) in with {
        t.add_row(vec![
            clean(&r.name).into_owned(),
            s.pods.values().sum::<u32>().to_string(),
            s.phase("Running").to_string(),
            s.phase("Pending").to_string(),
            s.phase("Failed").to_string(),
            s.restarts.to_string(),
            s.nodes.to_string(),
            s.hpas.to_string(),
            s.hpas_at_max.to_string(),
        ]);
    }
    format!("\nWorkloads from kube-state-metrics:\n{t}\n")
}
