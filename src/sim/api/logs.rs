//! Pod logs: synthetic lines consistent with the pod's state. A running pod
//! writes a request log line every 2 simulated seconds (errors while its
//! region has failed); a crash-looping pod writes its start-up and the fatal
//! error; a pod whose containers never started has no logs (400, as the
//! kubelet answers). At most the last 5,000 lines are kept.

use std::convert::Infallible;

use axum::body::Body;
use bytes::Bytes;
use futures::SinkExt;
use futures::channel::mpsc;

use super::super::clock::{Millis, rfc3339_nano};
use super::super::cluster::key;
use super::super::hash::fnv32a;
use super::super::kind::Kind;
use super::super::pod::{Pod, Stage};
use super::Ctx;
use super::status::{self, Resp};

/// Simulated ms between log lines of a running pod.
const EVERY: Millis = 2_000;
/// Most lines returned.
const MAX_LINES: u64 = 5_000;

fn paths(app: &str) -> &'static [&'static str] {
    match app {
        "checkout" => &[
            "/api/cart",
            "/api/checkout",
            "/api/orders",
            "/api/cart/items",
        ],
        "catalog" => &[
            "/api/products",
            "/api/products/1842",
            "/api/categories",
            "/api/products/77",
        ],
        "payments" => &[
            "/v1/charges",
            "/v1/refunds",
            "/v1/charges/ch_93k2",
            "/v1/intents",
        ],
        "search" => &[
            "/search?q=shoes",
            "/search?q=lamp",
            "/suggest?q=ca",
            "/search?q=desk",
        ],
        _ => &["/work", "/healthz", "/batch", "/status"],
    }
}

/// Log line `i` of a pod (without timestamp).
pub fn line(p: &Pod, i: u64, previous: bool) -> String {
    let h = fnv32a(format!("{}/{i}", p.name).as_bytes());
    let app = p.label("app").unwrap_or("app");
    if p.stage == Stage::CrashLoop || previous {
        return match i % 3 {
            0 => format!(
                "level=info msg=\"starting {app}\" version={}",
                super::super::config::image_tag(p.image())
            ),
            1 => format!("level=info msg=\"loading configuration\" path=/etc/{app}/config.yaml"),
            _ => format!(
                "level=error msg=\"fatal: configuration key {app}.upstream.url is missing\" exit_code=1"
            ),
        };
    }
    let ps = paths(app);
    let path = ps[(h as usize) % ps.len()];
    let method = if h.is_multiple_of(5) { "POST" } else { "GET" };
    let trace = format!("{:016x}", u64::from(h) * 2_654_435_761);
    if p.region_failed {
        return format!(
            "level=error msg=\"upstream connect error or disconnect/reset before headers\" method={method} path={path} status=503 duration_ms={} trace_id={trace}",
            1000 + h % 4000
        );
    }
    let status = if h.is_multiple_of(97) { 500 } else { 200 };
    let level = if status == 500 { "error" } else { "info" };
    format!(
        "level={level} msg=\"request\" method={method} path={path} status={status} duration_ms={} trace_id={trace}",
        3 + h % 180
    )
}

fn render(p: &Pod, i: u64, start: Millis, stamps: bool, previous: bool) -> String {
    let l = line(p, i, previous);
    if stamps {
        format!("{} {l}\n", rfc3339_nano(start + i as Millis * EVERY))
    } else {
        format!("{l}\n")
    }
}

/// GET pods/{name}/log
pub async fn serve(ctx: &Ctx, ns: &str, name: &str) -> Resp {
    let (pod, now) = {
        let c = ctx.lock();
        match c.pods.get(&key(ns, name)) {
            Some(p) => (p.clone(), c.now()),
            None => return status::not_found(Kind::Pod, name),
        }
    };
    let names: Vec<&str> = pod
        .containers()
        .iter()
        .filter_map(|c| c.get("name").and_then(|n| n.as_str()))
        .collect();
    let container = ctx
        .q("container")
        .unwrap_or(names.first().copied().unwrap_or(""));
    if !names.contains(&container) {
        return status::bad_request(&format!(
            "container {container} is not valid for pod {name}"
        ));
    }
    let previous = ctx.flag("previous");
    if previous && pod.restarts == 0 {
        return status::bad_request(&format!(
            "previous terminated container \"{container}\" in pod \"{name}\" not found"
        ));
    }
    let Some(started) = pod.started.or(if pod.stage == Stage::CrashLoop {
        Some(pod.changed)
    } else {
        None
    }) else {
        let why = match pod.stage {
            Stage::PullBackOff => "trying and failing to pull image",
            _ => "ContainerCreating",
        };
        return status::bad_request(&format!(
            "container \"{container}\" in pod \"{name}\" is waiting to start: {why}"
        ));
    };
    let stamps = ctx.flag("timestamps");
    let crash = pod.stage == Stage::CrashLoop || previous;
    let total = if crash {
        3
    } else {
        ((now - started).max(0) / EVERY) as u64 + 1
    };
    let mut first = total.saturating_sub(MAX_LINES);
    if let Some(s) = ctx.q("sinceSeconds").and_then(|s| s.parse::<i64>().ok()) {
        let from = now - s * 1000;
        if !crash && from > started {
            first = first.max(((from - started) / EVERY) as u64);
        }
    }
    if let Some(n) = ctx.q("tailLines").and_then(|n| n.parse::<u64>().ok()) {
        first = first.max(total.saturating_sub(n));
    }
    let body: String = (first..total)
        .map(|i| render(&pod, i, started, stamps, previous))
        .collect();
    if !ctx.flag("follow") || crash {
        return status::bytes(200, "text/plain", body);
    }
    let (mut tx, rx) = mpsc::channel::<Result<Bytes, Infallible>>(16);
    let cell = ctx.cell.clone();
    tokio::spawn(async move {
        if tx.send(Ok(Bytes::from(body))).await.is_err() {
            return;
        }
        let mut i = total;
        loop {
            let (p, wait) = {
                let c = cell.lock();
                let Some(p) = c.pods.get(&key(&pod.ns, &pod.name)) else {
                    return;
                };
                if p.uid != pod.uid || p.deleting.is_some() {
                    return;
                }
                let due = started + i as Millis * EVERY;
                (p.clone(), c.clock.real(due - c.now()))
            };
            tokio::time::sleep(wait).await;
            if tx
                .send(Ok(Bytes::from(render(&p, i, started, stamps, false))))
                .await
                .is_err()
            {
                return;
            }
            i += 1;
        }
    });
    let mut r = axum::http::Response::new(Body::from_stream(rx));
    r.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/plain"),
    );
    r
}
