//! Configuration: the file shapes, layered resolution (built-in defaults,
//! file, environment, CLI flags), themes and keymaps, and errors that name
//! the file, line, key, what was found and what would be valid.
//!
//! Errors are returned by value: they are built once, at start-up, and carry
//! the whole explanation, so their size does not matter.
#![allow(clippy::result_large_err)]

pub mod checks;
pub mod error;
pub mod file;
pub mod keymap;
pub mod locate;
pub mod named;
pub mod onboard;
pub mod overrides;
pub mod paths;
mod resolve;
pub mod resolved;
pub mod secret;
pub mod theme;

use std::path::{Path, PathBuf};

pub use error::{ConfigError, ConfigErrors};
pub use keymap::Keymap;
pub use overrides::Overrides;
pub use resolve::EnvLookup;
pub use resolved::*;
pub use theme::Theme;

/// Everything the console and the commands need from the user's files.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    pub theme: Theme,
    pub keymap: Keymap,
    /// Where the config came from (or would have), and why.
    pub path: Option<(PathBuf, paths::Origin)>,
}

/// Loads the configuration with the process environment.
pub fn load(flag: Option<&Path>, cli: Overrides) -> Result<Loaded, ConfigErrors> {
    let env = |k: &str| std::env::var(k).ok();
    load_with_env(flag, cli, &env)
}

/// Loads the configuration: `--config`, else `OPSDECK_CONFIG`, else the
/// platform config dir. A file named by flag or variable must exist; the
/// platform file is optional (built-in defaults apply without it).
pub fn load_with_env(
    flag: Option<&Path>,
    cli: Overrides,
    env: EnvLookup<'_>,
) -> Result<Loaded, ConfigErrors> {
    let overrides = Overrides::from_env(env)?.then(cli);
    let path = paths::config_file(flag, env);
    let mut text = String::new();
    let config = match &path {
        Some((p, origin)) => match std::fs::read_to_string(p) {
            Ok(t) => {
                text = t;
                from_text(p, &text, &overrides, env)?
            }
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    && *origin == paths::Origin::Platform =>
            {
                defaults_with_env(&overrides, env)
            }
            Err(e) => {
                let problem = format!(
                    "cannot read config file (given by {}): {e}",
                    origin.describe()
                );
                return Err(ConfigError::file(p, problem)
                    .valid("an existing TOML file; `opsdeck config path` shows where opsdeck looks")
                    .into());
            }
        },
        None => defaults_with_env(&overrides, env),
    };
    let origin = config
        .source
        .clone()
        .unwrap_or_else(|| PathBuf::from("<defaults>"));
    let file = config.source.as_deref();
    let theme = Theme::load(&config.ui.theme, &paths::user_dirs(file, "themes"), &origin)
        .map_err(|e| locate_in(e, &origin, &text, "theme"))?;
    let keymap = Keymap::load(
        &config.ui.keymap,
        &paths::user_dirs(file, "keymaps"),
        &origin,
    )
    .map_err(|e| {
        ConfigErrors(
            e.0.into_iter()
                .map(|e| locate_in(e, &origin, &text, "keymap"))
                .collect(),
        )
    })?;
    Ok(Loaded {
        config,
        theme,
        keymap,
        path,
    })
}

/// An error about `ui.<key>` of the config file gets the key's position.
fn locate_in(mut e: ConfigError, origin: &Path, text: &str, key: &str) -> ConfigError {
    if e.file == origin && e.position.is_none() {
        let path = [
            locate::PathSeg::Key("ui".into()),
            locate::PathSeg::Key(key.into()),
        ];
        e.position = locate::locate(text, &path);
    }
    e
}

/// Parses and resolves one config file's text.
pub fn from_text(
    path: &Path,
    text: &str,
    overrides: &Overrides,
    env: EnvLookup<'_>,
) -> Result<Config, ConfigErrors> {
    let parsed: file::FileConfig = error::parse_toml(path, text)?;
    let mut r = resolve::Resolver::new(path, text, env);
    let config = r.config(parsed, overrides);
    r.finish(config)
}

/// The built-in defaults: no fleet, default theme and keymap.
pub fn defaults(overrides: &Overrides) -> Config {
    defaults_with_env(overrides, &|_: &str| None)
}

/// The built-in defaults; `env` only tells which layer turned read-only on.
fn defaults_with_env(overrides: &Overrides, env: EnvLookup<'_>) -> Config {
    let mut r = resolve::Resolver::new(Path::new("<defaults>"), "", env);
    let mut config = r.config(file::FileConfig::default(), overrides);
    config.source = None;
    config.policy.source = None;
    config
}
