//! Telemetry of the embedded fleet: metrics, alerts and cost, driven by the
//! same world as the simulated Kubernetes clusters.
//!
//! # Model
//! The Kubernetes side (or [`fixture::world`]) describes the world at an
//! instant as plain data ([`input::WorldInput`]). Everything else is a pure
//! function of `(seed, simulated time, world)` plus counters accumulated by
//! [`Telemetry::tick_at`]: request rates with a daily shape split by traffic
//! weights, capacity from ready pods, errors and latency rising with
//! overload, bad releases and failed regions, CPU and memory per pod, and
//! node cost from published list prices ([`prices`]).
//!
//! # Serving (how to mount it next to the Kubernetes API)
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use opsdeck::sim::telemetry::{Telemetry, TelemetryConfig, fixture, serve};
//! let telemetry = Telemetry::new(TelemetryConfig::default(), fixture::world())?;
//! let _ticker = telemetry.spawn_ticker();            // advances the clock, samples, rules
//! let r = serve::routers(&telemetry);
//! // r.prometheus   : /api/v1/*, /metrics, /regions/{region}/api/v1/*, /regions/{region}/metrics
//! // r.alertmanager : /api/v2/*
//! // r.opencost     : /allocation/compute, /regions/{region}/allocation/compute
//! // r.cost_explorer: POST / (X-Amz-Target: AWSInsightsIndexService.GetCostAndUsage)
//! // r.control      : /control/telemetry/* (faults), nest or merge anywhere
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:9090").await?;
//! axum::serve(listener, r.prometheus).await?;
//! # Ok(()) }
//! ```
//! The Kubernetes side pushes each new snapshot with [`Telemetry::set_world`]
//! (an adapter from its types to [`input::WorldInput`]). Faults are set with
//! [`Telemetry::update_faults`] or over HTTP through the control router.

pub mod alertmanager;
pub mod billing;
pub mod cost;
pub mod counters;
pub mod engine;
pub mod exposition;
pub mod faults;
#[cfg(any(test, feature = "testing"))]
pub mod fixture;
pub mod input;
pub mod ledger;
pub mod metrics;
pub mod model;
pub mod noise;
pub mod prices;
pub mod prom_api;
pub mod promql;
pub mod regional;
pub mod rules;
pub mod series;
pub mod serve;
pub mod timefmt;

use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

pub use engine::{Engine, TelemetryConfig, wall_ms};
pub use faults::Faults;
pub use input::WorldInput;

/// Shared handle to the telemetry engine; cheap to clone.
#[derive(Clone, Debug)]
pub struct Telemetry {
    inner: Arc<RwLock<Engine>>,
}

impl Telemetry {
    /// Build the engine (simulating the configured backfill) around `world`.
    pub fn new(config: TelemetryConfig, world: WorldInput) -> Result<Self, rules::RuleError> {
        Ok(Self {
            inner: Arc::new(RwLock::new(Engine::new(config, world)?)),
        })
    }

    /// Read access to the engine.
    pub fn read(&self) -> RwLockReadGuard<'_, Engine> {
        self.inner
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Write access to the engine.
    pub fn write(&self) -> RwLockWriteGuard<'_, Engine> {
        self.inner
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Replace the world (a new snapshot from the Kubernetes side).
    pub fn set_world(&self, world: WorldInput) {
        self.write().world = world;
    }

    /// Change the world in place.
    pub fn update_world(&self, f: impl FnOnce(&mut WorldInput)) {
        f(&mut self.write().world);
    }

    /// The current faults.
    pub fn faults(&self) -> Faults {
        self.read().faults.clone()
    }

    /// Change the faults in place.
    pub fn update_faults(&self, f: impl FnOnce(&mut Faults)) {
        f(&mut self.write().faults);
    }

    /// Simulated time now, ms since the epoch.
    pub fn now_ms(&self) -> i64 {
        self.read().now_ms
    }

    /// Advance simulated time to `now_ms` (no-op if not later than now).
    pub fn tick_at(&self, now_ms: i64) {
        self.write().tick(now_ms);
    }

    /// Advance simulated time by `ms` in steps of the resolution.
    pub fn advance(&self, ms: i64) {
        let (mut t, end, step) = {
            let e = self.read();
            (e.now_ms, e.now_ms + ms, e.store.resolution_ms())
        };
        while t < end {
            t = (t + step).min(end);
            self.tick_at(t);
        }
    }

    /// Spawn the background ticker on the current tokio runtime: every
    /// resolution (in simulated time, scaled by `speed`) it advances the
    /// clock to `start + elapsed * speed`, appends samples, evaluates rules
    /// and sends alerts. Abort the returned handle to stop it.
    pub fn spawn_ticker(&self) -> tokio::task::JoinHandle<()> {
        let t = self.clone();
        tokio::spawn(async move {
            let (base_sim, speed, res) = {
                let e = t.read();
                (e.now_ms, e.config.speed.max(1e-6), e.config.resolution)
            };
            let base_real = std::time::Instant::now();
            let mut interval = tokio::time::interval(res.div_f64(speed));
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                let elapsed = base_real.elapsed().as_secs_f64() * speed;
                // Off the runtime's workers: at 200 clusters a tick takes
                // long enough to stall the servers' requests on them.
                let tt = t.clone();
                let at = base_sim + (elapsed * 1000.0) as i64;
                if tokio::task::spawn_blocking(move || tt.tick_at(at))
                    .await
                    .is_err()
                {
                    break;
                }
            }
        })
    }
}
