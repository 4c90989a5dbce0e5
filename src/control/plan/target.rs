//! Finding what an operation names: the service and regions in the config
//! (an unknown one is named with the nearest valid one), and the live
//! Deployment (and its HPA) in every cluster of each region.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use kube::Api;
use kube::api::ListParams;
use serde_json::Value;

use super::super::clients::Ctx;
use super::super::error::{self, ControlError};
use super::super::step::ObjectRef;
use crate::config::{Region, Service};

pub const ARGO_TRACKING: &str = "argocd.argoproj.io/tracking-id";
pub const ARGO_INSTANCE: &str = "argocd.argoproj.io/instance";

fn unknown(kind: &str, given: &str, known: &[&str]) -> ControlError {
    let hint = crate::config::error::nearest(given, known)
        .map(|n| format!("did you mean `{n}`? "))
        .unwrap_or_default();
    ControlError::Usage(format!(
        "unknown {kind} {given:?}; {hint}valid: {}",
        known.join(", ")
    ))
}

pub fn service<'a>(ctx: &'a Ctx, name: &str) -> Result<&'a Service, ControlError> {
    ctx.cfg
        .services
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| {
            let known: Vec<&str> = ctx.cfg.services.iter().map(|s| s.name.as_str()).collect();
            unknown("service", name, &known)
        })
}

pub fn region<'a>(ctx: &'a Ctx, name: &str) -> Result<&'a Region, ControlError> {
    ctx.cfg
        .regions
        .iter()
        .find(|r| r.name == name)
        .ok_or_else(|| {
            let known: Vec<&str> = ctx.cfg.regions.iter().map(|r| r.name.as_str()).collect();
            unknown("region", name, &known)
        })
}

/// Whether `region` (or one of its contexts) is marked production.
pub fn production(ctx: &Ctx, region: &Region) -> bool {
    region.production
        || region.clusters.iter().any(|c| {
            ctx.cfg
                .policy
                .contexts
                .get(&c.context)
                .is_some_and(|p| p.production)
        })
}

/// The service's Deployment in one cluster, read live.
pub struct Live {
    pub target: ObjectRef,
    pub object: Value,
    pub hpa: Option<(ObjectRef, Value)>,
}

impl Live {
    pub fn resource_version(&self) -> Option<String> {
        self.object
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    /// Warnings every plan on this object shows.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        let managed = self
            .object
            .pointer("/metadata/annotations")
            .and_then(|a| a.get(ARGO_TRACKING))
            .is_some()
            || self
                .object
                .pointer("/metadata/labels")
                .and_then(|l| l.get(ARGO_INSTANCE))
                .is_some();
        if managed {
            w.push(format!(
                "{} is managed by Argo CD: with self-heal on, it may revert this change",
                self.target.label()
            ));
        }
        if self.object.pointer("/spec/paused") == Some(&Value::Bool(true)) {
            w.push(format!("{} is paused", self.target.label()));
        }
        w
    }
}

/// Reads the service's Deployment (and the HPA that targets it) in every
/// cluster of `region`.
pub async fn live(
    ctx: &Ctx,
    service: &Service,
    region: &Region,
) -> Result<Vec<Live>, ControlError> {
    let name = service.deployment_in(&region.name).to_string();
    let ns = service.namespace.clone();
    let mut out = Vec::new();
    for cluster in &region.clusters {
        let client = ctx.kube(&cluster.context).await?;
        let api: Api<Deployment> = Api::namespaced(client.clone(), &ns);
        let d = api
            .get(&name)
            .await
            .map_err(|e| error::kube(&cluster.context, &format!("deployment {ns}/{name}"), &e))?;
        let object = serde_json::to_value(&d).map_err(|e| ControlError::Failed(e.to_string()))?;
        let target = ObjectRef {
            region: region.name.clone(),
            context: cluster.context.clone(),
            namespace: ns.clone(),
            api_version: "apps/v1".into(),
            kind: "Deployment".into(),
            name: name.clone(),
            uid: d.metadata.uid.clone(),
        };
        let hpas: Api<HorizontalPodAutoscaler> = Api::namespaced(client, &ns);
        let list = hpas
            .list(&ListParams::default())
            .await
            .map_err(|e| error::kube(&cluster.context, &format!("HPAs in {ns}"), &e))?;
        let hpa = list
            .items
            .into_iter()
            .find(|h| {
                h.spec.as_ref().is_some_and(|s| {
                    s.scale_target_ref.kind == "Deployment" && s.scale_target_ref.name == name
                })
            })
            .and_then(|h| {
                let value = serde_json::to_value(&h).ok()?;
                Some((
                    ObjectRef {
                        region: region.name.clone(),
                        context: cluster.context.clone(),
                        namespace: ns.clone(),
                        api_version: "autoscaling/v2".into(),
                        kind: "HorizontalPodAutoscaler".into(),
                        name: h.metadata.name.clone().unwrap_or_default(),
                        uid: h.metadata.uid.clone(),
                    },
                    value,
                ))
            });
        out.push(Live {
            target,
            object,
            hpa,
        });
    }
    if out.is_empty() {
        return Err(ControlError::Usage(format!(
            "region {} has no clusters configured",
            region.name
        )));
    }
    Ok(out)
}

/// The integer at `pointer`, or `default`.
pub fn int(v: &Value, pointer: &str, default: i64) -> i64 {
    v.pointer(pointer)
        .and_then(Value::as_i64)
        .unwrap_or(default)
}
