//! File shape -> resolved [`Config`]: defaults applied, every value checked,
//! every problem collected (not just the first) with its position.
//! Services are resolved in [`services`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

mod operations;
mod services;

use super::checks::{self, Invalid};
use super::error::{ConfigError, ConfigErrors, nearest};
use super::file::*;
use super::locate::PathSeg;
use super::overrides::{Overrides, read_only_from_env};
use super::resolved::*;
use super::secret::Secret;

/// Reads an environment variable; injectable for tests.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

pub(super) struct Resolver<'a> {
    file: &'a Path,
    text: &'a str,
    env: EnvLookup<'a>,
    pub errors: Vec<ConfigError>,
    /// Each resolved region's index in the file and its own `workloads`.
    region_workloads: Vec<(usize, Option<WorkloadMode>)>,
}

fn k(key: &str) -> PathSeg {
    PathSeg::Key(key.to_string())
}

fn i(index: usize) -> PathSeg {
    PathSeg::Index(index)
}

fn join(base: &[PathSeg], more: &[PathSeg]) -> Vec<PathSeg> {
    base.iter().chain(more).cloned().collect()
}

impl<'a> Resolver<'a> {
    pub fn new(file: &'a Path, text: &'a str, env: EnvLookup<'a>) -> Self {
        Self {
            file,
            text,
            env,
            errors: Vec::new(),
            region_workloads: Vec::new(),
        }
    }

    fn push(
        &mut self,
        path: &[PathSeg],
        problem: impl Into<String>,
        found: Option<String>,
        valid: &str,
    ) {
        let mut e = ConfigError::at_path(self.file, self.text, path, problem);
        e.found = found;
        if !valid.is_empty() {
            e.valid = Some(valid.to_string());
        }
        self.errors.push(e);
    }

    fn invalid(&mut self, path: &[PathSeg], found: &str, bad: Invalid) {
        self.push(path, bad.problem, Some(format!("{found:?}")), &bad.valid);
    }

    fn required<T: Clone>(
        &mut self,
        value: &Option<T>,
        path: &[PathSeg],
        valid: &str,
    ) -> Option<T> {
        if value.is_none() {
            self.push(path, "missing required key", None, valid);
        }
        value.clone()
    }

    fn url(&mut self, raw: &Option<String>, path: &[PathSeg]) -> Option<url::Url> {
        let raw = self.required(raw, path, "an http:// or https:// URL")?;
        checks::http_url(&raw)
            .map_err(|e| self.invalid(path, &raw, e))
            .ok()
    }

    fn duration(
        &mut self,
        raw: Option<&String>,
        path: &[PathSeg],
        default: u64,
    ) -> std::time::Duration {
        let Some(raw) = raw else {
            return std::time::Duration::from_secs(default);
        };
        checks::duration(raw)
            .map_err(|e| self.invalid(path, raw, e))
            .unwrap_or(std::time::Duration::from_secs(default))
    }

    fn secret_env(&mut self, var: &str, path: &[PathSeg]) -> Option<Secret> {
        match (self.env)(var) {
            Some(v) if !v.is_empty() => Some(Secret::new(format!("env:{var}"), v)),
            _ => {
                let problem = format!("environment variable {var} is not set");
                let valid = format!(
                    "export {var}=<credential> before starting opsdeck, or remove this key"
                );
                self.push(path, problem, Some(format!("{var:?}")), &valid);
                None
            }
        }
    }

    pub fn config(&mut self, f: FileConfig, o: &Overrides) -> Config {
        let ui = self.ui(f.ui.unwrap_or_default(), o);
        let regions = self.regions(f.regions.unwrap_or_default());
        let names: Vec<&str> = regions.iter().map(|r| r.name.as_str()).collect();
        let contexts: Vec<&str> = regions
            .iter()
            .flat_map(|r| r.clusters.iter().map(|c| c.context.as_str()))
            .collect();
        let services = self.services(f.services.unwrap_or_default(), &names, &contexts);
        let policy = self.policy(f.policy.unwrap_or_default(), &contexts, o);
        let notify = self.notify(f.notify.unwrap_or_default());
        let mut regions = regions;
        let fleet_metrics = self.fleet_metrics(f.fleet_metrics, &mut regions);
        Config {
            source: Some(self.file.to_path_buf()),
            ui,
            policy,
            regions,
            services,
            notify,
            fleet_metrics,
        }
    }

