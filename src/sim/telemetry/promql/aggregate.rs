//! Aggregation operators: `sum`, `avg`, `min`, `max`, `count`, `topk`,
//! `bottomk`, with `by` / `without`.

use std::collections::BTreeMap;

use promql_parser::parser::{AggregateExpr, Expr, LabelModifier};

use super::eval::Evaluator;
use super::{QueryError, Sample, Value, functions};
use crate::sim::telemetry::series::{Labels, NAME};

/// Whether label `k` is part of the grouping key under `modifier`.
fn kept(k: &str, modifier: &Option<LabelModifier>) -> bool {
    k != NAME
        && match modifier {
            None => false,
            Some(LabelModifier::Include(ls)) => ls.labels.iter().any(|l| l == k),
            Some(LabelModifier::Exclude(ls)) => !ls.labels.iter().any(|l| l == k),
        }
}

/// The grouping key of `labels` under `modifier`, borrowed from them (a
/// rule over ~150k series builds no label set per series).
fn group_key<'a>(labels: &'a Labels, modifier: &Option<LabelModifier>) -> Vec<(&'a str, &'a str)> {
    labels
        .iter()
        .filter(|(k, _)| kept(k, modifier))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// A borrowed grouping key.
type Key<'a> = Vec<(&'a str, &'a str)>;

/// One aggregation's groups over the store's own series: which group each
/// series falls in, found once per evaluator, since a range query's steps
/// group the same series the same way (building each series' key at every
/// step was a third of a chart's one-hour query).
#[derive(Debug, Default)]
pub struct Grouping<'a> {
    /// The aggregation's modifier, to tell it from another at the same address.
    modifier: Option<LabelModifier>,
    /// A series' group, by the address of its labels in the store (FNV:
    /// hashed at every step for every series, where SipHash showed).
    of: fnv::FnvHashMap<usize, usize>,
    /// The group keys; a group's id is its key's index.
    keys: indexmap::IndexSet<Key<'a>>,
}

impl<'a> Grouping<'a> {
    fn id(&mut self, labels: &'a Labels) -> usize {
        let at = std::ptr::from_ref(labels) as usize;
        if let Some(id) = self.of.get(&at) {
            return *id;
        }
        let (id, _) = self.keys.insert_full(group_key(labels, &self.modifier));
        self.of.insert(at, id);
        id
    }
}

/// The store's series `input` grouped under `agg`, keys in order.
fn group_store<'a>(
    ev: &Evaluator<'a>,
    agg: &AggregateExpr,
    input: Vec<(&'a Labels, f64)>,
) -> Vec<(Key<'a>, Vec<f64>)> {
    let mut cache = ev.groupings.borrow_mut();
    let grouping = cache.entry(std::ptr::from_ref(agg) as usize).or_default();
    if grouping.modifier != agg.modifier {
        *grouping = Grouping {
            modifier: agg.modifier.clone(),
            ..Grouping::default()
        };
    }
    let mut vals: Vec<Vec<f64>> = Vec::new();
    for (labels, value) in input {
        let id = grouping.id(labels);
        if vals.len() <= id {
            vals.resize_with(id + 1, Vec::new);
        }
        vals[id].push(value);
    }
    let mut out: Vec<(Key<'a>, Vec<f64>)> = vals
        .into_iter()
        .enumerate()
        .filter(|(_, v)| !v.is_empty())
        .filter_map(|(id, v)| Some((grouping.keys.get_index(id)?.clone(), v)))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The owned labels of a borrowed key.
fn owned(key: &[(&str, &str)]) -> Labels {
    key.iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

/// Evaluate an aggregation at `t`.
pub fn aggregate<'a>(ev: &Evaluator<'a>, agg: &AggregateExpr, t: i64) -> Result<Value, QueryError> {
    let op = agg.op.to_string();
    let op = op.as_str();
    if !matches!(
        op,
        "sum" | "avg" | "min" | "max" | "count" | "topk" | "bottomk"
    ) {
        return Err(QueryError::unsupported(format!("aggregation \"{op}\"")));
    }
    if op == "topk" || op == "bottomk" {
        let input = ev.eval_vector(&agg.expr, t)?;
        let Some(param) = &agg.param else {
            return Err(QueryError::bad_data(format!("{op} needs a parameter")));
        };
        let k = ev.eval_scalar(param, t)?;
        return Ok(Value::Vector(top_k(input, k, &agg.modifier, op == "topk")));
    }
    // The grouping key never holds `__name__`, so a selector's or a rate's
    // series are grouped by the store's own labels, cloning none.
    let evaluated;
    let groups: Vec<(Key<'_>, Vec<f64>)> = match (&*agg.expr, functions::as_rate(&agg.expr)) {
        (_, Some(call)) => group_store(ev, agg, functions::rates(ev, call, t)?),
        (Expr::VectorSelector(vs), None) => group_store(ev, agg, ev.instant_borrowed(vs, t)?),
        _ => {
            evaluated = ev.eval_vector(&agg.expr, t)?;
            let mut groups: BTreeMap<Key<'_>, Vec<f64>> = BTreeMap::new();
            for s in &evaluated {
                groups
                    .entry(group_key(&s.labels, &agg.modifier))
                    .or_default()
                    .push(s.value);
            }
            groups.into_iter().collect()
        }
    };
    let out = groups
        .into_iter()
        .map(|(key, vals)| {
            let labels = owned(&key);
            let value = match op {
                "sum" => vals.iter().sum(),
                "avg" => vals.iter().sum::<f64>() / vals.len() as f64,
                "count" => vals.len() as f64,
                "min" => fold_nan_aware(&vals, f64::min),
                _ => fold_nan_aware(&vals, f64::max),
            };
            Sample { labels, value }
        })
        .collect();
    Ok(Value::Vector(out))
}

/// min/max as Prometheus does them: NaN only when every input is NaN.
fn fold_nan_aware(vals: &[f64], f: fn(f64, f64) -> f64) -> f64 {
    vals.iter()
        .copied()
        .filter(|v| !v.is_nan())
        .reduce(f)
        .unwrap_or(f64::NAN)
}

fn top_k(input: Vec<Sample>, k: f64, modifier: &Option<LabelModifier>, top: bool) -> Vec<Sample> {
    if k < 1.0 || k.is_nan() {
        return Vec::new();
    }
    let k = k.min(1e9) as usize;
    let mut groups: BTreeMap<Vec<(String, String)>, Vec<Sample>> = BTreeMap::new();
    for s in input {
        let key = group_key(&s.labels, modifier)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        groups.entry(key).or_default().push(s);
    }
    let mut out = Vec::new();
    for (_, mut members) in groups {
        members.sort_by(|a, b| {
            // NaN sorts last in both directions.
            let ord = match (a.value.is_nan(), b.value.is_nan()) {
                (true, true) => std::cmp::Ordering::Equal,
                (true, false) => return std::cmp::Ordering::Greater,
                (false, true) => return std::cmp::Ordering::Less,
                _ => a.value.total_cmp(&b.value),
            };
            if top { ord.reverse() } else { ord }
        });
        members.truncate(k);
        out.extend(members);
    }
    // topk keeps the metric name and all labels.
    out
}
