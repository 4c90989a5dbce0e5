//! Cloud list prices used by the cost model, as data.
//!
//! Sources (on-demand, Linux, pay-as-you-go list prices in USD per hour as
//! published by each provider in 2024):
//! - AWS: "Amazon EC2 On-Demand Pricing" (aws.amazon.com/ec2/pricing/on-demand),
//!   Linux, per region; EBS gp3 from "Amazon EBS pricing".
//! - Google Cloud: "VM instance pricing" (cloud.google.com/compute/vm-instance-pricing),
//!   N2 predefined machine types, europe-west4; balanced PD from "Disk pricing".
//! - Azure: "Linux Virtual Machines Pricing" (azure.microsoft.com/pricing/details/virtual-machines/linux),
//!   Dsv5 series, East US; Premium SSD v2 approximated per GB-month from "Managed Disks pricing".
//!
//! Network egress uses each provider's first internet-egress tier per GB.

use super::input::Provider;

/// (provider, cloud region, instance type, USD per hour).
const INSTANCE_PRICES: &[(Provider, &str, &str, f64)] = &[
    (Provider::Aws, "us-east-1", "m5.large", 0.096),
    (Provider::Aws, "us-east-1", "m5.xlarge", 0.192),
    (Provider::Aws, "us-east-1", "m5.2xlarge", 0.384),
    (Provider::Aws, "us-east-1", "c5.xlarge", 0.17),
    (Provider::Aws, "eu-west-1", "m5.large", 0.107),
    (Provider::Aws, "eu-west-1", "m5.xlarge", 0.214),
    (Provider::Aws, "eu-west-1", "m5.2xlarge", 0.428),
    (Provider::Aws, "eu-west-1", "c5.xlarge", 0.192),
    (Provider::Gcp, "europe-west4", "n2-standard-2", 0.1069),
    (Provider::Gcp, "europe-west4", "n2-standard-4", 0.2138),
    (Provider::Gcp, "europe-west4", "n2-standard-8", 0.4276),
    (Provider::Azure, "eastus", "Standard_D2s_v5", 0.096),
    (Provider::Azure, "eastus", "Standard_D4s_v5", 0.192),
    (Provider::Azure, "eastus", "Standard_D8s_v5", 0.384),
];

/// Hourly on-demand price of an instance type, if it is in the list.
pub fn instance_hourly(provider: Provider, cloud_region: &str, instance_type: &str) -> Option<f64> {
    INSTANCE_PRICES
        .iter()
        .find(|(p, r, t, _)| *p == provider && *r == cloud_region && *t == instance_type)
        .map(|(_, _, _, price)| *price)
}

/// Hourly price for a node, falling back to a per-vCPU estimate for
/// instance types missing from the list (0.048 USD per vCPU-hour, the
/// general-purpose average of the list above).
pub fn node_hourly(
    provider: Provider,
    cloud_region: &str,
    instance_type: &str,
    cpu_cores: f64,
) -> f64 {
    instance_hourly(provider, cloud_region, instance_type).unwrap_or(0.048 * cpu_cores)
}

/// Block storage, USD per GB-month: EBS gp3 0.08, GCP balanced PD 0.10 (europe-west4 0.11),
/// Azure managed disk ~0.12.
pub fn storage_gb_month(provider: Provider) -> f64 {
    match provider {
        Provider::Aws => 0.08,
        Provider::Gcp => 0.11,
        Provider::Azure => 0.12,
    }
}

/// Internet egress, USD per GB (first tier): AWS 0.09, GCP 0.12, Azure 0.087.
pub fn egress_gb(provider: Provider) -> f64 {
    match provider {
        Provider::Aws => 0.09,
        Provider::Gcp => 0.12,
        Provider::Azure => 0.087,
    }
}

/// Hours in a billing month as the providers count them.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// Disk attached to every node, GB.
pub const NODE_DISK_GB: f64 = 100.0;

/// Share of a node's price attributed to CPU (the rest to memory); GCP's N2
/// per-vCPU and per-GB prices give about this split for standard shapes.
pub const CPU_COST_SHARE: f64 = 0.65;

/// The service name providers use for compute in billing exports.
pub fn compute_service_name(provider: Provider) -> &'static str {
    match provider {
        Provider::Aws => "Amazon Elastic Compute Cloud - Compute",
        Provider::Gcp => "Compute Engine",
        Provider::Azure => "Virtual Machines",
    }
}

/// The service name providers use for block storage in billing exports.
pub fn storage_service_name(provider: Provider) -> &'static str {
    match provider {
        Provider::Aws => "EC2 - Other",
        Provider::Gcp => "Compute Engine",
        Provider::Azure => "Storage",
    }
}

