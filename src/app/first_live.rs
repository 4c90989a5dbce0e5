//! An honest observation point for start-up benchmarks: with
//! `OPSDECK_EXIT_WHEN_LIVE=1`, the console exits after the first frame in
//! which every region's health and SLO figures are live (watches open,
//! Prometheus answered), printing the milliseconds since the process
//! started (read from /proc, so config loading and the runtime's start-up
//! count too).

use super::state::AppState;

/// Whether the variable asks for it.
pub fn wanted() -> bool {
    std::env::var("OPSDECK_EXIT_WHEN_LIVE").is_ok_and(|v| v == "1")
}

/// Every region of the frame just drawn is live, and every watch of every
/// cluster has listed (pods included: a cluster that only answered its
/// probe is not yet showing its objects).
pub fn reached(app: &AppState) -> bool {
    use crate::config::file::WorkloadMode;
    use crate::model::SourceKind;
    let watched = |region: &str| {
        app.config
            .regions
            .iter()
            .find(|r| r.name == region)
            .is_none_or(|r| r.workloads == WorkloadMode::Watch)
    };
    !app.snapshot.regions.is_empty()
        && app.snapshot.regions.iter().all(|r| {
            let contexts = app
                .region_specs
                .iter()
                .filter(|s| s.name == r.name)
                .flat_map(|s| s.contexts.iter());
            let listed = |ctx: &String| {
                r.sources
                    .iter()
                    .any(|s| s.kind == SourceKind::Kubernetes && s.name == *ctx && s.watching)
            };
            r.health_age_seconds == Some(0)
                && !r.stale
                && (!watched(&r.name) || contexts.clone().all(listed))
        })
}

/// Milliseconds since this process started (None off Linux).
pub fn since_process_start() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Field 22 (starttime, in clock ticks since boot), after the `)` that
    // ends the command name.
    let after = stat.rsplit_once(')')?.1;
    let start_ticks: f64 = after.split_whitespace().nth(19)?.parse().ok()?;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    // Linux reports starttime in USER_HZ, 100 on every supported target.
    let ms = (uptime - start_ticks / 100.0) * 1000.0;
    (ms >= 0.0).then_some(ms as u64)
}
