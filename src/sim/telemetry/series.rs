//! Sample history: one ring buffer per series at a fixed resolution, with
//! Prometheus' staleness markers when a series disappears.

mod group;

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap, VecDeque};

use group::Group;

/// A series' labels, including `__name__`. Sorted, as Prometheus keeps them.
pub type Labels = BTreeMap<String, String>;

/// The label that carries the metric name.
pub const NAME: &str = "__name__";

/// Prometheus' staleness marker: a NaN with this exact bit pattern.
pub const STALE_NAN_BITS: u64 = 0x7ff0_0000_0000_0002;

/// True when `v` is a staleness marker.
pub fn is_stale(v: f64) -> bool {
    v.to_bits() == STALE_NAN_BITS
}

/// Build labels from pairs.
pub fn labels<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Labels {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// One series' history, oldest first.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub samples: VecDeque<(i64, f64)>,
    /// Which writer owns the series (scrape or rule evaluation); staleness
    /// is judged per writer.
    source: Source,
    /// When its writer last wrote it (a series missing from a scrape gets a
    /// staleness marker).
    written_ms: i64,
}

/// Who writes a series.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Source {
    /// The simulated targets' scrape.
    #[default]
    Scrape,
    /// The rule evaluator (`ALERTS`).
    Rules,
}

/// The label a region's own endpoint (`/regions/<region>`) filters on.
pub const REGION: &str = "region";

/// One metric's series, grouped by their `region` label ("" without one),
/// so that a region's query looks only at that region's series; within a
/// group, a postings index narrows a selector's other labels.
type Family = BTreeMap<String, Group>;

/// All series, grouped by metric name, then by region.
#[derive(Debug, Clone)]
pub struct SeriesStore {
    resolution_ms: i64,
    retention_ms: i64,
    by_name: HashMap<String, Family>,
    last_append_ms: HashMap<Source, i64>,
}

impl SeriesStore {
    pub fn new(resolution_ms: i64, retention_ms: i64) -> Self {
        Self {
            resolution_ms: resolution_ms.max(1),
            retention_ms: retention_ms.max(resolution_ms),
            by_name: HashMap::new(),
            last_append_ms: HashMap::new(),
        }
    }

    pub fn resolution_ms(&self) -> i64 {
        self.resolution_ms
    }

    /// Record one scrape of every series at `t_ms`. Series absent from the
    /// scrape get a staleness marker; history older than the retention is
    /// dropped. Scrapes closer together than the resolution are ignored.
    /// Returns whether the scrape was recorded.
    pub fn append_scrape<L: Borrow<Labels>>(
        &mut self,
        t_ms: i64,
        scrape: impl IntoIterator<Item = (L, f64)>,
    ) -> bool {
        self.append(Source::Scrape, t_ms, scrape)
    }

    /// Like [`Self::append_scrape`] for one writer: staleness and the
    /// resolution are judged only among that writer's series.
    /// Labels are cloned only for a series seen for the first time.
    pub fn append<L: Borrow<Labels>>(
        &mut self,
        source: Source,
        t_ms: i64,
        scrape: impl IntoIterator<Item = (L, f64)>,
    ) -> bool {
        if let Some(last) = self.last_append_ms.get(&source)
            && t_ms - last < self.resolution_ms
        {
            return false;
        }
        self.last_append_ms.insert(source, t_ms);
        // Which series this scrape holds is marked on each series (not
        // collected in a set of cloned labels: at 200 clusters a scrape
        // holds ~1.5M series).
        for (ls, v) in scrape {
            let ls = ls.borrow();
            let name = ls.get(NAME).map_or("", String::as_str);
            if !self.by_name.contains_key(name) {
                self.by_name.insert(name.to_string(), BTreeMap::new());
            }
            let Some(family) = self.by_name.get_mut(name) else {
                continue;
            };
            let region = ls.get(REGION).map_or("", String::as_str);
            if !family.contains_key(region) {
                family.insert(region.to_string(), Group::default());
            }
            let Some(group) = family.get_mut(region) else {
                continue;
            };
            // One lookup for a known series; a new one is added.
            if let Some(hist) = group.get_mut(ls) {
                hist.written_ms = t_ms;
                hist.samples.push_back((t_ms, v));
            } else {
                let fresh = History {
                    samples: VecDeque::from([(t_ms, v)]),
                    source,
                    written_ms: t_ms,
                };
                group.add(ls.clone(), fresh);
            }
        }
        let cutoff = t_ms - self.retention_ms;
        for group in self.by_name.values_mut().flat_map(|f| f.values_mut()) {
            for hist in group.histories_mut() {
                let fresh = hist.source != source || hist.written_ms == t_ms;
                let last_stale = hist.samples.back().is_none_or(|(_, v)| is_stale(*v));
                if !fresh && !last_stale {
                    hist.samples
                        .push_back((t_ms, f64::from_bits(STALE_NAN_BITS)));
                }
                while hist.samples.front().is_some_and(|(t, _)| *t < cutoff) {
                    hist.samples.pop_front();
                }
            }
            group.settle();
        }
        for family in self.by_name.values_mut() {
            family.retain(|_, g| !g.is_empty());
        }
        self.by_name.retain(|_, f| !f.is_empty());
        true
    }

