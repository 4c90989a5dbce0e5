//! `opsdeck sim` and `opsdeck demo`.

use std::path::PathBuf;

use clap::Args;

pub mod banner;

use super::config::SimConfig;
use super::fault::Faults;
use super::fleet::flags::{self, StartFault};
use super::fleet::{FleetConfig, RunningFleet};
use super::routing::TrafficRouter;

/// Options of `opsdeck sim` (and `opsdeck demo`).
#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// Number of regions (one cluster each)
    #[arg(long, default_value_t = 4)]
    pub regions: usize,
    /// Pods per cluster (shop services plus background deployments)
    #[arg(long, default_value_t = 60)]
    pub pods_per_cluster: usize,
    /// World seed: the same seed builds the same world
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Time multiplier for rollouts and pod start-up
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Directory for the kubeconfig and opsdeck.toml (default: a fresh temp dir)
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// TCP port on 127.0.0.1 (0: any free port)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Fault at start (repeatable). Kubernetes: REGION:refuse | REGION:unavailable |
    /// REGION:latency=MS | REGION:fail | REGION:racing-writes=N. Telemetry: REGION:latency-spike |
    /// REGION:cost-anomaly | REGION:prometheus-down | REGION:bad-release=SERVICE |
    /// prometheus:down | prometheus:slow=MS | alertmanager:down
    #[arg(long = "fault", value_name = "REGION:KIND", value_parser = flags::parse)]
    pub faults: Vec<StartFault>,
    /// Minutes of telemetry history simulated before the start
    /// (default 15; above 50 regions 3, simulated at 30 s steps, so a large
    /// fleet starts in seconds)
    #[arg(long)]
    pub backfill_minutes: Option<u64>,
    /// Image tags containing this go ImagePullBackOff (repeatable)
    #[arg(long = "bad-image", value_name = "PATTERN", default_values_t = ["bad".to_string()])]
    pub bad_image: Vec<String>,
    /// Image tags containing this go CrashLoopBackOff (repeatable)
    #[arg(long = "crash-image", value_name = "PATTERN", default_values_t = ["crash".to_string()])]
    pub crash_image: Vec<String>,
    /// Append one JSON line per mutating Kubernetes request (kube-apiserver's
    /// audit.k8s.io/v1 Event; region in annotation opsdeck.sim/cluster) to PATH
    #[arg(long, value_name = "PATH")]
    pub audit_log: Option<PathBuf>,
    /// The audit log records watches too: a ResponseStarted line when one
    /// opens, a ResponseComplete line when it ends (needs --audit-log)
    #[arg(long, requires = "audit_log")]
    pub audit_watches: bool,
    /// The traffic router whose weights move the simulated traffic (and that
    /// the written opsdeck.toml names): the Services' ExternalDNS weight
    /// annotations, or the first region's Istio VirtualService or Gateway API
    /// HTTPRoute `shop/<service>`
    #[arg(long, value_enum, default_value_t = TrafficRouter::ExternalDns)]
    pub router: TrafficRouter,
    /// How the written opsdeck.toml reads workload state: `watch` every
    /// cluster, or `metrics` (kube-state-metrics through the fleet-wide query
    /// endpoint). Default: metrics above 50 regions, else watch
    #[arg(long, value_parser = ["watch", "metrics"])]
    pub workloads: Option<String>,
    /// Simulated time at start, as RFC 3339 (e.g. 2026-12-01T15:00:00Z; the
    /// simulated traffic follows the time of day, peaking at 15:00 UTC).
    /// Default: now. Charts read the wall clock's last hour, so a start far
    /// from now leaves them empty
    #[arg(long, value_name = "RFC3339")]
    pub start: Option<jiff::Timestamp>,
}

/// Options of `opsdeck demo`.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// The simulated fleet
    #[command(flatten)]
    pub sim: SimArgs,
}

