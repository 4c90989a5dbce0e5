//! Files read by async code are read on blocking threads: the kubeconfig
//! (Kubernetes clients, the console's identity line) and the AWS
//! shared-credentials file (every Cost Explorer poll). Each file here is a
//! named pipe whose writer writes only after the (single-threaded) runtime
//! ran something else while the read waited: a read on the runtime's own
//! thread would hold it, and the writer would report it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "sources_support/common.rs"]
mod common;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use opsdeck::sources::billing::{self, BillingSource, Kept, Kind};

fn fifo(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let ok = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
    path
}

/// Runs `work`, which reads `pipe`; `text` is written into the pipe once
/// this runtime has run another task meanwhile (or, to end a read that
/// holds the runtime, after 20 s). Returns `work`'s output and whether the
/// runtime stayed free during the read.
async fn while_reading<T: Send + 'static>(
    pipe: &Path,
    text: String,
    work: impl Future<Output = T> + Send + 'static,
) -> (T, bool) {
    let (go, went) = std::sync::mpsc::channel::<()>();
    let path = pipe.to_path_buf();
    let writer = std::thread::spawn(move || {
        let free = went.recv_timeout(Duration::from_secs(20)).is_ok();
        std::fs::write(&path, text).unwrap();
        free
    });
    let task = tokio::spawn(work);
    // Runs only when the task above, now reading, leaves the thread free.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let _ = go.send(());
    let out = task.await.unwrap();
    (out, writer.join().unwrap())
}

fn kubeconfig_text(dir: &Path) -> String {
    let server = format!("https://127.0.0.1:{}", common::closed_port());
    let written = common::kubeconfig(dir, &["ctx-a"], &server);
    std::fs::read_to_string(written).unwrap()
}

#[tokio::test]
async fn a_kube_client_reads_its_kubeconfig_off_the_runtime_thread() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let pipe = fifo(dir.path(), "kubeconfig.pipe");
    let text = kubeconfig_text(dir.path());
    let p = pipe.clone();
    let (client, free) = while_reading(&pipe, text, async move {
        opsdeck::sources::kube::client::client(Some(&p), "ctx-a", Duration::from_secs(5))
            .await
            .map(|_| ())
    })
    .await;
    assert_eq!(client, Ok(()));
    assert!(free, "reading the kubeconfig held the runtime's thread");
}

#[tokio::test]
async fn the_console_identity_reads_the_kubeconfig_off_the_runtime_thread() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = fifo(dir.path(), "kubeconfig.pipe");
    let text = kubeconfig_text(dir.path());
    let cfg = common::config(
        dir.path(),
        &format!(
            "[[regions]]\nname = \"eu\"\nprovider = \"aws\"\ncloud_region = \"eu-west-1\"\n\n\
             [[regions.clusters]]\ncontext = \"ctx-a\"\nkubeconfig = \"{}\"\n",
            pipe.display()
        ),
    );
    let (identity, free) = while_reading(
        &pipe,
        text,
        opsdeck::app::launch::identity_off_thread(Arc::new(cfg)),
    )
    .await;
    assert_eq!(identity, "tester@ctx-a");
    assert!(free, "reading the kubeconfig held the runtime's thread");
}

#[tokio::test]
async fn a_cost_explorer_poll_reads_the_credentials_file_off_the_runtime_thread() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    assert!(
        std::env::var_os("AWS_ACCESS_KEY_ID").is_none(),
        "unset AWS_ACCESS_KEY_ID: this test needs the credentials file to be read"
    );
    let dir = tempfile::tempdir().unwrap();
    let pipe = fifo(dir.path(), "credentials.pipe");
    let src = BillingSource {
        region: "eu".into(),
        cloud_region: "eu-west-1".into(),
        contexts: Vec::new(),
        provider: "aws".into(),
        kind: Kind::AwsCostExplorer {
            endpoint: format!("http://127.0.0.1:{}", common::closed_port()),
            signing_region: "us-east-1".into(),
            service_tag: "service".into(),
            profile: None,
            credentials_file: Some(pipe.clone()),
            shared: Default::default(),
        },
        http: reqwest::Client::new(),
        every: Duration::from_secs(300),
        timeout: Duration::from_secs(5),
        stale_after: 3,
        after: Default::default(),
    };
    let text = "[default]\naws_access_key_id = AKIDPIPE\naws_secret_access_key = S\n".to_string();
    let (fetched, free) = while_reading(&pipe, text, async move {
        billing::fetch_once(&src, &mut Kept::default())
            .await
            .map(|_| ())
    })
    .await;
    assert!(
        free,
        "reading the credentials file held the runtime's thread"
    );
    // The credentials were found; only the closed endpoint failed.
    let e = fetched.unwrap_err();
    assert!(!e.contains("credentials"), "{e}");
}
