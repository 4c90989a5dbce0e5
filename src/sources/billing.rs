//! Billing sources, normalised into one cost model: per day, per
//! provider/region/service, currency kept. Each region's source runs on the
//! billing refresh interval (backing off while it fails); its lines replace
//! that region's earlier lines.

pub mod aws_cost_explorer;
pub mod aws_credentials;
pub mod focus_csv;
pub mod opencost;
pub mod shared;

use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::model::state::Update;
use crate::model::{CostLine, SourceKind, SourceStatus, Timestamp};

/// Days of history asked for.
pub const DAYS: u32 = 30;

#[derive(Debug, Clone)]
pub enum Kind {
    Opencost {
        url: url::Url,
        services: opencost::ServiceMap,
    },
    AwsCostExplorer {
        endpoint: String,
        signing_region: String,
        service_tag: String,
        profile: Option<String>,
        credentials_file: Option<PathBuf>,
        /// The answer every region asking this account the same question
        /// shares ([`shared`]).
        shared: std::sync::Arc<shared::SharedAnswer>,
    },
    FocusCsv {
        dir: PathBuf,
    },
}

#[derive(Debug, Clone)]
pub struct BillingSource {
    /// opsdeck region name.
    pub region: String,
    /// Provider region code the bill uses (`cloud_region`).
    pub cloud_region: String,
    /// The region's kubeconfig contexts: a FOCUS row tagged with a cluster
    /// is the region's only if it names one of them.
    pub contexts: Vec<String>,
    pub provider: String,
    pub kind: Kind,
    pub http: reqwest::Client,
    pub every: Duration,
    pub timeout: Duration,
    pub stale_after: u32,
    /// The first fetch waits for this gate to open.
    pub after: super::first_answers::FirstAnswers,
}

impl BillingSource {
    pub fn name(&self) -> String {
        match &self.kind {
            Kind::Opencost { url, .. } => format!("opencost {}", url.host_str().unwrap_or("")),
            Kind::AwsCostExplorer { endpoint, .. } => format!("aws-cost-explorer {endpoint}"),
            Kind::FocusCsv { dir } => format!("focus-csv {}", dir.display()),
        }
    }
}

/// What a billing source keeps between polls, so it reads a file again only
/// when the file changed.
#[derive(Debug, Default)]
pub struct Kept {
    pub focus: focus_csv::FocusReader,
    pub aws: aws_credentials::CredentialCache,
}

/// Fetches once; lines are re-labelled with the opsdeck region name.
pub async fn fetch_once(
    src: &BillingSource,
    kept: &mut Kept,
) -> Result<(Vec<CostLine>, Vec<String>), String> {
    let (lines, warnings) = match &src.kind {
        Kind::Opencost { url, services } => {
            let l = opencost::fetch(
                &src.http,
                url,
                DAYS,
                &src.provider,
                &src.cloud_region,
                services,
                src.timeout,
            )
            .await?;
            (l, Vec::new())
        }
        Kind::AwsCostExplorer {
            endpoint,
            signing_region,
            service_tag,
            profile,
            credentials_file,
            shared,
        } => {
            let q = aws_cost_explorer::Query {
                endpoint,
                signing_region,
                service_tag,
                days: DAYS,
                timeout: src.timeout,
            };
            let fetch = async {
                // A configured credentials file stands in for the default one.
                let creds = kept
                    .aws
                    .get(profile.clone(), credentials_file.clone())
                    .await?;
                aws_cost_explorer::fetch(&src.http, &q, &creds).await
            };
            (shared.get(src.every, fetch).await?, Vec::new())
        }
        Kind::FocusCsv { dir } => {
            let (dir, cloud_region) = (dir.clone(), src.cloud_region.clone());
            let contexts = src.contexts.clone();
            let mut reader = std::mem::take(&mut kept.focus);
            let (result, reader) = tokio::task::spawn_blocking(move || {
                let r = reader.read_region(&dir, &cloud_region, &contexts);
                (r, reader)
            })
            .await
            .map_err(|e| format!("focus-csv: {e}"))?;
            kept.focus = reader;
            result?
        }
    };
    let lines = lines
        .into_iter()
        .filter(|l| l.region == src.cloud_region)
        .map(|l| CostLine {
            region: src.region.clone(),
            ..l
        })
        .collect();
    Ok((lines, warnings))
}

pub async fn run(src: BillingSource, tx: mpsc::Sender<Update>) {
    run_with(src, tx, std::sync::Arc::new(tokio::sync::Notify::new())).await;
}

/// Like [`run`], polling at once whenever `refresh` is notified.
pub async fn run_with(
    src: BillingSource,
    tx: mpsc::Sender<Update>,
    refresh: std::sync::Arc<tokio::sync::Notify>,
) {
    let mut status =
        SourceStatus::new(SourceKind::Billing, &src.region, &src.name()).polled_every(src.every);
    let mut kept = Kept::default();
    let mut tick = super::ticker::Ticker::new(src.every, refresh);
    src.after.opened().await;
    loop {
        tick.wait().await;
        let fetched = fetch_once(&src, &mut kept).await;
        tick.polled(fetched.is_ok());
        match fetched {
            Ok((lines, warnings)) => {
                if tx
                    .send(Update::Costs {
                        region: src.region.clone(),
                        lines,
                    })
                    .await
                    .is_err()
                {
                    return;
                }
                status.succeeded(Timestamp::now());
                status.warnings = warnings;
            }
            Err(e) => status.failed(e, src.stale_after),
        }
        if tx.send(Update::Source(status.clone())).await.is_err() {
            return;
        }
    }
}
