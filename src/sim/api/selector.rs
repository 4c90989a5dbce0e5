//! Label and field selectors.

use serde_json::Value;

use super::super::obj;
use super::super::pod::Pod;

/// Something selectors can look at.
pub trait Selectable {
    /// a label value
    fn label(&self, key: &str) -> Option<&str>;
    /// a field value (`metadata.name`, `spec.nodeName`, ...)
    fn field(&self, path: &str) -> Option<String>;
}

impl Selectable for Value {
    fn label(&self, key: &str) -> Option<&str> {
        obj::label(self, key)
    }

    fn field(&self, path: &str) -> Option<String> {
        match obj::path(self, path)? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }
}

impl Selectable for Pod {
    fn label(&self, key: &str) -> Option<&str> {
        Pod::label(self, key)
    }

    fn field(&self, path: &str) -> Option<String> {
        Pod::field(self, path)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Req {
    Eq(String, String),
    Ne(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    Absent(String),
}

/// A parsed label selector plus field selector.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    labels: Vec<Req>,
    fields: Vec<Req>,
}

fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, ch) in s.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

fn set(s: &str) -> Option<Vec<String>> {
    let inner = s.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some(
        inner
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect(),
    )
}

fn parse_req(p: &str, fields: bool) -> Result<Req, String> {
    let bad = || format!("unable to parse requirement: {p:?}");
    if let Some(k) = p.strip_prefix('!') {
        return Ok(Req::Absent(k.trim().to_string()));
    }
    for (op, ne) in [("!=", true), ("==", false), ("=", false)] {
        if let Some((k, v)) = p.split_once(op) {
            let (k, v) = (k.trim().to_string(), v.trim().to_string());
            if k.is_empty() {
                return Err(bad());
            }
            return Ok(if ne { Req::Ne(k, v) } else { Req::Eq(k, v) });
        }
    }
    if !fields {
        if let Some((k, rest)) = p.split_once(" notin ") {
            return Ok(Req::NotIn(k.trim().to_string(), set(rest).ok_or_else(bad)?));
        }
        if let Some((k, rest)) = p.split_once(" in ") {
            return Ok(Req::In(k.trim().to_string(), set(rest).ok_or_else(bad)?));
        }
        if !p.contains(' ') {
            return Ok(Req::Exists(p.to_string()));
        }
    }
    Err(bad())
}

impl Selector {
    /// Parse `labelSelector` and `fieldSelector` query values.
    pub fn parse(labels: Option<&str>, fields: Option<&str>) -> Result<Self, String> {
        let l = labels
            .map(split_top)
            .unwrap_or_default()
            .into_iter()
            .map(|p| parse_req(p, false))
            .collect::<Result<_, _>>()?;
        let f = fields
            .map(split_top)
            .unwrap_or_default()
            .into_iter()
            .map(|p| parse_req(p, true))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            labels: l,
            fields: f,
        })
    }

    /// A field selector's required value for `path` (`metadata.name=x`).
    pub fn field_eq(&self, path: &str) -> Option<&str> {
        self.fields.iter().find_map(|r| match r {
            Req::Eq(k, v) if k == path => Some(v.as_str()),
            _ => None,
        })
    }

    /// Does `o` match?
    pub fn matches<T: Selectable + ?Sized>(&self, o: &T) -> bool {
        let label_ok = self.labels.iter().all(|r| match r {
            Req::Eq(k, v) => o.label(k) == Some(v.as_str()),
            Req::Ne(k, v) => o.label(k) != Some(v.as_str()),
            Req::In(k, vs) => o.label(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            Req::NotIn(k, vs) => o.label(k).is_none_or(|x| !vs.iter().any(|v| v == x)),
            Req::Exists(k) => o.label(k).is_some(),
            Req::Absent(k) => o.label(k).is_none(),
        });
        label_ok
            && self.fields.iter().all(|r| match r {
                Req::Eq(k, v) => o.field(k).unwrap_or_default() == *v,
                Req::Ne(k, v) => o.field(k).unwrap_or_default() != *v,
                _ => true,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selectors() {
        let o = json!({"metadata": {"name": "a", "labels": {"app": "web", "tier": "fe"}}, "status": {"phase": "Running"}});
        let ok = |l: &str, f: &str| {
            Selector::parse(Some(l), Some(f))
                .map(|s| s.matches(&o))
                .unwrap_or(false)
        };
        assert!(ok("app=web", ""));
        assert!(ok("app==web,tier in (fe, be)", "metadata.name=a"));
        assert!(!ok("app!=web", ""));
        assert!(ok("tier notin (be),!missing,app", "status.phase=Running"));
        assert!(!ok("", "metadata.name=b"));
        assert!(Selector::parse(Some("a b c"), None).is_err());
    }
}
