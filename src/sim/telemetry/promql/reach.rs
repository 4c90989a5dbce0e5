//! How far back an expression reads: the lower bound on the samples an
//! evaluation at `t` can touch, so that selection skips the series that
//! went stale before it. Pods come and go (scaling, rollouts, restarts),
//! and their series stay in the store for the whole retention; without
//! this bound every query matched the labels of every series that ever
//! existed, and the simulator grew slower the longer it ran.

use promql_parser::parser::Expr;

use super::LOOKBACK_MS;
use super::eval::offset_ms;

/// Milliseconds before the evaluation time that `expr` may read samples
/// from (`None`: no bound is known, read everything).
pub fn reach_ms(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::NumberLiteral(_) | Expr::StringLiteral(_) => Some(0),
        Expr::Paren(p) => reach_ms(&p.expr),
        Expr::Unary(u) => reach_ms(&u.expr),
        Expr::VectorSelector(vs) if vs.at.is_none() => {
            Some(LOOKBACK_MS + offset_ms(&vs.offset).max(0))
        }
        // Samples in `[t - offset - range, t - offset]`.
        Expr::MatrixSelector(ms) if ms.vs.at.is_none() => {
            Some(ms.range.as_millis() as i64 + offset_ms(&ms.vs.offset).max(0))
        }
        Expr::Call(call) => call
            .args
            .args
            .iter()
            .map(|a| reach_ms(a))
            .try_fold(0, |acc, r| r.map(|r| acc.max(r))),
        Expr::Aggregate(agg) => {
            let param = agg.param.as_deref().map_or(Some(0), reach_ms)?;
            Some(reach_ms(&agg.expr)?.max(param))
        }
        Expr::Binary(bin) => Some(reach_ms(&bin.lhs)?.max(reach_ms(&bin.rhs)?)),
        _ => None,
    }
}

/// The earliest sample time an evaluation from `t_ms` on can read, for
/// all of `exprs` (`i64::MIN` when any has no known bound).
pub fn earliest_ms<'e>(exprs: impl IntoIterator<Item = &'e Expr>, t_ms: i64) -> i64 {
    exprs
        .into_iter()
        .map(reach_ms)
        .try_fold(0, |acc, r| r.map(|r| acc.max(r)))
        // One millisecond of slack: a range reads `(start - 1, end]`.
        .map_or(i64::MIN, |r| t_ms.saturating_sub(r + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reach(q: &str) -> Option<i64> {
        promql_parser::parser::parse(q)
            .ok()
            .and_then(|e| reach_ms(&e))
    }

    #[test]
    fn the_widest_window_and_offset_bound_the_read() {
        assert_eq!(reach("1"), Some(0));
        assert_eq!(reach("up"), Some(LOOKBACK_MS));
        assert_eq!(reach("up offset 1h"), Some(LOOKBACK_MS + 3_600_000));
        assert_eq!(reach("rate(x[5m])"), Some(300_000));
        assert_eq!(
            reach("sum(rate(x[10m] offset 5m)) / sum(rate(y[1m]))"),
            Some(900_000)
        );
        assert_eq!(
            reach("histogram_quantile(0.95, sum by (le) (rate(b[30m])))"),
            Some(1_800_000)
        );
        assert_eq!(reach("topk(3, -up)"), Some(LOOKBACK_MS));
    }

    #[test]
    fn no_bound_for_what_it_cannot_see_through() {
        assert_eq!(reach("max_over_time(rate(x[5m])[1h:1m])"), None);
        assert_eq!(reach("up @ 100"), None);
        let e = promql_parser::parser::parse("up @ 100").ok();
        assert_eq!(earliest_ms(e.iter(), 1_000_000), i64::MIN);
        let e = promql_parser::parser::parse("rate(x[5m])").ok();
        assert_eq!(earliest_ms(e.iter(), 1_000_000), 1_000_000 - 300_001);
    }
}
