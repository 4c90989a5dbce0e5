//! Resolving a service's `[services.deploy]` (waves, SLO gate) and
//! `[services.failover]` (headroom, weight steps, safety rule) tables.

use super::super::error::nearest;
use super::super::file::{FileDeploy, FileFailover, FileNotify, NotifyKind};
use super::super::locate::PathSeg;
use super::super::resolved::{Deploy, Failover, Notify};
use super::super::secret::Secret;
use super::{Resolver, i, join, k};

impl Resolver<'_> {
    pub(super) fn deploy(&mut self, d: FileDeploy, base: &[PathSeg], regions: &[&str]) -> Deploy {
        let waves = d.waves.unwrap_or_default();
        let mut seen: Vec<&str> = Vec::new();
        for (w, wave) in waves.iter().enumerate() {
            if wave.is_empty() {
                self.push(
                    &join(base, &[k("waves"), i(w)]),
                    "empty wave",
                    Some("[]".into()),
                    "one or more region names",
                );
            }
            for (n, r) in wave.iter().enumerate() {
                let path = join(base, &[k("waves"), i(w), i(n)]);
                if !regions.contains(&r.as_str()) {
                    let valid = match nearest(r, regions) {
                        Some(near) => {
                            format!("did you mean `{near}`? (one of {})", regions.join(", "))
                        }
                        None => format!("one of the configured regions: {}", regions.join(", ")),
                    };
                    self.push(&path, "unknown region", Some(format!("{r:?}")), &valid);
                } else if seen.contains(&r.as_str()) {
                    self.push(
                        &path,
                        "region in two waves",
                        Some(format!("{r:?}")),
                        "each region in one wave",
                    );
                } else {
                    seen.push(r);
                }
            }
        }
        let confidence = d.confidence.unwrap_or(0.95);
        if !(0.5..1.0).contains(&confidence) {
            self.push(
                &join(base, &[k("confidence")]),
                "confidence out of range",
                Some(confidence.to_string()),
                "a probability between 0.5 and 1, e.g. 0.95",
            );
        }
        let margin = d.margin.unwrap_or(0.1);
        if !margin.is_finite() || margin < 0.0 {
            self.push(
                &join(base, &[k("margin")]),
                "margin must not be negative",
                Some(margin.to_string()),
                "a fraction, e.g. 0.1 for 10% worse",
            );
        }
        Deploy {
            waves,
            gate_window: self.duration(
                d.gate_window.as_ref(),
                &join(base, &[k("gate_window")]),
                120,
            ),
            gate_interval: self.duration(
                d.gate_interval.as_ref(),
                &join(base, &[k("gate_interval")]),
                5,
            ),
            confidence,
            margin,
        }
    }

    pub(super) fn failover(&mut self, f: FileFailover, base: &[PathSeg]) -> Failover {
        let headroom = f.headroom.unwrap_or(0.3);
        if !headroom.is_finite() || !(0.0..=5.0).contains(&headroom) {
            self.push(
                &join(base, &[k("headroom")]),
                "headroom out of range",
                Some(headroom.to_string()),
                "a fraction between 0 and 5, e.g. 0.3 for 30%",
            );
        }
        let steps = f.shift_steps.unwrap_or_else(|| vec![0.5, 1.0]);
        let increasing = steps.windows(2).all(|w| w[0] < w[1]);
        let in_range = steps.iter().all(|s| *s > 0.0 && *s <= 1.0);
        if steps.is_empty() || !increasing || !in_range || steps.last() != Some(&1.0) {
            self.push(
                &join(base, &[k("shift_steps")]),
                "weight steps must increase and end at 1.0",
                Some(format!("{steps:?}")),
                "fractions of the region's weight moved, e.g. [0.5, 1.0]",
            );
        }
        let min_serving = f.min_serving_regions.unwrap_or(1).max(1);
        Failover {
            headroom,
            shift_steps: steps,
            min_serving_regions: min_serving,
            silence: self.duration(f.silence.as_ref(), &join(base, &[k("silence")]), 24 * 3600),
        }
    }
}

impl Resolver<'_> {
    pub(super) fn notify(&mut self, list: Vec<FileNotify>) -> Vec<Notify> {
        let mut out = Vec::new();
        for (n, f) in list.into_iter().enumerate() {
            let base = [k("notify"), i(n)];
            let Some(kind) = self.required(
                &f.kind,
                &join(&base, &[k("kind")]),
                "one of webhook, slack, pagerduty",
            ) else {
                continue;
            };
            let url = match (&f.url, &f.url_env) {
                (Some(u), None) => match super::super::checks::http_url(u) {
                    Ok(_) => Some(Secret::new("url".to_string(), u.clone())),
                    Err(e) => {
                        self.invalid(&join(&base, &[k("url")]), u, e);
                        None
                    }
                },
                (None, Some(var)) => self.secret_env(var, &join(&base, &[k("url_env")])),
                (None, None) if kind == NotifyKind::Pagerduty => Some(Secret::new(
                    "url".to_string(),
                    "https://events.pagerduty.com/v2/change/enqueue".to_string(),
                )),
                (None, None) => {
                    self.push(&join(&base, &[k("url")]), "missing required key", None, "url = \"https://...\" or url_env = \"VAR\" (Slack webhook URLs are secrets: prefer url_env)");
                    None
                }
                (Some(_), Some(_)) => {
                    self.push(
                        &join(&base, &[k("url_env")]),
                        "url and url_env both set",
                        None,
                        "one of url or url_env",
                    );
                    None
                }
            };
            let routing_key = match (&f.routing_key_env, kind) {
                (Some(var), _) => self.secret_env(var, &join(&base, &[k("routing_key_env")])),
                (None, NotifyKind::Pagerduty) => {
                    self.push(
                        &join(&base, &[k("routing_key_env")]),
                        "missing required key",
                        None,
                        "the environment variable holding the PagerDuty integration key",
                    );
                    None
                }
                (None, _) => None,
            };
            if let Some(url) = url {
                out.push(Notify {
                    kind,
                    url,
                    routing_key,
                });
            }
        }
        out
    }
}