    /// Every series whose name is `name` (or all series when `None`).
    pub fn series<'a>(
        &'a self,
        name: Option<&str>,
    ) -> Box<dyn Iterator<Item = (&'a Labels, &'a History)> + 'a> {
        self.series_in(name, None)
    }

    /// Like [`Self::series`], only those whose `region` label is `region`
    /// when one is given.
    pub fn series_in<'a>(
        &'a self,
        name: Option<&str>,
        region: Option<&'a str>,
    ) -> Box<dyn Iterator<Item = (&'a Labels, &'a History)> + 'a> {
        self.candidates(name, region, &[])
    }

    /// Like [`Self::series_in`], narrowed by the postings of the
    /// `label = value` pairs in `equal`: a superset of the series carrying
    /// all of them (the caller still matches each series).
    pub fn candidates<'a: 'q, 'q>(
        &'a self,
        name: Option<&str>,
        region: Option<&'q str>,
        equal: &'q [(&'q str, &'q str)],
    ) -> Box<dyn Iterator<Item = (&'a Labels, &'a History)> + 'q> {
        let families: Box<dyn Iterator<Item = &'a Family> + 'a> = match name {
            Some(n) => Box::new(self.by_name.get(n).into_iter()),
            None => Box::new(self.by_name.values()),
        };
        let groups: Box<dyn Iterator<Item = &'a Group> + 'q> = match region {
            Some(r) => Box::new(families.filter_map(move |f| f.get(r))),
            None => Box::new(families.flat_map(|f| f.values())),
        };
        Box::new(groups.flat_map(move |g| g.candidates(equal)))
    }

    /// Number of series held.
    pub fn len(&self) -> usize {
        self.by_name
            .values()
            .flat_map(|f| f.values())
            .map(Group::len)
            .sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

impl History {
    /// The time of the last sample (`i64::MIN` when empty).
    pub fn last_ms(&self) -> i64 {
        self.samples.back().map_or(i64::MIN, |(t, _)| *t)
    }

    /// Samples in `(start, end]`, without staleness markers.
    pub fn range(&self, start_excl: i64, end_incl: i64) -> Vec<(i64, f64)> {
        let mut out = Vec::new();
        let from = self.samples.partition_point(|(t, _)| *t <= start_excl);
        self.range_from_into(from, end_incl, &mut out);
        out
    }

    /// The samples from index `from` (see [`Self::seek`]) up to `end_incl`,
    /// without staleness markers, into `buf` (cleared first), so a query
    /// over many series reuses one buffer.
    pub fn range_from_into(&self, from: usize, end_incl: i64, buf: &mut Vec<(i64, f64)>) {
        buf.clear();
        buf.extend(
            self.samples
                .range(from.min(self.samples.len())..)
                .take_while(|(t, _)| *t <= end_incl)
                .filter(|(_, v)| !is_stale(*v)),
        );
    }

    /// The index of the first sample after `start_excl`, starting from
    /// `hint` (the index a previous, earlier window found; `usize::MAX`
    /// for none), which is updated. A window that moved forward by a few
    /// samples is found by stepping, any other by a binary search.
    pub fn seek(&self, start_excl: i64, hint: &mut usize) -> usize {
        const STEPS: usize = 8;
        let s = &self.samples;
        let at_or_before = |i: usize| s.get(i).is_some_and(|(t, _)| *t <= start_excl);
        let mut at = *hint;
        let usable = at <= s.len() && (at == 0 || at_or_before(at - 1));
        if usable {
            let mut steps = 0;
            while steps < STEPS && at_or_before(at) {
                at += 1;
                steps += 1;
            }
            if steps == STEPS {
                at = s.partition_point(|(t, _)| *t <= start_excl);
            }
        } else {
            at = s.partition_point(|(t, _)| *t <= start_excl);
        }
        *hint = at;
        at
    }

    /// The instant value at `t`: the last sample in `(t - lookback, t]`,
    /// unless that sample is a staleness marker.
    pub fn instant(&self, t: i64, lookback_ms: i64) -> Option<(i64, f64)> {
        let end = self.samples.partition_point(|(st, _)| *st <= t);
        let (st, v) = *self.samples.get(end.checked_sub(1)?)?;
        (st > t - lookback_ms && !is_stale(v)).then_some((st, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staleness_and_retention() {
        let mut s = SeriesStore::new(1000, 10_000);
        let a = labels([(NAME, "m"), ("x", "1")]);
        let b = labels([(NAME, "m"), ("x", "2")]);
        s.append_scrape(0, vec![(a.clone(), 1.0), (b.clone(), 2.0)]);
        assert!(!s.append_scrape(500, Vec::<(Labels, f64)>::new()));
        s.append_scrape(1000, vec![(a.clone(), 3.0)]);
        let hist: Vec<_> = s.series(Some("m")).collect();
        assert_eq!(hist.len(), 2);
        let hb = hist.iter().find(|(l, _)| **l == b).map(|(_, h)| *h);
        assert!(hb.is_some_and(|h| h.instant(1000, 300_000).is_none()));
        assert!(hb.is_some_and(|h| h.instant(999, 300_000) == Some((0, 2.0))));
        for t in 2..20 {
            s.append_scrape(t * 1000, vec![(a.clone(), t as f64)]);
        }
        assert_eq!(s.len(), 1);
        let ha = s.series(Some("m")).next().map(|(_, h)| h.samples.len());
        assert_eq!(ha, Some(11));
    }

    #[test]
    fn seek_finds_what_a_binary_search_finds_from_any_hint() {
        let mut h = History::default();
        for t in 0..100 {
            h.samples.push_back((t * 10, t as f64));
        }
        let search = |start: i64| h.samples.partition_point(|(t, _)| *t <= start);
        let mut hint = usize::MAX;
        // Forward by a little, by a lot, backwards, out of range, again.
        for start in [-5, 0, 5, 15, 25, 26, 200, 990, 2000, 500, 3, -1, 40] {
            assert_eq!(h.seek(start, &mut hint), search(start), "start {start}");
            assert_eq!(hint, search(start));
        }
        let mut wild = 7_000;
        assert_eq!(h.seek(333, &mut wild), search(333), "a hint past the end");
        let mut buf = Vec::new();
        h.range_from_into(h.seek(333, &mut wild), 370, &mut buf);
        assert_eq!(buf, h.range(333, 370));
    }

    #[test]
    fn a_region_sees_only_its_own_series() {
        let mut s = SeriesStore::new(1000, 10_000);
        let east = labels([(NAME, "m"), (REGION, "east"), ("x", "1")]);
        let west = labels([(NAME, "m"), (REGION, "west"), ("x", "1")]);
        let global = labels([(NAME, "m"), ("x", "1")]);
        let other = labels([(NAME, "n"), (REGION, "east")]);
        s.append_scrape(
            0,
            vec![
                (east.clone(), 1.0),
                (west, 2.0),
                (global, 3.0),
                (other, 4.0),
            ],
        );
        let in_east: Vec<_> = s
            .series_in(Some("m"), Some("east"))
            .map(|(l, _)| l)
            .collect();
        assert_eq!(in_east, vec![&east]);
        assert_eq!(s.series_in(Some("m"), None).count(), 3);
        assert_eq!(s.series_in(None, Some("east")).count(), 2);
        assert_eq!(s.series_in(Some("m"), Some("north")).count(), 0);
        assert_eq!(s.len(), 4);
    }
}
