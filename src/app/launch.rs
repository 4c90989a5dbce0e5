//! Starting the console on a loaded configuration: the sources, the effect
//! executor and the runtime loop, wired by channels. `opsdeck` and
//! `opsdeck demo` both come through here; the console has no demo path.

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::config::{Config, Loaded};
use crate::sources::hub;

/// "user@context" for the first cluster, as the kubeconfig names them, and
/// how many other contexts are in use. Never a credential. Blocking: it
/// reads the kubeconfig.
pub fn identity(cfg: &Config) -> String {
    let Some(cluster) = cfg.regions.iter().flat_map(|r| &r.clusters).next() else {
        return "no clusters configured".into();
    };
    let contexts = cfg.regions.iter().map(|r| r.clusters.len()).sum::<usize>();
    let kubeconfig = match &cluster.kubeconfig {
        Some(p) => kube::config::Kubeconfig::read_from(p).ok(),
        None => kube::config::Kubeconfig::read().ok(),
    };
    let user = kubeconfig
        .and_then(|k| k.contexts.into_iter().find(|c| c.name == cluster.context))
        .and_then(|c| c.context)
        .and_then(|c| c.user)
        .unwrap_or_else(|| "?".into());
    let more = if contexts > 1 {
        format!(" (+{} contexts)", contexts - 1)
    } else {
        String::new()
    };
    crate::sanitize::clean(&format!("{user}@{}{more}", cluster.context)).into_owned()
}

/// [`identity`] on a blocking thread: it reads the kubeconfig.
pub async fn identity_off_thread(cfg: Arc<Config>) -> String {
    tokio::task::spawn_blocking(move || identity(&cfg))
        .await
        .unwrap_or_else(|_| "?".into())
}

/// Runs the console until the operator quits (or a signal ends it).
pub async fn console(loaded: Loaded) -> color_eyre::Result<()> {
    let config = Arc::new(loaded.config.clone());
    let identity = identity_off_thread(config.clone()).await;
    let (updates_tx, updates_rx) = mpsc::channel(8192);
    let (effects_tx, effects_rx) = mpsc::unbounded_channel();
    let (results_tx, results_rx) = mpsc::unbounded_channel();
    let mut tasks = JoinSet::new();
    let refresh = Arc::new(tokio::sync::Notify::new());
    hub::spawn_with_refresh(hub::plan(&config, None), &updates_tx, &mut tasks, &refresh);
    let launcher = super::operator::Launcher {
        config_path: loaded
            .path
            .as_ref()
            .map(|(p, _)| p.clone())
            .filter(|p| p.exists()),
        read_only: config.policy.read_only,
    };
    tasks.spawn(super::journal_follow::run(
        crate::control::clients::journal_dir(),
        std::time::Duration::from_secs(1),
        results_tx.clone(),
    ));
    // The executor keeps a sender for the watches of a drilled-in region.
    tasks.spawn(super::executor::run(
        config, launcher, refresh, updates_tx, effects_rx, results_tx,
    ));
    let result = super::runtime::run(loaded, identity, updates_rx, effects_tx, results_rx).await;
    tasks.abort_all();
    result
}
