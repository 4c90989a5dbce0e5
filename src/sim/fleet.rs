//! One coherent simulated fleet: the Kubernetes clusters drive the
//! telemetry (metrics, alerts, cost), so an action on one side shows on the
//! others.
//!
//! [`RunningFleet::start`] builds the world, derives the telemetry's
//! [`WorldInput`](super::telemetry::WorldInput) from its snapshot
//! ([`adapter::world_input`]), and serves, each on its own 127.0.0.1 port:
//! - the Kubernetes API of every cluster under `/clusters/<region>` and the
//!   control endpoint `/control/...` (region faults *and* the telemetry's
//!   `/control/telemetry/...`, behind the same bearer tokens);
//! - Prometheus (`/regions/<region>/api/v1/...`, `/metrics`);
//! - Alertmanager API v2 (one HA cluster for every region);
//! - OpenCost (`/regions/<region>/allocation/compute`);
//! - AWS Cost Explorer (`POST /`).
//!
//! A sync task pushes a fresh snapshot into the telemetry every
//! [`tasks::SYNC_EVERY`]; the telemetry's ticker samples, evaluates rules,
//! sends alerts and writes FOCUS files into `<dir>/focus`. It writes the
//! kubeconfig, `opsdeck.toml` and dummy AWS credentials into `dir`, and,
//! with [`FleetConfig::audit_log`], an audit line per mutating request.
//! [`RunningFleet::shutdown`] stops everything.

pub mod adapter;
pub mod flags;
pub mod tasks;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::config::SimConfig;
use super::kubeconfig::{self, FleetUrls};
use super::routing::TrafficRouter;
use super::server::{ServeOptions, Sim};
use super::telemetry::{self, Telemetry, TelemetryConfig};
use super::world::World;

/// What fleet to run.
#[derive(Debug, Clone)]
pub struct FleetConfig {
    /// the Kubernetes side (regions, pods, seed, speed, start time, port, faults)
    pub sim: SimConfig,
    /// telemetry faults active from the start
    pub telemetry_faults: telemetry::Faults,
    /// directory for the kubeconfig, opsdeck.toml, AWS credentials and FOCUS files
    pub dir: PathBuf,
    /// telemetry history simulated before the start, so rates, charts and
    /// alerts have data at once
    pub backfill: Duration,
    /// simulated time between backfill ticks (None: the sample resolution)
    pub backfill_step: Option<Duration>,
    /// time between two samples of every series (the scrape interval)
    pub sample_every: Duration,
    /// how much sample history the telemetry keeps
    pub retention: Duration,
    /// append an audit line (kube-apiserver's `audit.k8s.io/v1` Event) per
    /// mutating Kubernetes request to this file ([`super::audit`])
    pub audit_log: Option<PathBuf>,
    /// the audit log records watches too: when each starts and ends
    pub audit_watches: bool,
    /// the traffic router whose weights the telemetry follows (and the
    /// written opsdeck.toml names)
    pub router: TrafficRouter,
    /// the written opsdeck.toml reads every region's workload state from
    /// kube-state-metrics through the fleet-wide query endpoint (`metrics`
    /// mode) instead of watching each cluster
    pub workloads_by_metrics: bool,
}

/// Above this many regions the written config uses `metrics` mode unless
/// asked otherwise.
pub const METRICS_MODE_ABOVE: usize = 50;

impl FleetConfig {
    /// A fleet of `sim` writing into `dir`, with 15 minutes of backfill.
    pub fn new(sim: SimConfig, dir: impl Into<PathBuf>) -> Self {
        Self {
            sim,
            telemetry_faults: telemetry::Faults::default(),
            dir: dir.into(),
            backfill: Duration::from_secs(15 * 60),
            backfill_step: None,
            sample_every: TelemetryConfig::default().resolution,
            retention: TelemetryConfig::default().retention,
            audit_log: None,
            audit_watches: false,
            router: TrafficRouter::default(),
            workloads_by_metrics: false,
        }
    }
}

/// Where the fleet's servers listen (all on 127.0.0.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Addrs {
    /// Kubernetes API and control endpoint
    pub kube: SocketAddr,
    /// Prometheus HTTP API
    pub prometheus: SocketAddr,
    /// Alertmanager API v2
    pub alertmanager: SocketAddr,
    /// OpenCost allocation API
    pub opencost: SocketAddr,
    /// AWS Cost Explorer API
    pub cost_explorer: SocketAddr,
}

impl Addrs {
    /// The base URLs.
    pub fn urls(&self) -> FleetUrls {
        let u = |a: SocketAddr| format!("http://{a}");
        FleetUrls {
            kube: u(self.kube),
            prometheus: u(self.prometheus),
            alertmanager: u(self.alertmanager),
            opencost: u(self.opencost),
            cost_explorer: u(self.cost_explorer),
        }
    }
}

/// The files the fleet wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    /// the directory
    pub dir: PathBuf,
    /// kubeconfig (one context `sim-<region>` per cluster)
    pub kubeconfig: PathBuf,
    /// opsdeck configuration pointing at every endpoint
    pub config: PathBuf,
    /// dummy AWS credentials (profile `default`) for Cost Explorer
    pub aws_credentials: PathBuf,
    /// where the telemetry writes FOCUS CSV exports
    pub focus_dir: PathBuf,
}

/// A running fleet: the Kubernetes simulator, the telemetry, their servers
/// and tasks. Stop it with [`RunningFleet::shutdown`].
#[derive(Debug)]
pub struct RunningFleet {
    sim: Sim,
    telemetry: Telemetry,
    addrs: Addrs,
    files: Files,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    ticker: JoinHandle<()>,
    router: TrafficRouter,
    workloads_by_metrics: bool,
}

