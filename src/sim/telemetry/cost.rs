//! The cost model: nodes priced from the list in [`super::prices`],
//! allocated to services by their pods' resource requests; storage and
//! network as smaller lines; a cost anomaly bills extra nodes.

use std::collections::BTreeMap;

use super::input::{NodeInput, RegionInput};
use super::model::ServiceLoad;
use super::prices;

/// Extra nodes a region bills while its cost anomaly is on, per real node.
pub const ANOMALY_NODE_FACTOR: usize = 2;

/// Average response size used for egress cost, bytes.
pub const RESPONSE_BYTES: f64 = 24_000.0;

/// A billed node and its hourly price.
#[derive(Debug, Clone, PartialEq)]
pub struct PricedNode {
    pub node: NodeInput,
    pub hourly: f64,
    /// Billed but not part of the cluster's scheduling (cost-anomaly nodes).
    pub anomaly: bool,
}

/// The nodes a region is billed for: its real nodes plus, during a cost
/// anomaly, `ANOMALY_NODE_FACTOR` extra copies of each (a runaway node group).
pub fn billed_nodes(region: &RegionInput) -> Vec<PricedNode> {
    let price = |n: &NodeInput| {
        prices::node_hourly(
            region.provider,
            &region.cloud_region,
            &n.instance_type,
            n.cpu_cores,
        )
    };
    let mut out: Vec<PricedNode> = region
        .nodes
        .iter()
        .map(|n| PricedNode {
            node: n.clone(),
            hourly: price(n),
            anomaly: false,
        })
        .collect();
    if region.cost_anomaly {
        for k in 0..ANOMALY_NODE_FACTOR {
            for n in &region.nodes {
                let mut extra = n.clone();
                extra.name = format!("{}-surge-{k}", n.name);
                out.push(PricedNode {
                    hourly: price(&extra),
                    node: extra,
                    anomaly: true,
                });
            }
        }
    }
    out
}

/// One service's (or the idle remainder's) hourly cost in a region.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Allocation {
    pub cpu_cost: f64,
    pub ram_cost: f64,
    pub pv_cost: f64,
    pub network_cost: f64,
    pub cpu_core_request: f64,
    pub ram_byte_request: f64,
    pub cpu_core_usage: f64,
    pub ram_byte_usage: f64,
}

impl Allocation {
    /// Adds `a`'s costs and resource figures to these.
    pub fn add(&mut self, a: &Allocation) {
        self.cpu_cost += a.cpu_cost;
        self.ram_cost += a.ram_cost;
        self.pv_cost += a.pv_cost;
        self.network_cost += a.network_cost;
        self.cpu_core_request += a.cpu_core_request;
        self.ram_byte_request += a.ram_byte_request;
        self.cpu_core_usage += a.cpu_core_usage;
        self.ram_byte_usage += a.ram_byte_usage;
    }

    pub fn total(&self) -> f64 {
        self.cpu_cost + self.ram_cost + self.pv_cost + self.network_cost
    }
}

/// Name OpenCost uses for unallocated node cost.
pub const IDLE: &str = "__idle__";

