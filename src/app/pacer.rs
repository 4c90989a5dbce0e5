//! Frame pacing: draw only when something changed, and at most `max_fps`
//! frames per second; a burst of changes (a resize storm, a flood of
//! updates) becomes one frame at the next allowed instant. A key press or a
//! source that comes live or goes down is drawn at once: the operator
//! should not wait up to a frame gap for either, and both are rare.

use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Pacer {
    gap: Duration,
    last: Option<Instant>,
}

impl Pacer {
    pub fn new(max_fps: u32) -> Self {
        Self {
            gap: Duration::from_secs(1) / max_fps.max(1),
            last: None,
        }
    }

    /// The earliest instant the next frame may be drawn.
    pub fn next_frame(&self, now: Instant) -> Instant {
        self.last.map_or(now, |l| (l + self.gap).max(now))
    }

    /// Whether to draw now, given whether anything changed and whether the
    /// change is one the operator should not wait for (those are rare:
    /// keys and source transitions, never a stream of data).
    pub fn due(&self, dirty: bool, urgent: bool, now: Instant) -> bool {
        dirty && (urgent || self.last.is_none_or(|l| now >= l + self.gap))
    }

    pub fn drew(&mut self, now: Instant) {
        self.last = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_only_when_dirty_and_at_most_max_fps() {
        let t0 = Instant::now();
        let mut p = Pacer::new(20);
        assert!(!p.due(false, false, t0), "nothing changed");
        assert!(p.due(true, false, t0), "first frame at once");
        p.drew(t0);
        let soon = t0 + Duration::from_millis(10);
        assert!(!p.due(true, false, soon), "50 ms between frames at 20 fps");
        assert_eq!(p.next_frame(soon), t0 + Duration::from_millis(50));
        assert!(p.due(true, false, t0 + Duration::from_millis(50)));
        // A second of continuous changes: at most 20 frames.
        let mut p = Pacer::new(20);
        let mut frames = 0;
        for ms in 0..1000 {
            let now = t0 + Duration::from_millis(ms);
            if p.due(true, false, now) {
                p.drew(now);
                frames += 1;
            }
        }
        assert_eq!(frames, 20);
    }

    #[test]
    fn an_urgent_change_is_drawn_at_once_but_only_when_something_changed() {
        let t0 = Instant::now();
        let mut p = Pacer::new(20);
        p.drew(t0);
        let soon = t0 + Duration::from_millis(10);
        assert!(!p.due(true, false, soon), "routine data waits for the gap");
        assert!(
            p.due(true, true, soon),
            "a key or a source transition does not"
        );
        assert!(!p.due(false, true, soon), "nothing to draw");
    }
}
