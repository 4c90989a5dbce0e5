//! What the first screen needs comes first. At launch every cluster's lists
//! and every Prometheus's instant queries go out at once; the charts'
//! one-hour range queries and the billing sources, which no health or SLO
//! figure needs, wait until each of those has answered once (with data or
//! an error) or until [`WAIT_AT_MOST`] has passed since launch. On a 2-core
//! bastion they then do not compete with the health figures, and a slow
//! region holds them back no longer than that. The read commands gather
//! everything at once: their gate is open from the start.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

/// The longest the deferred work waits for the first answers.
pub const WAIT_AT_MOST: Duration = Duration::from_secs(2);

/// The gate: open once every expected first answer came, or at the deadline.
#[derive(Clone, Debug)]
pub struct FirstAnswers {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    remaining: AtomicUsize,
    open: watch::Sender<bool>,
    deadline: Instant,
}

impl Default for FirstAnswers {
    /// Open: nothing waits.
    fn default() -> Self {
        Self::expecting(0)
    }
}

impl FirstAnswers {
    /// A gate that opens after `n` first answers (at once for 0), or
    /// [`WAIT_AT_MOST`] from now.
    pub fn expecting(n: usize) -> Self {
        Self::expecting_within(n, WAIT_AT_MOST)
    }

    /// [`expecting`](Self::expecting), opening at the latest `wait` from now.
    pub fn expecting_within(n: usize, wait: Duration) -> Self {
        let (open, _) = watch::channel(n == 0);
        Self {
            inner: Arc::new(Inner {
                remaining: AtomicUsize::new(n),
                open,
                deadline: Instant::now() + wait,
            }),
        }
    }

    /// One source's first answer, to give once.
    pub fn slot(&self) -> Answer {
        Answer {
            gate: self.clone(),
            given: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Waits until the gate is open.
    pub async fn opened(&self) {
        let mut rx = self.inner.open.subscribe();
        let _ = tokio::time::timeout_at(self.inner.deadline, rx.wait_for(|open| *open)).await;
    }

    fn one_answered(&self) {
        let before = self
            .inner
            .remaining
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
        if before == Ok(1) {
            self.inner.open.send_replace(true);
        }
    }
}

/// One expected first answer; clones share it.
#[derive(Clone, Debug, Default)]
pub struct Answer {
    gate: FirstAnswers,
    given: Arc<AtomicBool>,
}

impl Answer {
    /// The source answered (data or error); only the first call counts.
    pub fn give(&self) {
        if !self.given.swap(true, Ordering::AcqRel) {
            self.gate.one_answered();
        }
    }

    /// The gate this answer counts towards.
    pub fn gate(&self) -> &FirstAnswers {
        &self.gate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn is_open(gate: &FirstAnswers) -> bool {
        tokio::time::timeout(Duration::from_millis(1), gate.opened())
            .await
            .is_ok()
    }

    #[tokio::test(start_paused = true)]
    async fn opens_after_every_source_answered_once() {
        let gate = FirstAnswers::expecting(2);
        let (a, b) = (gate.slot(), gate.slot());
        assert!(!is_open(&gate).await);
        a.give();
        a.clone().give();
        assert!(
            !is_open(&gate).await,
            "one source answering twice is one answer"
        );
        b.give();
        assert!(is_open(&gate).await);
    }

    #[tokio::test(start_paused = true)]
    async fn opens_at_the_deadline_when_a_source_is_slow() {
        let gate = FirstAnswers::expecting(1);
        let _slow = gate.slot();
        let start = Instant::now();
        gate.opened().await;
        assert_eq!(start.elapsed(), WAIT_AT_MOST);
    }

    #[tokio::test(start_paused = true)]
    async fn the_default_is_open_and_its_answers_do_nothing() {
        let open = FirstAnswers::default();
        assert!(is_open(&open).await);
        Answer::default().give();
        assert!(is_open(&open).await);
    }
}
