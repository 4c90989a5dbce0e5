//! Configuration errors written for a tired operator: each one names the
//! file, line and column, the key path, what was found and what would be valid.

use std::fmt;
use std::path::{Path, PathBuf};

use super::locate::{self, PathSeg, Position};

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub position: Option<Position>,
    /// Key path such as `regions[0].prometheus.url`; empty for the whole file.
    pub key: String,
    pub problem: String,
    pub found: Option<String>,
    pub valid: Option<String>,
}

impl ConfigError {
    /// An error about a key path, located in `text` when the key is written there.
    pub fn at_path(file: &Path, text: &str, path: &[PathSeg], problem: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            position: locate::locate(text, path),
            key: locate::render_path(path),
            problem: problem.into(),
            found: None,
            valid: None,
        }
    }

    /// An error about the file as a whole (unreadable, missing).
    pub fn file(file: &Path, problem: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            position: None,
            key: String::new(),
            problem: problem.into(),
            found: None,
            valid: None,
        }
    }

    pub fn found(mut self, found: impl Into<String>) -> Self {
        self.found = Some(found.into());
        self
    }

    pub fn key_path(mut self, key: impl Into<String>) -> Self {
        self.key = key.into();
        self
    }

    pub fn valid(mut self, valid: impl Into<String>) -> Self {
        self.valid = Some(valid.into());
        self
    }

    /// Converts a serde/TOML error, with the key path serde_path_to_error saw.
    pub fn from_toml(file: &Path, text: &str, err: &toml::de::Error, path: &str) -> Self {
        let position = err.span().map(|s| locate::position_of(text, s.start));
        let message = err.message().trim().to_string();
        let (problem, found, valid) = explain(&message);
        // When serde did not say what it found, quote the text at the error.
        let found = found.or_else(|| {
            let snippet = err.span().and_then(|s| text.get(s))?.trim();
            (!snippet.is_empty() && snippet.len() <= 80 && !snippet.contains('\n'))
                .then(|| snippet.to_string())
        });
        Self {
            file: file.to_path_buf(),
            position,
            key: clean_path(path),
            problem,
            found,
            valid,
        }
    }
}

/// serde_path_to_error writes `?` for the root and `.` for no path.
fn clean_path(path: &str) -> String {
    match path {
        "." | "?" => String::new(),
        p => p.to_string(),
    }
}

/// Splits serde's messages ("unknown field `x`, expected one of `a`, `b`")
/// into the problem, what was found, and what would be valid — with the
/// nearest valid name when one is close.
fn explain(message: &str) -> (String, Option<String>, Option<String>) {
    for (prefix, what) in [("unknown field", "key"), ("unknown variant", "value")] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let ticks: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
            let Some((found, expected)) = ticks.split_first() else {
                break;
            };
            let mut valid = if expected.is_empty() {
                "no keys are allowed here".to_string()
            } else {
                format!("one of {}", expected.join(", "))
            };
            if let Some(near) = nearest(found, expected) {
                valid = format!("did you mean `{near}`? ({valid})");
            }
            return (
                format!("unknown {what}"),
                Some((*found).to_string()),
                Some(valid),
            );
        }
    }
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return (
            "wrong type".into(),
            Some(found.into()),
            Some(plain_type(expected)),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid value: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return (
            "invalid value".into(),
            Some(found.into()),
            Some(plain_type(expected)),
        );
    }
    if let Some(field) = message.strip_prefix("missing field ") {
        return (
            format!("missing required key {field}"),
            None,
            Some(format!("add {field}")),
        );
    }
    (message.to_string(), None, None)
}

/// Rust type names in serde messages, in words an operator reads.
fn plain_type(expected: &str) -> String {
    match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number >= 0".into(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".into(),
        "f32" | "f64" => "a number".into(),
        "a boolean" => "true or false".into(),
        other => other.into(),
    }
}

/// The candidate closest to `found`, if it is close enough to be a typo:
/// few edits (transpositions count as one) or a high Jaro-Winkler score.
pub fn nearest<'a>(found: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let max_edits = (found.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(found, c),
                strsim::jaro_winkler(found, c),
                *c,
            )
        })
        .filter(|(edits, score, _)| *edits <= max_edits || *score >= 0.85)
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)))
        .map(|(_, _, c)| c)
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(p) = self.position {
            write!(f, ":{}:{}", p.line, p.column)?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.problem)?;
        if let Some(found) = &self.found {
            write!(f, "\n    found: {found}")?;
        }
        if let Some(valid) = &self.valid {
            write!(f, "\n    valid: {valid}")?;
        }
        Ok(())
    }
}

/// All problems found in one load; reported together, exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl From<ConfigError> for ConfigErrors {
    fn from(e: ConfigError) -> Self {
        Self(vec![e])
    }
}

/// Deserializes a TOML document, reporting the key path and position of the
/// first error.
pub fn parse_toml<T: serde::de::DeserializeOwned>(
    file: &Path,
    text: &str,
) -> Result<T, ConfigError> {
    let de = toml::de::Deserializer::parse(text)
        .map_err(|e| ConfigError::from_toml(file, text, &e, ""))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        ConfigError::from_toml(file, text, e.inner(), &path)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_suggests_the_nearest_key() {
        let (problem, found, valid) =
            explain("unknown field `thme`, expected one of `theme`, `keymap`");
        assert_eq!(problem, "unknown key");
        assert_eq!(found.as_deref(), Some("thme"));
        assert!(valid.unwrap_or_default().contains("did you mean `theme`?"));
    }

    #[test]
    fn far_names_get_no_suggestion() {
        let (_, _, valid) = explain("unknown field `zzz`, expected one of `theme`, `keymap`");
        assert_eq!(valid.as_deref(), Some("one of theme, keymap"));
    }
}