/// Hourly cost of a region by service (plus `__idle__`), given the
/// services' current load (for usage and egress).
pub fn allocate(region: &RegionInput, loads: &[ServiceLoad]) -> BTreeMap<String, Allocation> {
    let nodes = billed_nodes(region);
    let mut out: BTreeMap<String, Allocation> = BTreeMap::new();
    let mut node_cpu_used: BTreeMap<&str, f64> = BTreeMap::new();
    let mut node_ram_used: BTreeMap<&str, f64> = BTreeMap::new();
    let storage_per_node =
        prices::NODE_DISK_GB * prices::storage_gb_month(region.provider) / prices::HOURS_PER_MONTH;
    for svc in &region.services {
        let a = out.entry(svc.name.clone()).or_default();
        for pod in &svc.pods {
            let Some(node) = nodes.iter().find(|n| n.node.name == pod.node) else {
                continue;
            };
            let cpu_price = node.hourly * prices::CPU_COST_SHARE / node.node.cpu_cores.max(1e-9);
            let ram_price =
                node.hourly * (1.0 - prices::CPU_COST_SHARE) / node.node.memory_bytes.max(1.0);
            a.cpu_cost += svc.cpu_request_cores * cpu_price;
            a.ram_cost += svc.memory_request_bytes * ram_price;
            a.cpu_core_request += svc.cpu_request_cores;
            a.ram_byte_request += svc.memory_request_bytes;
            *node_cpu_used.entry(node.node.name.as_str()).or_default() += svc.cpu_request_cores;
            *node_ram_used.entry(node.node.name.as_str()).or_default() += svc.memory_request_bytes;
            // A pod's share of its node's disk, by CPU request.
            a.pv_cost += storage_per_node * svc.cpu_request_cores / node.node.cpu_cores.max(1e-9);
        }
        if let Some(load) = loads.iter().find(|l| l.service == svc.name) {
            a.cpu_core_usage = load.pods.iter().map(|p| p.cpu_cores).sum();
            a.ram_byte_usage = load.pods.iter().map(|p| p.memory_bytes).sum();
            let gb_per_hour = load.rps * 3600.0 * RESPONSE_BYTES / 1e9;
            a.network_cost = gb_per_hour * prices::egress_gb(region.provider);
        }
    }
    let idle = out.entry(IDLE.to_string()).or_default();
    for n in &nodes {
        let used_cpu = node_cpu_used
            .get(n.node.name.as_str())
            .copied()
            .unwrap_or(0.0);
        let used_ram = node_ram_used
            .get(n.node.name.as_str())
            .copied()
            .unwrap_or(0.0);
        let cpu_total = n.hourly * prices::CPU_COST_SHARE;
        let ram_total = n.hourly * (1.0 - prices::CPU_COST_SHARE);
        idle.cpu_cost += (cpu_total * (1.0 - used_cpu / n.node.cpu_cores.max(1e-9))).max(0.0);
        idle.ram_cost += (ram_total * (1.0 - used_ram / n.node.memory_bytes.max(1.0))).max(0.0);
        idle.pv_cost += storage_per_node * (1.0 - used_cpu / n.node.cpu_cores.max(1e-9)).max(0.0);
    }
    out
}

/// Total hourly cost of a region (nodes, disks, egress).
pub fn region_hourly(region: &RegionInput, loads: &[ServiceLoad]) -> f64 {
    allocate(region, loads)
        .values()
        .map(Allocation::total)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::telemetry::fixture;

    #[test]
    fn allocation_adds_up_to_node_cost() {
        let w = fixture::world();
        let r = &w.regions[0];
        let alloc = allocate(r, &[]);
        let nodes: f64 = billed_nodes(r).iter().map(|n| n.hourly).sum();
        let compute: f64 = alloc.values().map(|a| a.cpu_cost + a.ram_cost).sum();
        assert!((nodes - compute).abs() < 1e-9, "{nodes} vs {compute}");
        let mut spiked = r.clone();
        spiked.cost_anomaly = true;
        assert!(region_hourly(&spiked, &[]) > 2.5 * region_hourly(r, &[]));
    }

    #[test]
    fn cost_grows_with_every_node_by_the_same_amount() {
        let w = fixture::world();
        let base = w.regions[0].clone();
        let with = |extra: usize| {
            let mut r = base.clone();
            for k in 0..extra {
                let mut n = base.nodes[0].clone();
                n.name = format!("extra-{k}");
                r.nodes.push(n);
            }
            region_hourly(&r, &[])
        };
        let (c0, c1, c2) = (with(0), with(1), with(2));
        assert!(c1 > c0, "{c1} <= {c0}");
        assert!(((c2 - c1) - (c1 - c0)).abs() < 1e-9, "{c0} {c1} {c2}");
        // A bigger node of the same family costs more to add.
        let mut big = base.clone();
        let mut n = base.nodes[0].clone();
        n.name = "extra-big".into();
        n.cpu_cores *= 2.0;
        n.memory_bytes *= 2.0;
        n.instance_type = "unlisted".into();
        big.nodes.push(n);
        let mut small = base.clone();
        let mut n = base.nodes[0].clone();
        n.name = "extra-small".into();
        n.instance_type = "unlisted".into();
        small.nodes.push(n);
        assert!(region_hourly(&big, &[]) > region_hourly(&small, &[]));
    }
}
