//! The expression walker: selectors, literals, and dispatch to functions,
//! aggregations and binary operators.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use promql_parser::label::{MatchOp, Matchers};
use promql_parser::parser::{Expr, Offset, VectorSelector};

use super::{LOOKBACK_MS, QueryError, RangeSeries, Sample, Value, aggregate, binary, functions};
use crate::sim::telemetry::series::{History, Labels, NAME, SeriesStore};

/// The series a selector picked, borrowed from the store, with where each
/// one's last window began.
struct Selected<'a> {
    /// The selector, to tell it from another at the same address.
    vs: VectorSelector,
    series: Vec<(&'a Labels, &'a History)>,
    /// Per series, a hint for [`History::seek`]: a range query's steps
    /// move forward, so each step moves a window's start by a sample or
    /// two instead of searching an hour of samples again.
    cursors: RefCell<Vec<usize>>,
}

/// Evaluates expressions over a series store, optionally restricted to one
/// region's series (a per-region Prometheus).
pub struct Evaluator<'a> {
    store: &'a SeriesStore,
    region: Option<&'a str>,
    /// Which series each selector matches, by the selector's address (and
    /// checked against the selector itself): the store does not change
    /// while an evaluator lives, so a range query's steps match labels
    /// once, not once a step (at a hundred steps over thousands of series
    /// that scan was most of the simulator's time).
    selected: RefCell<HashMap<usize, Rc<Selected<'a>>>>,
    /// Each aggregation's grouping of the store's series, by its address.
    pub(super) groupings: RefCell<HashMap<usize, aggregate::Grouping<'a>>>,
    /// No evaluation reads samples before this (see `reach`): a series
    /// whose last sample is older is skipped without matching its labels.
    earliest_ms: i64,
}

pub(super) fn offset_ms(offset: &Option<Offset>) -> i64 {
    match offset {
        Some(Offset::Pos(d)) => d.as_millis() as i64,
        Some(Offset::Neg(d)) => -(d.as_millis() as i64),
        None => 0,
    }
}

/// Whether `labels` satisfy every matcher (a missing label matches as "").
pub fn matches_all(matchers: &[promql_parser::label::Matcher], labels: &Labels) -> bool {
    matchers
        .iter()
        .all(|m| m.is_match(labels.get(&m.name).map_or("", String::as_str)))
}

fn check_matchers(ms: &Matchers) -> Result<(), QueryError> {
    if !ms.or_matchers.is_empty() {
        return Err(QueryError::unsupported(
            "\"or\" inside a label matcher list",
        ));
    }
    Ok(())
}

/// The metric name a selector pins with `=`, if any (for the store index).
fn pinned_name(vs: &VectorSelector) -> Option<&str> {
    vs.name.as_deref().or_else(|| {
        vs.matchers
            .matchers
            .iter()
            .find(|m| m.name == NAME && m.op == MatchOp::Equal)
            .map(|m| m.value.as_str())
    })
}

impl<'a> Evaluator<'a> {
    pub fn new(store: &'a SeriesStore, region: Option<&'a str>) -> Self {
        Self {
            store,
            region,
            selected: RefCell::default(),
            groupings: RefCell::default(),
            earliest_ms: i64::MIN,
        }
    }

    /// Promises that no evaluation reads samples before `earliest_ms`.
    pub fn reading_from(mut self, earliest_ms: i64) -> Self {
        self.earliest_ms = earliest_ms;
        self
    }

