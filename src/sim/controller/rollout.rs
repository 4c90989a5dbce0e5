//! Rolling-update arithmetic, as the Kubernetes deployment controller does it.

use serde_json::Value;

/// Resolve an int-or-percent against `total` (percent rounds up or down).
pub fn int_or_percent(v: Option<&Value>, total: i64, round_up: bool, default_pct: i64) -> i64 {
    let pct = |p: i64| {
        let x = p * total;
        if round_up { (x + 99) / 100 } else { x / 100 }
    };
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0).max(0),
        Some(Value::String(s)) => match s.strip_suffix('%') {
            Some(p) => pct(p.trim().parse().unwrap_or(default_pct)),
            None => s.trim().parse().unwrap_or(0),
        },
        _ => pct(default_pct),
    }
}

/// (maxSurge, maxUnavailable) for a deployment spec.
pub fn surge_unavailable(spec: &Value, replicas: i64) -> (i64, i64) {
    let ru = spec.get("strategy").and_then(|s| s.get("rollingUpdate"));
    let surge = int_or_percent(ru.and_then(|r| r.get("maxSurge")), replicas, true, 25);
    let mut unavailable = int_or_percent(
        ru.and_then(|r| r.get("maxUnavailable")),
        replicas,
        false,
        25,
    );
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable.min(replicas))
}

/// One ReplicaSet as the rollout math sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RsState {
    /// name
    pub name: String,
    /// spec.replicas
    pub spec: i64,
    /// available (ready) pods
    pub available: i64,
}

/// New `spec.replicas` for the new ReplicaSet and the old ones (oldest
/// first) after one rolling-update step.
pub fn rolling_step(
    replicas: i64,
    surge: i64,
    unavailable: i64,
    new: &RsState,
    old: &[RsState],
) -> (i64, Vec<i64>) {
    let mut new_spec = new.spec;
    let mut old_spec: Vec<i64> = old.iter().map(|r| r.spec).collect();
    let total: i64 = new_spec + old_spec.iter().sum::<i64>();
    // Scale up the new ReplicaSet within maxSurge.
    if new_spec < replicas {
        let max_total = replicas + surge;
        if total < max_total {
            new_spec = (new_spec + (max_total - total)).min(replicas);
        }
    } else if new_spec > replicas {
        new_spec = replicas;
    }
    // Scale down old ReplicaSets within maxUnavailable.
    let old_total: i64 = old_spec.iter().sum();
    if old_total > 0 {
        let all: i64 = new_spec + old_total;
        let min_available = replicas - unavailable;
        let new_unavailable = (new_spec - new.available).max(0);
        let mut budget = all - min_available - new_unavailable;
        // First old pods that are not available anyway.
        for (i, r) in old.iter().enumerate() {
            if budget <= 0 {
                break;
            }
            let unhealthy = (old_spec[i] - r.available).max(0);
            let cut = unhealthy.min(budget);
            old_spec[i] -= cut;
            budget -= cut;
        }
        // Then available old pods, keeping min_available.
        let available: i64 = new.available + old.iter().map(|r| r.available).sum::<i64>();
        let mut cut_total = (available - min_available).max(0);
        for s in old_spec.iter_mut() {
            if cut_total <= 0 {
                break;
            }
            let cut = (*s).min(cut_total);
            *s -= cut;
            cut_total -= cut;
        }
        // Old pods cannot be "available" beyond their spec after cutting.
    }
    (new_spec, old_spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rounding() {
        assert_eq!(int_or_percent(Some(&json!("25%")), 3, true, 25), 1);
        assert_eq!(int_or_percent(Some(&json!("25%")), 3, false, 25), 0);
        assert_eq!(int_or_percent(Some(&json!(2)), 3, false, 25), 2);
        assert_eq!(
            surge_unavailable(
                &json!({"strategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}}),
                3
            ),
            (0, 1)
        );
    }

    #[test]
    fn first_step_surges() {
        let new = RsState {
            name: "n".into(),
            spec: 0,
            available: 0,
        };
        let old = [RsState {
            name: "o".into(),
            spec: 4,
            available: 4,
        }];
        let (n, o) = rolling_step(4, 1, 1, &new, &old);
        assert_eq!((n, o), (1, vec![3]));
    }
}
