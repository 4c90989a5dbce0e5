//! One TLS setup per process for every HTTP client (Prometheus, Alertmanager,
//! billing, notifications). Building a verifier from the system trust store
//! reads and parses every certificate under /etc/ssl, which cost a quarter of
//! `opsdeck status`'s CPU when each client did it at build time. Here the
//! store is read once, on the first TLS handshake, and never for plain-HTTP
//! peers.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

/// A reqwest builder on the shared TLS configuration.
pub fn reqwest_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder().tls_backend_preconfigured(client_config())
}

/// The process-wide client configuration: ring, TLS 1.2 and 1.3, the
/// platform's trust store loaded lazily, ALPN for HTTP/2 and HTTP/1.1.
pub fn client_config() -> rustls::ClientConfig {
    static CONFIG: OnceLock<rustls::ClientConfig> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let verifier = Arc::new(LazyPlatformVerifier::new(provider.clone()));
            let mut config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                // ring supports every default version; this cannot fail.
                .unwrap_or_else(|_| rustls::ClientConfig::builder())
                .dangerous()
                .with_custom_certificate_verifier(verifier)
                .with_no_client_auth();
            config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
            config
        })
        .clone()
}

/// Verifies with the platform's verifier, built on first use and shared.
#[derive(Debug)]
struct LazyPlatformVerifier {
    algorithms: WebPkiSupportedAlgorithms,
    provider: Arc<CryptoProvider>,
    inner: OnceLock<Result<Arc<rustls_platform_verifier::Verifier>, rustls::Error>>,
}

impl LazyPlatformVerifier {
    fn new(provider: Arc<CryptoProvider>) -> Self {
        Self {
            algorithms: provider.signature_verification_algorithms,
            provider,
            inner: OnceLock::new(),
        }
    }

    fn inner(&self) -> Result<&rustls_platform_verifier::Verifier, rustls::Error> {
        self.inner
            .get_or_init(|| {
                rustls_platform_verifier::Verifier::new(self.provider.clone()).map(Arc::new)
            })
            .as_ref()
            .map(|v| v.as_ref())
            .map_err(Clone::clone)
    }
}

impl ServerCertVerifier for LazyPlatformVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.inner()?
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn building_clients_reads_no_trust_store() {
        let v = LazyPlatformVerifier::new(Arc::new(rustls::crypto::ring::default_provider()));
        assert!(!v.supported_verify_schemes().is_empty());
        assert!(
            v.inner.get().is_none(),
            "the store is read on first use only"
        );
    }

    /// A server whose CA is not in the system store is refused: the shared
    /// configuration verifies certificates, it does not skip them.
    #[tokio::test]
    async fn an_unknown_issuer_is_refused() {
        let Ok(acceptor) = crate::sim::tls::acceptor() else {
            panic!("the simulator's TLS acceptor builds");
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let _ = acceptor.accept(tcp).await;
            }
        });
        let client = reqwest_builder().build().unwrap();
        let err = client
            .get(format!("https://127.0.0.1:{port}/"))
            .send()
            .await
            .unwrap_err();
        let chain = crate::sources::redact::error_chain(&err);
        assert!(
            chain.contains("UnknownIssuer") || chain.contains("unknown issuer"),
            "{chain}"
        );
    }
}
