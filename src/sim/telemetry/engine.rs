//! The telemetry engine: world input, faults, counters, sample history,
//! rules, Alertmanager and cost ledger, advanced by [`Engine::tick`].

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use super::alertmanager::{Alertmanager, AmAlert, AmConfig};
use super::counters::Counters;
use super::faults::Faults;
use super::input::WorldInput;
use super::ledger::{self, Ledger};
use super::metrics::{self, Family};
use super::model::{self, ServiceLoad, ServiceProfile};
use super::rules::{self, AlertState, RuleEngine, RuleError};
use super::series::{SeriesStore, Source};

/// How the telemetry side runs.
#[derive(Debug, Clone)]
pub struct TelemetryConfig {
    /// Seed of all noise.
    pub seed: u64,
    /// Sample resolution, which is also the tick period in simulated time.
    pub resolution: Duration,
    /// How much sample history is kept.
    pub retention: Duration,
    /// History simulated before the start time, so range queries and
    /// charts have data at once (0: none).
    pub backfill: Duration,
    /// Simulated time between two backfill ticks (None: the resolution).
    /// A coarser step makes a large fleet start faster; rates and charts
    /// work with the sparser history.
    pub backfill_step: Option<Duration>,
    /// Simulated seconds per real second for the background ticker.
    pub speed: f64,
    /// Simulated time at start, ms since the epoch (None: the wall clock).
    pub start_ms: Option<i64>,
    /// The Prometheus rule file (default: the shipped one).
    pub rules_yaml: String,
    /// Load profile of each service.
    pub profiles: BTreeMap<String, ServiceProfile>,
    pub alertmanager: AmConfig,
    /// Where FOCUS CSV files are written daily (None: not written).
    pub focus_dir: Option<PathBuf>,
    /// Faults active from the start.
    pub faults: Faults,
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            resolution: Duration::from_secs(10),
            retention: Duration::from_secs(6 * 3600),
            backfill: Duration::ZERO,
            backfill_step: None,
            speed: 1.0,
            start_ms: None,
            rules_yaml: rules::SHIPPED_RULES.to_string(),
            profiles: model::default_profiles(),
            alertmanager: AmConfig::default(),
            focus_dir: None,
            faults: Faults::default(),
        }
    }
}

/// The wall clock in ms since the epoch.
pub fn wall_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// Everything the telemetry side knows.
#[derive(Debug)]
pub struct Engine {
    pub config: TelemetryConfig,
    pub world: WorldInput,
    pub faults: Faults,
    pub counters: Counters,
    pub store: SeriesStore,
    pub rules: RuleEngine,
    pub alertmanager: Alertmanager,
    pub ledger: Ledger,
    pub loads: Vec<(String, ServiceLoad)>,
    pub families: Vec<Family>,
    pub now_ms: i64,
    pub started_ms: i64,
    ticked: bool,
    last_focus_day: Option<i64>,
}

impl Engine {
    /// Build the engine at the configured start time, simulating the
    /// backfill period first.
    pub fn new(config: TelemetryConfig, world: WorldInput) -> Result<Self, RuleError> {
        let res_ms = config.resolution.as_millis().max(1) as i64;
        let groups = rules::parse_rules(&config.rules_yaml, "opsdeck-rules.yml", 60_000)?;
        let start = config.start_ms.unwrap_or_else(wall_ms);
        let backfill_ms = config.backfill.as_millis() as i64;
        let first = start - backfill_ms;
        let mut e = Self {
            store: SeriesStore::new(res_ms, config.retention.as_millis() as i64),
            rules: RuleEngine::new(groups),
            alertmanager: Alertmanager::new(config.alertmanager.clone(), start),
            faults: config.faults.clone(),
            config,
            world,
            counters: Counters::default(),
            ledger: Ledger::default(),
            loads: Vec::new(),
            families: Vec::new(),
            now_ms: first,
            started_ms: start,
            ticked: false,
            last_focus_day: None,
        };
        let step_ms = e
            .config
            .backfill_step
            .map_or(res_ms, |s| (s.as_millis() as i64).max(res_ms));
        let mut t = first;
        while t < start {
            e.tick(t);
            t += step_ms;
        }
        e.tick(start);
        Ok(e)
    }

