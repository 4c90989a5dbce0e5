//! The simulated clock: wall-clock time since start, multiplied by `speed`,
//! counted from an epoch (by default the wall clock at start).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

/// Simulated time in milliseconds since the Unix epoch.
pub type Millis = i64;

/// A clock that runs `speed` times faster than the wall clock.
#[derive(Debug)]
pub struct Clock {
    start: Instant,
    epoch_ms: Millis,
    speed: f64,
    skew_ms: AtomicI64,
}

impl Clock {
    /// A clock starting at `epoch_ms` that runs at `speed`.
    pub fn new(epoch_ms: Millis, speed: f64) -> Self {
        Self {
            start: Instant::now(),
            epoch_ms,
            speed: if speed > 0.0 { speed } else { 1.0 },
            skew_ms: AtomicI64::new(0),
        }
    }

    /// Now, in simulated milliseconds since the Unix epoch.
    pub fn now(&self) -> Millis {
        let real = self.start.elapsed().as_secs_f64() * 1000.0 * self.speed;
        self.epoch_ms + real as Millis + self.skew_ms.load(Ordering::Relaxed)
    }

    /// Jump the clock forward (tests and fault drills).
    pub fn advance(&self, ms: Millis) {
        self.skew_ms.fetch_add(ms, Ordering::Relaxed);
    }

    /// Make "now" the epoch again (after building the world, which takes
    /// real time that should not count as simulated time).
    pub fn restart(&self) {
        let real = (self.start.elapsed().as_secs_f64() * 1000.0 * self.speed) as Millis;
        self.skew_ms.store(-real, Ordering::Relaxed);
    }

    /// The time multiplier.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// The simulated epoch (time at start).
    pub fn epoch(&self) -> Millis {
        self.epoch_ms
    }

    /// Real duration for `ms` simulated milliseconds.
    pub fn real(&self, ms: Millis) -> std::time::Duration {
        std::time::Duration::from_secs_f64((ms.max(0) as f64 / 1000.0) / self.speed)
    }
}

/// The wall clock now, in milliseconds since the Unix epoch.
pub fn wall_now() -> Millis {
    jiff::Timestamp::now().as_millisecond()
}

/// RFC 3339 with second precision, as Kubernetes writes `metav1.Time`.
pub fn rfc3339(ms: Millis) -> String {
    // Hand-rolled (civil-from-days): pods render several per list item.
    let secs = ms.div_euclid(1000);
    let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// RFC 3339 with nanosecond precision, as container log timestamps.
pub fn rfc3339_nano(ms: Millis) -> String {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(t) => format!("{t:.9}"),
        Err(_) => "1970-01-01T00:00:00.000000000Z".to_string(),
    }
}

/// RFC 3339 with microsecond precision, as `metav1.MicroTime` (leases).
pub fn rfc3339_micro(ms: Millis) -> String {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(t) => format!("{t:.6}"),
        Err(_) => "1970-01-01T00:00:00.000000Z".to_string(),
    }
}

/// Parse an RFC 3339 timestamp.
pub fn parse(s: &str) -> Option<Millis> {
    s.parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.as_millisecond())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(rfc3339(1_700_000_000_123), "2023-11-14T22:13:20Z");
        for ms in [
            0,
            951_782_400_000,
            1_709_164_800_000,
            4_102_444_799_000,
            -86_400_000,
        ] {
            let want = jiff::Timestamp::from_second(ms / 1000)
                .map(|t| t.to_string())
                .unwrap_or_default();
            assert_eq!(rfc3339(ms), want);
        }
        assert_eq!(
            rfc3339_nano(1_700_000_000_123),
            "2023-11-14T22:13:20.123000000Z"
        );
        assert_eq!(parse("2023-11-14T22:13:20Z"), Some(1_700_000_000_000));
    }
}
