//! `opsdeck config check` and `opsdeck config path`.

use std::path::Path;

use serde::Serialize;

use crate::config::{self, Loaded, Overrides, paths};

/// Output format of `config check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Toml,
    Json,
}

/// What `config check` prints: the resolved config, theme and keymap.
#[derive(Serialize)]
struct Report<'a> {
    config: &'a config::Config,
    theme: &'a config::Theme,
    keymap: &'a config::Keymap,
}

/// Validates the configuration and prints the resolved result (secrets
/// redacted). Errors are returned for the caller to print with exit code 2.
pub fn check(
    flag: Option<&Path>,
    overrides: Overrides,
    format: Format,
) -> Result<String, config::ConfigErrors> {
    let loaded = config::load(flag, overrides)?;
    Ok(render(&loaded, format))
}

fn render(loaded: &Loaded, format: Format) -> String {
    let report = Report {
        config: &loaded.config,
        theme: &loaded.theme,
        keymap: &loaded.keymap,
    };
    let source = match &loaded.path {
        Some((p, origin)) if loaded.config.source.is_some() => {
            format!("{} (from {})", p.display(), origin.describe())
        }
        Some((p, _)) => format!("no file at {}; built-in defaults", p.display()),
        None => "built-in defaults".to_string(),
    };
    let regions = loaded.config.regions.len();
    let services = loaded.config.services.len();
    let body = match format {
        Format::Toml => {
            toml::to_string_pretty(&report).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
        }
        Format::Json => {
            serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("cannot render: {e}"))
                + "\n"
        }
    };
    let header = format!(
        "config OK: {source}; {regions} regions, {services} services, theme {}, keymap {}",
        loaded.theme.name, loaded.keymap.name
    );
    match format {
        Format::Toml => format!("# {header}\n{body}"),
        Format::Json => {
            eprintln!("{header}");
            body
        }
    }
}

/// Where opsdeck looks for its files, in order, and what exists there.
pub fn path(flag: Option<&Path>) -> String {
    let env = |k: &str| std::env::var(k).ok();
    let mut out = String::new();
    match paths::config_file(flag, &env) {
        Some((p, origin)) => {
            let state = if p.is_file() { "exists" } else { "not found" };
            out.push_str(&format!(
                "config file: {} (from {}; {state})\n",
                p.display(),
                origin.describe()
            ));
        }
        None => out.push_str("config file: none (no home directory; built-in defaults apply)\n"),
    }
    let platform = paths::config_dir()
        .map(|d| d.join("config.toml").display().to_string())
        .unwrap_or_else(|| "(no platform config dir)".into());
    out.push_str(&format!(
        "search order: --config FILE, $OPSDECK_CONFIG, {platform}\n"
    ));
    let file = paths::config_file(flag, &env).map(|(p, _)| p);
    for sub in ["themes", "keymaps"] {
        let dirs: Vec<String> = paths::user_dirs(file.as_deref(), sub)
            .iter()
            .map(|d| d.display().to_string())
            .collect();
        out.push_str(&format!(
            "{sub}: built-in, then <name>.toml in {}\n",
            dirs.join(", ")
        ));
    }
    out
}
