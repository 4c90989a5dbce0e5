//! Alerting rules: the standard Prometheus rule-file format, parsed with
//! `serde_yaml_ng`, evaluated by the simulator with `for:` semantics.

mod engine;
mod template;

use std::collections::BTreeMap;

use serde::Deserialize;

pub use engine::{ActiveAlert, AlertState, GroupState, RuleEngine, RuleState};

/// The shipped rule file, also loadable unchanged by a real Prometheus.
pub const SHIPPED_RULES: &str = include_str!("../../../config-examples/rules/opsdeck-rules.yml");

/// A rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub groups: Vec<RuleGroup>,
}

/// A rule group.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleGroup {
    pub name: String,
    #[serde(default)]
    pub interval: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
    pub rules: Vec<Rule>,
}

/// An alerting rule (recording rules are rejected: the simulator does not record).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    #[serde(default)]
    pub alert: Option<String>,
    #[serde(default)]
    pub record: Option<String>,
    pub expr: String,
    #[serde(default, rename = "for")]
    pub for_: Option<String>,
    #[serde(default)]
    pub keep_firing_for: Option<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// Errors reading a rule file.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("rule file is not valid YAML: {0}")]
    Yaml(#[from] serde_yaml_ng::Error),
    #[error("group {group}, rule {rule}: {message}")]
    Rule {
        group: String,
        rule: String,
        message: String,
    },
}

/// A parsed, checked alerting rule.
#[derive(Debug, Clone)]
pub struct AlertRule {
    pub name: String,
    pub expr: String,
    pub parsed: promql_parser::parser::Expr,
    pub for_ms: i64,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

/// A parsed group.
#[derive(Debug, Clone)]
pub struct AlertGroup {
    pub name: String,
    pub file: String,
    pub interval_ms: i64,
    pub rules: Vec<AlertRule>,
}

fn duration_ms(s: &str) -> Result<i64, String> {
    promql_parser::util::parse_duration(s).map(|d| d.as_millis() as i64)
}

/// Parse and check a rule file; `file` is the name reported by `/api/v1/rules`.
pub fn parse_rules(
    yaml: &str,
    file: &str,
    default_interval_ms: i64,
) -> Result<Vec<AlertGroup>, RuleError> {
    let f: RuleFile = serde_yaml_ng::from_str(yaml)?;
    f.groups
        .into_iter()
        .map(|g| {
            let err = |rule: &str, message: String| RuleError::Rule {
                group: g.name.clone(),
                rule: rule.to_string(),
                message,
            };
            let interval_ms = match &g.interval {
                Some(i) => duration_ms(i).map_err(|e| err("-", e))?,
                None => default_interval_ms,
            };
            let rules = g
                .rules
                .iter()
                .map(|r| {
                    let Some(name) = r.alert.clone() else {
                        let rec = r.record.clone().unwrap_or_default();
                        return Err(err(
                            &rec,
                            "recording rules are not supported by the simulator".into(),
                        ));
                    };
                    if r.keep_firing_for.is_some() {
                        return Err(err(
                            &name,
                            "keep_firing_for is not supported by the simulator".into(),
                        ));
                    }
                    let parsed =
                        promql_parser::parser::parse(&r.expr).map_err(|e| err(&name, e))?;
                    let for_ms = match &r.for_ {
                        Some(f) => duration_ms(f).map_err(|e| err(&name, e))?,
                        None => 0,
                    };
                    Ok(AlertRule {
                        name,
                        expr: r.expr.clone(),
                        parsed,
                        for_ms,
                        labels: r.labels.clone(),
                        annotations: r.annotations.clone(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(AlertGroup {
                name: g.name.clone(),
                file: file.to_string(),
                interval_ms,
                rules,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rules_parse() {
        let groups = parse_rules(SHIPPED_RULES, "opsdeck-rules.yml", 60_000);
        let groups = match groups {
            Ok(g) => g,
            Err(e) => panic!("{e}"),
        };
        let names: Vec<_> = groups
            .iter()
            .flat_map(|g| g.rules.iter().map(|r| r.name.as_str()))
            .collect();
        for n in [
            "HighErrorRatio",
            "HighLatencyP95",
            "RegionDown",
            "DeploymentReplicasMismatch",
            "CostAnomaly",
        ] {
            assert!(names.contains(&n), "{n} missing");
        }
    }
}
