//! `opsdeck costs`: cost per provider, region or service over the last days.

use std::collections::BTreeMap;

use serde::Serialize;

use super::output::{self, Format};
use super::read::{self, ReadArgs};
use crate::config::Config;
use crate::model::CostLine;
use crate::sanitize::clean;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum By {
    Provider,
    Region,
    Service,
}

#[derive(Serialize)]
struct Day {
    day: jiff::civil::Date,
    amount: f64,
}

#[derive(Serialize)]
struct Group {
    key: String,
    currency: String,
    total: f64,
    days: Vec<Day>,
}

#[derive(Serialize)]
struct Body {
    by: By,
    days: u32,
    groups: Vec<Group>,
}

fn key(line: &CostLine, by: By) -> String {
    match by {
        By::Provider => line.provider.clone(),
        By::Region => line.region.clone(),
        By::Service => line
            .service
            .clone()
            .unwrap_or_else(|| "(unallocated)".into()),
    }
}

/// Groups `lines` of the last `days` days (up to and including `today`).
fn groups(lines: &[CostLine], by: By, days: u32, today: jiff::civil::Date) -> Vec<Group> {
    let first = today
        .checked_sub(jiff::Span::new().days(i64::from(days)))
        .unwrap_or(today);
    let mut map: BTreeMap<(String, String), BTreeMap<jiff::civil::Date, f64>> = BTreeMap::new();
    for l in lines.iter().filter(|l| l.day >= first && l.day <= today) {
        *map.entry((key(l, by), l.currency.clone()))
            .or_default()
            .entry(l.day)
            .or_default() += l.amount;
    }
    let mut out: Vec<Group> = map
        .into_iter()
        .map(|((key, currency), per_day)| Group {
            key,
            currency,
            total: per_day.values().sum(),
            days: per_day
                .into_iter()
                .map(|(day, amount)| Day { day, amount })
                .collect(),
        })
        .collect();
    out.sort_by(|a, b| b.total.total_cmp(&a.total));
    out
}

pub fn run(cfg: &Config, args: &ReadArgs, by: By, days: u32) -> Result<(String, u8), String> {
    let state = read::gather(cfg, args, &crate::sources::needs::Needs::costs())?;
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let groups = groups(&state.costs, by, days, today);
    let text = match args.output {
        Format::Json => output::json("Costs", state.sources.clone(), Body { by, days, groups }),
        Format::Table => {
            let label = format!("{by:?}").to_uppercase();
            let mut t =
                output::table(&[label.as_str(), "TOTAL", "PER DAY", "LAST DAY", "CURRENCY"]);
            for g in &groups {
                let per_day = g.total / g.days.len().max(1) as f64;
                let last = g
                    .days
                    .last()
                    .map(|d| format!("{:.2} ({})", d.amount, d.day))
                    .unwrap_or_default();
                t.add_row(vec![
                    clean(&g.key).into_owned(),
                    format!("{:.2}", g.total),
                    format!("{per_day:.2}"),
                    last,
                    clean(&g.currency).into_owned(),
                ]);
            }
            format!("{t}\n{}", output::source_problems(&state.sources))
        }
    };
    Ok((text, read::code_for_sources(&state)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(day: &str, region: &str, service: Option<&str>, amount: f64) -> CostLine {
        CostLine {
            day: day.parse().unwrap_or_else(|e| panic!("{e}")),
            provider: "aws".into(),
            region: region.into(),
            service: service.map(str::to_string),
            amount,
            currency: "USD".into(),
        }
    }

    #[test]
    fn groups_within_the_window_largest_first() {
        let today: jiff::civil::Date = "2026-11-23".parse().unwrap_or_else(|e| panic!("{e}"));
        let lines = [
            line("2026-11-22", "us-east-1", Some("checkout"), 10.0),
            line("2026-11-22", "eu-west-1", Some("checkout"), 5.0),
            line("2026-11-21", "us-east-1", None, 1.0),
            line("2026-10-01", "us-east-1", Some("checkout"), 1000.0),
        ];
        let g = groups(&lines, By::Region, 7, today);
        assert_eq!(g.len(), 2);
        assert_eq!((g[0].key.as_str(), g[0].total), ("us-east-1", 11.0));
        let g = groups(&lines, By::Service, 7, today);
        assert_eq!(
            g.iter().map(|g| g.key.as_str()).collect::<Vec<_>>(),
            vec!["checkout", "(unallocated)"]
        );
    }
}
