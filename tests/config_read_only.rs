//! Read-only mode is sticky: the file, `OPSDECK_READ_ONLY` and `--read-only`
//! can each turn it on, none can turn it off, and the resolved policy names
//! the rule that forbids writes (globally or for one kubeconfig context).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use opsdeck::config::{Overrides, Policy, load_with_env};

/// A config with two contexts; `read_only` and `prod-a`'s per-context rule
/// as given (`None` leaves the key out).
fn write_config(dir: &Path, read_only: Option<bool>, context_read_only: bool) -> PathBuf {
    let mut text = String::new();
    if let Some(ro) = read_only {
        text.push_str(&format!("[policy]\nread_only = {ro}\n\n"));
    }
    text.push_str(&format!(
        "[[policy.contexts]]\ncontext = \"prod-a\"\nread_only = {context_read_only}\nproduction = true\n\n\
         [[policy.contexts]]\ncontext = \"staging-b\"\nread_only = false\nproduction = false\n\n\
         [[regions]]\nname = \"a\"\nprovider = \"aws\"\n\n\
         [[regions.clusters]]\ncontext = \"prod-a\"\n\n\
         [[regions]]\nname = \"b\"\nprovider = \"gcp\"\n\n\
         [[regions.clusters]]\ncontext = \"staging-b\"\n\n\
         [[regions.clusters]]\ncontext = \"plain-b\"\n"
    ));
    let path = dir.join("opsdeck.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Resolves `path` with only `vars` in the environment and `flag` as
/// `--read-only`.
fn policy(path: &Path, vars: &[(&str, &str)], flag: bool) -> Policy {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let env = move |k: &str| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let cli = Overrides {
        read_only: flag.then_some(true),
        ..Default::default()
    };
    load_with_env(Some(path), cli, &env)
        .unwrap_or_else(|e| panic!("{e}"))
        .config
        .policy
}

fn file_rule(path: &Path) -> String {
    format!("policy.read_only in {}", path.display())
}

#[test]
fn the_environment_cannot_turn_off_the_files_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), Some(true), false);
    for off in ["0", "false", "no", "off"] {
        let p = policy(&path, &[("OPSDECK_READ_ONLY", off)], false);
        assert!(p.read_only, "OPSDECK_READ_ONLY={off} turned it off");
        assert_eq!(p.read_only_by, Some(file_rule(&path)));
        assert_eq!(p.read_only_rule("prod-a"), Some(file_rule(&path)));
        assert_eq!(p.read_only_rule("plain-b"), Some(file_rule(&path)));
    }
    // The file is the first layer, so it is named even when the others agree.
    let p = policy(&path, &[("OPSDECK_READ_ONLY", "1")], true);
    assert_eq!(p.read_only_by, Some(file_rule(&path)));
}

#[test]
fn the_environment_turns_it_on_over_a_file_that_says_false() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), Some(false), false);
    let p = policy(&path, &[("OPSDECK_READ_ONLY", "1")], false);
    assert!(p.read_only);
    assert_eq!(p.read_only_by.as_deref(), Some("OPSDECK_READ_ONLY=1"));
    assert_eq!(
        p.read_only_rule("staging-b").as_deref(),
        Some("OPSDECK_READ_ONLY=1")
    );
    // Named before the flag when both ask.
    let p = policy(&path, &[("OPSDECK_READ_ONLY", "true")], true);
    assert_eq!(p.read_only_by.as_deref(), Some("OPSDECK_READ_ONLY=true"));
}

#[test]
fn the_flag_turns_it_on_and_the_environment_cannot_undo_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), Some(false), false);
    let p = policy(&path, &[], true);
    assert!(p.read_only);
    assert_eq!(p.read_only_by.as_deref(), Some("--read-only"));
    assert_eq!(p.read_only_rule("plain-b").as_deref(), Some("--read-only"));
    let p = policy(&path, &[("OPSDECK_READ_ONLY", "0")], true);
    assert!(p.read_only);
    assert_eq!(p.read_only_by.as_deref(), Some("--read-only"));
}

#[test]
fn without_any_layer_writes_are_allowed() {
    let dir = tempfile::tempdir().unwrap();
    for file in [None, Some(false)] {
        let path = write_config(dir.path(), file, false);
        for vars in [&[][..], &[("OPSDECK_READ_ONLY", "0")][..]] {
            let p = policy(&path, vars, false);
            assert!(!p.read_only, "file {file:?}, env {vars:?}");
            assert_eq!(p.read_only_by, None);
            for context in ["prod-a", "staging-b", "plain-b", "not-configured"] {
                assert_eq!(p.read_only_rule(context), None, "{context}");
            }
        }
    }
}

#[test]
fn a_read_only_context_names_its_rule_and_only_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), None, true);
    let p = policy(&path, &[], false);
    assert!(!p.read_only, "a context rule is not global");
    assert_eq!(
        p.read_only_rule("prod-a"),
        Some(format!(
            "policy.contexts[context = \"prod-a\"].read_only in {}",
            path.display()
        ))
    );
    assert_eq!(p.read_only_rule("staging-b"), None);
    assert_eq!(p.read_only_rule("plain-b"), None);
    assert_eq!(p.read_only_rule("not-configured"), None);
    // The global rule comes first when both apply.
    let p = policy(&path, &[], true);
    assert_eq!(p.read_only_rule("prod-a").as_deref(), Some("--read-only"));
}

#[test]
fn production_contexts_come_from_the_context_policy() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(dir.path(), None, false);
    let p = policy(&path, &[], false);
    assert!(p.production_context("prod-a"));
    assert!(!p.production_context("staging-b"));
    assert!(!p.production_context("plain-b"));
    assert!(!p.production_context("not-configured"));
}

/// Without a config file (built-in defaults), through the real binary so the
/// platform config dir is a temporary home's.
#[test]
fn without_a_file_the_environment_and_flag_are_named() {
    let home = tempfile::tempdir().unwrap();
    let check = |vars: &[(&str, &str)], flag: bool| -> serde_json::Value {
        let mut cmd = assert_cmd::Command::cargo_bin("opsdeck").unwrap();
        cmd.env_clear()
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join(".config"))
            .envs(vars.iter().copied());
        if flag {
            cmd.arg("--read-only");
        }
        let out = cmd
            .args(["config", "check", "-o", "json"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(stderr.contains("built-in defaults"), "{stderr}");
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let v = check(&[("OPSDECK_READ_ONLY", "on")], false);
    assert_eq!(v["config"]["policy"]["read_only"], true);
    assert_eq!(
        v["config"]["policy"]["read_only_by"],
        "OPSDECK_READ_ONLY=on"
    );
    let v = check(&[("OPSDECK_READ_ONLY", "0")], true);
    assert_eq!(v["config"]["policy"]["read_only"], true);
    assert_eq!(v["config"]["policy"]["read_only_by"], "--read-only");
    let v = check(&[("OPSDECK_READ_ONLY", "0")], false);
    assert_eq!(v["config"]["policy"]["read_only"], false);
    assert!(v["config"]["policy"].get("read_only_by").is_none(), "{v}");
}
