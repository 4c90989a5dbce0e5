//! One metric's series of one region, sorted by their labels, with a
//! postings index: for each label name and value, the positions of the
//! series that carry it — as Prometheus' index does, so that a selector
//! such as `{service="checkout"}` looks at checkout's series only instead
//! of comparing the labels of every series of the metric.

use std::collections::HashMap;

use super::{History, Labels, NAME};

/// Below this many series a group keeps no index: a scan is as cheap.
const INDEX_FROM: usize = 16;

/// Positions in `Group::series`, ascending.
type Postings = Vec<u32>;

#[derive(Debug, Clone, Default)]
pub struct Group {
    /// Sorted by labels (the order queries answer in).
    series: Vec<(Labels, History)>,
    /// Series first seen in the scrape being appended; merged by `settle`.
    fresh: Vec<(Labels, History)>,
    /// label name → value → positions; every label but `__name__`.
    postings: HashMap<String, HashMap<String, Postings>>,
}

impl Group {
    /// The series with exactly `labels`, if held (not counting fresh ones).
    pub fn get_mut(&mut self, labels: &Labels) -> Option<&mut History> {
        let at = self.series.binary_search_by(|(l, _)| l.cmp(labels)).ok()?;
        self.series.get_mut(at).map(|(_, h)| h)
    }

    /// Adds a series first seen in this scrape; `settle` files it.
    pub fn add(&mut self, labels: Labels, history: History) {
        self.fresh.push((labels, history));
    }

    /// Every series, fresh ones included.
    pub fn histories_mut(&mut self) -> impl Iterator<Item = &mut History> {
        self.series
            .iter_mut()
            .chain(self.fresh.iter_mut())
            .map(|(_, h)| h)
    }

    /// Files the fresh series, drops the empty ones and rebuilds the index
    /// when anything changed.
    pub fn settle(&mut self) {
        let grew = !self.fresh.is_empty();
        if grew {
            self.series.append(&mut self.fresh);
            self.series.sort_by(|a, b| a.0.cmp(&b.0));
            // The same labels twice in one scrape: one series, its samples
            // in order.
            self.series.dedup_by(|later, kept| {
                if later.0 != kept.0 {
                    return false;
                }
                let samples = std::mem::take(&mut later.1.samples);
                kept.1.samples.extend(samples);
                kept.1.samples.make_contiguous().sort_by_key(|(t, _)| *t);
                true
            });
        }
        let before = self.series.len();
        self.series.retain(|(_, h)| !h.samples.is_empty());
        if grew || self.series.len() != before {
            self.reindex();
        }
    }

    fn reindex(&mut self) {
        self.postings.clear();
        if self.series.len() < INDEX_FROM {
            return;
        }
        for (at, (labels, _)) in self.series.iter().enumerate() {
            for (k, v) in labels.iter().filter(|(k, _)| *k != NAME) {
                if !self.postings.contains_key(k) {
                    self.postings.insert(k.clone(), HashMap::new());
                }
                let Some(values) = self.postings.get_mut(k) else {
                    continue;
                };
                if let Some(list) = values.get_mut(v) {
                    list.push(at as u32);
                } else {
                    values.insert(v.clone(), vec![at as u32]);
                }
            }
        }
    }

