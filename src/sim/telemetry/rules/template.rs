//! The small subset of Prometheus' Go templates the shipped annotations
//! use: `{{ $labels.NAME }}` and `{{ $value }}`. Anything else is kept
//! verbatim.

use std::collections::BTreeMap;

/// Expand `{{ $labels.x }}` and `{{ $value }}` in `text`.
pub fn expand(text: &str, labels: &BTreeMap<String, String>, value: f64) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = after[..close].trim();
        if inner == "$value" || inner == ".Value" {
            out.push_str(&format!("{value}"));
        } else if let Some(name) = inner
            .strip_prefix("$labels.")
            .or_else(|| inner.strip_prefix(".Labels."))
        {
            out.push_str(labels.get(name).map_or("", String::as_str));
        } else {
            out.push_str(&rest[open..open + 2 + close + 2]);
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_labels_and_value() {
        let ls: BTreeMap<String, String> = [("region".to_string(), "eu".to_string())].into();
        assert_eq!(
            expand("{{ $labels.region }} at {{$value}} {{ x }}", &ls, 0.5),
            "eu at 0.5 {{ x }}"
        );
    }
}
