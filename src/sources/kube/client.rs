//! One kube client per kubeconfig context: token, client certificates and
//! exec credential plugins all come from kube-rs' kubeconfig support.

use std::path::Path;
use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};

/// Builds a client for `context` from `kubeconfig` (else `$KUBECONFIG` or
/// `~/.kube/config`). Errors are short and carry no credentials. The
/// kubeconfig and the certificate files it names are read on a blocking
/// thread, never on the async workers.
pub async fn client(
    kubeconfig: Option<&Path>,
    context: &str,
    timeout: Duration,
) -> Result<kube::Client, String> {
    let path = kubeconfig.map(Path::to_path_buf);
    let ctx = context.to_string();
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || handle.block_on(build(path.as_deref(), &ctx, timeout)))
        .await
        .map_err(|e| format!("context {context}: {e}"))?
}

async fn build(
    kubeconfig: Option<&Path>,
    context: &str,
    timeout: Duration,
) -> Result<kube::Client, String> {
    let raw = match kubeconfig {
        Some(path) => Kubeconfig::read_from(path)
            .map_err(|e| format!("kubeconfig {}: {e}", path.display()))?,
        None => Kubeconfig::read().map_err(|e| format!("kubeconfig: {e}"))?,
    };
    let options = KubeConfigOptions {
        context: Some(context.to_string()),
        ..Default::default()
    };
    let plugin = exec_command(&raw, context);
    let why = |e: &dyn std::fmt::Display| match &plugin {
        Some(cmd) => format!(
            "context {context}: {e} (its credential plugin `{cmd}`: is it installed and on PATH?)"
        ),
        None => format!("context {context}: {e}"),
    };
    let mut config = kube::Config::from_custom_kubeconfig(raw, &options)
        .await
        .map_err(|e| why(&e))?;
    config.connect_timeout = Some(timeout);
    // Watches hold a request open for up to 290 s; keep reads longer than that.
    config.read_timeout = Some(Duration::from_secs(300));
    skip_trust_store_for_plain_http(&mut config);
    kube::Client::try_from(config).map_err(|e| why(&e))
}

/// The exec credential plugin command of `context`'s user, if it has one.
fn exec_command(raw: &Kubeconfig, context: &str) -> Option<String> {
    let user = raw
        .contexts
        .iter()
        .find(|c| c.name == context)?
        .context
        .as_ref()?
        .user
        .clone()?;
    let exec = raw
        .auth_infos
        .iter()
        .find(|a| a.name == user)?
        .auth_info
        .as_ref()?
        .exec
        .as_ref()?;
    exec.command.clone()
}

/// A short, credential-free description of a kube error for the screen.
pub fn describe(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) => format!("{} {}: {}", s.code, s.reason, s.message),
        kube::Error::HyperError(e) => format!("connection: {e}"),
        kube::Error::Service(e) => format!("connection: {e}"),
        other => {
            let text = other.to_string();
            text.chars().take(160).collect()
        }
    }
}

/// A cluster reached over plain HTTP (no https proxy either) never does a TLS
/// handshake, yet kube-rs builds a verifier from the system trust store for
/// every client without a CA: an empty root list skips that read.
fn skip_trust_store_for_plain_http(config: &mut kube::Config) {
    let plain = |scheme: Option<&str>| scheme == Some("http");
    let proxy_plain = config
        .proxy_url
        .as_ref()
        .is_none_or(|u| plain(u.scheme_str()));
    if plain(config.cluster_url.scheme_str()) && proxy_plain && config.root_cert.is_none() {
        config.root_cert = Some(Vec::new());
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn config(url: &str) -> kube::Config {
        kube::Config::new(url.parse().unwrap())
    }

    #[test]
    fn only_plain_http_clusters_skip_the_trust_store() {
        let mut c = config("http://127.0.0.1:8080");
        skip_trust_store_for_plain_http(&mut c);
        assert_eq!(c.root_cert, Some(Vec::new()));

        let mut c = config("https://127.0.0.1:6443");
        skip_trust_store_for_plain_http(&mut c);
        assert_eq!(c.root_cert, None);

        let mut c = config("http://127.0.0.1:8080");
        c.proxy_url = Some("https://proxy:3128".parse().unwrap());
        skip_trust_store_for_plain_http(&mut c);
        assert_eq!(c.root_cert, None);
    }
}
