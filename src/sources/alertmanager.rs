//! Alertmanager (API v2): alerts and silences from every configured
//! Alertmanager, merged (see [`merge`]); silences created once per HA
//! cluster (see [`create_silence`]).

pub mod api;
pub mod merge;

use std::time::Duration;

use futures::future::join_all;
use tokio::sync::mpsc;

use crate::model::alert::Matcher;
use crate::model::state::Update;
use crate::model::{SourceKind, SourceStatus, Timestamp};
pub use api::{CallError, NewSilence};

/// One Alertmanager, with the HA cluster it belongs to.
#[derive(Debug, Clone)]
pub struct Member {
    pub url: url::Url,
    pub ha_cluster: String,
    /// The region that lists it first (for status display).
    pub region: String,
    pub http: reqwest::Client,
}

impl Member {
    /// The endpoint as shown to the operator: no user-info, no query.
    pub fn name(&self) -> String {
        super::redact::endpoint(&self.url)
    }
}

#[derive(Debug, Clone)]
pub struct AmSource {
    pub members: Vec<Member>,
    pub every: Duration,
    pub timeout: Duration,
    pub stale_after: u32,
}

/// Fetches every member concurrently; members that fail are reported with
/// their error and the others still show.
pub async fn poll_once(src: &AmSource, statuses: &mut [SourceStatus]) -> Update {
    let fetches = src.members.iter().map(|m| async move {
        let both = async {
            futures::try_join!(api::alerts(&m.http, &m.url), api::silences(&m.http, &m.url))
        };
        match tokio::time::timeout(src.timeout, both).await {
            Ok(r) => r,
            Err(_) => Err(CallError::Timeout),
        }
    });
    let results = join_all(fetches).await;
    let now = Timestamp::now();
    let names: Vec<String> = src.members.iter().map(Member::name).collect();
    let mut reports = Vec::new();
    for ((m, status), (result, name)) in src
        .members
        .iter()
        .zip(statuses.iter_mut())
        .zip(results.iter().zip(&names))
    {
        match result {
            Ok((alerts, silences)) => {
                status.succeeded(now);
                reports.push(merge::Reported {
                    url: name,
                    ha_cluster: &m.ha_cluster,
                    alerts,
                    silences,
                });
            }
            Err(e) => status.failed(e.to_string(), src.stale_after),
        }
    }
    let (alerts, silences) = merge::merge(&reports);
    Update::Alerts { alerts, silences }
}

/// Polls every member on the refresh interval (backing off while none
/// answers) until `tx` closes.
pub async fn run(src: AmSource, tx: mpsc::Sender<Update>) {
    run_with(src, tx, std::sync::Arc::new(tokio::sync::Notify::new())).await;
}

/// Like [`run`], polling at once whenever `refresh` is notified.
pub async fn run_with(
    src: AmSource,
    tx: mpsc::Sender<Update>,
    refresh: std::sync::Arc<tokio::sync::Notify>,
) {
    let mut statuses: Vec<SourceStatus> = src
        .members
        .iter()
        .map(|m| SourceStatus::new(SourceKind::Alertmanager, &m.region, &m.name()))
        .collect();
    let mut tick = super::ticker::Ticker::new(src.every, refresh);
    loop {
        tick.wait().await;
        let update = poll_once(&src, &mut statuses).await;
        // Backs off only when no member answered: one answer is data to show.
        tick.polled(statuses.iter().any(|s| s.missed == 0));
        if tx.send(update).await.is_err() {
            return;
        }
        for s in &statuses {
            if tx.send(Update::Source(s.clone())).await.is_err() {
                return;
            }
        }
    }
}

/// Whether `s` is the silence we meant to create (same matchers, author,
/// comment and end), so a retry never creates it twice.
pub fn identical(s: &api::WireSilence, want: &NewSilence) -> bool {
    let same_end = match (
        s.ends_at
            .as_deref()
            .and_then(|t| t.parse::<Timestamp>().ok()),
        want.ends_at.parse::<Timestamp>().ok(),
    ) {
        (Some(a), Some(b)) => a.duration_since(b).abs() <= jiff::SignedDuration::from_secs(1),
        _ => false,
    };
    let mut a: Vec<&Matcher> = s.matchers.iter().collect();
    let mut b: Vec<&Matcher> = want.matchers.iter().collect();
    a.sort_by(|x, y| x.name.cmp(&y.name));
    b.sort_by(|x, y| x.name.cmp(&y.name));
    s.status.state != "expired"
        && same_end
        && a == b
        && s.created_by == want.created_by
        && s.comment == want.comment
}

/// Creates `silence` once in one HA cluster: sent to the first member; the
/// next member only if that one fails; and before any retry after a
/// timed-out request, the next member is asked whether the silence already
/// exists (it replicates by gossip), so it is never created twice.
/// Returns the silence id and the member that holds it.
pub async fn create_silence(
    members: &[Member],
    silence: &NewSilence,
    timeout: Duration,
) -> Result<(String, String), String> {
    let mut errors = Vec::new();
    let mut maybe_applied = false;
    for m in members {
        if maybe_applied
            && let Ok(Ok(existing)) =
                tokio::time::timeout(timeout, api::silences(&m.http, &m.url)).await
            && let Some(found) = existing.iter().find(|s| identical(s, silence))
        {
            return Ok((found.id.clone(), m.name()));
        }
        match api::create(&m.http, &m.url, silence, timeout).await {
            Ok(id) => return Ok((id, m.name())),
            Err(e) => {
                maybe_applied |= e.maybe_applied();
                errors.push(format!("{}: {e}", m.name()));
            }
        }
    }
    if members.is_empty() {
        return Err("no Alertmanager in this HA cluster".into());
    }
    Err(errors.join("; "))
}

/// Expires a silence through the first member of its HA cluster that answers.
pub async fn expire_silence(members: &[Member], id: &str) -> Result<(), String> {
    let mut errors = Vec::new();
    for m in members {
        match api::expire(&m.http, &m.url, id).await {
            Ok(()) => return Ok(()),
            Err(e) => errors.push(format!("{}: {e}", m.name())),
        }
    }
    Err(if errors.is_empty() {
        "no Alertmanager in this HA cluster".into()
    } else {
        errors.join("; ")
    })
}
