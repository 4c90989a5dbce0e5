//! Helpers shared by the `sources_*` tests: configs from text, the moto
//! peer, and validation of `-o json` documents against
//! `tests/schema/opsdeck-v1.json`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Resolves a config written in a test (errors are test failures).
pub fn config(dir: &Path, text: &str) -> opsdeck::config::Config {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    let no_env = |_: &str| None;
    opsdeck::config::from_text(&path, text, &opsdeck::config::Overrides::default(), &no_env)
        .unwrap_or_else(|e| panic!("test config does not resolve:\n{e}\n---\n{text}"))
}

/// A kubeconfig with one context per name, every cluster at `server`
/// (tests point it at a closed port: the Kubernetes source is unreachable).
pub fn kubeconfig(dir: &Path, contexts: &[&str], server: &str) -> PathBuf {
    let mut y = String::from("apiVersion: v1\nkind: Config\nclusters:\n");
    for c in contexts {
        y.push_str(&format!(
            "- name: {c}\n  cluster:\n    server: {server}\n    insecure-skip-tls-verify: true\n"
        ));
    }
    y.push_str("users:\n- name: tester\n  user:\n    token: not-a-real-token\ncontexts:\n");
    for c in contexts {
        y.push_str(&format!(
            "- name: {c}\n  context:\n    cluster: {c}\n    user: tester\n"
        ));
    }
    y.push_str(&format!("current-context: {}\n", contexts[0]));
    let path = dir.join("kubeconfig");
    std::fs::write(&path, y).unwrap();
    path
}

/// A loopback port nobody listens on (bound, then released).
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The moto virtualenv `tests/peers/install.sh` creates.
pub fn moto_venv() -> PathBuf {
    std::env::var_os("OPSDECK_PEERS_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/peers/venv"))
}

/// A child process killed (by its PID) when dropped.
pub struct Child(pub std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `moto_server` on a free loopback port; fails (never skips) when
/// it is not installed.
pub async fn moto() -> (Child, String) {
    let bin = moto_venv().join("bin/moto_server");
    assert!(
        bin.is_file(),
        "moto is not installed at {}: run `bash tests/peers/install.sh` (creates the venv with moto, flask and flask-cors)",
        bin.display()
    );
    let port = closed_port();
    let child = Command::new(&bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let child = Child(child);
    let base = format!("http://127.0.0.1:{port}");
    let c = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = c.get(format!("{base}/moto-api/")).send().await
            && r.status().is_success()
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "moto_server never answered at {base}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (child, base)
}

fn schema_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schema/opsdeck-v1.json")
}

/// Every violation of `tests/schema/opsdeck-v1.json` in `doc`, with its
/// JSON path.
pub fn schema_errors(doc: &Value) -> Vec<String> {
    let path = schema_path();
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema)
        .unwrap_or_else(|e| panic!("{} is not a valid schema: {e}", path.display()));
    validator
        .iter_errors(doc)
        .map(|e| format!("  at {}: {e}", e.instance_path()))
        .collect()
}

/// Validates `doc` against `tests/schema/opsdeck-v1.json`; the failure
/// lists every violation with its JSON path.
pub fn assert_schema(doc: &Value) {
    let path = schema_path();
    let errors = schema_errors(doc);
    assert!(
        errors.is_empty(),
        "{} document does not match {}:\n{}\n---\n{}",
        doc["kind"],
        path.display(),
        errors.join("\n"),
        serde_json::to_string_pretty(doc).unwrap()
    );
}

/// Runs the real binary with `args` (blocking: call from spawn_blocking),
/// with HOME and the config dir in `home`, no colour; returns exit code,
/// stdout, stderr and how long it took.
pub fn opsdeck(
    home: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> (i32, String, String, Duration) {
    let started = Instant::now();
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_opsdeck"));
    cmd.args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("NO_COLOR", "1")
        .env_remove("OPSDECK_CONFIG")
        .env_remove("KUBECONFIG")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .timeout(Duration::from_secs(60));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        started.elapsed(),
    )
}

/// Parses a JSON document printed by a read command and checks its
/// envelope and schema.
pub fn document(stdout: &str, kind: &str) -> Value {
    let doc: Value = serde_json::from_str(stdout)
        .unwrap_or_else(|e| panic!("not a JSON document ({e}):\n{stdout}"));
    assert_eq!(doc["apiVersion"], "opsdeck/v1", "{doc}");
    assert_eq!(doc["kind"], kind, "{doc}");
    assert_schema(&doc);
    doc
}

/// `a` and `b` agree within a relative tolerance.
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= 1e-9 + rel * a.abs().max(b.abs())
}