/// The service name providers use for data transfer in billing exports.
pub fn network_service_name(provider: Provider) -> &'static str {
    match provider {
        Provider::Aws => "AWS Data Transfer",
        Provider::Gcp => "Networking",
        Provider::Azure => "Bandwidth",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// vCPUs of the listed instance types, from the providers' published
    /// specifications (not from the price table).
    const VCPUS: &[(&str, f64)] = &[
        ("m5.large", 2.0),
        ("m5.xlarge", 4.0),
        ("m5.2xlarge", 8.0),
        ("c5.xlarge", 4.0),
        ("n2-standard-2", 2.0),
        ("n2-standard-4", 4.0),
        ("n2-standard-8", 8.0),
        ("Standard_D2s_v5", 2.0),
        ("Standard_D4s_v5", 4.0),
        ("Standard_D8s_v5", 8.0),
    ];

    fn price(p: Provider, region: &str, t: &str) -> f64 {
        instance_hourly(p, region, t).unwrap_or_else(|| panic!("{t} in {region} is not listed"))
    }

    fn per_vcpu(p: Provider, region: &str, t: &str) -> f64 {
        let cpus = VCPUS.iter().find(|(n, _)| *n == t).map(|(_, c)| *c);
        price(p, region, t) / cpus.unwrap_or_else(|| panic!("no vCPUs for {t}"))
    }

    #[test]
    fn a_size_up_in_one_family_doubles_the_price() {
        for (p, region, family) in [
            (
                Provider::Aws,
                "us-east-1",
                ["m5.large", "m5.xlarge", "m5.2xlarge"],
            ),
            (
                Provider::Aws,
                "eu-west-1",
                ["m5.large", "m5.xlarge", "m5.2xlarge"],
            ),
            (
                Provider::Gcp,
                "europe-west4",
                ["n2-standard-2", "n2-standard-4", "n2-standard-8"],
            ),
            (
                Provider::Azure,
                "eastus",
                ["Standard_D2s_v5", "Standard_D4s_v5", "Standard_D8s_v5"],
            ),
        ] {
            let base = per_vcpu(p, region, family[0]);
            for t in family {
                let v = per_vcpu(p, region, t);
                assert!(
                    (v - base).abs() < 1e-9,
                    "{t} in {region}: {v} per vCPU, not {base}"
                );
            }
        }
    }

    #[test]
    fn ireland_costs_more_than_virginia_and_compute_optimised_less_than_general() {
        for t in ["m5.large", "m5.xlarge", "m5.2xlarge", "c5.xlarge"] {
            assert!(
                price(Provider::Aws, "eu-west-1", t) > price(Provider::Aws, "us-east-1", t),
                "{t}"
            );
        }
        for region in ["us-east-1", "eu-west-1"] {
            assert!(
                price(Provider::Aws, region, "c5.xlarge")
                    < price(Provider::Aws, region, "m5.xlarge")
            );
        }
        // Nothing is listed where it is not sold under that name.
        assert_eq!(
            instance_hourly(Provider::Gcp, "us-east-1", "m5.large"),
            None
        );
        assert_eq!(
            instance_hourly(Provider::Aws, "eastus", "Standard_D2s_v5"),
            None
        );
    }

    #[test]
    fn published_list_prices() {
        // Amazon EC2 On-Demand Pricing, Linux, US East (N. Virginia), 2024:
        // m5.large $0.096 per hour (aws.amazon.com/ec2/pricing/on-demand).
        assert_eq!(
            instance_hourly(Provider::Aws, "us-east-1", "m5.large"),
            Some(0.096)
        );
        // Azure Linux Virtual Machines pricing, East US, pay as you go, 2024:
        // D2s v5 $0.096 per hour (azure.microsoft.com/pricing/details/virtual-machines/linux).
        assert_eq!(
            instance_hourly(Provider::Azure, "eastus", "Standard_D2s_v5"),
            Some(0.096)
        );
        // Google Cloud VM instance pricing, 2024: n2-standard-2 is $0.097118 per
        // hour in us-central1, the cheapest region; europe-west4 costs more.
        assert!(price(Provider::Gcp, "europe-west4", "n2-standard-2") > 0.097118);
    }

    #[test]
    fn unlisted_types_are_priced_per_vcpu_within_the_listed_range() {
        let four = node_hourly(Provider::Gcp, "nowhere", "x", 4.0);
        assert!((node_hourly(Provider::Gcp, "nowhere", "x", 8.0) - 2.0 * four).abs() < 1e-12);
        let listed: Vec<f64> = INSTANCE_PRICES
            .iter()
            .map(|(p, r, t, _)| per_vcpu(*p, r, t))
            .collect();
        let (lo, hi) = listed
            .iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
        let est = four / 4.0;
        assert!(
            lo <= est && est <= hi,
            "{est} per vCPU outside [{lo}, {hi}]"
        );
    }
}
