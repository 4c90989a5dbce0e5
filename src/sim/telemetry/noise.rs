//! Deterministic, smooth pseudo-random noise: a pure function of
//! `(seed, key, time)`, so the same world replays the same numbers.

/// SplitMix64 finaliser: a well-mixed 64-bit hash of `x`.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// FNV-1a of a string key, so noise streams are named, not numbered.
fn key_hash(key: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    h.write(key.as_bytes());
    h.finish()
}

/// Uniform value in [-1, 1] for one lattice point.
fn lattice(seed: u64, key: u64, i: i64) -> f64 {
    let h = mix(seed ^ mix(key ^ mix(i as u64)));
    (h >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

/// Smooth noise in [-1, 1]: cosine interpolation between lattice points
/// `period_ms` apart.
pub fn smooth(seed: u64, key: &str, t_ms: i64, period_ms: i64) -> f64 {
    let period = period_ms.max(1);
    let k = key_hash(key);
    let i = t_ms.div_euclid(period);
    let frac = t_ms.rem_euclid(period) as f64 / period as f64;
    let a = lattice(seed, k, i);
    let b = lattice(seed, k, i + 1);
    let w = (1.0 - (frac * std::f64::consts::PI).cos()) / 2.0;
    a * (1.0 - w) + b * w
}

/// A fixed pseudo-random value in [0, 1) for a key (no time dependence).
pub fn unit(seed: u64, key: &str) -> f64 {
    (lattice(seed, key_hash(key), 0) + 1.0) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smooth_is_deterministic_bounded_and_continuous() {
        let a = smooth(7, "x", 1_000, 60_000);
        assert_eq!(a, smooth(7, "x", 1_000, 60_000));
        assert_ne!(a, smooth(8, "x", 1_000, 60_000));
        for t in (0..600_000).step_by(997) {
            let v = smooth(7, "x", t, 60_000);
            assert!((-1.0..=1.0).contains(&v));
            let w = smooth(7, "x", t + 10, 60_000);
            assert!((v - w).abs() < 0.01);
        }
    }
}
