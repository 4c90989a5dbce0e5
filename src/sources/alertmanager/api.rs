//! Alertmanager API v2 wire shapes and calls (reqwest).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::model::alert::Matcher;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireAlert {
    pub fingerprint: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    pub starts_at: Option<String>,
    pub status: WireAlertStatus,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireAlertStatus {
    pub state: String,
    #[serde(default)]
    pub silenced_by: Vec<String>,
    #[serde(default)]
    pub inhibited_by: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireSilence {
    pub id: String,
    pub matchers: Vec<Matcher>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    #[serde(default)]
    pub created_by: String,
    #[serde(default)]
    pub comment: String,
    pub status: WireSilenceStatus,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WireSilenceStatus {
    pub state: String,
}

/// A silence to create.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewSilence {
    pub matchers: Vec<Matcher>,
    pub starts_at: String,
    pub ends_at: String,
    pub created_by: String,
    pub comment: String,
}

/// The answer to a created silence: Alertmanager spells it `silenceID`.
#[derive(Debug, Deserialize)]
struct Created {
    #[serde(rename = "silenceID")]
    silence_id: String,
}

/// Why a call failed: the HA rule treats a timeout differently, because the
/// request may have been applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// Not connected, or refused: nothing was applied.
    Unreachable(String),
    /// Sent, but no answer in time: it may have been applied.
    Timeout,
    /// The connection closed before any answer came (a pooled keep-alive
    /// connection the server had just closed, or a reset): the server may
    /// have read the request, so it may have been applied.
    Dropped(String),
    /// The server answered with an error.
    Rejected(String),
    /// The server accepted it, but its answer could not be read: it may
    /// have been applied.
    Unconfirmed(String),
}

impl CallError {
    /// Whether the request may have taken effect despite the error.
    pub fn maybe_applied(&self) -> bool {
        matches!(
            self,
            CallError::Timeout | CallError::Dropped(_) | CallError::Unconfirmed(_)
        )
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallError::Unreachable(e) => write!(f, "unreachable: {e}"),
            CallError::Timeout => f.write_str("no answer in time"),
            CallError::Dropped(e) => {
                write!(
                    f,
                    "unreachable: the connection closed before an answer ({e})"
                )
            }
            CallError::Rejected(e) => write!(f, "rejected: {e}"),
            CallError::Unconfirmed(e) => write!(f, "accepted, but the answer was unreadable: {e}"),
        }
    }
}

fn classify(e: reqwest::Error) -> CallError {
    if e.is_timeout() {
        return CallError::Timeout;
    }
    let (connect, dropped) = (e.is_connect(), closed_before_answer(&e));
    let text = super::super::redact::error_chain(&e.without_url());
    if connect {
        CallError::Unreachable(text)
    } else if dropped {
        CallError::Dropped(text)
    } else {
        CallError::Rejected(text)
    }
}

/// Whether the error chain says the connection ended before a response:
/// hyper's "connection closed before message completed", or a reset.
fn closed_before_answer(e: &reqwest::Error) -> bool {
    use std::io::ErrorKind;
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(h) = c.downcast_ref::<hyper::Error>()
            && (h.is_incomplete_message() || h.is_canceled())
        {
            return true;
        }
        if let Some(io) = c.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                ErrorKind::ConnectionReset | ErrorKind::BrokenPipe | ErrorKind::UnexpectedEof
            )
        {
            return true;
        }
        cause = c.source();
    }
    false
}

fn endpoint(base: &url::Url, path: &str) -> String {
    format!(
        "{}/{}",
        base.as_str().trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

async fn check(resp: reqwest::Response) -> Result<reqwest::Response, CallError> {
    if resp.status().is_success() {
        return Ok(resp);
    }
    let code = resp.status();
    let body = resp.text().await.unwrap_or_default();
    Err(CallError::Rejected(super::super::redact::error_text(
        &format!("{code}: {}", body.trim()),
    )))
}

pub async fn alerts(http: &reqwest::Client, base: &url::Url) -> Result<Vec<WireAlert>, CallError> {
    let resp = http
        .get(endpoint(base, "api/v2/alerts"))
        .send()
        .await
        .map_err(classify)?;
    check(resp).await?.json().await.map_err(classify)
}

pub async fn silences(
    http: &reqwest::Client,
    base: &url::Url,
) -> Result<Vec<WireSilence>, CallError> {
    let resp = http
        .get(endpoint(base, "api/v2/silences"))
        .send()
        .await
        .map_err(classify)?;
    check(resp).await?.json().await.map_err(classify)
}

pub async fn create(
    http: &reqwest::Client,
    base: &url::Url,
    s: &NewSilence,
    timeout: Duration,
) -> Result<String, CallError> {
    let resp = http
        .post(endpoint(base, "api/v2/silences"))
        .timeout(timeout)
        .json(s)
        .send()
        .await
        .map_err(classify)?;
    // Accepted but unreadable: the silence may exist, like after a timeout.
    let created: Created =
        check(resp).await?.json().await.map_err(|e| {
            CallError::Unconfirmed(super::super::redact::error_chain(&e.without_url()))
        })?;
    Ok(created.silence_id)
}

pub async fn expire(http: &reqwest::Client, base: &url::Url, id: &str) -> Result<(), CallError> {
    let resp = http
        .delete(endpoint(base, &format!("api/v2/silence/{id}")))
        .send()
        .await
        .map_err(classify)?;
    check(resp).await.map(|_| ())
}
