//! The audit log of the simulated API server, in kube-apiserver's format:
//! one `audit.k8s.io/v1` `Event` per JSON line (level `Request`, stage
//! `ResponseComplete`, see [`event`]) for every mutating request (POST, PUT,
//! PATCH, DELETE) under `/clusters/<region>/...`: answered or refused (401,
//! 403, 404, 409, 422, 503), `dryRun=All` included, SelfSubjectAccessReviews
//! too (a POST, as on a real server). Reads are not logged, nor is a
//! connection the `refuse` fault closes (no answer was sent). Watches are
//! logged when the log is opened with [`AuditLog::with_watches`], as
//! kube-apiserver does under a policy that logs `watch` at `Metadata`: a
//! `ResponseStarted` line when the stream opens and a `ResponseComplete`
//! line with the same `auditID` when it ends (the client went away, or the
//! server ended it).
//!
//! One simulator serves every cluster, so each line names its region in the
//! annotation `opsdeck.sim/cluster`. The code and the `Status` of a line are
//! read from the answer itself. Bearer tokens are never written.
//!
//! [`AuditLog`] appends each event with one `write_all` of a whole line under
//! a lock, unbuffered: lines never interleave, and a reader of the file while
//! the simulator runs sees every answered request's line.

pub mod event;

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, header, request};
use bytes::Bytes;
use serde_json::{Value, json};

use super::api::status::Resp;
use super::auth::{Role, proto};
use event::{Event, ObjectRef, User};

/// An append-only JSON-lines audit file.
#[derive(Debug)]
pub struct AuditLog {
    path: PathBuf,
    file: Mutex<File>,
    watches: bool,
}

impl AuditLog {
    /// Open `path` for appending (created, with its directory, if missing).
    pub fn open(path: impl Into<PathBuf>) -> io::Result<AuditLog> {
        let path = path.into();
        let named =
            |e: io::Error| io::Error::new(e.kind(), format!("audit log {}: {e}", path.display()));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(named)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(named)?;
        Ok(AuditLog {
            path,
            file: Mutex::new(file),
            watches: false,
        })
    }

    /// Also record watches: when each starts and when it ends.
    pub fn with_watches(mut self, watches: bool) -> AuditLog {
        self.watches = watches;
        self
    }

    /// The file written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one event as one line.
    pub fn append(&self, event: &Event) -> io::Result<()> {
        let mut line = serde_json::to_vec(event)?;
        line.push(b'\n');
        let mut f = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        f.write_all(&line)?;
        f.flush()
    }
}

/// Does the audit log record this request? Mutating ones always; a watch
/// (`GET` with `watch=true` or `1`) when `watches`.
pub fn audited(method: &Method, path: &str, query: Option<&str>, watches: bool) -> bool {
    path.starts_with("/clusters/")
        && (matches!(
            *method,
            Method::POST | Method::PUT | Method::PATCH | Method::DELETE
        ) || (watches && *method == Method::GET && is_watch(query)))
}

/// Does a query string ask for a watch?
fn is_watch(query: Option<&str>) -> bool {
    query.is_some_and(|q| {
        q.split('&')
            .any(|kv| kv == "watch=true" || kv == "watch=1" || kv == "watch")
    })
}

/// A request being audited: what was known when it arrived.
#[derive(Debug)]
pub struct Pending {
    log: Arc<AuditLog>,
    event: Event,
    watch: bool,
}

