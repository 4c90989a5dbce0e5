//! `opsdeck init`: write a starting config from the kubeconfig's contexts.
//! It shows what it recognised, asks before writing (unless `--yes`),
//! never overwrites an existing file without `--force`, and checks what it
//! wrote the way `opsdeck config check` does.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use kube::config::Kubeconfig;

use super::exit;
use crate::config::onboard;
use crate::config::overrides::Overrides;
use crate::sanitize::clean;

/// Where the config goes: `--config`, `OPSDECK_CONFIG`, or the platform file.
fn target(flag: Option<&Path>) -> Option<PathBuf> {
    let env = |k: &str| std::env::var(k).ok();
    crate::config::paths::config_file(flag, &env).map(|(p, _)| p)
}

fn fail(code: u8, msg: String) -> (String, u8) {
    eprintln!("error: {msg}");
    (String::new(), code)
}

pub fn run(
    config: Option<&Path>,
    kubeconfig: Option<&Path>,
    yes: bool,
    force: bool,
) -> (String, u8) {
    let Some(path) = target(config) else {
        return fail(
            exit::USAGE,
            "no config directory on this platform: pass --config FILE".into(),
        );
    };
    if path.exists() && !force {
        return fail(
            exit::REFUSED,
            format!(
                "{} exists: opsdeck init never overwrites a config (--force replaces it)",
                path.display()
            ),
        );
    }
    let read = match kubeconfig {
        Some(p) => Kubeconfig::read_from(p).map_err(|e| format!("{}: {e}", p.display())),
        None => Kubeconfig::read()
            .map_err(|e| format!("the default kubeconfig ($KUBECONFIG or ~/.kube/config): {e}")),
    };
    let kc = match read {
        Ok(k) => k,
        Err(e) => return fail(exit::USAGE, format!("cannot read {}", clean(&e))),
    };
    let found = onboard::contexts(&kc);
    if found.is_empty() {
        return fail(exit::USAGE, "the kubeconfig has no contexts".into());
    }
    eprintln!("{} context(s) found:", found.len());
    for f in &found {
        eprintln!(
            "  {:<40} -> region {} ({}{}){}",
            clean(&f.context),
            clean(&f.region),
            f.provider,
            f.cloud_region
                .as_deref()
                .map(|r| format!(" {}", clean(r)))
                .unwrap_or_default(),
            if f.production { " production" } else { "" }
        );
    }
    let kube_path = kubeconfig.map(|p| {
        std::path::absolute(p)
            .unwrap_or_else(|_| p.to_path_buf())
            .display()
            .to_string()
    });
    let text = onboard::config_text(&found, kube_path.as_deref());
    if !yes {
        if !std::io::stdin().is_terminal() {
            return fail(
                exit::USAGE,
                format!("not a terminal: pass --yes to write {}", path.display()),
            );
        }
        eprint!(
            "write {} region(s) to {}? [y/N] ",
            found.len(),
            path.display()
        );
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            eprintln!("nothing was written");
            return (String::new(), exit::OK);
        }
    }
    if let Err(e) = write(&path, &text) {
        return fail(
            exit::FAILURE,
            format!("cannot write {}: {e}", path.display()),
        );
    }
    match crate::config::load(Some(&path), Overrides::default()) {
        Ok(_) => (
            format!(
                "wrote {} ({} region(s)); next: fill in its Prometheus, Alertmanager and billing, then `opsdeck config check`\n",
                path.display(),
                found.len()
            ),
            exit::OK,
        ),
        Err(e) => fail(
            exit::FAILURE,
            format!(
                "wrote {}, but it does not load (please report this): {e}",
                path.display()
            ),
        ),
    }
}

/// Writes `text` to `path` through a temporary file beside it.
fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("toml.tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}