    /// `[fleet_metrics]`, and each region's workload mode: its own, else
    /// the fleet's default, else `watch`. `metrics` needs the store.
    fn fleet_metrics(
        &mut self,
        f: Option<FileFleetMetrics>,
        regions: &mut [Region],
    ) -> Option<FleetMetrics> {
        let base = [k("fleet_metrics")];
        let default = f.as_ref().and_then(|f| f.workloads).unwrap_or_default();
        let fleet = f.and_then(|f| {
            let endpoint = self.prometheus(
                FilePrometheus {
                    url: f.url,
                    bearer_token_env: f.bearer_token_env,
                    basic_auth: f.basic_auth,
                    headers: f.headers,
                    selector: None,
                    timeout: f.timeout,
                },
                &base,
            )?;
            Some(FleetMetrics {
                endpoint,
                region_label: f.region_label.unwrap_or_else(|| "region".into()),
                cluster_label: f.cluster_label.unwrap_or_else(|| "cluster".into()),
            })
        });
        for (n, r) in regions.iter_mut().enumerate() {
            let (index, own) = self.region_workloads.get(n).copied().unwrap_or((n, None));
            r.workloads = own.unwrap_or(default);
            if r.workloads == WorkloadMode::Metrics && fleet.is_none() {
                let path = match own {
                    Some(_) => vec![k("regions"), i(index), k("workloads")],
                    None => join(&base, &[k("workloads")]),
                };
                self.push(
                    &path,
                    "workloads = \"metrics\" needs a fleet-wide store",
                    Some(format!("region {:?}", r.name)),
                    "a [fleet_metrics] table with url, or workloads = \"watch\"",
                );
            }
        }
        fleet
    }

    fn ui(&mut self, f: FileUi, o: &Overrides) -> Ui {
        let r = f.refresh.unwrap_or_default();
        let base = [k("ui"), k("refresh")];
        let refresh = Refresh {
            prometheus: self.duration(r.prometheus.as_ref(), &join(&base, &[k("prometheus")]), 10),
            alertmanager: self.duration(
                r.alertmanager.as_ref(),
                &join(&base, &[k("alertmanager")]),
                15,
            ),
            billing: self.duration(r.billing.as_ref(), &join(&base, &[k("billing")]), 300),
            stale_after_missed: r.stale_after_missed.unwrap_or(3).max(1),
        };
        let max_fps = f.max_fps.unwrap_or(20);
        if !(1..=120).contains(&max_fps) {
            self.push(
                &[k("ui"), k("max_fps")],
                "out of range",
                Some(max_fps.to_string()),
                "1 to 120",
            );
        }
        let b = f.budget.unwrap_or_default();
        if let Some(m) = b.monthly.filter(|m| !m.is_finite() || *m < 0.0) {
            self.push(
                &[k("ui"), k("budget"), k("monthly")],
                "budget must not be negative",
                Some(m.to_string()),
                "a number >= 0",
            );
        }
        Ui {
            theme: o
                .theme
                .clone()
                .or(f.theme)
                .unwrap_or_else(|| "default".into()),
            keymap: o
                .keymap
                .clone()
                .or(f.keymap)
                .unwrap_or_else(|| "default".into()),
            ascii: o.ascii.or(f.ascii).unwrap_or(false),
            max_fps: max_fps.clamp(1, 120),
            refresh,
            budget: Budget {
                monthly: b.monthly,
                currency: b.currency.unwrap_or_else(|| "USD".into()),
            },
        }
    }

