//! Credentials read from the environment. A [`Secret`] never prints its value:
//! Debug, Display and Serialize all show `<redacted>`.

use std::fmt;

use serde::{Serialize, Serializer};

#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    /// Where the value came from, e.g. `env:PROM_TOKEN`; safe to show.
    pub origin: String,
    value: String,
}

impl Secret {
    pub fn new(origin: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            origin: origin.into(),
            value: value.into(),
        }
    }

    /// The credential itself, for building a request header. Never log it.
    pub fn expose(&self) -> &str {
        &self.value
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({}: <redacted>)", self.origin)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<redacted from {}>", self.origin)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let s = Secret::new("env:TOKEN", "hunter2");
        assert_eq!(format!("{s:?}"), "Secret(env:TOKEN: <redacted>)");
        assert_eq!(format!("{s}"), "<redacted from env:TOKEN>");
        // A serialisation error is a failure here, not an empty string.
        assert_eq!(
            serde_json::to_string(&s).map_err(|e| e.to_string()),
            Ok("\"<redacted from env:TOKEN>\"".to_string())
        );
        assert_eq!(s.expose(), "hunter2");
    }
}
