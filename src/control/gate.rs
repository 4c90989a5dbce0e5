//! Gates: the rollout wait (observedGeneration, updated = ready = available
//! = replicas, progress deadline ⇒ failed) and the SLO verification over a
//! window. Their numbers go into the journal.

use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::ListParams;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::clients::Ctx;
use super::step::ObjectRef;

/// A gate's result: passed or not, with its numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub passed: bool,
    pub message: String,
    pub values: Value,
}

/// Rollout state of a Deployment as the gate sees it.
pub fn rollout_state(d: &Deployment) -> (bool, Option<String>, Value) {
    let spec_replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let generation = d.metadata.generation.unwrap_or(0);
    let st = d.status.clone().unwrap_or_default();
    let observed = st.observed_generation.unwrap_or(0);
    let (replicas, updated, ready, available) = (
        st.replicas.unwrap_or(0),
        st.updated_replicas.unwrap_or(0),
        st.ready_replicas.unwrap_or(0),
        st.available_replicas.unwrap_or(0),
    );
    let deadline = st.conditions.unwrap_or_default().into_iter().find(|c| {
        c.type_ == "Progressing"
            && c.status == "False"
            && c.reason.as_deref() == Some("ProgressDeadlineExceeded")
    });
    let values = json!({"generation": generation, "observedGeneration": observed, "specReplicas": spec_replicas,
        "replicas": replicas, "updated": updated, "ready": ready, "available": available});
    let complete = observed >= generation
        && updated == spec_replicas
        && ready == spec_replicas
        && available == spec_replicas
        && replicas == spec_replicas;
    let failed = deadline.map(|c| {
        format!(
            "rollout exceeded its progress deadline: {}",
            crate::sanitize::clean(c.message.as_deref().unwrap_or(""))
        )
    });
    (complete, failed, values)
}

/// Container states that never end in a ready pod without a change.
const STUCK: [&str; 4] = [
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "CreateContainerConfigError",
];

/// A pod of the Deployment stuck in one of [`STUCK`], named with its reason.
async fn stuck_pod(pods: &Api<Pod>, d: &Deployment) -> Option<String> {
    let labels = d.spec.as_ref()?.selector.match_labels.as_ref()?;
    let selector = labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    // Only pods running the template's images: old pods of a release being
    // rolled back may crash on their way out.
    let template = d.spec.as_ref()?.template.spec.as_ref()?;
    let current = |name: &str| {
        template
            .containers
            .iter()
            .find(|c| c.name == name)
            .and_then(|c| c.image.clone())
    };
    let list = pods
        .list(&ListParams::default().labels(&selector))
        .await
        .ok()?;
    list.items.iter().find_map(|p| {
        let statuses = p.status.as_ref()?.container_statuses.as_ref()?;
        statuses.iter().find_map(|c| {
            let reason = c.state.as_ref()?.waiting.as_ref()?.reason.clone()?;
            let ours = current(&c.name).is_some_and(|img| img == c.image);
            (ours && STUCK.contains(&reason.as_str())).then(|| {
                format!(
                    "pod {} container {}: {reason} (image {})",
                    crate::sanitize::clean(p.metadata.name.as_deref().unwrap_or("?")),
                    crate::sanitize::clean(&c.name),
                    crate::sanitize::clean(&c.image)
                )
            })
        })
    })
}

