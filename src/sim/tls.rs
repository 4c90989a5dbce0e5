//! TLS for the simulator's API. kubectl (client-go) sends bearer tokens only
//! over https, so the listener also speaks TLS on the same port: a connection
//! whose first byte is a TLS handshake gets TLS, anything else plain HTTP.
//!
//! The certificate (for 127.0.0.1 and localhost, valid until 2126) and its CA
//! are fixed files in `src/sim/tls/`; the key is public, which is fine for a
//! loopback simulator and nothing else. The kubeconfig carries the CA.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// The CA certificate (PEM).
pub const CA_PEM: &str = include_str!("tls/ca.pem");
/// The CA certificate, base64 of the PEM (kubeconfig `certificate-authority-data`).
pub const CA_PEM_BASE64: &str = include_str!("tls/ca.pem.b64");
const CERT_PEM: &[u8] = include_bytes!("tls/server.pem");
const KEY_PEM: &[u8] = include_bytes!("tls/server.key");

/// The TLS acceptor for the API listener.
pub fn acceptor() -> Result<tokio_rustls::TlsAcceptor, String> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(CERT_PEM)
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let key = PrivateKeyDer::from_pem_slice(KEY_PEM).map_err(|e| e.to_string())?;
    let mut cfg = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .map_err(|e| e.to_string())?;
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(cfg)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn loads() {
        assert!(super::acceptor().is_ok());
        assert!(super::CA_PEM.contains("BEGIN CERTIFICATE"));
    }
}
