//! What world to build and how it behaves.

use super::clock::Millis;
use super::fault::Faults;

/// Settings shared by every cluster while it runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// an image whose tag contains one of these goes ImagePullBackOff
    pub pull_fail: Vec<String>,
    /// an image whose tag contains one of these goes CrashLoopBackOff
    pub crash: Vec<String>,
    /// simulated ms from creation to ContainerCreating
    pub schedule_ms: Millis,
    /// simulated ms from creation to Running/Ready
    pub ready_ms: Millis,
    /// simulated ms a deleted pod stays Terminating
    pub terminate_ms: Millis,
    /// simulated ms between HPA evaluations
    pub hpa_every_ms: Millis,
    /// changes each cluster keeps for watches resuming from an older
    /// resourceVersion (older ones get 410 Gone); each holds a whole object
    pub watch_history: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            pull_fail: vec!["bad".to_string()],
            crash: vec!["crash".to_string()],
            schedule_ms: 300,
            ready_ms: 1_500,
            terminate_ms: 1_000,
            hpa_every_ms: 15_000,
            watch_history: super::store::HISTORY,
        }
    }
}

/// How an image behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFate {
    /// starts and becomes ready
    Good,
    /// cannot be pulled
    PullFail,
    /// starts and crashes
    Crash,
}

impl Settings {
    /// What happens to a container running `image`.
    pub fn fate(&self, image: &str) -> ImageFate {
        let tag = image_tag(image);
        if self
            .crash
            .iter()
            .any(|p| !p.is_empty() && tag.contains(p.as_str()))
        {
            ImageFate::Crash
        } else if self
            .pull_fail
            .iter()
            .any(|p| !p.is_empty() && tag.contains(p.as_str()))
        {
            ImageFate::PullFail
        } else {
            ImageFate::Good
        }
    }
}

/// The tag of an image reference (after the last `:` that follows the last `/`).
pub fn image_tag(image: &str) -> &str {
    let last = image.rsplit('/').next().unwrap_or(image);
    let last = last.split('@').next().unwrap_or(last);
    match last.rsplit_once(':') {
        Some((_, tag)) => tag,
        None => "latest",
    }
}

/// The whole simulator configuration.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// number of regions (one cluster each); the first four are the
    /// standard aws us-east-1, aws eu-west-1, gcp europe-west4, azure eastus
    pub regions: usize,
    /// pods per cluster; beyond the shop services, background deployments
    /// in namespace `platform` fill the rest
    pub pods_per_cluster: usize,
    /// world seed
    pub seed: u64,
    /// time multiplier
    pub speed: f64,
    /// simulated start time (default: the wall clock)
    pub start_ms: Option<Millis>,
    /// TCP port on 127.0.0.1 (0: any free port)
    pub port: u16,
    /// runtime behaviour
    pub settings: Settings,
    /// faults active from the start, per region name
    pub faults: Vec<(String, Faults)>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            regions: 4,
            pods_per_cluster: 60,
            seed: 42,
            speed: 1.0,
            start_ms: None,
            port: 0,
            settings: Settings::default(),
            faults: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fates() {
        let s = Settings::default();
        assert_eq!(s.fate("registry:5000/shop/web:1.2"), ImageFate::Good);
        assert_eq!(s.fate("web:1.3-bad"), ImageFate::PullFail);
        assert_eq!(s.fate("web:crash"), ImageFate::Crash);
        assert_eq!(s.fate("bad/web:1"), ImageFate::Good);
        assert_eq!(image_tag("nginx"), "latest");
    }
}
