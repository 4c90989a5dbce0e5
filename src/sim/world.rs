//! The simulated world: one cluster per region, a shared clock, and faults.

pub mod build;
pub mod catalog;
pub mod routes;

use std::sync::{Arc, Mutex, MutexGuard};

use super::clock::{Clock, wall_now};
use super::cluster::{Cluster, Region};
use super::config::SimConfig;
use super::fault::{FaultPatch, Faults};
use catalog::REGIONS;

/// One cluster with its faults.
#[derive(Debug)]
pub struct ClusterCell {
    /// the region (immutable)
    pub region: Region,
    state: Mutex<Cluster>,
    faults: Mutex<Faults>,
}

fn relock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl ClusterCell {
    /// Lock the cluster state.
    pub fn lock(&self) -> MutexGuard<'_, Cluster> {
        relock(&self.state)
    }

    /// The active faults.
    pub fn faults(&self) -> Faults {
        relock(&self.faults).clone()
    }

    /// Whether the write about to be made meets a racing writer first
    /// ([`Faults::racing_writes`]); counts it down.
    pub fn take_racing_write(&self) -> bool {
        let mut f = relock(&self.faults);
        let race = f.racing_writes > 0;
        f.racing_writes = f.racing_writes.saturating_sub(1);
        race
    }
}

/// The whole simulated fleet.
#[derive(Debug)]
pub struct World {
    /// clusters, in region order
    pub clusters: Vec<Arc<ClusterCell>>,
    /// the shared simulated clock
    pub clock: Arc<Clock>,
    /// the seed it was built from
    pub seed: u64,
}

/// The region list for `n` regions: the catalog, then numbered copies.
pub fn regions(n: usize) -> Vec<Region> {
    (0..n)
        .map(|i| {
            let (name, provider, zones) = REGIONS[i % REGIONS.len()];
            let round = i / REGIONS.len();
            let cluster = if round == 0 {
                name.to_string()
            } else {
                format!("{name}-{}", round + 1)
            };
            Region {
                name: cluster,
                provider: provider.to_string(),
                cloud_region: name.to_string(),
                zones: zones.iter().map(|z| format!("{name}{z}")).collect(),
            }
        })
        .collect()
}

impl World {
    /// Build the seeded world (no server).
    pub fn generate(cfg: &SimConfig) -> World {
        let start = cfg.start_ms.unwrap_or_else(wall_now) / 1000 * 1000;
        let clock = Arc::new(Clock::new(start, cfg.speed));
        let settings = Arc::new(cfg.settings.clone());
        // Build the clusters on a few threads; each is independent.
        let all = regions(cfg.regions.max(1));
        let threads = std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .clamp(1, 4);
        let chunk = all.len().div_ceil(threads).max(1);
        let clusters: Vec<Arc<ClusterCell>> = std::thread::scope(|s| {
            let handles: Vec<_> = all
                .chunks(chunk)
                .map(|part| {
                    let (settings, clock) = (settings.clone(), clock.clone());
                    s.spawn(move || {
                        part.iter()
                            .map(|r| {
                                let c =
                                    build::cluster(r.clone(), cfg, settings.clone(), clock.clone());
                                Arc::new(ClusterCell {
                                    region: r.clone(),
                                    state: Mutex::new(c),
                                    faults: Mutex::new(Faults::default()),
                                })
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });
        // Building took real time that is not simulated time.
        clock.restart();
        let world = World {
            clusters,
            clock,
            seed: cfg.seed,
        };
        for (region, f) in &cfg.faults {
            let patch = FaultPatch {
                refuse: Some(f.refuse),
                unavailable: Some(f.unavailable),
                latency_ms: Some(f.latency_ms),
                failed: Some(f.failed),
                racing_writes: Some(f.racing_writes),
                ..FaultPatch::default()
            };
            // Unknown regions in start flags are rejected by the command line.
            let _ = world.apply_faults(region, &patch);
        }
        world
    }

    /// A cluster by region name.
    pub fn cluster(&self, name: &str) -> Option<&Arc<ClusterCell>> {
        self.clusters.iter().find(|c| c.region.name == name)
    }

    /// Region names.
    pub fn region_names(&self) -> Vec<String> {
        self.clusters
            .iter()
            .map(|c| c.region.name.clone())
            .collect()
    }

    /// Run one controller pass in every cluster.
    pub fn tick(&self) {
        for c in &self.clusters {
            c.lock().tick();
        }
    }

    /// Change a region's faults; returns the faults now active.
    pub fn apply_faults(&self, region: &str, patch: &FaultPatch) -> Result<Faults, String> {
        let cell = self
            .cluster(region)
            .ok_or_else(|| format!("no region {region:?}"))?;
        let now = {
            let mut f = relock(&cell.faults);
            f.apply(patch);
            f.clone()
        };
        let mut c = cell.lock();
        c.set_failed(now.failed);
        if patch.expire_watches {
            c.expire_watches();
        }
        Ok(now)
    }
}
