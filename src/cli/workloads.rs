//! `opsdeck workloads`: every watched deployment's rollout state.

use serde::Serialize;

use super::output::{self, Format};
use super::read::{self, ReadArgs};
use crate::config::Config;
use crate::model::DeploymentRow;
use crate::sanitize::clean;

#[derive(Serialize)]
struct Item<'a> {
    region: &'a str,
    context: &'a str,
    /// The configured service this deployment belongs to, if any.
    service: Option<&'a str>,
    #[serde(flatten)]
    deployment: &'a DeploymentRow,
}

#[derive(Serialize)]
struct Body<'a> {
    items: Vec<Item<'a>>,
}

pub fn run(
    cfg: &Config,
    args: &ReadArgs,
    region: Option<&str>,
    service: Option<&str>,
) -> Result<(String, u8), String> {
    let regions: Vec<&str> = cfg.regions.iter().map(|r| r.name.as_str()).collect();
    let services: Vec<&str> = cfg.services.iter().map(|s| s.name.as_str()).collect();
    read::check_name("region", region, &regions)?;
    read::check_name("service", service, &services)?;
    let state = read::gather(cfg, args, &crate::sources::needs::Needs::workloads())?;
    let mut items = Vec::new();
    for (rname, data) in &state.regions {
        if region.is_some_and(|r| r != rname) {
            continue;
        }
        for (ctx, cluster) in &data.clusters {
            for d in cluster.deployments.values() {
                let owner = cfg
                    .services
                    .iter()
                    .find(|s| s.namespace == *d.namespace && s.deployment_in(rname) == d.name)
                    .map(|s| s.name.as_str());
                if service.is_some_and(|s| Some(s) != owner) {
                    continue;
                }
                items.push(Item {
                    region: rname,
                    context: ctx,
                    service: owner,
                    deployment: d,
                });
            }
        }
    }
    let text = match args.output {
        Format::Json => output::json("Workloads", state.sources.clone(), Body { items }),
        Format::Table => {
            let mut t = output::table(&[
                "REGION",
                "NAMESPACE",
                "DEPLOYMENT",
                "READY",
                "UP-TO-DATE",
                "AVAILABLE",
                "REV",
                "STATUS",
                "IMAGES",
            ]);
            for i in &items {
                let d = i.deployment;
                let status = if d.paused {
                    "Paused".to_string()
                } else {
                    d.progressing.clone().unwrap_or_default()
                };
                t.add_row(vec![
                    clean(i.region).into_owned(),
                    clean(&d.namespace).into_owned(),
                    clean(&d.name).into_owned(),
                    format!("{}/{}", d.ready, d.desired),
                    d.updated.to_string(),
                    d.available.to_string(),
                    d.revision
                        .map(|r| r.to_string())
                        .unwrap_or_else(|| "-".into()),
                    clean(&status).into_owned(),
                    clean(&d.images.join(",")).into_owned(),
                ]);
            }
            format!("{t}\n{}", output::source_problems(&state.sources))
        }
    };
    Ok((text, read::code_for_sources(&state)))
}