    fn policy(&mut self, f: FilePolicy, known: &[&str], o: &Overrides) -> Policy {
        let mut contexts = BTreeMap::new();
        for (n, c) in f.contexts.unwrap_or_default().into_iter().enumerate() {
            let path = [k("policy"), k("contexts"), i(n), k("context")];
            let Some(name) = self.required(
                &c.context,
                &path,
                "a kubeconfig context named in [[regions.clusters]]",
            ) else {
                continue;
            };
            if !known.contains(&name.as_str()) {
                let valid = match nearest(&name, known) {
                    Some(near) => format!("did you mean `{near}`? (one of {})", known.join(", ")),
                    None => format!("one of the configured contexts: {}", known.join(", ")),
                };
                self.push(&path, "unknown context", Some(format!("{name:?}")), &valid);
            }
            let policy = ContextPolicy {
                read_only: c.read_only.unwrap_or(false),
                production: c.production.unwrap_or(false),
            };
            if contexts.insert(name.clone(), policy).is_some() {
                self.push(
                    &path,
                    "context listed twice",
                    Some(format!("{name:?}")),
                    "each context once",
                );
            }
        }
        let read_only_by = self.read_only_by(f.read_only, o);
        Policy {
            read_only: read_only_by.is_some(),
            read_only_by,
            confirm: f.confirm.unwrap_or(ConfirmMode::YesNo),
            typed_name_for_production: f.typed_name_for_production.unwrap_or(true),
            typed_name_above_objects: f.typed_name_above_objects.unwrap_or(10),
            contexts,
            source: Some(self.file.to_path_buf()),
        }
    }

    /// Read-only mode is sticky: the first layer (file, environment, flag)
    /// that turns it on names the rule, and no layer turns it off again.
    /// `o.read_only` holds the environment and the flag merged (see
    /// [`Overrides::then`]); the environment is only read to tell which of
    /// the two asked: when `OPSDECK_READ_ONLY` did not, the flag did.
    fn read_only_by(&self, file: Option<bool>, o: &Overrides) -> Option<String> {
        if file == Some(true) {
            return Some(format!("policy.read_only in {}", self.file.display()));
        }
        if o.read_only != Some(true) {
            return None;
        }
        Some(read_only_from_env(self.env).unwrap_or_else(|| "--read-only".to_string()))
    }

