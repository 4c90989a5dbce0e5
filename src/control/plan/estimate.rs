//! How long a plan should take, shown beside the region's RTO. A run of
//! rollout waits takes as long as its slowest (the pods start together):
//! each from how fast the target's pods became ready in this cluster (the
//! median creation → Ready of its current pods), or its timeout when no pod
//! tells; SLO checks and canary gates take their windows; a change, a
//! second.

use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::ListParams;

use super::super::clients::Ctx;
use super::super::stats::median;
use super::super::step::{Action, ObjectRef, Step};

/// Seconds a change step (one API write) is counted as.
const CHANGE_SECONDS: f64 = 1.0;

/// The estimate and what it rests on.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub seconds: f64,
    /// Whether every wait was estimated from pods (else from timeouts)
    pub from_pods: bool,
}

/// The median seconds from creation to Ready of the Deployment's ready pods.
async fn ready_seconds(ctx: &Ctx, t: &ObjectRef) -> Option<f64> {
    let client = ctx.kube(&t.context).await.ok()?;
    let dep: Deployment = Api::namespaced(client.clone(), &t.namespace)
        .get(&t.name)
        .await
        .ok()?;
    let labels = dep.spec?.selector.match_labels?;
    let selector: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let pods = Api::<Pod>::namespaced(client, &t.namespace)
        .list(&ListParams::default().labels(&selector.join(",")))
        .await
        .ok()?;
    let secs: Vec<f64> = pods
        .items
        .iter()
        .filter_map(|p| {
            let created = p.metadata.creation_timestamp.as_ref()?.0;
            let ready = p
                .status
                .as_ref()?
                .conditions
                .as_ref()?
                .iter()
                .find(|c| c.type_ == "Ready" && c.status == "True")?
                .last_transition_time
                .as_ref()?
                .0;
            Some(ready.duration_since(created).as_secs_f64().max(0.0))
        })
        .collect();
    median(&secs)
}

/// The time `steps` should take.
pub async fn plan_time(ctx: &Ctx, steps: &[Step]) -> Estimate {
    let mut total = 0.0;
    let mut run = 0.0_f64;
    let mut from_pods = true;
    for s in steps {
        let wait = match (&s.action, &s.target) {
            (
                Action::WaitRollout {
                    timeout_seconds, ..
                },
                Some(t),
            ) => Some(match ready_seconds(ctx, t).await {
                Some(r) => r.max(1.0),
                None => {
                    from_pods = false;
                    *timeout_seconds as f64
                }
            }),
            _ => None,
        };
        if let Some(w) = wait {
            run = run.max(w);
            continue;
        }
        total += run;
        run = 0.0;
        total += match &s.action {
            Action::VerifySlo { window_seconds, .. }
            | Action::CanaryGate { window_seconds, .. } => *window_seconds as f64,
            _ => CHANGE_SECONDS,
        };
    }
    Estimate {
        seconds: total + run,
        from_pods,
    }
}

/// "~2 min 5 s"
fn human(seconds: f64) -> String {
    let s = seconds.round() as u64;
    match (s / 60, s % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

/// The preview's line: the estimate against `region`'s RTO, if it has one.
pub fn against_rto(e: &Estimate, region: &str, rto: Option<Duration>) -> String {
    let basis = if e.from_pods {
        "from how fast this cluster's pods become ready"
    } else {
        "at most: from the rollout timeouts, no pod to measure"
    };
    let est = format!("estimated time ~{} ({basis})", human(e.seconds));
    match rto {
        Some(rto) if e.seconds > rto.as_secs_f64() => format!(
            "{est} EXCEEDS {region}'s RTO of {}; the journal records the actual time",
            human(rto.as_secs_f64())
        ),
        Some(rto) => format!(
            "{est}, within {region}'s RTO of {}; the journal records the actual time",
            human(rto.as_secs_f64())
        ),
        None => format!("{est}; {region} has no RTO (set regions.rto)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_whether_the_estimate_fits_the_rto() {
        let e = Estimate {
            seconds: 125.0,
            from_pods: true,
        };
        let within = against_rto(&e, "us-east-1", Some(Duration::from_secs(900)));
        assert!(
            within.contains("~2 min 5 s") && within.contains("within us-east-1's RTO of 15 min")
        );
        let over = against_rto(&e, "us-east-1", Some(Duration::from_secs(60)));
        assert!(over.contains("EXCEEDS us-east-1's RTO of 1 min"), "{over}");
        let bound = Estimate {
            seconds: 600.0,
            from_pods: false,
        };
        assert!(against_rto(&bound, "x", None).contains("at most"));
    }
}
