//! What makes one region's numbers its own: global demand sized to the
//! fleet, a region's daily swing by its local time, and seeded per-region
//! noise and character (slightly faster or slower, slightly more or fewer
//! errors), so regions no longer report identical request rates, error
//! ratios and p95 — while staying within a few percent of each other, so
//! that a real regression stands out.

use std::f64::consts::TAU;

use super::input::{RegionInput, WorldInput};
use super::noise;

/// The service profiles' `peak_global_rps` are sized for a fleet of this
/// many regions; global demand scales with the fleet's region count, so
/// every region carries about the same load whatever `--regions` is.
pub const REFERENCE_REGIONS: f64 = 4.0;

/// How much a `latency-spike` fault multiplies a region's latency (every
/// quantile, p95 included): visibly, but only mildly, worse — below the
/// demo config's absolute `max_p95_seconds`, the case a canary gate's
/// baseline comparison exists for.
pub const LATENCY_SPIKE_FACTOR: f64 = 1.2;

/// Global demand multiplier of `world`: its region count over
/// [`REFERENCE_REGIONS`].
pub fn fleet_scale(world: &WorldInput) -> f64 {
    world.regions.len().max(1) as f64 / REFERENCE_REGIONS
}

/// Hours from UTC of a cloud region's local time (standard time).
pub fn utc_offset_hours(cloud_region: &str) -> f64 {
    match cloud_region {
        "us-east-1" | "eastus" | "us-east4" => -5.0,
        "us-central1" | "centralus" => -6.0,
        "us-west-2" | "westus2" | "us-west1" => -8.0,
        "eu-west-1" | "europe-west2" | "uksouth" => 0.0,
        "europe-west4" | "westeurope" | "eu-central-1" | "europe-west1" => 1.0,
        "ap-southeast-1" | "southeastasia" | "asia-southeast1" => 8.0,
        "asia-northeast1" | "ap-northeast-1" | "japaneast" => 9.0,
        _ => 0.0,
    }
}

/// A region's own daily swing around its share (±8 %): highest in its
/// local afternoon, lowest at night.
pub fn local_factor(region: &RegionInput, t_ms: i64) -> f64 {
    let utc_hours = t_ms.rem_euclid(86_400_000) as f64 / 3_600_000.0;
    let local = utc_hours + utc_offset_hours(&region.cloud_region);
    1.0 + 0.08 * ((local - 9.0) / 24.0 * TAU).sin()
}

/// Seeded request-rate noise of one service in one region (about ±5 %).
pub fn rps_noise(seed: u64, region: &str, service: &str, t_ms: i64) -> f64 {
    let slow = noise::smooth(
        seed,
        &format!("rps-region/{region}/{service}"),
        t_ms,
        120_000,
    );
    let fast = noise::smooth(
        seed,
        &format!("rps-region-fast/{region}/{service}"),
        t_ms,
        15_000,
    );
    1.0 + 0.035 * slow + 0.015 * fast
}

/// Latency multiplier of one service in one region: a fixed character
/// (±2 %) and smooth noise (±2 %).
pub fn latency_factor(seed: u64, region: &str, service: &str, t_ms: i64) -> f64 {
    let character = 2.0 * noise::unit(seed, &format!("latency-bias/{region}/{service}")) - 1.0;
    let wobble = noise::smooth(seed, &format!("latency/{region}/{service}"), t_ms, 60_000);
    (1.0 + 0.02 * character) * (1.0 + 0.02 * wobble)
}

/// Background application error ratio of one service in one region:
/// around 0.1 % (0.07 %–0.13 % by region, ±20 % noise).
pub fn base_error_ratio(seed: u64, region: &str, service: &str, t_ms: i64) -> f64 {
    let character = 0.7 + 0.6 * noise::unit(seed, &format!("error-bias/{region}/{service}"));
    let wobble = noise::smooth(seed, &format!("errors/{region}/{service}"), t_ms, 45_000);
    0.001 * character * (1.0 + 0.2 * wobble)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_differ_but_stay_close() {
        let t = 1_700_060_400_000;
        let a = rps_noise(1, "us-east-1", "checkout", t);
        let b = rps_noise(1, "eu-west-1", "checkout", t);
        assert_ne!(a, b);
        assert!((0.95..=1.05).contains(&a) && (0.95..=1.05).contains(&b));
        for r in ["us-east-1", "eu-west-1", "eastus"] {
            let l = latency_factor(1, r, "checkout", t);
            assert!((0.95..=1.05).contains(&l), "{l}");
            let e = base_error_ratio(1, r, "checkout", t);
            assert!((0.0005..=0.0016).contains(&e), "{e}");
        }
        const { assert!(LATENCY_SPIKE_FACTOR - 1.0 > 0.1) };
    }

    #[test]
    fn demand_scales_with_the_fleet() {
        let mut w = WorldInput {
            regions: Vec::new(),
        };
        assert_eq!(fleet_scale(&w), 0.25);
        w.regions = crate::sim::telemetry::fixture::world().regions;
        assert_eq!(fleet_scale(&w), w.regions.len() as f64 / 4.0);
    }
}
