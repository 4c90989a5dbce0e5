//! AWS Cost Explorer against moto in server mode (issue 5): the client
//! signs with SigV4 (moto routes on the `ce` credential scope: an unsigned
//! or wrongly scoped request never reaches Cost Explorer), sends
//! `GetCostAndUsage`, and parses the results seeded through moto's API into
//! `CostLine`s. moto never verifies a signature, so the signature itself is
//! compared with the one botocore (in the moto venv) computes for the same
//! request. Then the same through the real binary: `opsdeck costs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "sources_support/capture.rs"]
mod capture;
#[path = "sources_support/common.rs"]
mod common;

use std::path::Path;
use std::time::Duration;

use opsdeck::model::CostLine;
use opsdeck::sources::billing::aws_cost_explorer::{self, Query};
use serde_json::{Value, json};

fn day(today: jiff::civil::Date, back: i64) -> jiff::civil::Date {
    today.checked_sub(jiff::Span::new().days(back)).unwrap()
}

fn group(region: &str, tag: &str, amount: &str) -> Value {
    json!({
        "Keys": [region, format!("service${tag}")],
        "Metrics": {"UnblendedCost": {"Amount": amount, "Unit": "USD"}}
    })
}

/// Two days of costs in two AWS regions, tagged and untagged.
fn seeded(today: jiff::civil::Date) -> Value {
    let period = |d: jiff::civil::Date| json!({"Start": d.to_string(), "End": d.checked_add(jiff::Span::new().days(1)).unwrap().to_string()});
    json!({"results": [{
        "GroupDefinitions": [{"Type": "DIMENSION", "Key": "REGION"}, {"Type": "TAG", "Key": "service"}],
        "ResultsByTime": [
            {"TimePeriod": period(day(today, 2)), "Total": {}, "Estimated": false, "Groups": [
                group("us-east-1", "checkout", "12.5"),
                group("us-east-1", "", "3.25"),
                group("eu-west-1", "search", "7"),
            ]},
            {"TimePeriod": period(day(today, 1)), "Total": {}, "Estimated": true, "Groups": [
                group("eu-west-1", "search", "8.5"),
                group("eu-west-1", "checkout", "1.5"),
                group("eu-west-1", "", "0.75"),
            ]}
        ],
        "DimensionValueAttributes": []
    }]})
}

fn line(d: jiff::civil::Date, region: &str, service: Option<&str>, amount: f64) -> CostLine {
    CostLine {
        day: d,
        provider: "aws".into(),
        region: region.into(),
        service: service.map(str::to_string),
        amount,
        currency: "USD".into(),
    }
}

async fn seed(base: &str, body: &Value) {
    let c = reqwest::Client::new();
    let r = c
        .post(format!("{base}/moto-api/reset"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "reset: {}", r.status());
    let r = c
        .post(format!("{base}/moto-api/static/ce/cost-and-usage-results"))
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "seeding moto");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_cost_and_usage_is_signed_sent_and_parsed() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (_moto, base) = common::moto().await;
    let today = jiff::Zoned::now().date();
    seed(&base, &seeded(today)).await;

    let env = |k: &str| match k {
        "AWS_ACCESS_KEY_ID" => Some("AKIDOPSDECKTEST".to_string()),
        "AWS_SECRET_ACCESS_KEY" => Some("opsdeck-test-secret".to_string()),
        _ => None,
    };
    let creds = aws_cost_explorer::credentials(None, &env).unwrap();
    let q = Query {
        endpoint: &base,
        signing_region: "us-east-1",
        service_tag: "service",
        days: 30,
        timeout: Duration::from_secs(10),
    };
    let http = reqwest::Client::new();
    let lines = aws_cost_explorer::fetch(&http, &q, &creds).await.unwrap();
    let (d2, d1) = (day(today, 2), day(today, 1));
    assert_eq!(
        lines,
        vec![
            line(d2, "us-east-1", Some("checkout"), 12.5),
            line(d2, "us-east-1", None, 3.25),
            line(d2, "eu-west-1", Some("search"), 7.0),
            line(d1, "eu-west-1", Some("search"), 8.5),
            line(d1, "eu-west-1", Some("checkout"), 1.5),
            line(d1, "eu-west-1", None, 0.75),
        ]
    );

    // The same request again gets the same answer (moto keys results by body).
    let again = aws_cost_explorer::fetch(&http, &q, &creds).await.unwrap();
    assert_eq!(again, lines);

    // A different request (another window) takes the next queued result:
    // none is left, so the answer is empty, not an error.
    let q7 = Query { days: 7, ..q };
    assert!(
        aws_cost_explorer::fetch(&http, &q7, &creds)
            .await
            .unwrap()
            .is_empty()
    );

    // The same body unsigned is not Cost Explorer to moto: the client's
    // signature is what routes it.
    let unsigned = http
        .post(format!("{base}/"))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AWSInsightsIndexService.GetCostAndUsage")
        .body(aws_cost_explorer::body(&q, today))
        .send()
        .await
        .unwrap();
    let text = unsigned.text().await.unwrap();
    assert!(!text.contains("ResultsByTime"), "{text}");
}

