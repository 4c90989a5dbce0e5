//! A panic outside the console (in a command whose stdout may be JSON piped
//! to `jq`) must not write terminal-restore sequences to stdout.
//!
//! There is no natural way to make the `opsdeck` binary panic, and it has no
//! hidden panic switch; so this test binary re-runs itself as the child: the
//! child installs the real hooks (`opsdeck::app::terminal::install_hooks`,
//! as `main` does), prints a JSON line as a command would, and panics.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::Command;

const CHILD: &str = "OPSDECK_TEST_PANIC_CHILD";

/// The child: does nothing unless the parent started it.
#[test]
fn child_panics_after_printing() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    opsdeck::app::terminal::install_hooks().unwrap();
    assert!(!opsdeck::app::terminal::restore_on_panic());
    let mut out = std::io::stdout();
    writeln!(out, "{{\"apiVersion\":\"opsdeck/v1\",\"kind\":\"Status\"}}").unwrap();
    out.flush().unwrap();
    panic!("deliberate panic in a non-interactive command");
}

#[test]
fn a_panic_outside_the_console_leaves_stdout_alone() {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "child_panics_after_printing",
            "--exact",
            "--nocapture",
            "--test-threads=1",
            "--color=never",
        ])
        .env(CHILD, "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "the child did not panic:\n{stdout}\n{stderr}"
    );
    assert!(
        stderr.contains("deliberate panic in a non-interactive command"),
        "the panic report is missing:\n{stderr}"
    );
    assert!(
        stdout.contains("{\"apiVersion\":\"opsdeck/v1\",\"kind\":\"Status\"}"),
        "{stdout}"
    );
    assert!(
        !out.stdout.contains(&0x1b),
        "restore sequences on stdout: {stdout:?}"
    );
    // Not a terminal: the report is plain text too.
    assert!(!out.stderr.contains(&0x1b), "colours on stderr: {stderr:?}");
}