    /// The world with faults applied.
    pub fn effective_world(&self) -> WorldInput {
        self.faults.apply(&self.world)
    }

    /// Loads of every service in every region at `t`.
    pub fn compute_loads(&self, world: &WorldInput, t_ms: i64) -> Vec<(String, ServiceLoad)> {
        let mut out = Vec::new();
        for r in &world.regions {
            for s in &r.services {
                let profile = self
                    .config
                    .profiles
                    .get(&s.name)
                    .unwrap_or(&model::FALLBACK_PROFILE);
                out.push((
                    r.name.clone(),
                    model::service_load(self.config.seed, profile, world, r, s, t_ms),
                ));
            }
        }
        out
    }

    /// Advance simulated time to `now_ms`: accumulate counters and cost,
    /// record samples, evaluate due rules and send alerts.
    pub fn tick(&mut self, now_ms: i64) {
        if self.ticked && now_ms <= self.now_ms {
            return;
        }
        let dt_s = if self.ticked {
            (now_ms - self.now_ms) as f64 / 1000.0
        } else {
            0.0
        };
        let world = self.effective_world();
        let loads = self.compute_loads(&world, now_ms);
        self.counters.advance(dt_s, &loads);
        let rates = ledger::rates(&world, &loads);
        if self.ticked {
            self.ledger.accrue(&world, &rates, self.now_ms, now_ms);
        } else {
            self.ledger.accrue(&world, &rates, now_ms, now_ms);
        }
        self.now_ms = now_ms;
        self.ticked = true;
        self.families = metrics::families(&world, &loads, &self.counters);
        self.loads = loads;
        // By reference: at 200 clusters a scrape holds ~1.5M series, and
        // the store clones labels only for series it has not seen.
        let scrape = self
            .families
            .iter()
            .flat_map(|f| f.samples.iter().map(|(ls, v)| (ls, *v)));
        self.store.append(Source::Scrape, now_ms, scrape);
        if self.rules.evaluate_due(&self.store, now_ms) {
            self.store
                .append(Source::Rules, now_ms, self.rules.alerts_series());
            if !self.faults.alertmanager_down {
                self.send_alerts(now_ms);
            }
        }
        self.alertmanager.gc(now_ms);
        self.write_focus_if_due(now_ms);
    }

    /// Send firing and recently resolved alerts to the Alertmanager, as
    /// Prometheus' notifier does (endsAt a few intervals ahead while firing).
    fn send_alerts(&mut self, now_ms: i64) {
        let valid_for = 4 * self
            .rules
            .groups
            .iter()
            .map(|g| g.interval_ms)
            .max()
            .unwrap_or(60_000)
            .max(60_000);
        let batch: Vec<AmAlert> = self
            .rules
            .all()
            .filter(|a| a.state != AlertState::Pending)
            .map(|a| AmAlert {
                labels: a.labels.clone(),
                annotations: a.annotations.clone(),
                starts_at_ms: a.fired_at_ms.unwrap_or(a.active_at_ms),
                ends_at_ms: a.resolved_at_ms.unwrap_or(now_ms + valid_for),
                updated_at_ms: now_ms,
                generator_url: String::new(),
            })
            .collect();
        self.alertmanager.receive(batch, now_ms);
    }

    fn write_focus_if_due(&mut self, now_ms: i64) {
        let Some(dir) = self.config.focus_dir.clone() else {
            return;
        };
        // Rewritten once per simulated hour: yesterday's file is complete,
        // today's grows until the day ends (a partial day, not a zero).
        let hour = now_ms.div_euclid(ledger::HOUR_MS);
        if self.last_focus_day == Some(hour) {
            return;
        }
        let day = now_ms.div_euclid(86_400_000);
        // The first export writes the whole history the other billing APIs
        // hold (the ledger's starting rates stand in before the start).
        let first = match self.last_focus_day {
            None => day - super::billing::HISTORY_DAYS,
            Some(_) => day - 1,
        };
        for d in first..=day {
            if let Err(e) = super::billing::focus::write_day(&dir, &self.ledger, d, now_ms) {
                tracing::warn!("writing FOCUS export for day {d}: {e}");
            }
        }
        self.last_focus_day = Some(hour);
    }
}
