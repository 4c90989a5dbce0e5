//! Watch tasks: one `kube::runtime::watcher` per kind and namespace. Expired
//! watches re-list (the watcher does that on a 410), failures back off with
//! jitter (`default_backoff`), and every change goes out as an [`Update`].

use std::fmt::Debug;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Api, Resource};
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;

use super::project::Interner;
use crate::model::state::{Key, KubeChange, KubeKind, KubeRow, Update};
use crate::model::{SourceStatus, Timestamp};

/// What every watch task of one cluster shares.
#[derive(Clone)]
pub struct Target {
    pub region: String,
    pub context: String,
    pub tx: mpsc::Sender<Update>,
    pub status: Arc<Mutex<SourceStatus>>,
    pub interner: Arc<Mutex<Interner>>,
    pub stale_after: u32,
    /// Watches of the cluster whose first list has not completed: the
    /// cluster counts as watched (current however quiet) only at 0.
    pub unsynced: Arc<AtomicUsize>,
    /// The cluster's first answer: every watch listed, or a failure.
    pub first: crate::sources::first_answers::Answer,
}

impl Target {
    async fn send(&self, change: KubeChange) -> bool {
        let update = Update::Kube {
            region: self.region.clone(),
            context: self.context.clone(),
            change,
        };
        self.tx.send(update).await.is_ok()
    }

    /// Records a success or failure and reports the new status.
    pub async fn report(&self, result: Result<(), String>) -> bool {
        let status = {
            let Ok(mut s) = self.status.lock() else {
                return false;
            };
            match result {
                Ok(()) => {
                    s.succeeded(Timestamp::now());
                    s.watching = self.unsynced.load(Ordering::Acquire) == 0;
                    if s.watching {
                        self.first.give();
                    }
                }
                Err(e) => {
                    s.failed(e, self.stale_after);
                    s.watching = false;
                    self.first.give();
                }
            }
            s.clone()
        };
        self.tx.send(Update::Source(status)).await.is_ok()
    }

    fn project<K>(&self, obj: &K, f: &impl Fn(&K, &mut Interner) -> KubeRow) -> Option<KubeRow> {
        let mut interner = self.interner.lock().ok()?;
        Some(f(obj, &mut interner))
    }
}

/// Runs until the receiving side goes away.
pub async fn run<K, F>(api: Api<K>, kind: KubeKind, project: F, target: Target)
where
    K: Resource + Clone + DeserializeOwned + Debug + Send + 'static,
    F: Fn(&K, &mut Interner) -> KubeRow + Send + 'static,
{
    let config = watcher::Config::default().page_size(500);
    let mut stream = watcher(api, config).default_backoff().boxed();
    let mut buffer = Vec::new();
    let mut listed = false;
    while let Some(event) = stream.next().await {
        let alive = match event {
            Ok(watcher::Event::Init) => {
                buffer.clear();
                true
            }
            Ok(watcher::Event::InitApply(obj)) => {
                buffer.extend(target.project(&obj, &project));
                true
            }
            Ok(watcher::Event::InitDone) => {
                let rows = std::mem::take(&mut buffer);
                if !listed {
                    listed = true;
                    target.unsynced.fetch_sub(1, Ordering::AcqRel);
                }
                target.send(KubeChange::Replace(kind, rows)).await && target.report(Ok(())).await
            }
            Ok(watcher::Event::Apply(obj)) => match target.project(&obj, &project) {
                Some(row) => target.send(KubeChange::Upsert(row)).await,
                None => true,
            },
            Ok(watcher::Event::Delete(obj)) => {
                let key: Key = (
                    obj.meta().namespace.clone().unwrap_or_default(),
                    obj.meta().name.clone().unwrap_or_default(),
                );
                target.send(KubeChange::Delete(kind, key)).await
            }
            Err(e) => target.report(Err(describe_watch(&e))).await,
        };
        if !alive {
            return;
        }
    }
}

fn describe_watch(e: &watcher::Error) -> String {
    match e {
        watcher::Error::InitialListFailed(k)
        | watcher::Error::WatchStartFailed(k)
        | watcher::Error::WatchFailed(k) => super::client::describe(k),
        watcher::Error::WatchError(s) => format!("watch: {} {}", s.code, s.message),
        other => other.to_string().chars().take(160).collect(),
    }
}
