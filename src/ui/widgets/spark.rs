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

/// One row, `width` characters at most, scaled from 0 to the maximum.
pub fn line(values: &[f64], width: usize, ascii: bool) -> String {
    let v = resample(values, width);
    let max = v.iter().copied().fold(0.0_f64, f64::max);
    let set = if ascii { &RAMP } else { &BLOCKS };
    let mut out: String = " ".repeat(width.saturating_sub(v.len()));
    for x in v {
        let level = if max > 0.0 && x > 0.0 {
            ((x / max) * 7.0).round() as usize + 1
        } else {
            1
        };
        out.push(set[level.min(8)]);
    }
    out
}

/// Vertical bars, one column per value, `height` rows (top row first).
pub fn bars(values: &[f64], height: usize, ascii: bool) -> Vec<Vec<char>> {
    let max = values.iter().copied().fold(0.0_f64, f64::max);
    let eighths: Vec<usize> = values
        .iter()
        .map(|x| {
            if max > 0.0 && *x > 0.0 {
                ((x / max) * (height * 8) as f64).round().max(1.0) as usize
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
        assert_eq!(b, vec![vec![' ', '#'], vec!['#', '#']]);
    }
}
