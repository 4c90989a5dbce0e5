//! `[[notify]]`: a generic webhook, a Slack payload and a PagerDuty change
//! event reach a local receiver at an operation's start and end, with no
//! token in them; a failing target never stops the operation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ops_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use ops_support::*;

/// Accepts HTTP requests; sends (path, body) of each; answers 200.
fn receiver() -> (u16, mpsc::Receiver<(String, String)>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for conn in l.incoming() {
            let Ok(mut s) = conn else { continue };
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut first = String::new();
            let _ = r.read_line(&mut first);
            let path = first.split_whitespace().nth(1).unwrap_or("").to_string();
            let mut len = 0;
            loop {
                let mut h = String::new();
                if r.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
                if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            let _ = r.read_exact(&mut body);
            let _ =
                s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
            let _ = tx.send((path, String::from_utf8_lossy(&body).into_owned()));
        }
    });
    (port, rx)
}

#[test]
fn start_and_end_reach_every_target_without_tokens() {
    let sim = sim("10");
    let (port, rx) = receiver();
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = sim.config_with("notify.toml", |t| {
        format!(
            "{t}\n[[notify]]\nkind = \"webhook\"\nurl = \"http://127.0.0.1:{port}/hook\"\n\n[[notify]]\nkind = \"slack\"\nurl_env = \"TEST_SLACK_URL\"\n\n[[notify]]\nkind = \"pagerduty\"\nurl = \"http://127.0.0.1:{port}/pd\"\nrouting_key_env = \"TEST_PD_KEY\"\n\n[[notify]]\nkind = \"webhook\"\nurl = \"http://127.0.0.1:{closed}/down\"\n"
        )
    });
    let mut c = sim.cmd(&[
        "scale",
        "catalog",
        "--region",
        "eu-west-1",
        "--replicas",
        "4",
        "--yes",
        "-o",
        "json",
    ]);
    c.arg("--config")
        .arg(&config)
        .env("TEST_SLACK_URL", format!("http://127.0.0.1:{port}/slack"))
        .env("TEST_PD_KEY", "pd-routing-key-123");
    let o = run(c);
    assert_eq!(
        o.code, 0,
        "a failing notify target does not stop the operation: {}",
        o.stderr
    );
    let id = json(&o.stdout)["id"].as_str().unwrap().to_string();
    let got: Vec<(String, String)> = (0..6)
        .map(|_| rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap())
        .collect();
    for (path, body) in &got {
        assert!(body.contains(&id), "{path}: {body}");
        for t in sim.tokens() {
            assert!(!body.contains(&t), "a token in the {path} payload");
        }
    }
    let hook: Vec<serde_json::Value> = got
        .iter()
        .filter(|(p, _)| p == "/hook")
        .map(|(_, b)| json(b))
        .collect();
    assert_eq!(
        hook.iter()
            .map(|h| h["event"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["started", "ended"]
    );
    assert_eq!(hook[1]["outcome"], "succeeded");
    let slack: Vec<serde_json::Value> = got
        .iter()
        .filter(|(p, _)| p == "/slack")
        .map(|(_, b)| json(b))
        .collect();
    assert!(
        slack.len() == 2 && slack[1]["text"].as_str().unwrap().contains("succeeded"),
        "{slack:?}"
    );
    let pd: Vec<serde_json::Value> = got
        .iter()
        .filter(|(p, _)| p == "/pd")
        .map(|(_, b)| json(b))
        .collect();
    assert_eq!(pd.len(), 2);
    assert_eq!(pd[0]["routing_key"], "pd-routing-key-123");
    assert!(
        pd[0]["payload"]["summary"]
            .as_str()
            .unwrap()
            .contains("scale catalog")
    );
    let journal = sim.journals();
    assert!(
        journal.contains("notify[3] (webhook): cannot connect"),
        "the failing target is journaled"
    );
    assert!(
        !journal.contains(&format!("127.0.0.1:{port}")) && !journal.contains("pd-routing-key-123"),
        "no URL or key in the journal"
    );
}
