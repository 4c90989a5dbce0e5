//! Binary operators: arithmetic and comparisons between scalars and
//! vectors, one-to-one vector matching with `on` / `ignoring`.

use std::collections::HashMap;

use promql_parser::parser::{BinModifier, BinaryExpr, LabelModifier, VectorMatchCardinality};

use super::eval::Evaluator;
use super::{QueryError, Sample, Value, drop_name};
use crate::sim::telemetry::series::{Labels, NAME};

const ARITHMETIC: [&str; 6] = ["+", "-", "*", "/", "%", "^"];
const COMPARISON: [&str; 6] = ["==", "!=", ">", "<", ">=", "<="];

/// `lhs op rhs` on floats: (value, keep) as Prometheus' `vectorElemBinop`.
fn elem(op: &str, l: f64, r: f64) -> (f64, bool) {
    match op {
        "+" => (l + r, true),
        "-" => (l - r, true),
        "*" => (l * r, true),
        "/" => (l / r, true),
        "%" => (l % r, true),
        "^" => (l.powf(r), true),
        "==" => (l, l == r),
        "!=" => (l, l != r),
        ">" => (l, l > r),
        "<" => (l, l < r),
        ">=" => (l, l >= r),
        _ => (l, l <= r),
    }
}

/// Evaluate a binary expression at `t`.
pub fn binary(ev: &Evaluator<'_>, bin: &BinaryExpr, t: i64) -> Result<Value, QueryError> {
    let op = bin.op.to_string();
    let op = op.as_str();
    if !ARITHMETIC.contains(&op) && !COMPARISON.contains(&op) {
        return Err(QueryError::unsupported(format!("binary operator \"{op}\"")));
    }
    let modifier = bin.modifier.as_ref();
    let return_bool = modifier.is_some_and(|m| m.return_bool);
    if let Some(m) = modifier {
        match &m.card {
            VectorMatchCardinality::ManyToOne(_) => {
                return Err(QueryError::unsupported("group_left"));
            }
            VectorMatchCardinality::OneToMany(_) => {
                return Err(QueryError::unsupported("group_right"));
            }
            _ => {}
        }
        if m.fill_values.lhs.is_some() || m.fill_values.rhs.is_some() {
            return Err(QueryError::unsupported("fill modifier"));
        }
    }
    let is_cmp = COMPARISON.contains(&op);
    let drop = !is_cmp || return_bool;
    let lhs = ev.eval(&bin.lhs, t)?;
    let rhs = ev.eval(&bin.rhs, t)?;
    match (lhs, rhs) {
        (Value::Scalar(l), Value::Scalar(r)) => {
            let (v, keep) = elem(op, l, r);
            Ok(Value::Scalar(if is_cmp {
                f64::from(u8::from(keep))
            } else {
                v
            }))
        }
        (Value::Vector(l), Value::Scalar(r)) => Ok(Value::Vector(vector_scalar(
            op,
            l,
            r,
            false,
            return_bool,
            drop,
        ))),
        (Value::Scalar(l), Value::Vector(r)) => Ok(Value::Vector(vector_scalar(
            op,
            r,
            l,
            true,
            return_bool,
            drop,
        ))),
        (Value::Vector(l), Value::Vector(r)) => Ok(Value::Vector(vector_vector(
            op,
            l,
            r,
            modifier,
            return_bool,
            drop,
        )?)),
        (l, r) => Err(QueryError::bad_data(format!(
            "binary expression must contain only scalar and instant vector types, got {} and {}",
            l.type_name(),
            r.type_name()
        ))),
    }
}

fn vector_scalar(
    op: &str,
    vec: Vec<Sample>,
    scalar: f64,
    swap: bool,
    return_bool: bool,
    drop: bool,
) -> Vec<Sample> {
    vec.into_iter()
        .filter_map(|s| {
            let (l, r) = if swap {
                (scalar, s.value)
            } else {
                (s.value, scalar)
            };
            let (mut value, mut keep) = elem(op, l, r);
            if COMPARISON.contains(&op) && swap {
                value = r;
            }
            if return_bool {
                value = f64::from(u8::from(keep));
                keep = true;
            }
            keep.then(|| Sample {
                labels: if drop { drop_name(s.labels) } else { s.labels },
                value,
            })
        })
        .collect()
}

/// The matching signature of `labels`.
fn signature(labels: &Labels, matching: Option<&LabelModifier>) -> Labels {
    match matching {
        Some(LabelModifier::Include(on)) => labels
            .iter()
            .filter(|(k, _)| on.labels.iter().any(|l| l == *k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        Some(LabelModifier::Exclude(ign)) => labels
            .iter()
            .filter(|(k, _)| k.as_str() != NAME && !ign.labels.iter().any(|l| l == *k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        None => drop_name(labels.clone()),
    }
}

fn vector_vector(
    op: &str,
    lhs: Vec<Sample>,
    rhs: Vec<Sample>,
    modifier: Option<&BinModifier>,
    return_bool: bool,
    drop: bool,
) -> Result<Vec<Sample>, QueryError> {
    let matching = modifier.and_then(|m| m.matching.as_ref());
    let mut right: HashMap<Labels, f64> = HashMap::new();
    for s in &rhs {
        if right
            .insert(signature(&s.labels, matching), s.value)
            .is_some()
        {
            return Err(QueryError::execution(
                "found duplicate series for the match group on the right hand-side of the operation; many-to-many matching not allowed: matching labels must be unique on one side",
            ));
        }
    }
    let mut seen: HashMap<Labels, ()> = HashMap::new();
    let mut out = Vec::new();
    for s in lhs {
        let sig = signature(&s.labels, matching);
        let Some(r) = right.get(&sig).copied() else {
            continue;
        };
        if seen.insert(sig, ()).is_some() {
            return Err(QueryError::execution(
                "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)",
            ));
        }
        let (mut value, mut keep) = elem(op, s.value, r);
        if return_bool {
            value = f64::from(u8::from(keep));
            keep = true;
        }
        if !keep {
            continue;
        }
        let mut labels = if drop { drop_name(s.labels) } else { s.labels };
        match matching {
            Some(LabelModifier::Include(on)) => {
                labels.retain(|k, _| on.labels.iter().any(|l| l == k))
            }
            Some(LabelModifier::Exclude(ign)) => {
                labels.retain(|k, _| !ign.labels.iter().any(|l| l == k))
            }
            None => {}
        }
        out.push(Sample { labels, value });
    }
    Ok(out)
}