    fn regions(&mut self, list: Vec<FileRegion>) -> Vec<Region> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (n, r) in list.into_iter().enumerate() {
            let base = [k("regions"), i(n)];
            let name = self.required(
                &r.name,
                &join(&base, &[k("name")]),
                "a region name such as \"us-east-1\"",
            );
            let provider = self.required(
                &r.provider,
                &join(&base, &[k("provider")]),
                "one of aws, gcp, azure, on-prem",
            );
            if let Some(name) = &name
                && !seen.insert(name.clone())
            {
                self.push(
                    &join(&base, &[k("name")]),
                    "region name used twice",
                    Some(format!("{name:?}")),
                    "a unique name per region",
                );
            }
            let clusters = self.clusters(r.clusters.unwrap_or_default(), &base);
            let prometheus = r
                .prometheus
                .map(|p| self.prometheus(p, &join(&base, &[k("prometheus")])));
            let alertmanagers = r
                .alertmanagers
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .filter_map(|(m, a)| {
                    self.alertmanager(a, &join(&base, &[k("alertmanagers"), i(m)]))
                })
                .collect();
            let billing = r
                .billing
                .and_then(|b| self.billing(b, &join(&base, &[k("billing")])));
            let rto = r
                .rto
                .as_ref()
                .map(|raw| self.duration(Some(raw), &join(&base, &[k("rto")]), 900));
            if let (Some(name), Some(provider)) = (name, provider) {
                out.push(Region {
                    cloud_region: r.cloud_region.unwrap_or_else(|| name.clone()),
                    name,
                    provider,
                    production: r.production.unwrap_or(false),
                    clusters,
                    prometheus: prometheus.flatten(),
                    alertmanagers,
                    billing,
                    rto,
                    workloads: WorkloadMode::Watch,
                });
                self.region_workloads.push((n, r.workloads));
            }
        }
        out
    }

    fn clusters(&mut self, list: Vec<FileCluster>, base: &[PathSeg]) -> Vec<Cluster> {
        if list.is_empty() {
            self.push(
                &join(base, &[k("clusters")]),
                "a region needs at least one cluster",
                None,
                "a [[regions.clusters]] table with context = \"...\"",
            );
        }
        let mut out = Vec::new();
        for (n, c) in list.into_iter().enumerate() {
            let path = join(base, &[k("clusters"), i(n), k("context")]);
            if let Some(context) =
                self.required(&c.context, &path, "a context name from your kubeconfig")
            {
                out.push(Cluster {
                    context,
                    kubeconfig: c.kubeconfig.as_deref().map(checks::expand_home),
                    namespaces: c.namespaces.unwrap_or_default(),
                });
            }
        }
        out
    }

    fn auth(
        &mut self,
        bearer: Option<String>,
        basic: Option<FileBasicAuth>,
        base: &[PathSeg],
    ) -> Option<Auth> {
        match (bearer, basic) {
            (Some(_), Some(_)) => {
                self.push(
                    &join(base, &[k("basic_auth")]),
                    "both bearer_token_env and basic_auth are set",
                    None,
                    "one of them",
                );
                None
            }
            (Some(var), None) => self
                .secret_env(&var, &join(base, &[k("bearer_token_env")]))
                .map(Auth::Bearer),
            (None, Some(b)) => {
                let bp = join(base, &[k("basic_auth")]);
                let username =
                    self.required(&b.username, &join(&bp, &[k("username")]), "a user name")?;
                let var = self.required(
                    &b.password_env,
                    &join(&bp, &[k("password_env")]),
                    "the name of an environment variable holding the password",
                )?;
                let password = self.secret_env(&var, &join(&bp, &[k("password_env")]))?;
                Some(Auth::Basic { username, password })
            }
            (None, None) => None,
        }
    }

    fn prometheus(&mut self, p: FilePrometheus, base: &[PathSeg]) -> Option<Prometheus> {
        let url = self.url(&p.url, &join(base, &[k("url")]));
        let auth = self.auth(p.bearer_token_env, p.basic_auth, base);
        if let Some(sel) = &p.selector
            && let Err(e) = checks::label_matcher(sel)
        {
            self.invalid(&join(base, &[k("selector")]), sel, e);
        }
        let timeout = self.duration(p.timeout.as_ref(), &join(base, &[k("timeout")]), 5);
        Some(Prometheus {
            url: url?,
            auth,
            headers: p.headers.unwrap_or_default(),
            selector: p.selector,
            timeout,
        })
    }

    fn alertmanager(&mut self, a: FileAlertmanager, base: &[PathSeg]) -> Option<Alertmanager> {
        let url = self.url(&a.url, &join(base, &[k("url")]))?;
        let auth = self.auth(a.bearer_token_env, None, base);
        Some(Alertmanager {
            ha_cluster: a.ha_cluster.unwrap_or_else(|| url.to_string()),
            url,
            auth,
        })
    }

    fn billing(&mut self, b: FileBilling, base: &[PathSeg]) -> Option<Billing> {
        match b {
            FileBilling::Opencost { url } => Some(Billing::Opencost {
                url: self.url(&url, &join(base, &[k("url")]))?,
            }),
            FileBilling::AwsCostExplorer {
                endpoint,
                region,
                service_tag,
                profile,
                credentials_file,
            } => {
                let endpoint = match endpoint {
                    Some(e) => Some(self.url(&Some(e), &join(base, &[k("endpoint")]))?),
                    None => None,
                };
                Some(Billing::AwsCostExplorer {
                    endpoint,
                    region: region.unwrap_or_else(|| "us-east-1".into()),
                    service_tag: service_tag.unwrap_or_else(|| "service".into()),
                    profile,
                    credentials_file: credentials_file.as_deref().map(checks::expand_home),
                })
            }
            FileBilling::FocusCsv { dir } => {
                let dir = self.required(
                    &dir,
                    &join(base, &[k("dir")]),
                    "a directory of FOCUS CSV files",
                )?;
                Some(Billing::FocusCsv {
                    dir: checks::expand_home(&dir),
                })
            }
        }
    }

    pub fn finish<T>(self, value: T) -> Result<T, ConfigErrors> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(ConfigErrors(self.errors))
        }
    }
}
