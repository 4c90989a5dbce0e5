//! The cost ledger: hourly buckets of accrued cost, by service (for
//! allocation APIs) and by cloud resource (for provider billing), with the
//! starting world's steady rate standing in for time before the simulator
//! started.

use std::collections::BTreeMap;

use super::cost::{self, Allocation};
use super::input::{Provider, WorldInput};
use super::model::ServiceLoad;
use super::prices;

pub const HOUR_MS: i64 = 3_600_000;

/// What a resource line is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CostKind {
    Compute,
    Storage,
    Network,
}

/// One cloud resource's cost in a bucket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceCost {
    pub cost: f64,
    /// Usage quantity in the resource's unit (hours, GB-months, GB).
    pub quantity: f64,
}

/// Identifies a resource line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResourceKey {
    pub region: String,
    pub kind: CostKind,
    /// Node name for compute and storage, `egress` for network.
    pub resource: String,
    /// Instance type for compute, unit otherwise.
    pub sku: String,
    /// Service tag: the service using most of the resource, if any.
    pub service_tag: String,
}

/// Region facts billing exports need.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionInfo {
    pub provider: Provider,
    pub cloud_region: String,
    pub cluster: String,
}

/// Hourly cost rates of the world at an instant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rates {
    pub alloc: BTreeMap<(String, String), Allocation>,
    pub resources: BTreeMap<ResourceKey, ResourceCost>,
}

/// Per-hour rates of the world as it is now.
pub fn rates(world: &WorldInput, loads: &[(String, ServiceLoad)]) -> Rates {
    let mut out = Rates::default();
    for r in &world.regions {
        let region_loads: Vec<ServiceLoad> = loads
            .iter()
            .filter(|(rn, _)| *rn == r.name)
            .map(|(_, l)| l.clone())
            .collect();
        for (svc, a) in cost::allocate(r, &region_loads) {
            out.alloc.insert((r.name.clone(), svc), a);
        }
        let storage_hourly =
            prices::NODE_DISK_GB * prices::storage_gb_month(r.provider) / prices::HOURS_PER_MONTH;
        for n in cost::billed_nodes(r) {
            let tag = r
                .services
                .iter()
                .max_by(|a, b| {
                    let share = |s: &super::input::ServiceInput| {
                        s.pods.iter().filter(|p| p.node == n.node.name).count()
                    };
                    share(a).cmp(&share(b))
                })
                .filter(|s| s.pods.iter().any(|p| p.node == n.node.name))
                .map(|s| s.name.clone())
                .unwrap_or_default();
            out.resources.insert(
                ResourceKey {
                    region: r.name.clone(),
                    kind: CostKind::Compute,
                    resource: n.node.name.clone(),
                    sku: n.node.instance_type.clone(),
                    service_tag: tag.clone(),
                },
                ResourceCost {
                    cost: n.hourly,
                    quantity: 1.0,
                },
            );
            out.resources.insert(
                ResourceKey {
                    region: r.name.clone(),
                    kind: CostKind::Storage,
                    resource: format!("{}-disk", n.node.name),
                    sku: "GB-Mo".into(),
                    service_tag: tag,
                },
                ResourceCost {
                    cost: storage_hourly,
                    quantity: prices::NODE_DISK_GB / prices::HOURS_PER_MONTH,
                },
            );
        }
        let egress_gb: f64 = region_loads
            .iter()
            .map(|l| l.rps * 3600.0 * cost::RESPONSE_BYTES / 1e9)
            .sum();
        out.resources.insert(
            ResourceKey {
                region: r.name.clone(),
                kind: CostKind::Network,
                resource: format!("{}-egress", r.cluster),
                sku: "GB".into(),
                service_tag: String::new(),
            },
            ResourceCost {
                cost: egress_gb * prices::egress_gb(r.provider),
                quantity: egress_gb,
            },
        );
    }
    out
}

/// Accrued cost since the simulator started, plus the starting rates for
/// earlier time.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub start_ms: Option<i64>,
    pub last_ms: i64,
    pub baseline: Rates,
    pub regions: BTreeMap<String, RegionInfo>,
    pub alloc: BTreeMap<(i64, String, String), Allocation>,
    pub resources: BTreeMap<(i64, ResourceKey), ResourceCost>,
}

fn scale_alloc(a: &Allocation, hours: f64) -> Allocation {
    Allocation {
        cpu_cost: a.cpu_cost * hours,
        ram_cost: a.ram_cost * hours,
        pv_cost: a.pv_cost * hours,
        network_cost: a.network_cost * hours,
        cpu_core_request: a.cpu_core_request * hours,
        ram_byte_request: a.ram_byte_request * hours,
        cpu_core_usage: a.cpu_core_usage * hours,
        ram_byte_usage: a.ram_byte_usage * hours,
    }
}