impl RunningFleet {
    /// Build the world and the telemetry, serve everything on loopback,
    /// start the sync task and write the files.
    pub async fn start(cfg: FleetConfig) -> std::io::Result<RunningFleet> {
        // First, so a path that cannot be opened fails before anything runs.
        let mut opts = match &cfg.audit_log {
            Some(path) => ServeOptions::audit_log(path, cfg.audit_watches)?,
            None => ServeOptions::default(),
        };
        let sim_cfg = cfg.sim.clone();
        let world = tokio::task::spawn_blocking(move || World::generate(&sim_cfg))
            .await
            .map_err(std::io::Error::other)?;
        let world = Arc::new(world);
        let files = files(&cfg.dir);
        std::fs::create_dir_all(&files.focus_dir)?;
        let tcfg = TelemetryConfig {
            seed: cfg.sim.seed,
            speed: cfg.sim.speed,
            start_ms: Some(world.clock.now()),
            backfill: cfg.backfill,
            backfill_step: cfg.backfill_step,
            resolution: cfg.sample_every,
            retention: cfg.retention,
            focus_dir: Some(files.focus_dir.clone()),
            faults: cfg.telemetry_faults.clone(),
            ..TelemetryConfig::default()
        };
        let input = adapter::world_input_via(&world.snapshot(), cfg.router);
        let telemetry = tokio::task::spawn_blocking(move || Telemetry::new(tcfg, input))
            .await
            .map_err(std::io::Error::other)?
            .map_err(|e| std::io::Error::other(format!("telemetry rules: {e}")))?;
        let routers = telemetry::serve::routers(&telemetry);
        let (stop, stopped) = watch::channel(false);
        let mut tasks = Vec::new();
        let mut bind = async |router| -> std::io::Result<SocketAddr> {
            let (addr, task) = tasks::serve(router, 0, stopped.clone()).await?;
            tasks.push(task);
            Ok(addr)
        };
        let prometheus = bind(routers.prometheus).await?;
        let alertmanager = bind(routers.alertmanager).await?;
        let opencost = bind(routers.opencost).await?;
        let cost_explorer = bind(routers.cost_explorer).await?;
        opts.extra_control = Some(routers.control);
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", cfg.sim.port)).await?;
        let sim = Sim::serve_with(world.clone(), listener, opts);
        tasks.push(tasks::spawn_sync(
            world,
            telemetry.clone(),
            cfg.router,
            stopped,
        ));
        let ticker = telemetry.spawn_ticker();
        let fleet = RunningFleet {
            addrs: Addrs {
                kube: sim.addr(),
                prometheus,
                alertmanager,
                opencost,
                cost_explorer,
            },
            sim,
            telemetry,
            files,
            stop,
            tasks,
            ticker,
            router: cfg.router,
            workloads_by_metrics: cfg.workloads_by_metrics,
        };
        if let Err(e) = fleet.write_files() {
            fleet.shutdown().await;
            return Err(e);
        }
        Ok(fleet)
    }

    fn write_files(&self) -> std::io::Result<()> {
        let regions: Vec<(String, String, String)> = self
            .sim
            .world()
            .clusters
            .iter()
            .map(|c| {
                let r = &c.region;
                (r.name.clone(), r.provider.clone(), r.cloud_region.clone())
            })
            .collect();
        kubeconfig::write_routed(
            &self.files.dir,
            &self.addrs.urls(),
            &regions,
            self.sim.tokens(),
            self.router,
        )?;
        if self.workloads_by_metrics {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(self.files.dir.join("opsdeck.toml"))?;
            write!(
                f,
                "\n# Every region's workload state from kube-state-metrics through the\n\
                 # simulator's fleet-wide query endpoint (as Thanos Query or Mimir would\n\
                 # serve it); a cluster's API only where you drill in or act.\n\
                 [fleet_metrics]\nurl = \"{}\"\nregion_label = \"region\"\ncluster_label = \"cluster\"\nworkloads = \"metrics\"\n",
                self.addrs.urls().prometheus
            )?;
        }
        Ok(())
    }

    /// The Kubernetes simulator (world, tokens, region faults).
    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// The telemetry (world input, faults, clock).
    pub fn telemetry(&self) -> &Telemetry {
        &self.telemetry
    }

    /// Where the servers listen.
    pub fn addrs(&self) -> &Addrs {
        &self.addrs
    }

    /// The base URLs of the servers.
    pub fn urls(&self) -> FleetUrls {
        self.addrs.urls()
    }

    /// The traffic router the telemetry follows.
    pub fn router(&self) -> TrafficRouter {
        self.router
    }

    /// The files written.
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// Push the world into the telemetry now, without waiting for the sync task.
    pub fn sync_now(&self) {
        tasks::sync_once(self.sim.world(), &self.telemetry, self.router);
    }

    /// Stop the servers and tasks and wait for them (at most a few seconds).
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        self.ticker.abort();
        for t in self.tasks {
            let abort = t.abort_handle();
            if tokio::time::timeout(Duration::from_secs(3), t)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
        self.sim.shutdown().await;
    }
}

/// The file layout of a fleet directory.
pub fn files(dir: &Path) -> Files {
    Files {
        dir: dir.to_path_buf(),
        kubeconfig: dir.join("kubeconfig"),
        config: dir.join("opsdeck.toml"),
        aws_credentials: dir.join("aws-credentials"),
        focus_dir: dir.join("focus"),
    }
}
