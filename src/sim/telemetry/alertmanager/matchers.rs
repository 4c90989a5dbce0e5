//! Alertmanager label matchers: `=`, `!=`, `=~`, `!~` (regexes anchored).

use std::fmt;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::LabelSet;

/// A matcher as API v2 carries it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmMatcher {
    pub name: String,
    pub value: String,
    pub is_regex: bool,
    #[serde(default = "default_true")]
    pub is_equal: bool,
    #[serde(skip)]
    regex: Option<Regex>,
}

impl PartialEq for AmMatcher {
    fn eq(&self, o: &Self) -> bool {
        self.name == o.name
            && self.value == o.value
            && self.is_regex == o.is_regex
            && self.is_equal == o.is_equal
    }
}

fn default_true() -> bool {
    true
}

impl AmMatcher {
    /// Build a matcher, compiling the anchored regex when needed.
    pub fn new(name: &str, value: &str, is_regex: bool, is_equal: bool) -> Result<Self, String> {
        let regex = if is_regex {
            Some(
                Regex::new(&format!("^(?:{value})$"))
                    .map_err(|e| format!("invalid regex {value:?}: {e}"))?,
            )
        } else {
            None
        };
        Ok(Self {
            name: name.to_string(),
            value: value.to_string(),
            is_regex,
            is_equal,
            regex,
        })
    }

    /// Compile the regex of a matcher that came from JSON.
    pub fn compiled(self) -> Result<Self, String> {
        Self::new(&self.name, &self.value, self.is_regex, self.is_equal)
    }

    /// Whether `value` satisfies the matcher.
    pub fn matches_value(&self, value: &str) -> bool {
        let hit = match &self.regex {
            Some(r) => r.is_match(value),
            None => self.value == value,
        };
        hit == self.is_equal
    }

    /// Whether a label set satisfies the matcher (missing labels are "").
    pub fn matches(&self, labels: &LabelSet) -> bool {
        self.matches_value(labels.get(&self.name).map_or("", String::as_str))
    }

    fn op(&self) -> &'static str {
        match (self.is_regex, self.is_equal) {
            (false, true) => "=",
            (false, false) => "!=",
            (true, true) => "=~",
            (true, false) => "!~",
        }
    }
}

impl fmt::Display for AmMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{:?}", self.name, self.op(), self.value)
    }
}

/// Parse one `filter` parameter such as `alertname="X"` or `region=~"eu.*"`.
pub fn parse_filter(s: &str) -> Result<AmMatcher, String> {
    let s = s
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim();
    let ops = ["=~", "!~", "!=", "="];
    let Some((pos, op)) = ops
        .iter()
        .filter_map(|op| s.find(op).map(|p| (p, *op)))
        .min_by_key(|(p, op)| (*p, std::cmp::Reverse(op.len())))
    else {
        return Err(format!("bad matcher format: {s}"));
    };
    let name = s[..pos].trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("bad matcher format: {s}"));
    }
    let raw = s[pos + op.len()..].trim();
    let value = match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(v) => v.replace("\\\"", "\"").replace("\\\\", "\\"),
        None => raw.to_string(),
    };
    let (is_regex, is_equal) = match op {
        "=" => (false, true),
        "!=" => (false, false),
        "=~" => (true, true),
        _ => (true, false),
    };
    AmMatcher::new(name, &value, is_regex, is_equal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_operators() {
        let ls: LabelSet = [("a".to_string(), "xyz".to_string())].into();
        for (f, want) in [
            ("a=\"xyz\"", true),
            ("a!=\"xyz\"", false),
            ("a=~\"x.*\"", true),
            ("a!~\"x.*\"", false),
            ("{a=~\"y\"}", false),
            ("b=\"\"", true),
        ] {
            let m = parse_filter(f);
            assert!(
                m.as_ref().is_ok_and(|m| m.matches(&ls) == want),
                "{f}: {m:?}"
            );
        }
        assert!(parse_filter("nonsense").is_err());
    }
}
