//! Strings a server wrote never reach the operator's terminal with escape
//! sequences in them: the real `opsdeck alerts` binary against a tiny fake
//! Alertmanager (a std TcpListener thread) whose alert labels, annotations
//! and error bodies carry an OSC 52 clipboard write and a clear-screen.
//! Tables print them cleaned; JSON escapes them (`\u001b`), so neither
//! output holds a raw ESC byte.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Output;

/// Writes to the clipboard (OSC 52, BEL-terminated) and clears the screen.
const EVIL: &str = "\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J";

/// One canned answer per path; anything else is a 404.
#[derive(Clone)]
struct Answers {
    alerts: (u16, String),
    silences: (u16, String),
}

/// Serves `answers` on a loopback port until the test process ends.
fn fake_alertmanager(answers: Answers) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let answers = answers.clone();
            std::thread::spawn(move || answer(stream, &answers));
        }
    });
    format!("http://{addr}")
}

fn answer(stream: TcpStream, answers: &Answers) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Headers up to the blank line; GETs have no body.
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) if line == "\r\n" || line == "\n" => break,
            Ok(_) => {}
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("");
    let (code, body) = if path.starts_with("/api/v2/alerts") {
        answers.alerts.clone()
    } else if path.starts_with("/api/v2/silences") {
        answers.silences.clone()
    } else {
        (404, "not found".to_string())
    };
    let reason = if code == 200 { "OK" } else { "Error" };
    let content_type = if code == 200 {
        "application/json"
    } else {
        "text/plain"
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.flush();
}

/// A loopback port nobody listens on: the Kubernetes source fails fast.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The smallest config with one Alertmanager: one region, one cluster
/// (at a closed port), no Prometheus, no billing.
fn write_config(dir: &Path, am: &str) -> std::path::PathBuf {
    let kubeconfig = dir.join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:{}\n    insecure-skip-tls-verify: true\n\
             users:\n- name: u\n  user:\n    token: not-a-real-token\n\
             contexts:\n- name: ctx\n  context:\n    cluster: c\n    user: u\ncurrent-context: ctx\n",
            closed_port()
        ),
    )
    .unwrap();
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[[regions]]\nname = \"us-east-1\"\nprovider = \"aws\"\n\n\
             [[regions.clusters]]\ncontext = \"ctx\"\nkubeconfig = \"{}\"\n\n\
             [[regions.alertmanagers]]\nurl = \"{am}\"\n",
            kubeconfig.display()
        ),
    )
    .unwrap();
    config
}

fn alerts(config: &Path, home: &Path, format: &str) -> Output {
    assert_cmd::Command::cargo_bin("opsdeck")
        .unwrap()
        .env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("LANG", "C.UTF-8")
        .args(["alerts", "--timeout", "5s", "-o", format, "--config"])
        .arg(config)
        .output()
        .unwrap()
}

fn assert_no_escapes(out: &Output) {
    for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(
            !bytes.contains(&0x1b) && !bytes.contains(&0x07),
            "{name} holds a raw ESC or BEL: {:?}",
            String::from_utf8_lossy(bytes)
        );
    }
}

fn evil_alert() -> String {
    serde_json::json!([{
        "fingerprint": "f00d",
        "labels": {
            "alertname": format!("Disk{EVIL}Full"),
            "severity": "critical",
            "region": format!("us-{EVIL}east-1"),
            "service": format!("check{EVIL}out"),
        },
        "annotations": {
            "summary": format!("before{EVIL}after"),
        },
        "startsAt": "2026-01-02T03:04:05Z",
        "status": { "state": "active", "silencedBy": [], "inhibitedBy": [] },
    }])
    .to_string()
}

#[test]
fn alert_labels_and_annotations_print_clean() {
    let am = fake_alertmanager(Answers {
        alerts: (200, evil_alert()),
        silences: (200, "[]".into()),
    });
    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), &am);

    let out = alerts(&config, home.path(), "table");
    assert_no_escapes(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for text in [
        "DiskFull",
        "us-east-1",
        "checkout",
        "beforeafter",
        "critical",
    ] {
        assert!(stdout.contains(text), "{text} missing from:\n{stdout}");
    }
    assert!(!stdout.contains("ZXZpbA=="), "OSC body printed:\n{stdout}");

    let out = alerts(&config, home.path(), "json");
    assert_no_escapes(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // JSON keeps the value as the server sent it, escaped.
    assert_eq!(
        v["items"][0]["annotations"]["summary"],
        format!("before{EVIL}after")
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\\u001b"), "{stdout}");
}

#[test]
fn an_error_body_prints_clean_under_the_table() {
    let am = fake_alertmanager(Answers {
        alerts: (500, format!("boom{EVIL} and\nmore")),
        silences: (500, format!("boom{EVIL} and\nmore")),
    });
    let home = tempfile::tempdir().unwrap();
    let config = write_config(home.path(), &am);

    let out = alerts(&config, home.path(), "table");
    assert_no_escapes(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("! alertmanager "))
        .unwrap_or_else(|| panic!("no Alertmanager problem line in:\n{stdout}"));
    // One failed poll makes it stale, hence "unreachable".
    assert!(
        line.contains(": rejected: 500 Internal Server Error: boom and more"),
        "{line}"
    );
    assert!(!line.contains("ZXZpbA=="), "{line}");

    let out = alerts(&config, home.path(), "json");
    assert_no_escapes(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors: Vec<&str> = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "alertmanager")
        .filter_map(|s| s["lastError"].as_str())
        .collect();
    assert_eq!(errors.len(), 1, "{v}");
    assert!(
        errors[0].contains('\u{1b}'),
        "escaped in JSON: {:?}",
        errors[0]
    );
}
