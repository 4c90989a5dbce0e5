//! One Cost Explorer answer for every region that asks the same account the
//! same question. `GetCostAndUsage` is account-wide (grouped by region, each
//! region keeps its own lines) and AWS bills every request: at 200 clusters
//! each region asking for itself sent 79 identical requests per refresh.
//! The first region of a round fetches; the others, waiting on the lock,
//! take its answer (an error too: a failing endpoint is asked once).

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::model::CostLine;

/// How long an answer serves the regions that ask after it.
const SHARED_FOR: Duration = Duration::from_secs(10);

type Answer = Result<Vec<CostLine>, String>;

/// The last answer to one account query, and when it came.
#[derive(Debug, Default)]
pub struct SharedAnswer {
    last: Mutex<Option<(Instant, Answer)>>,
}

impl SharedAnswer {
    /// The answer of a fetch started less than `SHARED_FOR` (and half of
    /// `every`) ago, else `fetch`'s, kept for the next region.
    pub async fn get<F>(&self, every: Duration, fetch: F) -> Answer
    where
        F: Future<Output = Answer>,
    {
        let mut last = self.last.lock().await;
        let fresh_for = SHARED_FOR.min(every / 2);
        if let Some((at, answer)) = last.as_ref()
            && at.elapsed() < fresh_for
        {
            return answer.clone();
        }
        let started = Instant::now();
        let answer = fetch.await;
        *last = Some((started, answer.clone()));
        answer
    }
}

/// The shared answers of one plan, by the question they answer.
#[derive(Debug, Default)]
pub struct SharedAnswers {
    by_query: HashMap<String, Arc<SharedAnswer>>,
}

impl SharedAnswers {
    /// The answer cell for `key` (everything that shapes the request and its
    /// credentials: same key, same answer).
    pub fn for_key(&mut self, key: String) -> Arc<SharedAnswer> {
        self.by_query.entry(key).or_default().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn concurrent_askers_share_one_fetch_then_a_later_round_fetches_again() {
        let shared = Arc::new(SharedAnswer::default());
        let calls = Arc::new(AtomicUsize::new(0));
        let ask = |shared: Arc<SharedAnswer>, calls: Arc<AtomicUsize>, every| async move {
            shared
                .get(every, async {
                    calls.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    Err::<Vec<CostLine>, _>("down".to_string())
                })
                .await
        };
        let every = Duration::from_secs(300);
        let answers =
            futures::future::join_all((0..20).map(|_| ask(shared.clone(), calls.clone(), every)))
                .await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(
            answers
                .iter()
                .all(|a| a.as_ref().err().map(String::as_str) == Some("down"))
        );
        // A refresh interval shorter than the sharing window shortens it.
        tokio::time::sleep(Duration::from_millis(60)).await;
        let _ = ask(shared.clone(), calls.clone(), Duration::from_millis(100)).await;
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn one_cell_per_key() {
        let mut all = SharedAnswers::default();
        let a = all.for_key("a".into());
        assert!(Arc::ptr_eq(&a, &all.for_key("a".into())));
        assert!(!Arc::ptr_eq(&a, &all.for_key("b".into())));
    }
}
