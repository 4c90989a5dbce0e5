//! Watches: one JSON event per line over a chunked 200 response. Resuming
//! from a too-old resourceVersion (or a forced expiry) yields one ERROR event
//! with a 410 Expired Status, then the stream ends.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use futures::SinkExt;
use futures::channel::mpsc;
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use super::super::cluster::{Change, Signal};
use super::super::json_cache::JsonCache;
use super::super::kind::Kind;
use super::super::obj;
use super::Ctx;
use super::list::select;
use super::selector::Selector;
use super::status::{self, Resp};
use super::table;

/// Real seconds between periodic bookmarks.
const BOOKMARK_EVERY: Duration = Duration::from_secs(5);

type Tx = mpsc::Sender<Result<Bytes, std::io::Error>>;

struct Filter {
    kind: Kind,
    ns: Option<String>,
    sel: Selector,
    table: bool,
    first: bool,
    /// The cluster's document JSON, shared with its lists.
    json: Arc<JsonCache>,
}

impl Filter {
    fn wants(&self, ch: &Change) -> bool {
        ch.kind == self.kind
            && self
                .ns
                .as_deref()
                .is_none_or(|n| obj::namespace(&ch.obj) == n)
            && self.sel.matches(ch.obj.as_ref())
    }

    /// A change's line: a stored document's JSON is written from the
    /// cluster's cache, as lists write it (a pod's change carries a
    /// document made for watchers alone: it is written directly).
    fn change(&mut self, ch: &Change, now: i64) -> Bytes {
        if self.table || ch.kind == Kind::Pod {
            return self.line(ch.etype.as_str(), &ch.obj, now);
        }
        framed(ch.etype.as_str(), |out| self.json.write(&ch.obj, out))
    }

    fn line(&mut self, etype: &str, v: &Value, now: i64) -> Bytes {
        if self.table && etype != "BOOKMARK" && etype != "ERROR" {
            let t = table::table(
                self.kind,
                vec![table::row(self.kind, v, now)],
                obj::rv(v),
                None,
                self.first,
            );
            self.first = false;
            return framed(etype, |out| {
                let _ = serde_json::to_writer(out, &t);
            });
        }
        framed(etype, |out| {
            let _ = serde_json::to_writer(out, v);
        })
    }
}

/// One watch event line: `{"type":ETYPE,"object":...}` and a newline, the
/// object written by `object`.
fn framed(etype: &str, object: impl FnOnce(&mut Vec<u8>)) -> Bytes {
    let mut out = format!("{{\"type\":\"{etype}\",\"object\":").into_bytes();
    object(&mut out);
    out.extend_from_slice(b"}\n");
    Bytes::from(out)
}

fn bookmark(kind: Kind, rv: u64, initial_end: bool) -> Value {
    let mut meta = json!({"resourceVersion": rv.to_string()});
    if initial_end {
        meta["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    json!({"kind": kind.info().kind, "apiVersion": kind.api_version(), "metadata": meta})
}

/// GET a collection with `watch=true`.
pub fn serve(ctx: &Ctx, kind: Kind, ns: Option<&str>) -> Resp {
    let sel = match Selector::parse(ctx.q("labelSelector"), ctx.q("fieldSelector")) {
        Ok(s) => s,
        Err(e) => return status::bad_request(&e),
    };
    let table = table::wants_table(&ctx.accept);
    let bookmarks = ctx.flag("allowWatchBookmarks");
    let send_initial = ctx.flag("sendInitialEvents");
    let from: Option<u64> = ctx
        .q("resourceVersion")
        .and_then(|r| r.parse().ok())
        .filter(|r| *r > 0);
    let timeout = Duration::from_secs(
        ctx.q("timeoutSeconds")
            .and_then(|t| t.parse().ok())
            .unwrap_or(1800),
    );
    let mut f = Filter {
        kind,
        ns: ns.map(str::to_string),
        sel,
        table,
        first: true,
        json: ctx.lock().json.clone(),
    };
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(256);
    let mut lines: Vec<Bytes> = Vec::new();
    let (sub, start, expired) = {
        let c = ctx.lock();
        let sub = c.tx.subscribe();
        let now = c.now();
        match from {
            Some(rv) if !send_initial => match c.changes_since(rv) {
                None => (sub, rv, true),
                Some(chs) => {
                    for ch in &chs {
                        if f.wants(ch) {
                            lines.push(f.change(ch, now));
                        }
                    }
                    (sub, c.rv.max(rv), false)
                }
            },
            _ => {
                let (items, _) = select(&c, kind, ns, &f.sel, None, usize::MAX);
                for (_, item) in &items {
                    lines.push(f.line("ADDED", &item.value(), now));
                }
                if send_initial {
                    lines.push(f.line("BOOKMARK", &bookmark(kind, c.rv, true), now));
                }
                (sub, c.rv, false)
            }
        }
    };
    if expired {
        lines.push(f.line("ERROR", &status::expired_status(), 0));
        tokio::spawn(async move {
            let mut tx = tx;
            for l in lines {
                if tx.send(Ok(l)).await.is_err() {
                    return;
                }
            }
        });
    } else {
        let clock = ctx.lock().clock.clone();
        tokio::spawn(pump(tx, lines, sub, f, start, bookmarks, timeout, clock));
    }
    let ct = if table {
        table::CONTENT_TYPE
    } else {
        "application/json"
    };
    let mut r = axum::http::Response::new(Body::from_stream(rx));
    r.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static(ct),
    );
    r
}

#[allow(clippy::too_many_arguments)]
async fn pump(
    mut tx: Tx,
    lines: Vec<Bytes>,
    mut sub: tokio::sync::broadcast::Receiver<Signal>,
    mut f: Filter,
    start: u64,
    bookmarks: bool,
    timeout: Duration,
    clock: Arc<super::super::clock::Clock>,
) {
    for l in lines {
        if tx.send(Ok(l)).await.is_err() {
            return;
        }
    }
    let mut last = start;
    let deadline = tokio::time::sleep(timeout);
    tokio::pin!(deadline);
    let mut tick = tokio::time::interval(BOOKMARK_EVERY);
    tick.tick().await;
    loop {
        let line = tokio::select! {
            _ = &mut deadline => return,
            _ = tick.tick() => {
                if !bookmarks { continue; }
                f.line("BOOKMARK", &bookmark(f.kind, last, false), 0)
            }
            sig = sub.recv() => match sig {
                Ok(Signal::Change(ch)) => {
                    if ch.rv <= last { continue; }
                    last = ch.rv;
                    if !f.wants(&ch) { continue; }
                    f.change(&ch, clock.now())
                }
                Ok(Signal::Expire) | Err(RecvError::Lagged(_)) => {
                    let _ = tx.send(Ok(f.line("ERROR", &status::expired_status(), 0))).await;
                    return;
                }
                Err(RecvError::Closed) => return,
            }
        };
        if tx.send(Ok(line)).await.is_err() {
            return;
        }
    }
}
