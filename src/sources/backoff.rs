//! How long a failing source waits before it tries again: exponential
//! backoff with jitter (backon's), starting at the source's refresh
//! interval; a success starts it over.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};

/// The longest wait before jitter, in refresh intervals.
pub const MAX_FACTOR: u32 = 8;

/// Failures in a row of one source, as waits.
#[derive(Debug)]
pub struct Backoff {
    every: Duration,
    failing: Option<ExponentialBackoff>,
}

impl Backoff {
    pub fn new(every: Duration) -> Self {
        Self {
            every,
            failing: None,
        }
    }

    /// Records a failure and returns the wait before the next try: for the
    /// n-th failure in a row `every × 2ⁿ⁻¹` (at most `every × MAX_FACTOR`)
    /// plus a random jitter of up to as much again, so sources that failed
    /// together do not retry together.
    pub fn failed(&mut self) -> Duration {
        let every = self.every;
        let cap = every.saturating_mul(MAX_FACTOR);
        self.failing
            .get_or_insert_with(|| {
                ExponentialBuilder::new()
                    .with_min_delay(every)
                    .with_max_delay(cap)
                    .with_factor(2.0)
                    .with_jitter()
                    .without_max_times()
                    .build()
            })
            .next()
            .unwrap_or(cap)
    }

    /// Records a success: the next failure waits as if it were the first.
    pub fn succeeded(&mut self) {
        self.failing = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVERY: Duration = Duration::from_secs(10);

    /// The n-th failure (from 1) waits in [base, 2 × base).
    fn within(wait: Duration, n: u32) -> bool {
        let base = EVERY * 2u32.pow(n - 1).min(MAX_FACTOR);
        wait >= base && wait < base * 2
    }

    #[test]
    fn waits_double_up_to_the_cap_and_start_over_after_a_success() {
        let mut b = Backoff::new(EVERY);
        for n in 1..=7 {
            let w = b.failed();
            assert!(within(w, n), "failure {n} waits {w:?}");
        }
        b.succeeded();
        let w = b.failed();
        assert!(within(w, 1), "after a success: {w:?}");
    }

    #[test]
    fn sources_failing_together_wait_different_times() {
        let waits: Vec<Duration> = (0..16).map(|_| Backoff::new(EVERY).failed()).collect();
        assert!(waits.iter().any(|w| *w != waits[0]), "no jitter: {waits:?}");
    }
}
