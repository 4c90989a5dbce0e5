//! On-demand pod log streams: started and stopped by the console (dropping
//! or aborting the task closes the HTTP stream), never more than the few
//! the screen shows.

use futures::{AsyncBufReadExt, TryStreamExt};
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::LogParams;
use tokio::sync::mpsc;

/// What to stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRequest {
    pub namespace: String,
    pub pod: String,
    pub container: Option<String>,
    pub follow: bool,
    pub tail_lines: Option<i64>,
    pub since_seconds: Option<i64>,
    pub timestamps: bool,
}

/// One line, labelled with its pod (for interleaved deployment logs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub pod: String,
    pub line: String,
}

/// Streams lines to `tx` until the stream ends, `tx` closes, or the task is
/// aborted. Returns a short error when the stream could not start.
pub async fn stream(
    client: kube::Client,
    req: LogRequest,
    tx: mpsc::Sender<LogLine>,
) -> Result<(), String> {
    let api: Api<Pod> = Api::namespaced(client, &req.namespace);
    let params = LogParams {
        follow: req.follow,
        tail_lines: req.tail_lines,
        since_seconds: req.since_seconds,
        timestamps: req.timestamps,
        container: req.container.clone(),
        ..Default::default()
    };
    let reader = api
        .log_stream(&req.pod, &params)
        .await
        .map_err(|e| super::client::describe(&e))?;
    let mut lines = reader.lines();
    while let Some(line) = lines
        .try_next()
        .await
        .map_err(|e| format!("log stream: {e}"))?
    {
        let out = LogLine {
            pod: req.pod.clone(),
            line,
        };
        if tx.send(out).await.is_err() {
            break;
        }
    }
    Ok(())
}