/// Waits until the rollout of `t` completes (and `spec.replicas` is within
/// `min..=max` when given), fails, times out or is cancelled.
pub async fn rollout(
    ctx: &Ctx,
    t: &ObjectRef,
    timeout: Duration,
    min: Option<u32>,
    max: Option<u32>,
    cancel: &CancellationToken,
) -> Verdict {
    let start = Instant::now();
    let mut last = json!(null);
    let client = match ctx.kube(&t.context).await {
        Ok(c) => c,
        Err(e) => {
            return Verdict {
                passed: false,
                message: e.to_string(),
                values: last,
            };
        }
    };
    let api: Api<Deployment> = Api::namespaced(client.clone(), &t.namespace);
    let pods: Api<Pod> = Api::namespaced(client, &t.namespace);
    loop {
        match api.get(&t.name).await {
            Ok(d) => {
                let (complete, mut failed, values) = rollout_state(&d);
                if !complete && failed.is_none() {
                    failed = stuck_pod(&pods, &d)
                        .await
                        .map(|p| format!("rollout cannot complete: {p}"));
                }
                let spec = values["specReplicas"].as_i64().unwrap_or(0);
                let in_range = min.is_none_or(|m| spec >= i64::from(m))
                    && max.is_none_or(|m| spec <= i64::from(m));
                last = values;
                if let Some(f) = failed {
                    return Verdict {
                        passed: false,
                        message: f,
                        values: last,
                    };
                }
                if complete && in_range {
                    return Verdict {
                        passed: true,
                        message: format!("{} rolled out: {spec}/{spec} ready", t.label()),
                        values: last,
                    };
                }
            }
            Err(e) => last = json!({"error": crate::sources::kube::client::describe(&e)}),
        }
        if start.elapsed() >= timeout {
            return Verdict {
                passed: false,
                message: format!(
                    "{} not rolled out within {} s",
                    t.label(),
                    timeout.as_secs()
                ),
                values: last,
            };
        }
        tokio::select! {
            _ = tokio::time::sleep(ctx.settings.poll) => {}
            _ = cancel.cancelled() => return Verdict { passed: false, message: "aborted".into(), values: last },
        }
    }
}

/// How long a check past its window waits for the first samples (traffic
/// just shifted to the region: the rate windows have not caught up yet).
const FIRST_DATA_GRACE: Duration = Duration::from_secs(60);

/// Sampling rounds in a row whose Prometheus read fails before an SLO check
/// fails closed ("cannot verify").
const READ_ATTEMPTS: u32 = 3;

/// One SLO verification: the service in the region over a window.
#[derive(Debug, Clone, Copy)]
pub struct SloCheck<'a> {
    pub region: &'a str,
    pub service: &'a str,
    pub window: Duration,
    pub max_error_ratio: f64,
    pub max_p95: f64,
    /// No samples at all is the answer expected (a drained region): do not
    /// wait for data past the window.
    pub idle_ok: bool,
}

