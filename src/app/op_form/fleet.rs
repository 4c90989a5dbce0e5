//! The forms of the operations that span regions: deploy (the image,
//! prefilled with the one running now, and the regions it goes to) and
//! failover (the source, prefilled with the selected region, and the
//! targets, each toggled; the safety rule shown).

use super::super::state::AppState;
use crate::control::Operation;

/// Regions to pick, each on or off, with a cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toggles {
    pub items: Vec<(String, bool)>,
    pub cursor: usize,
}

impl Toggles {
    fn all_on(names: impl IntoIterator<Item = String>) -> Self {
        Self {
            items: names.into_iter().map(|n| (n, true)).collect(),
            cursor: 0,
        }
    }

    pub fn step(&mut self, down: bool) {
        let n = self.items.len();
        self.cursor = if down {
            (self.cursor + 1).min(n.saturating_sub(1))
        } else {
            self.cursor.saturating_sub(1)
        };
    }

    pub fn toggle(&mut self) {
        if let Some(item) = self.items.get_mut(self.cursor) {
            item.1 = !item.1;
        }
    }

    /// The chosen names; empty when every one is on (the engine's default).
    fn chosen(&self) -> Result<Vec<String>, String> {
        let on: Vec<String> = self
            .items
            .iter()
            .filter(|(_, on)| *on)
            .map(|(n, _)| n.clone())
            .collect();
        if on.is_empty() {
            return Err("toggle at least one region on (space)".into());
        }
        Ok(if on.len() == self.items.len() {
            Vec::new()
        } else {
            on
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployForm {
    pub service: String,
    /// The image running now in the selected region.
    pub current: Option<String>,
    pub image: String,
    /// The regions that run the service, in wave order of the config.
    pub regions: Toggles,
    pub error: Option<String>,
}

impl DeployForm {
    pub fn new(app: &AppState, service: &str, region: &str) -> Self {
        let current = app
            .snapshot
            .regions
            .iter()
            .find(|r| r.name == region)
            .and_then(|r| r.services.iter().find(|c| c.service == service))
            .and_then(|c| c.images.first().cloned());
        let regions = app
            .snapshot
            .regions
            .iter()
            .filter(|r| r.services.iter().any(|c| c.service == service))
            .map(|r| r.name.clone());
        Self {
            service: service.into(),
            image: current.clone().unwrap_or_default(),
            current,
            regions: Toggles::all_on(regions),
            error: None,
        }
    }

    pub fn operation(&self) -> Result<Operation, String> {
        let image = self.image.trim();
        if image.is_empty() {
            return Err(
                "type the image to deploy, e.g. registry.example.com/shop/app:1.2.3".into(),
            );
        }
        if Some(image) == self.current.as_deref() {
            return Err(format!("{image} is what runs now: type the new image"));
        }
        Ok(Operation::Deploy {
            service: self.service.clone(),
            image: image.into(),
            container: None,
            regions: self.regions.chosen()?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailoverForm {
    pub from: String,
    /// One service, or empty: every service of the region.
    pub services: Vec<String>,
    pub targets: Toggles,
    /// The strictest `failover.min_serving_regions` of the services.
    pub min_serving: u32,
    pub error: Option<String>,
}

impl FailoverForm {
    pub fn new(app: &AppState, from: &str, service: Option<&str>) -> Self {
        let targets = app
            .snapshot
            .regions
            .iter()
            .filter(|r| r.name != from)
            .filter(|r| service.is_none_or(|s| r.services.iter().any(|c| c.service == s)))
            .map(|r| r.name.clone());
        let min_serving = app
            .config
            .services
            .iter()
            .filter(|s| service.is_none_or(|want| s.name == want))
            .map(|s| s.failover.min_serving_regions)
            .max()
            .unwrap_or(1);
        Self {
            from: from.into(),
            services: service.map(|s| vec![s.to_string()]).unwrap_or_default(),
            targets: Toggles::all_on(targets),
            min_serving,
            error: None,
        }
    }

    pub fn operation(&self) -> Result<Operation, String> {
        Ok(Operation::Failover {
            services: self.services.clone(),
            from: self.from.clone(),
            to: self.targets.chosen()?,
            scale_down: false,
            allow_shortfall: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_on_means_the_default_and_none_is_refused() {
        let mut t = Toggles::all_on(["a".to_string(), "b".to_string()]);
        assert_eq!(t.chosen(), Ok(Vec::new()));
        t.toggle();
        assert_eq!(t.chosen(), Ok(vec!["b".to_string()]));
        t.step(true);
        t.toggle();
        assert!(t.chosen().is_err());
    }
}