impl Ledger {
    /// Accrue `rates` over `[from, to)`, split at hour boundaries.
    pub fn accrue(&mut self, world: &WorldInput, rates: &Rates, from_ms: i64, to_ms: i64) {
        for r in &world.regions {
            self.regions.insert(
                r.name.clone(),
                RegionInfo {
                    provider: r.provider,
                    cloud_region: r.cloud_region.clone(),
                    cluster: r.cluster.clone(),
                },
            );
        }
        if self.start_ms.is_none() {
            self.start_ms = Some(from_ms);
            self.baseline = rates.clone();
        }
        self.last_ms = self.last_ms.max(to_ms);
        let mut t = from_ms;
        while t < to_ms {
            let hour = t.div_euclid(HOUR_MS) * HOUR_MS;
            let end = (hour + HOUR_MS).min(to_ms);
            let hours = (end - t) as f64 / HOUR_MS as f64;
            for ((region, svc), a) in &rates.alloc {
                let e = self
                    .alloc
                    .entry((hour, region.clone(), svc.clone()))
                    .or_default();
                e.add(&scale_alloc(a, hours));
            }
            for (k, c) in &rates.resources {
                let e = self.resources.entry((hour, k.clone())).or_default();
                e.cost += c.cost * hours;
                e.quantity += c.quantity * hours;
            }
            t = end;
        }
    }

    /// Hours of `[from, to)` before the simulator started.
    fn baseline_hours(&self, from_ms: i64, to_ms: i64) -> f64 {
        let start = self.start_ms.unwrap_or(to_ms);
        ((to_ms.min(start) - from_ms).max(0)) as f64 / HOUR_MS as f64
    }

    /// Cost by (region, service) accrued in `[from, to)`.
    pub fn alloc_between(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> BTreeMap<(String, String), Allocation> {
        let mut out: BTreeMap<(String, String), Allocation> = BTreeMap::new();
        let base_h = self.baseline_hours(from_ms, to_ms);
        if base_h > 0.0 {
            for (k, a) in &self.baseline.alloc {
                out.entry(k.clone())
                    .or_default()
                    .add(&scale_alloc(a, base_h));
            }
        }
        for ((hour, region, svc), a) in self.alloc.range(
            (
                from_ms.div_euclid(HOUR_MS) * HOUR_MS,
                String::new(),
                String::new(),
            )..,
        ) {
            if *hour >= to_ms {
                break;
            }
            let overlap = self.overlap_fraction(*hour, from_ms, to_ms);
            out.entry((region.clone(), svc.clone()))
                .or_default()
                .add(&scale_alloc(a, overlap));
        }
        out
    }

    /// Cost by resource accrued in `[from, to)`.
    pub fn resources_between(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> BTreeMap<ResourceKey, ResourceCost> {
        self.resources_between_where(from_ms, to_ms, |_| true)
    }

    /// [`Self::resources_between`] for the resources `keep` accepts only,
    /// reading just the hours that overlap (a Cost Explorer request for one
    /// region of hundreds must not walk, and copy, the whole fleet's ledger
    /// once per day it asks for).
    pub fn resources_between_where(
        &self,
        from_ms: i64,
        to_ms: i64,
        keep: impl Fn(&ResourceKey) -> bool,
    ) -> BTreeMap<ResourceKey, ResourceCost> {
        let mut out: BTreeMap<ResourceKey, ResourceCost> = BTreeMap::new();
        let base_h = self.baseline_hours(from_ms, to_ms);
        if base_h > 0.0 {
            for (k, c) in self.baseline.resources.iter().filter(|(k, _)| keep(k)) {
                let e = out.entry(k.clone()).or_default();
                e.cost += c.cost * base_h;
                e.quantity += c.quantity * base_h;
            }
        }
        let first = ResourceKey {
            region: String::new(),
            kind: CostKind::Compute,
            resource: String::new(),
            sku: String::new(),
            service_tag: String::new(),
        };
        let hours = self
            .resources
            .range((from_ms - HOUR_MS + 1, first)..)
            .take_while(|((hour, _), _)| *hour < to_ms);
        for ((hour, k), c) in hours {
            if *hour + HOUR_MS <= from_ms || !keep(k) {
                continue;
            }
            let f = self.overlap_fraction(*hour, from_ms, to_ms);
            let e = out.entry(k.clone()).or_default();
            e.cost += c.cost * f;
            e.quantity += c.quantity * f;
        }
        out
    }
}

impl Ledger {
    /// Fraction of the hour bucket starting at `hour` that falls inside
    /// `[from, to)`; a bucket covers only the part of its hour the
    /// simulator has run through, and its cost is spread evenly over it.
    fn overlap_fraction(&self, hour: i64, from_ms: i64, to_ms: i64) -> f64 {
        let covered_lo = hour.max(self.start_ms.unwrap_or(hour));
        let covered_hi = (hour + HOUR_MS).min(self.last_ms);
        if covered_hi <= covered_lo {
            return 0.0;
        }
        let lo = covered_lo.max(from_ms);
        let hi = covered_hi.min(to_ms);
        ((hi - lo).max(0)) as f64 / (covered_hi - covered_lo) as f64
    }
}
