//! The effect executor: carries out what `update()` asked for, off the UI
//! task, and reports back as [`Msg`]s. Silences follow the HA rule of
//! `sources::alertmanager`; log streams, and the watches of a region drilled
//! into in `metrics` mode, are started and stopped on demand.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::ListParams;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::effect::{Effect, LogStreamId, LogTarget};
use super::msg::{LogLine, Msg};
use super::operator::{self, Launcher};
use crate::config::Config;
use crate::control::clients::{Ctx, Settings};
use crate::sources::alertmanager::{self, Member, NewSilence};
use crate::sources::kube::client;
use crate::sources::kube::logs::{self, LogRequest};

/// Pods followed at most when following a whole deployment.
const MAX_PODS: usize = 8;
const SILENCE_TIMEOUT: Duration = Duration::from_secs(5);

/// Runs until `effects` closes. `Quit` and `CopyToClipboard` belong to the
/// runtime and are ignored here.
pub async fn run(
    config: Arc<Config>,
    launcher: Launcher,
    refresh: Arc<tokio::sync::Notify>,
    updates: mpsc::Sender<crate::model::state::Update>,
    mut effects: mpsc::UnboundedReceiver<Effect>,
    results: mpsc::UnboundedSender<Msg>,
) {
    let journal_dir = crate::control::clients::journal_dir();
    let ops = Arc::new(OpEnv {
        ctx: Ctx::new(
            config.clone(),
            crate::control::Actor::current(),
            journal_dir.clone().unwrap_or_default(),
            Settings::default(),
        ),
        launcher,
        journal_dir,
    });
    let mut streams: HashMap<LogStreamId, JoinHandle<()>> = HashMap::new();
    let mut watches: HashMap<String, Vec<(String, JoinHandle<()>)>> = HashMap::new();
    while let Some(effect) = effects.recv().await {
        streams.retain(|_, h| !h.is_finished());
        match effect {
            Effect::RefreshNow => refresh.notify_waiters(),
            Effect::WatchRegion { region } => {
                let Some(r) = config.regions.iter().find(|r| r.name == region) else {
                    continue;
                };
                let needs = crate::sources::needs::Needs::all();
                let started = crate::sources::hub::cluster_sources(&config, r, &needs)
                    .into_iter()
                    .map(|c| {
                        let context = c.context.clone();
                        (
                            context,
                            tokio::spawn(crate::sources::kube::run(c, updates.clone())),
                        )
                    })
                    .collect();
                if let Some(old) = watches.insert(region, started) {
                    old.into_iter().for_each(|(_, h)| h.abort());
                }
            }
            Effect::UnwatchRegion { region } => {
                for (context, h) in watches.remove(&region).unwrap_or_default() {
                    h.abort();
                    let forget = crate::model::state::Update::ForgetWatch {
                        region: region.clone(),
                        context,
                    };
                    let _ = updates.send(forget).await;
                }
            }
            Effect::StopLogs { id } => {
                if let Some(h) = streams.remove(&id) {
                    h.abort();
                }
            }
            Effect::StartLogs {
                id,
                context,
                namespace,
                target,
                container,
                tail,
                ..
            } => {
                if let Some(old) = streams.remove(&id) {
                    old.abort();
                }
                let (cfg, out) = (config.clone(), results.clone());
                streams.insert(
                    id,
                    tokio::spawn(follow(
                        cfg, id, context, namespace, target, container, tail, out,
                    )),
                );
            }
            other => {
                let (cfg, out, ops) = (config.clone(), results.clone(), ops.clone());
                tokio::spawn(async move {
                    let what = other.describe();
                    let msg = match one_shot(&cfg, &ops, other).await {
                        Ok(Some(msg)) => msg,
                        Ok(None) => return,
                        Err(error) => Msg::EffectFailed { what, error },
                    };
                    let _ = out.send(msg);
                });
            }
        }
    }
    for h in streams.into_values() {
        h.abort();
    }
    for (_, h) in watches.into_values().flatten() {
        h.abort();
    }
}

fn members(cfg: &Config, ha_cluster: &str, urls: &[url::Url]) -> Result<Vec<Member>, String> {
    let auth: BTreeMap<String, Option<&crate::config::Auth>> = cfg
        .regions
        .iter()
        .flat_map(|r| &r.alertmanagers)
        .map(|a| (a.url.to_string(), a.auth.as_ref()))
        .collect();
    urls.iter()
        .map(|u| {
            let a = auth.get(u.as_str()).copied().flatten();
            let http = crate::sources::http::client(a, &BTreeMap::new(), SILENCE_TIMEOUT)?;
            Ok(Member {
                url: u.clone(),
                ha_cluster: ha_cluster.to_string(),
                region: String::new(),
                http,
            })
        })
        .collect()
}

/// What operations need: the engine's context and how to start processes.
struct OpEnv {
    ctx: Ctx,
    launcher: Launcher,
    journal_dir: Result<std::path::PathBuf, String>,
}