/// What botocore's SigV4 signer puts in `Authorization` for `req` (the
/// headers a real AWS client signs: all but accept, content-length and
/// user-agent).
fn botocore_authorization(base: &str, req: &capture::Captured, region: &str) -> String {
    let python = common::moto_venv().join("bin/python");
    assert!(
        python.is_file(),
        "no {}: run `bash tests/peers/install.sh` (moto brings botocore)",
        python.display()
    );
    let headers: serde_json::Map<String, Value> = req
        .headers
        .iter()
        .filter(|(k, _)| {
            !["authorization", "accept", "content-length", "user-agent"].contains(&k.as_str())
        })
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    let input = json!({
        "method": req.method,
        "url": format!("{base}{}", req.path),
        "headers": headers,
        "body": String::from_utf8(req.body.clone()).unwrap(),
        "amz_date": req.header("x-amz-date").expect("an X-Amz-Date header"),
        "access_key": "AKIDOPSDECKTEST",
        "secret_key": "opsdeck-test-secret",
        "region": region,
        "service": "ce",
    });
    let mut child = std::process::Command::new(python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/sigv4_expected.py"
        ))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_signature_is_the_one_botocore_computes() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (base, captured) = capture::once(r#"{"ResultsByTime":[]}"#).await;
    let env = |k: &str| match k {
        "AWS_ACCESS_KEY_ID" => Some("AKIDOPSDECKTEST".to_string()),
        "AWS_SECRET_ACCESS_KEY" => Some("opsdeck-test-secret".to_string()),
        _ => None,
    };
    let creds = aws_cost_explorer::credentials(None, &env).unwrap();
    let q = Query {
        endpoint: &base,
        signing_region: "eu-central-1",
        service_tag: "service",
        days: 30,
        timeout: Duration::from_secs(10),
    };
    let lines = aws_cost_explorer::fetch(&reqwest::Client::new(), &q, &creds)
        .await
        .unwrap();
    assert!(lines.is_empty());
    let req = captured.await.unwrap();
    assert_eq!((req.method.as_str(), req.path.as_str()), ("POST", "/"));
    let sent = req
        .header("authorization")
        .expect("an Authorization header");
    assert!(
        sent.contains("/eu-central-1/ce/aws4_request"),
        "credential scope: {sent}"
    );
    let expected = botocore_authorization(&base, &req, "eu-central-1");
    assert_eq!(sent, expected);
}

