//! AWS Cost Explorer `GetCostAndUsage` (JSON 1.1 protocol), signed with
//! SigV4 (`aws-sigv4`), daily, grouped by region and by a service tag.
//! Credentials: the standard AWS environment variables, else the shared
//! credentials file (`AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`,
//! profile `AWS_PROFILE` or the configured one, else `default`).

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use serde::Deserialize;
use serde_json::json;

use crate::model::CostLine;

/// The endpoint when none is configured.
pub const DEFAULT_ENDPOINT: &str = "https://ce.us-east-1.amazonaws.com";

/// The shared-credentials file: `AWS_SHARED_CREDENTIALS_FILE`, else
/// `~/.aws/credentials`.
pub fn shared_credentials_file(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    env("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().join(".aws/credentials")))
}

/// Finds credentials (blocking: may read the shared-credentials file; see
/// [`super::aws_credentials`] for the async, cached lookup); the error
/// names where it looked (never a value).
pub fn credentials(
    profile: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Credentials, String> {
    if let (Some(id), Some(secret)) = (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
        return Ok(Credentials::new(
            id,
            secret,
            env("AWS_SESSION_TOKEN"),
            None,
            "environment",
        ));
    }
    let path = shared_credentials_file(env);
    let profile = env("AWS_PROFILE")
        .or_else(|| profile.map(str::to_string))
        .unwrap_or_else(|| "default".into());
    let Some(path) = path else {
        return Err("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".into());
    };
    let unreadable = || {
        format!(
            "no AWS credentials: AWS_ACCESS_KEY_ID is not set and {} cannot be read",
            path.display()
        )
    };
    let text = std::fs::read_to_string(&path).map_err(|_| unreadable())?;
    let ini =
        ini::Ini::load_from_str(text.trim_start_matches('\u{feff}')).map_err(|_| unreadable())?;
    let section = ini
        .section(Some(profile.as_str()))
        .ok_or_else(|| format!("no profile [{profile}] in {}", path.display()))?;
    match (
        section.get("aws_access_key_id"),
        section.get("aws_secret_access_key"),
    ) {
        (Some(id), Some(secret)) => Ok(Credentials::new(
            id,
            secret,
            section.get("aws_session_token").map(str::to_string),
            None,
            "shared-credentials-file",
        )),
        _ => Err(format!(
            "profile [{profile}] in {} lacks aws_access_key_id/aws_secret_access_key",
            path.display()
        )),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Answer {
    #[serde(default)]
    results_by_time: Vec<ByTime>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ByTime {
    time_period: Period,
    #[serde(default)]
    groups: Vec<Group>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Period {
    start: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Group {
    keys: Vec<String>,
    metrics: std::collections::BTreeMap<String, Metric>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Metric {
    amount: String,
    unit: String,
}

/// What to ask for.
pub struct Query<'a> {
    pub endpoint: &'a str,
    pub signing_region: &'a str,
    pub service_tag: &'a str,
    pub days: u32,
    pub timeout: Duration,
}

/// The request body: daily unblended cost grouped by REGION and the tag.
pub fn body(q: &Query<'_>, today: jiff::civil::Date) -> String {
    let start = today
        .checked_sub(jiff::Span::new().days(i64::from(q.days)))
        .unwrap_or(today);
    json!({
        "TimePeriod": { "Start": start.to_string(), "End": today.to_string() },
        "Granularity": "DAILY",
        "Metrics": ["UnblendedCost"],
        "GroupBy": [
            { "Type": "DIMENSION", "Key": "REGION" },
            { "Type": "TAG", "Key": q.service_tag }
        ]
    })
    .to_string()
}

/// Signs and sends one `GetCostAndUsage`; returns every region's lines.
pub async fn fetch(
    http: &reqwest::Client,
    q: &Query<'_>,
    creds: &Credentials,
) -> Result<Vec<CostLine>, String> {
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let body = body(q, today);
    let url = format!("{}/", q.endpoint.trim_end_matches('/'));
    let headers = [
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", "AWSInsightsIndexService.GetCostAndUsage"),
    ];
    let identity = creds.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(q.signing_region)
        .name("ce")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| format!("sigv4: {e}"))?
        .into();
    let signable = SignableRequest::new(
        "POST",
        &url,
        headers.iter().copied(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .map_err(|e| format!("sigv4: {e}"))?;
    let (instructions, _) = sign(signable, &params)
        .map_err(|e| format!("sigv4: {e}"))?
        .into_parts();
    let mut req = http.post(&url).timeout(q.timeout).body(body.clone());
    for (k, v) in headers {
        req = req.header(k, v);
    }
    for (k, v) in instructions.headers() {
        req = req.header(k, v);
    }
    let resp = req
        .send()
        .await
        .map_err(|e| super::super::redact::error_chain(&e.without_url()))?;
    let status = resp.status();
    let text = resp
        .text()
        .await
        .map_err(|e| format!("cost explorer: {}", e.without_url()))?;
    if !status.is_success() {
        return Err(format!(
            "cost explorer answered {status}: {}",
            text.chars().take(160).collect::<String>()
        ));
    }
    let answer: Answer = serde_json::from_str(&text)
        .map_err(|e| format!("cost explorer: unexpected answer: {e}"))?;
    Ok(lines(answer, q.service_tag))
}

fn lines(answer: Answer, tag: &str) -> Vec<CostLine> {
    let mut out = Vec::new();
    for t in answer.results_by_time {
        let Some(day) = t.time_period.start.get(..10).and_then(|d| d.parse().ok()) else {
            continue;
        };
        for g in t.groups {
            let region = g.keys.first().cloned().unwrap_or_default();
            // Tag keys come back as "tag$value"; an empty value is untagged.
            let service = g
                .keys
                .get(1)
                .and_then(|k| k.strip_prefix(&format!("{tag}$")).or(Some(k.as_str())))
                .filter(|v| !v.is_empty() && !v.contains('$'))
                .map(str::to_string);
            for m in g.metrics.values() {
                if let Ok(amount) = m.amount.parse::<f64>() {
                    out.push(CostLine {
                        day,
                        provider: "aws".into(),
                        region: region.clone(),
                        service: service.clone(),
                        amount,
                        currency: m.unit.clone(),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_grouped_results() {
        let json = r#"{"ResultsByTime":[{"TimePeriod":{"Start":"2026-11-20","End":"2026-11-21"},"Groups":[
            {"Keys":["us-east-1","service$checkout"],"Metrics":{"UnblendedCost":{"Amount":"41.5","Unit":"USD"}}},
            {"Keys":["eu-west-1","service$"],"Metrics":{"UnblendedCost":{"Amount":"2","Unit":"USD"}}}]}]}"#;
        let answer: Answer = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
        let l = lines(answer, "service");
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].service.as_deref(), Some("checkout"));
        assert_eq!(l[0].amount, 41.5);
        assert_eq!(l[1].service, None);
        assert_eq!(l[1].region, "eu-west-1");
    }

    #[test]
    fn credentials_come_from_env_first() {
        let env = |k: &str| match k {
            "AWS_ACCESS_KEY_ID" => Some("AKID".to_string()),
            "AWS_SECRET_ACCESS_KEY" => Some("SECRET".to_string()),
            _ => None,
        };
        let c = credentials(None, &env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.access_key_id(), "AKID");
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = dir.path().join("credentials");
        std::fs::write(
            &file,
            "[ops]\naws_access_key_id = AK2\naws_secret_access_key = S2\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let path = file.display().to_string();
        let env2 = move |k: &str| (k == "AWS_SHARED_CREDENTIALS_FILE").then(|| path.clone());
        let c = credentials(Some("ops"), &env2).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.access_key_id(), "AK2");
        assert!(credentials(Some("nope"), &env2).is_err());
    }
}
