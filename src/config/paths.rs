//! Where opsdeck looks for its files.

use std::path::{Path, PathBuf};

use super::resolve::EnvLookup;

/// How the config file path was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Flag,
    Env,
    Platform,
}

impl Origin {
    pub fn describe(self) -> &'static str {
        match self {
            Origin::Flag => "--config",
            Origin::Env => "OPSDECK_CONFIG",
            Origin::Platform => "platform config dir",
        }
    }
}

/// The platform config directory (`~/.config/opsdeck` on Linux).
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "opsdeck").map(|d| d.config_dir().to_path_buf())
}

/// The config file to read: `--config`, else `OPSDECK_CONFIG`, else
/// `<config dir>/config.toml`.
pub fn config_file(flag: Option<&Path>, env: EnvLookup<'_>) -> Option<(PathBuf, Origin)> {
    if let Some(p) = flag {
        return Some((p.to_path_buf(), Origin::Flag));
    }
    if let Some(p) = env("OPSDECK_CONFIG").filter(|p| !p.is_empty()) {
        return Some((PathBuf::from(p), Origin::Env));
    }
    config_dir().map(|d| (d.join("config.toml"), Origin::Platform))
}

/// Directories searched for user themes or keymaps (`sub` = "themes" or
/// "keymaps"): next to the config file first, then the platform config dir.
pub fn user_dirs(config_file: Option<&Path>, sub: &str) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = config_file.and_then(Path::parent) {
        dirs.push(dir.join(sub));
    }
    if let Some(dir) = config_dir() {
        let d = dir.join(sub);
        if !dirs.contains(&d) {
            dirs.push(d);
        }
    }
    dirs
}
