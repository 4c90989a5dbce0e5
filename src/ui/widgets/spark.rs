//! Sparklines and bar columns as characters: eighth blocks, or an ASCII ramp
//! with `--ascii`.

const BLOCKS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const RAMP: [char; 9] = [' ', '_', '.', ',', '-', '=', '+', '*', '#'];

/// Averages `values` into `width` buckets (or keeps them, right-aligned,
/// when there are fewer).
pub fn resample(values: &[f64], width: usize) -> Vec<f64> {
    if values.len() <= width || width == 0 {
        return values.to_vec();
    }
    (0..width)
        .map(|b| {
            let from = b * values.len() / width;
            let to = ((b + 1) * values.len() / width).max(from + 1);
            let part = &values[from..to.min(values.len())];
            part.iter().sum::<f64>() / part.len().max(1) as f64
        })
        .collect()
}

/// The scale of a chart: from a little below the minimum (never below
/// zero) to the maximum, so variation shows; flat series scale from zero.
pub fn range(values: &[f64]) -> (f64, f64) {
    let hi = values.iter().copied().fold(0.0_f64, f64::max);
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let span = hi - lo;
    if hi <= 0.0 || !span.is_finite() || span <= 0.0 {
        return (0.0, hi.max(0.0));
    }
    ((lo - span * 0.25).max(0.0), hi)
}

/// Where `x` sits in `(lo, hi)`, from 0 to 1.
fn fraction(x: f64, (lo, hi): (f64, f64)) -> f64 {
    if hi <= lo || x <= 0.0 {
        return 0.0;
    }
    ((x - lo) / (hi - lo)).clamp(0.0, 1.0)
}

/// One row, `width` characters at most, scaled by [`range`].
pub fn line(values: &[f64], width: usize, ascii: bool) -> String {
    let v = resample(values, width);
    let r = range(&v);
    let set = if ascii { &RAMP } else { &BLOCKS };
    let mut out: String = " ".repeat(width.saturating_sub(v.len()));
    for x in v {
        let level = (fraction(x, r) * 7.0).round() as usize + 1;
        out.push(set[level.min(8)]);
    }
    out
}

/// Vertical bars, one column per value, `height` rows (top row first).
pub fn bars(values: &[f64], height: usize, ascii: bool) -> Vec<Vec<char>> {
    let r = range(values);
    let eighths: Vec<usize> = values
        .iter()
        .map(|x| {
            if *x > 0.0 {
                (fraction(*x, r) * (height * 8) as f64).round().max(1.0) as usize
            } else {
                0
            }
        })
        .collect();
    (0..height)
        .rev()
        .map(|row| {
            eighths
                .iter()
                .map(|e| {
                    let fill = e.saturating_sub(row * 8).min(8);
                    match (ascii, fill) {
                        (_, 0) => ' ',
                        (true, 8) => '#',
                        (true, _) => '.',
                        (false, f) => BLOCKS[f],
                    }
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_to_the_maximum() {
        assert_eq!(line(&[0.0, 5.0, 10.0], 3, false), "▁▅█");
        assert_eq!(line(&[0.0, 5.0, 10.0], 3, true), "_=#");
        assert_eq!(line(&[1.0], 3, true), "  #");
        assert_eq!(resample(&[1.0, 3.0, 5.0, 7.0], 2), vec![2.0, 6.0]);
        let b = bars(&[1.0, 2.0], 2, true);
        assert_eq!(b, vec![vec![' ', '#'], vec!['.', '#']]);
        assert_eq!(range(&[100.0, 100.0]), (0.0, 100.0));
    }
}