async fn one_shot(cfg: &Config, ops: &OpEnv, effect: Effect) -> Result<Option<Msg>, String> {
    match effect {
        Effect::PlanOperation { id, op } => Ok(Some(Msg::Planned {
            id,
            outcome: Box::new(operator::plan(&ops.ctx, &op).await),
        })),
        Effect::StartOperation(cmd) => {
            let dir = ops.journal_dir.as_ref().map_err(Clone::clone)?;
            let (pid, log) = operator::spawn(&ops.launcher, dir, &cmd)?;
            Ok(Some(Msg::OperationSpawned {
                what: cmd.describe(),
                pid,
                log,
            }))
        }
        Effect::AbortOperation { id, pid } => {
            operator::abort(pid).await?;
            Ok(Some(Msg::Notice(format!(
                "asked operation {id} to abort (SIGINT to process {pid}); it stops after the current request"
            ))))
        }
        Effect::CreateSilence {
            ha_cluster,
            alertmanagers,
            matchers,
            duration,
            comment,
            created_by,
        } => {
            let members = members(cfg, &ha_cluster, &alertmanagers)?;
            let now = jiff::Timestamp::now();
            let end = now
                .checked_add(jiff::SignedDuration::try_from(duration).map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())?;
            let silence = NewSilence {
                matchers,
                starts_at: now.to_string(),
                ends_at: end.to_string(),
                created_by,
                comment,
            };
            let (id, _) = alertmanager::create_silence(&members, &silence, SILENCE_TIMEOUT).await?;
            Ok(Some(Msg::SilenceCreated { ha_cluster, id }))
        }
        Effect::ExpireSilence {
            ha_cluster,
            alertmanagers,
            id,
        } => {
            let members = members(cfg, &ha_cluster, &alertmanagers)?;
            alertmanager::expire_silence(&members, &id).await?;
            Ok(Some(Msg::SilenceExpired { ha_cluster, id }))
        }
        Effect::RefreshNow | Effect::Quit | Effect::CopyToClipboard(_) => Ok(None),
        Effect::StartLogs { .. }
        | Effect::StopLogs { .. }
        | Effect::WatchRegion { .. }
        | Effect::UnwatchRegion { .. } => Ok(None),
    }
}

async fn kube_client(cfg: &Config, context: &str) -> Result<kube::Client, String> {
    let kubeconfig = cfg
        .regions
        .iter()
        .flat_map(|r| &r.clusters)
        .find(|c| c.context == context)
        .and_then(|c| c.kubeconfig.clone());
    client::client(kubeconfig.as_deref(), context, Duration::from_secs(5)).await
}

/// The pods to follow: one, or up to [`MAX_PODS`] of a deployment.
async fn pods(
    c: &kube::Client,
    namespace: &str,
    target: &LogTarget,
) -> Result<Vec<String>, String> {
    match target {
        LogTarget::Pod(p) => Ok(vec![p.clone()]),
        LogTarget::Deployment(d) => {
            let deploys: Api<Deployment> = Api::namespaced(c.clone(), namespace);
            let dep = deploys.get(d).await.map_err(|e| client::describe(&e))?;
            let labels = dep
                .spec
                .and_then(|s| s.selector.match_labels)
                .unwrap_or_default();
            let selector: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let api: Api<Pod> = Api::namespaced(c.clone(), namespace);
            let list = api
                .list(&ListParams::default().labels(&selector.join(",")))
                .await
                .map_err(|e| client::describe(&e))?;
            Ok(list
                .items
                .into_iter()
                .filter_map(|p| p.metadata.name)
                .take(MAX_PODS)
                .collect())
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn follow(
    cfg: Arc<Config>,
    id: LogStreamId,
    context: String,
    namespace: String,
    target: LogTarget,
    container: Option<String>,
    tail: u32,
    out: mpsc::UnboundedSender<Msg>,
) {
    let started = async {
        let c = kube_client(&cfg, &context).await?;
        let names = pods(&c, &namespace, &target).await?;
        if names.is_empty() {
            return Err("no pods to follow".to_string());
        }
        Ok((c, names))
    };
    let (c, names) = match started.await {
        Ok(v) => v,
        Err(reason) => {
            let _ = out.send(Msg::LogsEnded {
                id,
                reason: Some(reason),
            });
            return;
        }
    };
    let (tx, mut rx) = mpsc::channel::<logs::LogLine>(1024);
    let mut tasks = tokio::task::JoinSet::new();
    for pod in names {
        let req = LogRequest {
            namespace: namespace.clone(),
            pod,
            container: container.clone(),
            follow: true,
            tail_lines: Some(i64::from(tail)),
            since_seconds: None,
            timestamps: false,
        };
        tasks.spawn(logs::stream(c.clone(), req, tx.clone()));
    }
    drop(tx);
    // Batch lines so a chatty pod costs one message per 100 ms, not per line.
    let mut batch = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    loop {
        tokio::select! {
            line = rx.recv() => match line {
                Some(l) => batch.push(LogLine { pod: l.pod, text: l.line }),
                None => break,
            },
            _ = tick.tick() => {
                if !batch.is_empty() && out.send(Msg::LogLines { id, lines: std::mem::take(&mut batch) }).is_err() {
                    return;
                }
            }
        }
    }
    if !batch.is_empty() {
        let _ = out.send(Msg::LogLines { id, lines: batch });
    }
    let mut reason = None;
    while let Some(r) = tasks.join_next().await {
        if let Ok(Err(e)) = r {
            reason = Some(e);
        }
    }
    let _ = out.send(Msg::LogsEnded { id, reason });
}
