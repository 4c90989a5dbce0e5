//! The Mann–Whitney U test, one-sided (is `a` stochastically greater than
//! `b`?), with the normal approximation, tie correction and continuity
//! correction — what automated canary analysis (Kayenta) compares canary
//! and baseline samples with.

/// `p` of H1 "a tends to be larger than b", and U of `a`.
pub fn mann_whitney_greater(a: &[f64], b: &[f64]) -> Option<(f64, f64)> {
    let (n1, n2) = (a.len(), b.len());
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let mut all: Vec<(f64, bool)> = a
        .iter()
        .map(|v| (*v, true))
        .chain(b.iter().map(|v| (*v, false)))
        .collect();
    if all.iter().any(|(v, _)| !v.is_finite()) {
        return None;
    }
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    // Average ranks over ties; collect tie group sizes for the correction.
    let mut rank_a = 0.0;
    let mut ties = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let t = (j - i + 1) as f64;
        let avg = (i + j) as f64 / 2.0 + 1.0;
        rank_a += all[i..=j].iter().filter(|(_, is_a)| *is_a).count() as f64 * avg;
        ties += t * t * t - t;
        i = j + 1;
    }
    let (n1f, n2f) = (n1 as f64, n2 as f64);
    let u = rank_a - n1f * (n1f + 1.0) / 2.0;
    let mean = n1f * n2f / 2.0;
    let n = n1f + n2f;
    let var = n1f * n2f / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0)));
    if var <= 0.0 {
        // Every value equal: no evidence either way.
        return Some((1.0, u));
    }
    let z = (u - mean - 0.5) / var.sqrt();
    Some((1.0 - normal_cdf(z), u))
}

fn normal_cdf(z: f64) -> f64 {
    0.5 * (1.0 + libm::erf(z / std::f64::consts::SQRT_2))
}

/// The median of `v` (NaN-free input).
pub fn median(v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let m = s.len() / 2;
    Some(if s.len().is_multiple_of(2) {
        (s[m - 1] + s[m]) / 2.0
    } else {
        s[m]
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_clearly_larger_sample_is_significant() {
        // By hand: every a outranks every b, U = 5 * 5 = 25; mean 12.5,
        // variance 5*5*11/12, z = (25 - 12.5 - 0.5) / 4.787 = 2.507, and a
        // normal table gives P(Z > 2.51) = 0.0060.
        let (p, u) =
            mann_whitney_greater(&[6.0, 7.0, 8.0, 9.0, 10.0], &[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(u, 25.0);
        assert!((p - 0.00609).abs() < 0.0005, "p = {p}");
    }

    #[test]
    fn the_other_direction_is_not() {
        let (p, u) =
            mann_whitney_greater(&[1.0, 2.0, 3.0, 4.0, 5.0], &[6.0, 7.0, 8.0, 9.0, 10.0]).unwrap();
        assert_eq!(u, 0.0);
        assert!(p > 0.99, "p = {p}");
    }

    #[test]
    fn overlapping_samples_with_ties() {
        // By hand: average ranks 1.5, 4, 4, 7, 9 for a: rank sum 25.5,
        // U = 25.5 - 15 = 10.5, below the mean 12.5: no evidence that a is larger.
        let (p, u) =
            mann_whitney_greater(&[1.0, 2.0, 2.0, 3.0, 4.0], &[1.0, 2.0, 3.0, 3.0, 5.0]).unwrap();
        assert_eq!(u, 10.5);
        assert!(p > 0.5, "p = {p}");
    }

    #[test]
    fn identical_samples_say_nothing() {
        assert_eq!(
            mann_whitney_greater(&[1.0; 5], &[1.0; 5]).map(|r| r.0),
            Some(1.0)
        );
        assert!(mann_whitney_greater(&[], &[1.0]).is_none());
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
