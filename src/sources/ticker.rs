//! The polling rhythm of a source: its refresh interval while it answers,
//! longer waits (see [`super::backoff`]) while it fails, and at once when
//! the operator asks every source to refresh.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::{Interval, MissedTickBehavior};

use super::backoff::Backoff;

pub struct Ticker {
    interval: Interval,
    refresh: Arc<Notify>,
    backoff: Backoff,
}

impl Ticker {
    pub fn new(every: Duration, refresh: Arc<Notify>) -> Ticker {
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
        Ticker {
            interval,
            refresh,
            backoff: Backoff::new(every),
        }
    }

    /// Waits for the next tick (the first is immediate) or a refresh request.
    pub async fn wait(&mut self) {
        tokio::select! {
            _ = self.interval.tick() => {}
            _ = self.refresh.notified() => self.interval.reset(),
        }
    }

    /// Records how the poll after [`Ticker::wait`] went: a failure moves
    /// the next tick out by the backoff; a success resets the backoff and
    /// keeps the refresh interval.
    pub fn polled(&mut self, ok: bool) {
        if ok {
            self.backoff.succeeded();
        } else {
            self.interval.reset_after(self.backoff.failed());
        }
    }
}
