//! The polling rhythm of a source: its refresh interval, or at once when
//! the operator asks every source to refresh.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::{Interval, MissedTickBehavior};

pub struct Ticker {
    interval: Interval,
    refresh: Arc<Notify>,
}

impl Ticker {
    pub fn new(every: Duration, refresh: Arc<Notify>) -> Ticker {
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
        Ticker { interval, refresh }
    }

    /// Waits for the next tick (the first is immediate) or a refresh request.
    pub async fn wait(&mut self) {
        tokio::select! {
            _ = self.interval.tick() => {}
            _ = self.refresh.notified() => self.interval.reset(),
        }
    }
}
