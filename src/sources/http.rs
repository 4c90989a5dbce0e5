//! The shared reqwest client setup: timeouts, auth and extra headers from the
//! config. rustls with the ring provider only (see dependencies.md), on the
//! process-wide TLS setup of [`super::tls`].

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use crate::config::Auth;

/// A client that sends `auth` and `headers` on every request. Header values
/// holding credentials are marked sensitive so they never print.
pub fn client(
    auth: Option<&Auth>,
    headers: &BTreeMap<String, String>,
    timeout: Duration,
) -> Result<reqwest::Client, String> {
    let mut map = HeaderMap::new();
    for (k, v) in headers {
        let name = HeaderName::try_from(k.as_str())
            .map_err(|_| format!("header name {k:?} is not valid"))?;
        let value = HeaderValue::try_from(v.as_str())
            .map_err(|_| format!("header {k}: value is not valid"))?;
        map.insert(name, value);
    }
    if let Some(auth) = auth {
        let raw = match auth {
            Auth::Bearer(token) => format!("Bearer {}", token.expose()),
            Auth::Basic { username, password } => {
                use base64::Engine;
                let pair = format!("{username}:{}", password.expose());
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                )
            }
        };
        let mut value = HeaderValue::try_from(raw)
            .map_err(|_| "credential is not a valid header value".to_string())?;
        value.set_sensitive(true);
        map.insert(AUTHORIZATION, value);
    }
    super::tls::reqwest_builder()
        .default_headers(map)
        .timeout(timeout)
        .connect_timeout(timeout)
        .build()
        .map_err(|e| super::redact::error_chain(&e))
}
