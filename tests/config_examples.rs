//! Every shipped theme, keymap and example config loads, and the layers
//! (file, environment, flags) resolve in the documented order.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "fixtures/themes.rs"]
mod themes;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use opsdeck::config::keymap::{Action, Context, KeyChord, Keymap};
use opsdeck::config::theme::Theme;
use ratatui::style::Color;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    v
}

fn opsdeck(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("opsdeck").unwrap();
    cmd.env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("PROM_TOKEN", "secret-prom-token")
        .env("AM_TOKEN", "secret-am-token")
        .env("GRAFANA_CLOUD_PASSWORD", "secret-password");
    cmd
}

#[test]
fn every_theme_file_loads_and_is_complete() {
    let themes = files("themes");
    let names: Vec<String> = themes
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into())
        .collect();
    for required in ["default", "light", "high-contrast", "ansi16", "mono"] {
        assert!(
            names.iter().any(|n| n == required),
            "themes/{required}.toml missing"
        );
    }
    for path in themes {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy();
        let theme = Theme::parse(&path, &text, &name).unwrap_or_else(|e| panic!("{e}"));
        // Slot by slot against values typed out in the test, not against
        // the same file parsed twice.
        let want = themes::expected(&name);
        assert!(want.is_some(), "themes/{name}.toml has no expected slots");
        assert_eq!(
            Some(&theme),
            want.as_ref(),
            "{name} as parsed from the file"
        );
        assert_eq!(Theme::built_in(&name).unwrap(), want, "{name} as embedded");
    }
}

#[test]
fn ansi16_uses_only_basic_colours_and_mono_none() {
    let ansi = Theme::built_in("ansi16").unwrap().unwrap();
    for c in ansi.colours() {
        assert!(
            !matches!(c, Color::Rgb(..) | Color::Indexed(_)),
            "ansi16 uses {c:?}"
        );
    }
    let mono = Theme::built_in("mono").unwrap().unwrap();
    assert!(mono.colours().iter().all(|c| *c == Color::Reset));
}

#[test]
fn every_keymap_loads_and_binds_the_essentials() {
    let maps = files("keymaps");
    assert!(maps.len() >= 2);
    for path in maps {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_stem().unwrap().to_string_lossy();
        let km = Keymap::parse(&path, &text, &name).unwrap_or_else(|e| panic!("{e}"));
        for action in [
            Action::Quit,
            Action::Help,
            Action::Palette,
            Action::Filter,
            Action::Back,
            Action::Up,
            Action::Down,
        ] {
            assert!(
                !km.keys_for(Context::Global, action).is_empty(),
                "{name}: {action:?} unbound"
            );
        }
        for b in &km.bindings {
            assert!(
                !b.description.is_empty(),
                "{name}: {:?} has no description",
                b.action
            );
        }
    }
    let vim = Keymap::built_in("vim").unwrap().unwrap();
    assert_eq!(
        vim.action(Context::Table, KeyChord::parse("j").unwrap()),
        Some(Action::Down)
    );
    assert_eq!(
        vim.action(Context::Table, KeyChord::parse("G").unwrap()),
        Some(Action::Bottom)
    );
    // In the palette, typed letters are text, not global shortcuts.
    assert_eq!(
        vim.action(Context::Palette, KeyChord::parse("q").unwrap()),
        None
    );
}

#[test]
fn every_example_config_checks_and_prints_the_resolved_config() {
    let home = tempfile::tempdir().unwrap();
    let examples = files("config-examples");
    assert!(examples.len() >= 3);
    for path in examples {
        let out = opsdeck(home.path())
            .args(["config", "check", "--config"])
            .arg(&path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.starts_with("# config OK:"), "{stdout}");
        let parsed: toml::Table = toml::from_str(&stdout).unwrap();
        assert!(
            parsed["config"]["regions"]
                .as_array()
                .is_some_and(|r| !r.is_empty())
        );
        for secret in ["secret-prom-token", "secret-am-token", "secret-password"] {
            assert!(
                !stdout.contains(secret),
                "{} leaks a credential",
                path.display()
            );
        }
    }
}