/// One AWS region's config: its cluster (unreachable here) and Cost
/// Explorer billing at `base`, tagged by `service`.
fn aws_region(name: &str, cloud: &str, ctx: &str, kubeconfig: &Path, base: &str) -> String {
    format!(
        r#"
[[regions]]
name = "{name}"
provider = "aws"
cloud_region = "{cloud}"

[[regions.clusters]]
context = "{ctx}"
kubeconfig = "{}"

[regions.billing]
kind = "aws-cost-explorer"
endpoint = "{base}"
region = "us-east-1"
service_tag = "service"
"#,
        kubeconfig.display()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opsdeck_costs_reads_cost_explorer_with_credentials_from_the_environment() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (_moto, base) = common::moto().await;
    let today = jiff::Zoned::now().date();
    let home = tempfile::tempdir().unwrap();
    let kubeconfig = common::kubeconfig(
        home.path(),
        &["ctx-eu"],
        &format!("https://127.0.0.1:{}", common::closed_port()),
    );
    let config = aws_region("europe", "eu-west-1", "ctx-eu", &kubeconfig, &base);
    common::config(home.path(), &config);
    let cfg_path = home.path().join("config.toml");
    let cfg_arg = cfg_path.display().to_string();
    let home_path = home.path().to_path_buf();

    // Without credentials: the billing source reports where it looked.
    seed(&base, &seeded(today)).await;
    let (hp, ca) = (home_path.clone(), cfg_arg.clone());
    let (code, out, err, _) = tokio::task::spawn_blocking(move || {
        common::opsdeck(
            &hp,
            &["--config", &ca, "costs", "--by", "service", "-o", "json"],
            &[],
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 5, "{out}{err}");
    let doc = common::document(&out, "Costs");
    let billing = doc["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "billing")
        .unwrap();
    let e = billing["lastError"]
        .as_str()
        .or(billing["lastError"].as_str())
        .unwrap_or("");
    assert!(e.contains("AWS_ACCESS_KEY_ID"), "{billing}");

    let (code, out, err, _) = tokio::task::spawn_blocking(move || {
        common::opsdeck(
            &home_path,
            &[
                "--config", &cfg_arg, "costs", "--by", "service", "--days", "30", "-o", "json",
            ],
            &[
                ("AWS_ACCESS_KEY_ID", "AKIDOPSDECKTEST"),
                ("AWS_SECRET_ACCESS_KEY", "opsdeck-test-secret"),
            ],
        )
    })
    .await
    .unwrap();
    // The Kubernetes context points at a closed port, but `costs` reads
    // billing only: it never contacts the cluster, and succeeds.
    assert_eq!(code, 0, "{out}{err}");
    let doc = common::document(&out, "Costs");
    for s in doc["sources"].as_array().unwrap() {
        assert_eq!(s["kind"], "billing", "only billing is read: {s}");
        assert_eq!(s["stale"], false, "{s}");
    }
    assert_eq!(doc["by"], "service");
    // Only the eu-west-1 lines belong to the region "europe".
    let groups: Vec<(String, f64, usize)> = doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            assert_eq!(g["currency"], "USD");
            (
                g["key"].as_str().unwrap().to_string(),
                g["total"].as_f64().unwrap(),
                g["days"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        vec![
            ("search".to_string(), 15.5, 2),
            ("checkout".to_string(), 1.5, 1),
            ("(unallocated)".to_string(), 0.75, 1),
        ]
    );
}

/// Regions billed by one account ask Cost Explorer once: the answer is
/// account-wide, each region keeps its own lines (AWS bills every request;
/// 200 clusters asking for themselves sent 79 identical ones per refresh).
/// The server answers one request only: a second would be refused and its
/// region's source would fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regions_of_one_account_share_one_cost_explorer_request() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let yesterday = day(jiff::Zoned::now().date(), 1);
    let answer = json!({"ResultsByTime": [{
        "TimePeriod": {"Start": yesterday.to_string(), "End": day(jiff::Zoned::now().date(), 0).to_string()},
        "Groups": [
            group("us-east-1", "checkout", "1.25"),
            group("eu-west-1", "checkout", "2.5"),
            group("eu-central-1", "search", "4.75"),
            group("ap-south-1", "search", "100"),
        ]
    }]});
    let answer: &'static str = Box::leak(answer.to_string().into_boxed_str());
    let (base, request) = capture::once(answer).await;
    let home = tempfile::tempdir().unwrap();
    let contexts = ["ctx-va", "ctx-ie", "ctx-de"];
    let kubeconfig = common::kubeconfig(
        home.path(),
        &contexts,
        &format!("https://127.0.0.1:{}", common::closed_port()),
    );
    let mut config = String::new();
    for ((name, cloud), ctx) in [
        ("virginia", "us-east-1"),
        ("ireland", "eu-west-1"),
        ("frankfurt", "eu-central-1"),
    ]
    .into_iter()
    .zip(contexts)
    {
        config.push_str(&aws_region(name, cloud, ctx, &kubeconfig, &base));
    }
    common::config(home.path(), &config);
    let cfg_arg = home.path().join("config.toml").display().to_string();
    let home_path = home.path().to_path_buf();
    let (code, out, err, _) = tokio::task::spawn_blocking(move || {
        common::opsdeck(
            &home_path,
            &[
                "--config", &cfg_arg, "costs", "--by", "region", "-o", "json",
            ],
            &[
                ("AWS_ACCESS_KEY_ID", "AKIDOPSDECKTEST"),
                ("AWS_SECRET_ACCESS_KEY", "opsdeck-test-secret"),
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{out}{err}");
    let sent = request.await.unwrap();
    assert_eq!(
        sent.header("x-amz-target"),
        Some("AWSInsightsIndexService.GetCostAndUsage")
    );
    let doc = common::document(&out, "Costs");
    let sources = doc["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 3, "{sources:?}");
    for s in sources {
        assert_eq!(s["stale"], false, "every region answered: {s}");
    }
    let mut totals: Vec<(String, f64)> = doc["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["key"].as_str().unwrap().to_string(),
                g["total"].as_f64().unwrap(),
            )
        })
        .collect();
    totals.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        totals,
        vec![
            ("frankfurt".to_string(), 4.75),
            ("ireland".to_string(), 2.5),
            ("virginia".to_string(), 1.25),
        ]
    );
}
