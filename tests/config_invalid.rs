//! Every file in tests/invalid/ is a broken config (or points at a broken
//! theme or keymap). Each must exit with code 2, without a panic or a
//! backtrace, and print every `# expect:` line of the file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn opsdeck(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("opsdeck").unwrap();
    cmd.env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd
}

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_invalid_input_exits_2_and_names_the_problem() {
    let home = tempfile::tempdir().unwrap();
    let cases = cases();
    assert!(cases.len() >= 20, "only {} invalid cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let text = std::fs::read_to_string(case).unwrap();
        let expects: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: "))
            .collect();
        assert!(
            !expects.is_empty(),
            "{} has no # expect: line",
            case.display()
        );
        let out = opsdeck(home.path())
            .args(["config", "check", "--config"])
            .arg(case)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let name = case.file_name().unwrap().to_string_lossy();
        if out.status.code() != Some(2) {
            failures.push(format!(
                "{name}: exit {:?}, want 2\n{stderr}",
                out.status.code()
            ));
        }
        for want in expects {
            if !stderr.contains(want) {
                failures.push(format!("{name}: message lacks {want:?}\n{stderr}"));
            }
        }
        for bad in ["panicked", "Backtrace", "Location:", "RUST_BACKTRACE"] {
            if stderr.contains(bad) {
                failures.push(format!("{name}: message contains {bad:?}\n{stderr}"));
            }
        }
        if !out.stdout.is_empty() {
            failures.push(format!("{name}: printed a config despite the error"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_missing_config_file_named_by_flag_or_env_is_an_error() {
    let home = tempfile::tempdir().unwrap();
    let missing = home.path().join("nope.toml");
    let out = opsdeck(home.path())
        .args(["config", "check", "--config"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nope.toml") && stderr.contains("--config"),
        "{stderr}"
    );

    let out = opsdeck(home.path())
        .env("OPSDECK_CONFIG", &missing)
        .args(["config", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("OPSDECK_CONFIG"));
}

#[test]
fn a_bad_environment_override_names_the_variable() {
    let home = tempfile::tempdir().unwrap();
    let out = opsdeck(home.path())
        .env("OPSDECK_READ_ONLY", "perhaps")
        .args(["config", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("OPSDECK_READ_ONLY") && stderr.contains("perhaps"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_theme_flag_is_reported_like_a_file_error() {
    let home = tempfile::tempdir().unwrap();
    let out = opsdeck(home.path())
        .args(["--theme", "solarised", "config", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("\"solarised\""));
}

#[test]
fn several_problems_are_reported_together() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("two.toml");
    std::fs::write(
        &file,
        "[[regions]]\nname = \"a\"\nprovider = \"aws\"\n[[regions.clusters]]\ncontext = \"c\"\n[regions.prometheus]\nurl = \"nope\"\n\n[[services]]\nname = \"s\"\nnamespace = \"n\"\nreplicas = { min = 3, max = 1 }\n",
    )
    .unwrap();
    let out = opsdeck(home.path())
        .args(["config", "check", "--config"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("two.toml:7:1: regions[0].prometheus.url"),
        "{stderr}"
    );
    assert!(
        stderr.contains("two.toml:12:1: services[0].replicas"),
        "{stderr}"
    );
    assert!(stderr.contains("2 problems found"), "{stderr}");
}
