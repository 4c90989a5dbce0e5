//! `opsdeck sim` and `opsdeck demo`.

use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;

use super::auth::Role;
use super::config::SimConfig;
use super::fault::{FaultPatch, Faults, parse_flag};
use super::kubeconfig;
use super::server::Sim;

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
    /// Fault at start: REGION:refuse | REGION:unavailable | REGION:latency=MS | REGION:fail
    #[arg(long = "fault", value_name = "REGION:KIND", value_parser = parse_flag)]
    pub faults: Vec<(String, FaultPatch)>,
    /// Image tags containing this go ImagePullBackOff (repeatable)
    #[arg(long = "bad-image", value_name = "PATTERN", default_values_t = ["bad".to_string()])]
    pub bad_image: Vec<String>,
    /// Image tags containing this go CrashLoopBackOff (repeatable)
    #[arg(long = "crash-image", value_name = "PATTERN", default_values_t = ["crash".to_string()])]
    pub crash_image: Vec<String>,
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
            ..SimConfig::default()
        };
        cfg.settings.pull_fail = self.bad_image.clone();
        cfg.settings.crash = self.crash_image.clone();
        let names: Vec<String> = super::world::regions(cfg.regions)
            .into_iter()
            .map(|r| r.name)
            .collect();
        for (region, p) in &self.faults {
            if !names.contains(region) {
                return Err(format!(
                    "--fault: no region {region:?} (regions: {})",
                    names.join(", ")
                ));
            }
            let mut f = Faults::default();
            f.apply(p);
            cfg.faults.push((region.clone(), f));
        }
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

async fn run(args: SimArgs, demo: bool) -> color_eyre::Result<()> {
    let cfg = args.config().map_err(|e| color_eyre::eyre::eyre!(e))?;
    let (regions, pods, seed, speed) = (cfg.regions, cfg.pods_per_cluster, cfg.seed, cfg.speed);
    let sim = Sim::start(cfg).await?;
    let dir = args.dir.clone().unwrap_or_else(fresh_dir);
    let region_info: Vec<(String, String, String)> = sim
        .world()
        .clusters
        .iter()
        .map(|c| {
            (
                c.region.name.clone(),
                c.region.provider.clone(),
                c.region.cloud_region.clone(),
            )
        })
        .collect();
    let (kc, cfg_path) = kubeconfig::write(&dir, &sim.base_url(), &region_info, sim.tokens())?;
    println!(
        "opsdeck {}: {regions} regions, {pods} pods per cluster, seed {seed}, speed {speed}x",
        if demo { "demo" } else { "sim" }
    );
    println!(
        "  API server       {}  (http, and https on the same port; CA in the kubeconfig)",
        sim.base_url()
    );
    for (name, provider, _) in &region_info {
        println!(
            "  {name:<16} {}  (context sim-{name}, {provider})",
            sim.cluster_url(name)
        );
    }
    println!("  kubeconfig       {}", kc.display());
    println!("  opsdeck config   {}", cfg_path.display());
    println!(
        "  faults           curl -X POST -H 'Authorization: Bearer {}' -d '{{\"failed\":true}}' {}/control/regions/<region>/faults",
        sim.token(Role::Admin),
        sim.base_url()
    );
    println!();
    println!(
        "Try: KUBECONFIG={} kubectl get deploy -n shop",
        kc.display()
    );
    if demo {
        println!(
            "The console is not built yet: `opsdeck demo` runs the simulated fleet only. Point a client at the files above."
        );
        println!("Waiting until Ctrl-C.");
    } else {
        println!("Press Ctrl-C (or send SIGTERM) to stop.");
    }
    wait_for_stop().await;
    // stdout may be gone by now (a closed pipe): never panic on it.
    let _ = writeln!(std::io::stdout(), "stopping");
    sim.shutdown().await;
    Ok(())
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}

/// `opsdeck sim`: run the simulator in the foreground.
pub fn run_sim(args: SimArgs) -> color_eyre::Result<()> {
    runtime()?.block_on(run(args, false))
}

/// `opsdeck demo`: run the simulated fleet in-process for the console.
pub fn run_demo(args: DemoArgs) -> color_eyre::Result<()> {
    runtime()?.block_on(run(args.sim, true))
}