impl SimArgs {
    /// The simulator configuration.
    pub fn config(&self) -> Result<SimConfig, String> {
        let mut cfg = SimConfig {
            regions: self.regions.max(1),
            pods_per_cluster: self.pods_per_cluster,
            seed: self.seed,
            speed: if self.speed > 0.0 {
                self.speed
            } else {
                return Err("--speed must be positive".into());
            },
            port: self.port,
            start_ms: self.start.map(|t| t.as_millisecond()),
            ..SimConfig::default()
        };
        cfg.settings.pull_fail = self.bad_image.clone();
        cfg.settings.crash = self.crash_image.clone();
        let names: Vec<String> = super::world::regions(cfg.regions)
            .into_iter()
            .map(|r| r.name)
            .collect();
        for fault in &self.faults {
            if let Some(region) = fault.region().filter(|r| !names.iter().any(|n| n == r)) {
                return Err(format!(
                    "--fault: no region {region:?} (regions: {})",
                    names.join(", ")
                ));
            }
            if let StartFault::Kube { region, patch } = fault {
                // Several flags for one region add up.
                match cfg.faults.iter_mut().find(|(r, _)| r == region) {
                    Some((_, f)) => f.apply(patch),
                    None => {
                        let mut f = Faults::default();
                        f.apply(patch);
                        cfg.faults.push((region.clone(), f));
                    }
                }
            }
        }
        Ok(cfg)
    }

    /// The whole fleet's configuration.
    pub fn fleet_config(&self) -> Result<FleetConfig, String> {
        let mut cfg = FleetConfig::new(self.config()?, self.dir.clone().unwrap_or_else(fresh_dir));
        cfg.telemetry_faults = flags::telemetry_faults(&self.faults);
        let large = self.regions > super::fleet::METRICS_MODE_ABOVE;
        let minutes = self.backfill_minutes.unwrap_or(if large { 3 } else { 15 });
        cfg.backfill = std::time::Duration::from_secs(minutes * 60);
        cfg.backfill_step = large.then(|| std::time::Duration::from_secs(30));
        if large {
            // Memory: the watch history held 10,000 whole objects per
            // cluster (~3 KB each): at 200 clusters it filled toward 6 GB
            // as pods changed. A tenth still spans 10x each cluster's pods.
            cfg.sim.settings.watch_history = super::store::HISTORY / 10;
            // Memory: at 200 clusters x 100 pods the fleet has ~1.5M series;
            // sampled every 10 s for 6 h the simulator grew by 150 MB a
            // minute toward 50 GB. Every 30 s (a common scrape interval for
            // big fleets) for 20 minutes it stays near 1 GB.
            cfg.sample_every = std::time::Duration::from_secs(30);
            cfg.retention = std::time::Duration::from_secs(20 * 60);
        }
        cfg.audit_log = self.audit_log.clone();
        cfg.audit_watches = self.audit_watches;
        cfg.router = self.router;
        cfg.workloads_by_metrics = match self.workloads.as_deref() {
            Some(w) => w == "metrics",
            None => self.regions > super::fleet::METRICS_MODE_ABOVE,
        };
        Ok(cfg)
    }
}

fn fresh_dir() -> PathBuf {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    std::env::temp_dir().join(format!("opsdeck-sim-{}-{stamp}", std::process::id()))
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Start the fleet `args` describe (into `args.dir` or a fresh temp dir).
pub async fn start_fleet(args: &SimArgs) -> color_eyre::Result<RunningFleet> {
    let cfg = args
        .fleet_config()
        .map_err(|e| color_eyre::eyre::eyre!(e))?;
    Ok(RunningFleet::start(cfg).await?)
}

/// `opsdeck demo`, first half: start the fleet on the current runtime and
/// return it with the opsdeck config to open the console on. Prints one
/// line to stderr (the console takes the screen). The caller runs the
/// console, then [`RunningFleet::shutdown`].
pub async fn start_demo(args: &DemoArgs) -> color_eyre::Result<(RunningFleet, PathBuf)> {
    let fleet = start_fleet(&args.sim).await?;
    let config = fleet.files().config.clone();
    eprintln!(
        "opsdeck demo: simulated fleet on {} (config {}, control {}/control)",
        fleet.addrs().kube.ip(),
        config.display(),
        fleet.sim().base_url()
    );
    Ok((fleet, config))
}

async fn run(args: SimArgs) -> color_eyre::Result<()> {
    let fleet = start_fleet(&args).await?;
    let mut out = std::io::stdout().lock();
    banner::write(&mut out, &args, &fleet)?;
    drop(out);
    wait_for_stop().await;
    println!("stopping");
    fleet.shutdown().await;
    Ok(())
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}

/// `opsdeck sim`: run the simulated fleet in the foreground until Ctrl-C
/// or SIGTERM.
pub fn run_sim(args: SimArgs) -> color_eyre::Result<()> {
    runtime()?.block_on(run(args))
}
