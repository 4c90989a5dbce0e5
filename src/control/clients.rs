//! What the engine works with: the resolved config, one kube client per
//! context (made once, shared by every step and every task of the
//! process), the actor, the journal directory and the timing settings.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;

use super::Actor;
use super::error::ControlError;
use crate::config::Config;

/// How long things may take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// A rollout that has not completed after this fails its gate.
    pub rollout_timeout: Duration,
    /// How long the SLO verification samples after a rollback.
    pub verify_window: Duration,
    /// Whether gates (rollout wait, SLO verification) run at all.
    pub wait: bool,
    /// Lease time to live; renewed every third of it.
    pub lease_ttl: Duration,
    /// How often gates poll.
    pub poll: Duration,
    /// Timeout of one request.
    pub request_timeout: Duration,
    /// Overrides every service's `deploy.gate_window`.
    pub gate_window: Option<Duration>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            rollout_timeout: Duration::from_secs(600),
            verify_window: Duration::from_secs(60),
            wait: true,
            lease_ttl: Duration::from_secs(30),
            poll: Duration::from_secs(1),
            request_timeout: Duration::from_secs(10),
            gate_window: None,
        }
    }
}

/// The engine's context: shared by planning, guards and execution.
#[derive(Clone)]
pub struct Ctx {
    pub cfg: Arc<Config>,
    pub actor: Actor,
    pub journal_dir: PathBuf,
    pub settings: Settings,
    clients: Arc<Mutex<HashMap<String, kube::Client>>>,
}

impl Ctx {
    pub fn new(cfg: Arc<Config>, actor: Actor, journal_dir: PathBuf, settings: Settings) -> Self {
        Self {
            cfg,
            actor,
            journal_dir,
            settings,
            clients: Arc::default(),
        }
    }

    /// The client of `context`, made on first use and reused after.
    pub async fn kube(&self, context: &str) -> Result<kube::Client, ControlError> {
        let mut map = self.clients.lock().await;
        if let Some(c) = map.get(context) {
            return Ok(c.clone());
        }
        let cluster = self
            .cfg
            .regions
            .iter()
            .flat_map(|r| &r.clusters)
            .find(|c| c.context == context)
            .ok_or_else(|| ControlError::Usage(format!("no cluster with context {context:?}")))?;
        let client = crate::sources::kube::client::client(
            cluster.kubeconfig.as_deref(),
            context,
            self.settings.request_timeout,
        )
        .await
        .map_err(ControlError::Unreachable)?;
        map.insert(context.to_string(), client.clone());
        Ok(client)
    }
}

/// Where journals live: `$OPSDECK_DATA_DIR/operations`, else the platform
/// data dir's `operations` (e.g. `~/.local/share/opsdeck/operations`).
pub fn journal_dir() -> Result<PathBuf, String> {
    if let Some(d) = std::env::var_os("OPSDECK_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d).join("operations"));
    }
    directories::ProjectDirs::from("", "", "opsdeck")
        .map(|p| p.data_dir().join("operations"))
        .ok_or_else(|| {
            "no home directory to keep the operations journal in; set OPSDECK_DATA_DIR".into()
        })
}