    pub fn len(&self) -> usize {
        self.series.len() + self.fresh.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every series, in label order.
    pub fn iter(&self) -> impl Iterator<Item = (&Labels, &History)> {
        self.series.iter().map(|(l, h)| (l, h))
    }

    /// The series that may satisfy every `name = value` pair of `equal`
    /// (a superset: the caller still matches each one). With an index, the
    /// shortest postings list of those pairs; a pair no series carries
    /// leaves none. Without one, or without a pair, every series.
    pub fn candidates<'a>(
        &'a self,
        equal: &[(&str, &str)],
    ) -> Box<dyn Iterator<Item = (&'a Labels, &'a History)> + 'a> {
        if self.postings.is_empty() || equal.is_empty() {
            return Box::new(self.iter());
        }
        let mut shortest: Option<&'a Postings> = None;
        for (k, v) in equal {
            // An empty value matches a missing label: no postings say that.
            if *k == NAME || v.is_empty() {
                continue;
            }
            let Some(list) = self.postings.get(*k).and_then(|vs| vs.get(*v)) else {
                return Box::new(std::iter::empty());
            };
            if shortest.is_none_or(|s| list.len() < s.len()) {
                shortest = Some(list);
            }
        }
        match shortest {
            Some(list) => Box::new(
                list.iter()
                    .filter_map(|at| self.series.get(*at as usize))
                    .map(|(l, h)| (l, h)),
            ),
            None => Box::new(self.iter()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::labels;
    use super::*;

    fn history(t: i64) -> History {
        History {
            samples: std::collections::VecDeque::from([(t, 1.0)]),
            ..History::default()
        }
    }

    fn names<'a>(it: impl Iterator<Item = (&'a Labels, &'a History)>) -> Vec<String> {
        it.map(|(l, _)| l.get("pod").cloned().unwrap_or_default())
            .collect()
    }

    /// 40 series of 4 services: big enough to be indexed.
    fn group() -> Group {
        let mut g = Group::default();
        for i in (0..40).rev() {
            let service = format!("s{}", i % 4);
            let pod = format!("p{i:02}");
            g.add(
                labels([(NAME, "m"), ("service", &service), ("pod", &pod)]),
                history(0),
            );
        }
        g.settle();
        g
    }

    #[test]
    fn postings_narrow_to_the_series_that_carry_the_pair_in_label_order() {
        let g = group();
        assert_eq!(g.len(), 40);
        let s1 = names(g.candidates(&[("service", "s1")]));
        assert_eq!(
            s1,
            (0..10)
                .map(|i| format!("p{:02}", i * 4 + 1))
                .collect::<Vec<_>>()
        );
        // The shortest list of several pairs; the caller still matches.
        let one = names(g.candidates(&[("service", "s1"), ("pod", "p05")]));
        assert_eq!(one, vec!["p05"]);
        // A value no series carries: none. A label no series carries: none.
        assert_eq!(g.candidates(&[("service", "s9")]).count(), 0);
        assert_eq!(g.candidates(&[("zone", "a")]).count(), 0);
        // An empty value (a missing label) and the name say nothing: all.
        assert_eq!(g.candidates(&[("zone", "")]).count(), 40);
        assert_eq!(g.candidates(&[(NAME, "m")]).count(), 40);
        assert_eq!(g.candidates(&[]).count(), 40);
        let all = names(g.iter());
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(all, sorted, "series are kept in label order");
    }

    #[test]
    fn the_index_follows_added_and_dropped_series() {
        let mut g = group();
        // Empty every s1 series: settle drops them and reindexes.
        for (l, h) in g.series.iter_mut() {
            if l.get("service").is_some_and(|s| s == "s1") {
                h.samples.clear();
            }
        }
        g.add(
            labels([(NAME, "m"), ("service", "s1"), ("pod", "new")]),
            history(5),
        );
        g.settle();
        assert_eq!(g.len(), 31);
        assert_eq!(names(g.candidates(&[("service", "s1")])), vec!["new"]);
        assert_eq!(names(g.candidates(&[("service", "s2")])).len(), 10);
        let found = labels([(NAME, "m"), ("service", "s1"), ("pod", "new")]);
        assert!(g.get_mut(&found).is_some_and(|h| h.last_ms() == 5));
    }

    #[test]
    fn the_same_labels_twice_in_one_scrape_are_one_series() {
        let mut g = Group::default();
        let l = labels([(NAME, "m"), ("pod", "a")]);
        g.add(l.clone(), history(2));
        g.add(l.clone(), history(1));
        g.settle();
        assert_eq!(g.len(), 1);
        let samples: Vec<_> = g
            .iter()
            .flat_map(|(_, h)| h.samples.iter().copied())
            .collect();
        assert_eq!(samples, vec![(1, 1.0), (2, 1.0)]);
    }

    #[test]
    fn a_small_group_keeps_no_index_and_scans() {
        let mut g = Group::default();
        g.add(labels([(NAME, "m"), ("pod", "a")]), history(0));
        g.settle();
        assert!(g.postings.is_empty());
        assert_eq!(g.candidates(&[("pod", "b")]).count(), 1, "a superset");
    }
}
