//! `opsdeck alerts`: firing alerts from every Alertmanager, merged.

use serde::Serialize;

use super::output::{self, Format};
use super::read::{self, ReadArgs};
use crate::config::Config;
use crate::model::{Alert, Silence};
use crate::sanitize::clean;

#[derive(Serialize)]
struct Body<'a> {
    items: &'a [Alert],
    silences: &'a [Silence],
}

pub fn run(cfg: &Config, args: &ReadArgs) -> Result<(String, u8), String> {
    let state = read::gather(cfg, args, &crate::sources::needs::Needs::alerts())?;
    let text = match args.output {
        Format::Json => output::json(
            "Alerts",
            state.sources.clone(),
            Body {
                items: &state.alerts,
                silences: &state.silences,
            },
        ),
        Format::Table => {
            let mut t = output::table(&[
                "SEVERITY", "ALERT", "REGION", "SERVICE", "STATE", "SINCE", "SUMMARY",
            ]);
            let mut alerts: Vec<&Alert> = state.alerts.iter().collect();
            alerts.sort_by_key(|a| (severity_rank(a.severity()), a.starts_at));
            for a in alerts {
                let summary = a
                    .annotations
                    .get("summary")
                    .or_else(|| a.annotations.get("description"))
                    .cloned()
                    .unwrap_or_default();
                t.add_row(vec![
                    clean(a.severity()).into_owned(),
                    clean(a.name()).into_owned(),
                    clean(a.label("region")).into_owned(),
                    clean(a.label("service")).into_owned(),
                    format!("{:?}", a.state).to_lowercase(),
                    a.starts_at
                        .map(|t| t.strftime("%Y-%m-%d %H:%M:%SZ").to_string())
                        .unwrap_or_default(),
                    clean(&summary).into_owned(),
                ]);
            }
            format!("{t}\n{}", output::source_problems(&state.sources))
        }
    };
    Ok((text, read::code_for_sources(&state)))
}

fn severity_rank(s: &str) -> u8 {
    match s {
        "critical" | "page" => 0,
        "warning" => 1,
        "info" => 2,
        _ => 3,
    }
}
