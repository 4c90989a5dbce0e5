//! Finding a theme or keymap by the name the config gives it: a path to a
//! `.toml` file (relative to the config file), a user file `<name>.toml` in
//! one of the user directories, or a built-in.

use std::path::{Path, PathBuf};

use super::error::{ConfigError, nearest};

/// Where a named theme or keymap lives.
pub enum Found {
    File(PathBuf),
    BuiltIn(&'static str),
}

/// What is being looked up, for messages: "theme" or "keymap".
pub struct Lookup<'a> {
    pub what: &'static str,
    pub built_in: &'static [(&'static str, &'static str)],
    pub user_dirs: &'a [PathBuf],
    /// The config file that named it.
    pub origin: &'a Path,
}

impl Lookup<'_> {
    pub fn find(&self, name: &str) -> Result<Found, ConfigError> {
        if name.ends_with(".toml") {
            return Ok(Found::File(relative_to(self.origin, name)));
        }
        if let Some(file) = self
            .user_dirs
            .iter()
            .map(|d| d.join(format!("{name}.toml")))
            .find(|p| p.is_file())
        {
            return Ok(Found::File(file));
        }
        if let Some((_, text)) = self.built_in.iter().find(|(n, _)| *n == name) {
            return Ok(Found::BuiltIn(text));
        }
        let names: Vec<&str> = self.built_in.iter().map(|(n, _)| *n).collect();
        let mut valid = format!("a built-in {} ({})", self.what, names.join(", "));
        if let Some(near) = nearest(name, &names) {
            valid = format!("did you mean `{near}`? Else {valid}");
        }
        let dirs: Vec<String> = self
            .user_dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect();
        valid.push_str(&format!(", or a file <name>.toml in {}", dirs.join(" or ")));
        Err(
            ConfigError::file(self.origin, format!("unknown {}", self.what))
                .key_path(format!("ui.{}", self.what))
                .found(format!("{name:?}"))
                .valid(valid),
        )
    }
}

/// A relative theme or keymap path is relative to the config file's directory.
pub fn relative_to(origin: &Path, name: &str) -> PathBuf {
    let path = super::checks::expand_home(name);
    match origin.parent() {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path,
    }
}