    /// The series `vs` matches; computed once per evaluator.
    fn select(&self, vs: &VectorSelector) -> Rc<Selected<'a>> {
        let key = std::ptr::from_ref(vs) as usize;
        if let Some(hit) = self.selected.borrow().get(&key)
            && hit.vs == *vs
        {
            return hit.clone();
        }
        // The `=` matchers narrow the search through the store's postings.
        let equal: Vec<(&str, &str)> = vs
            .matchers
            .matchers
            .iter()
            .filter(|m| m.op == MatchOp::Equal)
            .map(|m| (m.name.as_str(), m.value.as_str()))
            .collect();
        let series: Vec<_> = self
            .store
            .candidates(pinned_name(vs), self.region, &equal)
            .filter(|(_, h)| h.last_ms() >= self.earliest_ms)
            .filter(|(ls, _)| self.visible(vs, ls))
            .collect();
        let picked = Rc::new(Selected {
            vs: vs.clone(),
            cursors: RefCell::new(vec![usize::MAX; series.len()]),
            series,
        });
        self.selected.borrow_mut().insert(key, picked.clone());
        picked
    }

    /// Whether a series of the evaluator's region (the store picked those)
    /// matches the selector.
    fn visible(&self, vs: &VectorSelector, labels: &Labels) -> bool {
        if let Some(n) = &vs.name
            && labels.get(NAME).is_none_or(|v| v != n)
        {
            return false;
        }
        matches_all(&vs.matchers.matchers, labels)
    }

    fn check_selector(vs: &VectorSelector) -> Result<(), QueryError> {
        if vs.at.is_some() {
            return Err(QueryError::unsupported("@ modifier"));
        }
        check_matchers(&vs.matchers)
    }

    /// An instant vector selector at `t`.
    pub fn select_instant(&self, vs: &VectorSelector, t: i64) -> Result<Vec<Sample>, QueryError> {
        Ok(self
            .instant_borrowed(vs, t)?
            .into_iter()
            .map(|(ls, value)| Sample {
                labels: ls.clone(),
                value,
            })
            .collect())
    }

    /// [`Self::select_instant`] with the labels borrowed from the store:
    /// an aggregation over ~150k series then clones no label set.
    pub fn instant_borrowed(
        &self,
        vs: &VectorSelector,
        t: i64,
    ) -> Result<Vec<(&'a Labels, f64)>, QueryError> {
        Self::check_selector(vs)?;
        let at = t - offset_ms(&vs.offset);
        Ok(self
            .select(vs)
            .series
            .iter()
            .filter_map(|&(ls, h)| h.instant(at, LOOKBACK_MS).map(|(_, v)| (ls, v)))
            .collect())
    }

    /// A range selector ending at `t`; samples in `[t - range, t]`
    /// (Prometheus 2.x includes both ends).
    pub fn select_range(
        &self,
        vs: &VectorSelector,
        range_ms: i64,
        t: i64,
    ) -> Result<Vec<RangeSeries>, QueryError> {
        let mut out = Vec::new();
        self.for_each_range(vs, range_ms, t, |ls, points| {
            out.push(RangeSeries {
                labels: ls.clone(),
                points: points.to_vec(),
            });
        })?;
        Ok(out)
    }

    /// Calls `f` with each selected series' labels (borrowed from the
    /// store) and its samples in the window, for every series with at
    /// least one; one buffer serves every series.
    pub fn for_each_range(
        &self,
        vs: &VectorSelector,
        range_ms: i64,
        t: i64,
        mut f: impl FnMut(&'a Labels, &[(i64, f64)]),
    ) -> Result<(), QueryError> {
        Self::check_selector(vs)?;
        let end = t - offset_ms(&vs.offset);
        let start = end - range_ms;
        let mut buf = Vec::new();
        let sel = self.select(vs);
        let mut cursors = sel.cursors.take();
        for (&(ls, h), cursor) in sel.series.iter().zip(cursors.iter_mut()) {
            // A series that ended before the window has nothing in it.
            if h.last_ms() < start {
                continue;
            }
            let from = h.seek(start - 1, cursor);
            h.range_from_into(from, end, &mut buf);
            if !buf.is_empty() {
                f(ls, &buf);
            }
        }
        sel.cursors.replace(cursors);
        Ok(())
    }

    /// Evaluate `expr` at `t` (milliseconds).
    pub fn eval(&self, expr: &Expr, t: i64) -> Result<Value, QueryError> {
        match expr {
            Expr::NumberLiteral(n) => Ok(Value::Scalar(n.val)),
            Expr::StringLiteral(s) => Ok(Value::String(s.val.clone())),
            Expr::Paren(p) => self.eval(&p.expr, t),
            Expr::Unary(u) => match self.eval(&u.expr, t)? {
                Value::Scalar(v) => Ok(Value::Scalar(-v)),
                Value::Vector(vs) => Ok(Value::Vector(
                    vs.into_iter()
                        .map(|s| Sample {
                            labels: super::drop_name(s.labels),
                            value: -s.value,
                        })
                        .collect(),
                )),
                other => Err(QueryError::bad_data(format!(
                    "unary expression only allowed on expressions of type scalar or instant vector, got \"{}\"",
                    other.type_name()
                ))),
            },
            Expr::VectorSelector(vs) => Ok(Value::Vector(self.select_instant(vs, t)?)),
            Expr::MatrixSelector(ms) => Ok(Value::Matrix(self.select_range(
                &ms.vs,
                ms.range.as_millis() as i64,
                t,
            )?)),
            Expr::Call(call) => functions::call(self, call, t),
            Expr::Aggregate(agg) => aggregate::aggregate(self, agg, t),
            Expr::Binary(bin) => binary::binary(self, bin, t),
            Expr::Subquery(_) => Err(QueryError::unsupported("subquery")),
            Expr::Extension(_) => Err(QueryError::unsupported("extension expression")),
        }
    }

    /// Evaluate to an instant vector or fail with Prometheus' type error.
    pub fn eval_vector(&self, expr: &Expr, t: i64) -> Result<Vec<Sample>, QueryError> {
        match self.eval(expr, t)? {
            Value::Vector(v) => Ok(v),
            other => Err(QueryError::bad_data(format!(
                "expected instant vector, got {}",
                other.type_name()
            ))),
        }
    }

    /// Evaluate to a scalar or fail with Prometheus' type error.
    pub fn eval_scalar(&self, expr: &Expr, t: i64) -> Result<f64, QueryError> {
        match self.eval(expr, t)? {
            Value::Scalar(v) => Ok(v),
            other => Err(QueryError::bad_data(format!(
                "expected scalar, got {}",
                other.type_name()
            ))),
        }
    }
}