#[test]
fn credentials_show_as_redacted_with_their_origin() {
    let home = tempfile::tempdir().unwrap();
    let path = root().join("config-examples/multi-region.toml");
    let out = opsdeck(home.path())
        .args(["config", "check", "-o", "json", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let prom = &v["config"]["regions"][0]["prometheus"];
    assert_eq!(prom["auth"]["bearer"], "<redacted from env:PROM_TOKEN>");
    assert_eq!(prom["headers"]["X-Scope-OrgID"], "prod");
    assert_eq!(
        v["config"]["services"][0]["regions"]["europe-west4"]["deployment"],
        "checkout-eu"
    );
}

/// One region, so the file checks; `extra` sets the layered keys.
fn layered_config(dir: &Path, extra: &str) -> PathBuf {
    let path = dir.join(format!("layers-{}.toml", extra.len()));
    let text = format!(
        "{extra}\n[[regions]]\nname = \"eu\"\nprovider = \"aws\"\ncloud_region = \"eu-west-1\"\n\n\
         [[regions.clusters]]\ncontext = \"ctx-eu\"\n"
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// theme, keymap, ascii, read_only and the Prometheus refresh as resolved.
fn layered(cmd: &mut Command, path: &Path) -> (String, String, bool, bool, String) {
    let out = cmd
        .env("LANG", "C.UTF-8")
        .args(["config", "check", "-o", "json", "--config"])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = |v: &serde_json::Value| v.as_str().unwrap().to_string();
    assert_eq!(v["theme"]["name"], v["config"]["ui"]["theme"]);
    assert_eq!(v["keymap"]["name"], v["config"]["ui"]["keymap"]);
    (
        text(&v["theme"]["name"]),
        text(&v["keymap"]["name"]),
        v["config"]["ui"]["ascii"].as_bool().unwrap(),
        v["config"]["policy"]["read_only"].as_bool().unwrap(),
        text(&v["config"]["ui"]["refresh"]["prometheus"]),
    )
}

/// Every layer sets a value different from the layer below it, so a layer
/// that were ignored would show.
#[test]
fn layers_resolve_file_then_env_then_flags() {
    let home = tempfile::tempdir().unwrap();
    let s = |v: &str| v.to_string();
    let bare = layered_config(home.path(), "");
    assert_eq!(
        layered(&mut opsdeck(home.path()), &bare),
        (s("default"), s("default"), false, false, s("10s")),
        "built-in defaults"
    );
    let file = layered_config(
        home.path(),
        "[ui]\ntheme = \"high-contrast\"\nkeymap = \"vim\"\nascii = true\n\
         [ui.refresh]\nprometheus = \"7s\"\n[policy]\nread_only = true\n",
    );
    assert_eq!(
        layered(&mut opsdeck(home.path()), &file),
        (s("high-contrast"), s("vim"), true, true, s("7s")),
        "the file over the defaults"
    );
    let env = |cmd: &mut Command| {
        cmd.env("OPSDECK_THEME", "light")
            .env("OPSDECK_KEYMAP", "default")
            .env("OPSDECK_ASCII", "0")
            .env("OPSDECK_READ_ONLY", "false");
    };
    let mut cmd = opsdeck(home.path());
    env(&mut cmd);
    assert_eq!(
        layered(&mut cmd, &file),
        // read_only is sticky: OPSDECK_READ_ONLY=false cannot turn off the
        // file's read_only = true (tests/config_read_only.rs covers each layer).
        (s("light"), s("default"), false, true, s("7s")),
        "the environment over the file"
    );
    let mut cmd = opsdeck(home.path());
    cmd.env("NO_COLOR", "1");
    assert_eq!(layered(&mut cmd, &file).0, "mono", "NO_COLOR over the file");
    let mut cmd = opsdeck(home.path());
    env(&mut cmd);
    cmd.args([
        "--theme",
        "ansi16",
        "--keymap",
        "vim",
        "--ascii",
        "--read-only",
    ]);
    assert_eq!(
        layered(&mut cmd, &file),
        (s("ansi16"), s("vim"), true, true, s("7s")),
        "flags over the environment"
    );
}

#[test]
fn config_file_comes_from_flag_env_or_platform_dir() {
    let home = tempfile::tempdir().unwrap();
    let out = opsdeck(home.path())
        .args(["config", "path"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(".config/opsdeck/config.toml (from platform config dir; not found)"),
        "{text}"
    );

    let demo = root().join("config-examples/demo.toml");
    let out = opsdeck(home.path())
        .env("OPSDECK_CONFIG", &demo)
        .args(["config", "path"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("(from OPSDECK_CONFIG; exists)"));

    // The platform file is used when present, and a user theme next to it
    // overrides slots of a built-in.
    let dir = home.path().join(".config/opsdeck");
    std::fs::create_dir_all(dir.join("themes")).unwrap();
    std::fs::write(dir.join("config.toml"), "[ui]\ntheme = \"mine\"\n").unwrap();
    std::fs::write(
        dir.join("themes/mine.toml"),
        "extends = \"light\"\n[colors]\ncritical = \"#ff0000\"\n",
    )
    .unwrap();
    let out = opsdeck(home.path())
        .args(["config", "check", "-o", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["theme"]["name"], "mine");
    assert_eq!(v["theme"]["critical"], "#FF0000");
}

#[test]
fn version_and_completions_work() {
    let home = tempfile::tempdir().unwrap();
    let out = opsdeck(home.path()).arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("opsdeck "));
    let out = opsdeck(home.path())
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("config"));
    let out = opsdeck(home.path())
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "unknown shell is a usage error");
}
