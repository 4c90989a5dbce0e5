//! Timing summaries shared by the plain-timing benches.

use std::time::Duration;

/// "min …, median …, max …" of `v` (at least one timing).
pub fn stats(mut v: Vec<Duration>) -> String {
    v.sort();
    format!(
        "min {:?}, median {:?}, max {:?}",
        v[0],
        v[v.len() / 2],
        v[v.len() - 1]
    )
}
