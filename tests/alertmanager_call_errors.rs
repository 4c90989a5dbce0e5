//! How an Alertmanager call that failed is classified: the HA silence rule
//! asks the next member before retrying only when a write may have been
//! applied, and the console's source status names what went wrong.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use opsdeck::sources::alertmanager::api::{self, CallError, NewSilence};

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// A server that reads each request and closes without answering, like a
/// member that stopped while a pooled keep-alive connection was reused.
async fn hang_up_server() -> url::Url {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
            drop(sock);
        }
    });
    url::Url::parse(&format!("http://{addr}/")).unwrap()
}

#[tokio::test]
async fn a_connection_closed_before_an_answer_is_dropped_and_may_have_applied() {
    let base = hang_up_server().await;
    let http = client();
    let err = api::alerts(&http, &base).await.unwrap_err();
    assert!(matches!(err, CallError::Dropped(_)), "{err:?}");
    assert!(err.to_string().starts_with("unreachable"), "{err}");
    let s = NewSilence {
        matchers: Vec::new(),
        starts_at: "2026-12-06T00:00:00Z".into(),
        ends_at: "2026-12-06T01:00:00Z".into(),
        created_by: "t".into(),
        comment: "c".into(),
    };
    let err = api::create(&http, &base, &s, Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(
        err.maybe_applied(),
        "a write the server may have read: {err:?}"
    );
}

#[tokio::test]
async fn a_refused_connection_is_unreachable_and_not_applied() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let base = url::Url::parse(&format!("http://{addr}/")).unwrap();
    let err = api::alerts(&client(), &base).await.unwrap_err();
    assert!(matches!(err, CallError::Unreachable(_)), "{err:?}");
    assert!(!err.maybe_applied());
}
