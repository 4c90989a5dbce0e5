//! The silence popup: matchers prefilled from the selected alert, a duration
//! and a comment; submitting yields one `CreateSilence` per HA cluster that
//! has the alert.

use std::time::Duration;

use super::effect::Effect;
use crate::config::Config;
use crate::model::Alert;
use crate::model::alert::Matcher;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Matchers,
    Duration,
    Comment,
}

impl Field {
    pub const ALL: [Field; 3] = [Field::Matchers, Field::Duration, Field::Comment];

    pub fn label(self) -> &'static str {
        match self {
            Field::Matchers => "Matchers",
            Field::Duration => "Duration",
            Field::Comment => "Comment",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SilenceForm {
    pub alert_name: String,
    pub ha_clusters: Vec<String>,
    pub matchers: String,
    pub duration: String,
    pub comment: String,
    pub focus: Field,
    pub error: Option<String>,
}

impl SilenceForm {
    /// Prefills every label of the alert as an equality matcher.
    pub fn for_alert(alert: &Alert) -> Self {
        let matchers = alert
            .labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
            .collect::<Vec<_>>()
            .join(", ");
        Self {
            alert_name: alert.name().to_string(),
            ha_clusters: alert.ha_clusters.clone(),
            matchers,
            duration: "2h".into(),
            comment: String::new(),
            focus: Field::Comment,
            error: None,
        }
    }

    pub fn field_mut(&mut self) -> &mut String {
        match self.focus {
            Field::Matchers => &mut self.matchers,
            Field::Duration => &mut self.duration,
            Field::Comment => &mut self.comment,
        }
    }

    pub fn value(&self, f: Field) -> &str {
        match f {
            Field::Matchers => &self.matchers,
            Field::Duration => &self.duration,
            Field::Comment => &self.comment,
        }
    }

    pub fn move_focus(&mut self, forward: bool) {
        let i = Field::ALL
            .iter()
            .position(|f| *f == self.focus)
            .unwrap_or(0);
        let n = Field::ALL.len();
        let next = if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        };
        self.focus = Field::ALL[next];
    }

    /// The effects to run, or what is wrong with the form.
    pub fn submit(&self, config: &Config, created_by: &str) -> Result<Vec<Effect>, String> {
        let matchers = parse_matchers(&self.matchers)?;
        let duration = parse_duration(&self.duration)?;
        let comment = self.comment.trim();
        if comment.is_empty() {
            return Err("a comment is required: say why".into());
        }
        if self.ha_clusters.is_empty() {
            return Err("no Alertmanager reported this alert".into());
        }
        let mut effects = Vec::new();
        for cluster in &self.ha_clusters {
            let alertmanagers = members(config, cluster);
            if alertmanagers.is_empty() {
                return Err(format!(
                    "no configured Alertmanager in HA cluster {cluster}"
                ));
            }
            effects.push(Effect::CreateSilence {
                ha_cluster: cluster.clone(),
                alertmanagers,
                matchers: matchers.clone(),
                duration,
                comment: comment.to_string(),
                created_by: created_by.to_string(),
            });
        }
        Ok(effects)
    }
}

/// The member URLs of an HA cluster, deduplicated, in config order.
pub fn members(config: &Config, ha_cluster: &str) -> Vec<url::Url> {
    let mut out: Vec<url::Url> = Vec::new();
    for am in config.regions.iter().flat_map(|r| &r.alertmanagers) {
        if am.ha_cluster == ha_cluster && !out.contains(&am.url) {
            out.push(am.url.clone());
        }
    }
    out
}

/// `name="v", name!="v", name=~"re", name!~"re"`, separated by commas.
pub fn parse_matchers(raw: &str) -> Result<Vec<Matcher>, String> {
    let mut out = Vec::new();
    let mut rest = raw.trim();
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .ok_or_else(|| format!("matcher `{rest}` has no operator"))?;
        let (name, after) = rest.split_at(end);
        if name.is_empty() {
            return Err(format!("matcher `{rest}` has no label name"));
        }
        let after = after.trim_start();
        let (op, after) = ["!=", "=~", "!~", "="]
            .iter()
            .find_map(|op| after.strip_prefix(op).map(|a| (*op, a)))
            .ok_or_else(|| format!("matcher for `{name}`: expected =, !=, =~ or !~"))?;
        let after = after.trim_start();
        let body = after
            .strip_prefix('"')
            .ok_or_else(|| format!("matcher for `{name}`: quote the value"))?;
        let mut value = String::new();
        let mut chars = body.char_indices();
        let mut close = None;
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, n)) = chars.next() {
                        value.push(n);
                    }
                }
                '"' => {
                    close = Some(i);
                    break;
                }
                c => value.push(c),
            }
        }
        let close = close.ok_or_else(|| format!("matcher for `{name}`: unclosed quote"))?;
        out.push(Matcher {
            name: name.to_string(),
            value,
            is_regex: op.contains('~'),
            is_equal: !op.starts_with('!'),
        });
        rest = body.get(close + 1..).unwrap_or("").trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    if out.is_empty() {
        return Err("at least one matcher is needed".into());
    }
    if out
        .iter()
        .all(|m| !m.is_equal || m.is_regex && m.value.is_empty())
    {
        return Err("at least one matcher must be a non-empty equality".into());
    }
    Ok(out)
}

/// `90m`, `2h`, `1d`, `1h30m`.
pub fn parse_duration(raw: &str) -> Result<Duration, String> {
    let bad = || format!("duration `{raw}`: use e.g. 30m, 2h, 1d or 1h30m");
    let mut total = 0u64;
    let mut number = String::new();
    for c in raw.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number.parse().map_err(|_| bad())?;
        number.clear();
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return Err(bad()),
        };
        total = total.saturating_add(n.saturating_mul(unit));
    }
    if !number.is_empty() || total == 0 {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_matchers_with_quotes_and_operators() {
        let m = parse_matchers(r#"alertname="High \"x\"", service=~"pay.*",team!="ops""#);
        let m = m.unwrap_or_default();
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].value, "High \"x\"");
        assert!(m[1].is_regex && m[1].is_equal);
        assert!(!m[2].is_equal && !m[2].is_regex);
        assert!(parse_matchers("").is_err());
        assert!(parse_matchers("a=b").is_err());
        assert!(
            parse_matchers(r#"a!="b""#).is_err(),
            "only negative matchers"
        );
    }

    #[test]
    fn parses_durations() {
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1d"), Ok(Duration::from_secs(86400)));
        assert!(parse_duration("2").is_err());
        assert!(parse_duration("2x").is_err());
        assert!(parse_duration("").is_err());
    }
}