/// Samples the service's error ratio and p95 in the region for `window`
/// (longer, up to a minute more, while no sample has come yet); passes when
/// their means are within the thresholds. Fails closed when Prometheus
/// cannot be read ([`READ_ATTEMPTS`] rounds in a row, or no sample at all)
/// or has nothing to judge.
pub async fn slo(ctx: &Ctx, check: &SloCheck<'_>, cancel: &CancellationToken) -> Verdict {
    let SloCheck {
        region,
        service,
        window,
        max_error_ratio,
        max_p95,
        idle_ok,
    } = *check;
    let none = |m: String| Verdict {
        passed: true,
        message: m,
        values: json!({"skipped": true}),
    };
    let Some(reg) = ctx.cfg.regions.iter().find(|r| r.name == region) else {
        return none(format!("no region {region} in the config: SLO not checked"));
    };
    let Some(svc) = ctx.cfg.services.iter().find(|s| s.name == service) else {
        return none(format!("no service {service}: SLO not checked"));
    };
    let Some(p) = &reg.prometheus else {
        return none(format!("no Prometheus for {region}: SLO not checked"));
    };
    if svc.slo.error_ratio.is_none() && svc.slo.p95_latency.is_none() {
        return none(format!("{service} has no SLO queries: SLO not checked"));
    }
    let client = match crate::sources::http::client(p.auth.as_ref(), &p.headers, p.timeout)
        .and_then(|h| crate::sources::prometheus::client(h, &p.url))
    {
        Ok(c) => c,
        Err(e) => {
            return Verdict {
                passed: false,
                message: format!("Prometheus for {region}: {e}"),
                values: json!(null),
            };
        }
    };
    let expand = |q: &Option<String>| {
        q.as_deref()
            .map(|q| crate::sources::prometheus::expand(q, p.selector.as_deref()))
    };
    let (err_q, p95_q) = (expand(&svc.slo.error_ratio), expand(&svc.slo.p95_latency));
    let every = (window / 6).clamp(Duration::from_secs(1), Duration::from_secs(10));
    let start = Instant::now();
    let (mut errs, mut p95s) = (Vec::new(), Vec::new());
    // A read that fails once (a timeout while the server is busy) is a
    // missed sample; READ_ATTEMPTS failed rounds in a row fail closed.
    let (mut failed_rounds, mut last_failure) = (0u32, None::<String>);
    loop {
        let mut failure = None;
        for (q, out) in [(&err_q, &mut errs), (&p95_q, &mut p95s)] {
            if let Some(q) = q {
                match crate::sources::prometheus::instant_value(&client, q, p.timeout).await {
                    Ok(Some(v)) => out.push(v),
                    Ok(None) => {}
                    Err(e) => failure = Some(e),
                }
            }
        }
        if let Some(e) = failure {
            failed_rounds += 1;
            last_failure = Some(crate::sanitize::clean(&e).into_owned());
        } else {
            failed_rounds = 0;
        }
        let cannot = |why: &str, errs: &[f64], p95s: &[f64]| Verdict {
            passed: false,
            message: format!("cannot verify: Prometheus for {region}: {why}"),
            values: json!({"errorRatio": errs, "p95Seconds": p95s}),
        };
        if failed_rounds >= READ_ATTEMPTS {
            let why = format!(
                "{} ({failed_rounds} reads in a row failed)",
                last_failure.as_deref().unwrap_or("no answer")
            );
            return cannot(&why, &errs, &p95s);
        }
        let nothing = errs.is_empty() && p95s.is_empty();
        let waited = start.elapsed();
        if waited >= window && (!nothing || idle_ok || waited >= window + FIRST_DATA_GRACE) {
            if nothing && let Some(why) = &last_failure {
                return cannot(why, &errs, &p95s);
            }
            break;
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = cancel.cancelled() => return Verdict { passed: false, message: "aborted".into(), values: json!({"errorRatio": errs, "p95Seconds": p95s}) },
        }
    }
    let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    let (e, l) = (mean(&errs), mean(&p95s));
    let values = json!({"errorRatio": errs, "p95Seconds": p95s, "meanErrorRatio": e, "meanP95Seconds": l,
        "maxErrorRatio": max_error_ratio, "maxP95Seconds": max_p95, "windowSeconds": window.as_secs()});
    let mut bad = Vec::new();
    if let Some(e) = e.filter(|e| *e > max_error_ratio) {
        bad.push(format!(
            "error ratio {:.2}% > {:.2}%",
            e * 100.0,
            max_error_ratio * 100.0
        ));
    }
    if let Some(l) = l.filter(|l| *l > max_p95) {
        bad.push(format!(
            "p95 {:.0} ms > {:.0} ms",
            l * 1000.0,
            max_p95 * 1000.0
        ));
    }
    if e.is_none() && l.is_none() {
        return Verdict {
            passed: false,
            message: format!("cannot verify: no SLO samples for {service} in {region}"),
            values: json!({"noSamples": true, "windowSeconds": window.as_secs()}),
        };
    }
    if bad.is_empty() {
        Verdict {
            passed: true,
            message: format!(
                "{service} in {region} within its SLO over {} s (error ratio {}, p95 {})",
                window.as_secs(),
                e.map(|e| format!("{:.2}%", e * 100.0))
                    .unwrap_or_else(|| "-".into()),
                l.map(|l| format!("{:.0} ms", l * 1000.0))
                    .unwrap_or_else(|| "-".into())
            ),
            values,
        }
    } else {
        Verdict {
            passed: false,
            message: format!("{service} in {region} breaks its SLO: {}", bad.join(", ")),
            values,
        }
    }
}
