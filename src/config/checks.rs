//! Value checks shared by the config, theme and keymap resolvers. Each returns
//! the problem and what would be valid, for a [`super::ConfigError`].

use std::path::PathBuf;
use std::time::Duration;

/// A problem with a value: what is wrong and what would be valid.
pub struct Invalid {
    pub problem: String,
    pub valid: String,
}

fn invalid(problem: impl Into<String>, valid: impl Into<String>) -> Invalid {
    Invalid {
        problem: problem.into(),
        valid: valid.into(),
    }
}

/// An http(s) URL. `localhost:9090` parses as a URL with scheme `localhost`,
/// so the scheme is checked by name.
pub fn http_url(raw: &str) -> Result<url::Url, Invalid> {
    const VALID: &str = "an http:// or https:// URL, e.g. \"http://prometheus.example:9090\"";
    if !raw.contains("://") {
        return Err(invalid("URL has no scheme", VALID));
    }
    let url = url::Url::parse(raw).map_err(|e| invalid(format!("not a URL: {e}"), VALID))?;
    match url.scheme() {
        "http" | "https" if url.host().is_some() => Ok(url),
        "http" | "https" => Err(invalid("URL has no host", VALID)),
        other => Err(invalid(format!("unsupported URL scheme `{other}`"), VALID)),
    }
}

/// A duration such as "500ms", "15s", "5m" or "1h" (jiff's friendly format).
pub fn duration(raw: &str) -> Result<Duration, Invalid> {
    const VALID: &str = "a positive duration such as \"500ms\", \"15s\", \"5m\" or \"1h\"";
    let parsed: jiff::SignedDuration = raw.parse().map_err(|_| invalid("not a duration", VALID))?;
    if parsed.is_negative() || parsed.is_zero() {
        return Err(invalid("duration must be positive", VALID));
    }
    Duration::try_from(parsed).map_err(|_| invalid("duration out of range", VALID))
}

/// A Prometheus label matcher: `name="value"`, `name!="v"`, `name=~"re"`, `name!~"re"`.
pub fn label_matcher(raw: &str) -> Result<(), Invalid> {
    const VALID: &str = "a label matcher such as region=\"us-east-1\" (operators =, !=, =~, !~)";
    let raw = raw.trim();
    let name_end = raw
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(raw.len());
    let (name, rest) = raw.split_at(name_end);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(invalid("matcher has no label name", VALID));
    }
    let value = ["!=", "=~", "!~", "="]
        .iter()
        .find_map(|op| rest.trim_start().strip_prefix(op))
        .ok_or_else(|| invalid("matcher has no operator", VALID))?
        .trim();
    let quoted = value.len() >= 2
        && ((value.starts_with('"') && value.ends_with('"'))
            || (value.starts_with('\'') && value.ends_with('\'')));
    if !quoted {
        return Err(invalid("matcher value is not quoted", VALID));
    }
    Ok(())
}

/// Expands a leading `~/` to the home directory.
pub fn expand_home(raw: &str) -> PathBuf {
    match raw.strip_prefix("~/") {
        Some(rest) => directories::BaseDirs::new()
            .map(|b| b.home_dir().join(rest))
            .unwrap_or_else(|| PathBuf::from(raw)),
        None => PathBuf::from(raw),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_need_http_scheme_and_host() {
        assert!(http_url("http://127.0.0.1:9090/x").is_ok());
        assert_eq!(
            http_url("localhost:9090").err().map(|e| e.problem),
            Some("URL has no scheme".into())
        );
        assert!(http_url("ftp://x").is_err());
    }

    #[test]
    fn durations_parse_friendly_forms() {
        assert_eq!(duration("15s").ok(), Some(Duration::from_secs(15)));
        assert_eq!(duration("500ms").ok(), Some(Duration::from_millis(500)));
        assert_eq!(duration("5m").ok(), Some(Duration::from_secs(300)));
        assert!(duration("soon").is_err());
        assert!(duration("0s").is_err());
    }

    #[test]
    fn matchers_need_name_operator_and_quotes() {
        for ok in ["region=\"a\"", "code=~\"5..\"", "x!=\"\"", "svc !~ 'a|b'"] {
            assert!(label_matcher(ok).is_ok(), "{ok}");
        }
        for bad in ["region", "=\"a\"", "region=a", "1x=\"a\""] {
            assert!(label_matcher(bad).is_err(), "{bad}");
        }
    }
}
