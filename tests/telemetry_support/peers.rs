//! Helpers for tests against real Prometheus and Alertmanager processes:
//! loopback only, temp dirs, stopped by PID in a Drop guard.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Fail (not skip) when a peer binary is missing.
pub fn require_bin(name: &str) {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "`{name}` is not installed: run `bash tests/peers/install.sh` (installs Debian's prometheus and prometheus-alertmanager)"
    );
}

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process killed (by its PID) when dropped.
pub struct Proc {
    pub name: &'static str,
    pub child: Child,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn wait_ready(url: &str, what: &str) {
    let c = client();
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(r) = c.get(url).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} did not become ready at {url}");
}

/// Start a real Prometheus with `config` (YAML) in `dir`.
pub async fn prometheus(dir: &Path, config: &str) -> (Proc, u16) {
    require_bin("prometheus");
    let port = free_port();
    let cfg = dir.join("prometheus.yml");
    std::fs::write(&cfg, config).unwrap();
    let child = Command::new("prometheus")
        .arg(format!("--config.file={}", cfg.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("promdata").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--log.level=warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start prometheus");
    let p = Proc {
        name: "prometheus",
        child,
    };
    wait_ready(&format!("http://127.0.0.1:{port}/-/ready"), "prometheus").await;
    (p, port)
}

/// Start a real Alertmanager with `config` (YAML) in `dir`, gossip off.
pub async fn alertmanager(dir: &Path, config: &str) -> (Proc, u16) {
    alertmanager_with(
        dir,
        config,
        free_port(),
        &["--cluster.listen-address=".into()],
    )
    .await
}

/// Start a real Alertmanager on `port` with `config` (YAML) in `dir` and
/// extra flags (e.g. `--cluster.listen-address=127.0.0.1:P` and
/// `--cluster.peer=127.0.0.1:Q` for an HA pair gossiping on loopback).
pub async fn alertmanager_with(
    dir: &Path,
    config: &str,
    port: u16,
    flags: &[String],
) -> (Proc, u16) {
    require_bin("prometheus-alertmanager");
    std::fs::create_dir_all(dir).unwrap();
    let cfg = dir.join("am.yml");
    std::fs::write(&cfg, config).unwrap();
    let child = Command::new("prometheus-alertmanager")
        .arg(format!("--config.file={}", cfg.display()))
        .arg(format!("--storage.path={}", dir.join("amdata").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .args(flags)
        .arg("--log.level=error")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start alertmanager");
    let p = Proc {
        name: "alertmanager",
        child,
    };
    wait_ready(&format!("http://127.0.0.1:{port}/-/ready"), "alertmanager").await;
    (p, port)
}

/// Serve an axum router on a loopback port in the background.
pub async fn serve(router: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}