impl Pending {
    /// Start auditing a request, if the log records it. `role` is the
    /// caller's (`None`: no valid token), `body` the request body as read.
    pub fn start(
        log: &Arc<AuditLog>,
        received: jiff::Timestamp,
        parts: &request::Parts,
        body: Option<&Bytes>,
        role: Option<Role>,
    ) -> Option<Pending> {
        let path = parts.uri.path();
        if !audited(&parts.method, path, parts.uri.query(), log.watches) {
            return None;
        }
        let watch = parts.method == Method::GET;
        let rest = path.strip_prefix("/clusters/").unwrap_or("");
        let (cluster, k8s) = rest.split_once('/').unwrap_or((rest, ""));
        let segs: Vec<&str> = k8s.split('/').filter(|s| !s.is_empty()).collect();
        let mut object = event::object_ref(&segs);
        let header = |h: header::HeaderName| {
            parts
                .headers
                .get(h)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
        };
        let request_object =
            body.and_then(|b| request_object(b, header(header::CONTENT_TYPE), object.as_ref()));
        if let (Some(o), Some(name)) = (
            object.as_mut(),
            request_object
                .as_ref()
                .and_then(|v| v["metadata"]["name"].as_str()),
        ) && o.name.is_empty()
            && parts.method == Method::POST
        {
            // A create names its object in the body (the apiserver fills it in).
            o.name = name.to_string();
        }
        let source = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "127.0.0.1".to_string());
        let uri = match parts.uri.query() {
            Some(q) => format!("/{k8s}?{q}"),
            None => format!("/{k8s}"),
        };
        let decision = if role.is_some() { "allow" } else { "forbid" };
        let event = Event {
            kind: "Event",
            api_version: "audit.k8s.io/v1",
            level: if watch { "Metadata" } else { "Request" },
            audit_id: uuid::Uuid::new_v4().to_string(),
            stage: "ResponseComplete",
            request_uri: uri,
            verb: if watch {
                "watch".to_string()
            } else {
                event::verb(&parts.method, object.as_ref())
            },
            user: User::of(role),
            source_ips: vec![source],
            user_agent: header(header::USER_AGENT).to_string(),
            object_ref: object,
            response_status: event::ResponseStatus::default(),
            request_object,
            request_received_timestamp: event::timestamp(received),
            stage_timestamp: String::new(),
            annotations: [
                ("authorization.k8s.io/decision", decision.to_string()),
                ("opsdeck.sim/cluster", cluster.to_string()),
            ]
            .into(),
        };
        Some(Pending {
            log: log.clone(),
            event,
            watch,
        })
    }

    /// Record the answer (its code, and the `Status` of a failure) and hand
    /// it back unchanged.
    pub async fn finish(mut self, resp: Resp) -> Resp {
        let code = resp.status().as_u16();
        let (resp, status) = if code >= 400 {
            // A failure is a small buffered `Status`: read it, answer the same bytes.
            let (parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let status = serde_json::from_slice::<Value>(&bytes).ok();
            (Resp::from_parts(parts, Body::from(bytes)), status)
        } else {
            (resp, None)
        };
        let e = &mut self.event;
        e.response_status = event::response_status(code, status.as_ref());
        if code == 403 {
            e.annotations
                .insert("authorization.k8s.io/decision", "forbid".to_string());
        }
        e.stage_timestamp = event::timestamp(jiff::Timestamp::now());
        if self.watch && code < 400 {
            return self.stream(resp);
        }
        self.write();
        resp
    }

    fn write(&self) {
        if let Err(err) = self.log.append(&self.event) {
            tracing::warn!("audit log {}: {err}", self.log.path().display());
        }
    }

    /// A watch's stream opened: say so now, and again when its body is
    /// dropped (ended, or its client gone).
    fn stream(mut self, resp: Resp) -> Resp {
        use futures::StreamExt;
        self.event.stage = "ResponseStarted";
        self.write();
        self.event.stage = "ResponseComplete";
        let (parts, body) = resp.into_parts();
        let ended = WatchEnded(self);
        let body = body.into_data_stream().map(move |chunk| {
            let _ = &ended;
            chunk
        });
        Resp::from_parts(parts, Body::from_stream(body))
    }
}

/// Writes a watch's `ResponseComplete` line when its stream is dropped.
struct WatchEnded(Pending);

impl Drop for WatchEnded {
    fn drop(&mut self) {
        self.0.event.stage_timestamp = event::timestamp(jiff::Timestamp::now());
        self.0.write();
    }
}

/// The request body as JSON: parsed JSON, or the spec of a protobuf
/// SelfSubjectAccessReview; `None` for anything else.
fn request_object(body: &Bytes, content_type: &str, object: Option<&ObjectRef>) -> Option<Value> {
    if content_type.contains("protobuf") {
        let ssar = object.is_some_and(|o| o.resource == "selfsubjectaccessreviews");
        return proto::ssar_spec(body).filter(|_| ssar).map(|mut spec| {
            drop_empty(&mut spec);
            json!({
                "kind": "SelfSubjectAccessReview",
                "apiVersion": "authorization.k8s.io/v1",
                "metadata": {"creationTimestamp": null},
                "spec": spec,
                "status": {"allowed": false},
            })
        });
    }
    serde_json::from_slice(body).ok()
}

/// Leave out empty strings, as the apiserver's JSON does (`omitempty`).
fn drop_empty(v: &mut Value) {
    if let Value::Object(m) = v {
        m.retain(|_, x| x.as_str() != Some(""));
        m.values_mut().for_each(drop_empty);
    }
}
