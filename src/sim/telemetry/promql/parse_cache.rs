//! Parsed queries, kept by their text. Dashboards and the console ask the
//! same few queries on every refresh, and parsing one compiles the regular
//! expression of each `=~` matcher again: about a tenth of the simulator's
//! time answering `opsdeck status`.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use promql_parser::parser::Expr;

use super::QueryError;

/// Distinct queries kept; past that the cache starts over (a client
/// sending ever-new query texts must not grow the simulator's memory).
const CAPACITY: usize = 4096;

static PARSED: LazyLock<Mutex<HashMap<String, Arc<Expr>>>> = LazyLock::new(Mutex::default);

/// `query` parsed, from the cache when it was parsed before; parse errors
/// are not kept.
pub fn parsed(query: &str) -> Result<Arc<Expr>, QueryError> {
    let lock = || {
        PARSED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    };
    if let Some(hit) = lock().get(query) {
        return Ok(hit.clone());
    }
    let expr = Arc::new(super::parse(query)?);
    let mut cache = lock();
    if cache.len() >= CAPACITY {
        cache.clear();
    }
    cache.insert(query.to_string(), expr.clone());
    Ok(expr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_gives_the_same_parse_and_errors_are_not_kept() {
        let a = parsed("sum(rate(x{code=~\"5..\"}[5m]))");
        let b = parsed("sum(rate(x{code=~\"5..\"}[5m]))");
        assert!(matches!((&a, &b), (Ok(a), Ok(b)) if Arc::ptr_eq(a, b)));
        assert!(parsed("sum(").is_err());
        assert!(parsed("sum(").is_err());
    }
}
