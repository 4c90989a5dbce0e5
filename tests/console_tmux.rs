//! End to end: the real binary's console (`opsdeck demo`) under tmux. Read
//! the screen with capture-pane, open a region through the palette, switch
//! to the alerts view, quit, and check the terminal was restored.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tmux_support;

use std::time::Duration;
use tmux_support::Tmux;

#[test]
fn demo_console_navigates_and_restores_the_terminal() {
    let tmux = Tmux::new("console");
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_opsdeck");
    let script = format!(
        "TERM=xterm-256color {bin} demo --speed 4 --dir {}; echo OPSDECK-EXIT=$?; stty -a; sleep 120",
        dir.path().display()
    );
    tmux.start(120, 40, &script);

    // Names come from the config alone; the figures only from the
    // simulator: every region's checkout row with ready pods, error ratio,
    // p95, requests per second and cost per day.
    let live = regex::Regex::new(
        r"\S checkout +([0-9]+)/[0-9]+ +[0-9]+(\.[0-9]+)?% +[0-9]+ms +\S+ +[0-9]+ +\$[0-9]+\.[0-9]{2}",
    )
    .unwrap();
    let live_rows = |s: &str| {
        live.captures_iter(s)
            .filter(|c| c[1].parse::<u32>().is_ok_and(|ready| ready > 0))
            .count()
    };
    let fleet = tmux.wait_for(
        "the fleet view with live figures in every region",
        Duration::from_secs(60),
        |s| {
            ["us-east-1", "eu-west-1", "europe-west4", "eastus"]
                .iter()
                .all(|r| s.contains(r))
                && live_rows(s) == 4
        },
    );
    assert!(fleet.contains("Fleet"), "{fleet}");
    assert_eq!(
        tmux.run(&["display", "-p", "-t", "e2e", "#{alternate_on}"])
            .trim(),
        "1",
        "console uses the alternate screen"
    );

    // Palette: jump to a region.
    // Its title, which the fleet screen does not show.
    assert!(!fleet.contains("Go to"), "{fleet}");
    tmux.keys(&[":"]);
    tmux.wait_for("the palette", Duration::from_secs(5), |s| {
        s.contains("Go to")
    });
    tmux.keys(&["-l", "europe-west4"]);
    tmux.keys(&["Enter"]);
    // The region's pods, counted and listed from the simulator.
    let pods = regex::Regex::new(r"nodes [0-9]+/[0-9]+ pods [1-9][0-9]*").unwrap();
    let region = tmux.wait_for("the region view", Duration::from_secs(10), |s| {
        s.contains("Region europe-west4") && pods.is_match(s) && s.contains("Running")
    });
    assert!(
        region.contains("Pods") && region.contains("Deployments"),
        "{region}"
    );

    // The alerts view, by its key in the default keymap.
    tmux.keys(&["2"]);
    tmux.wait_for("the alerts view", Duration::from_secs(10), |s| {
        s.contains("Silences")
    });

    // Quit: the shell after it prints the exit code and the tty settings.
    tmux.keys(&["q"]);
    let after = tmux.wait_for("the console to exit", Duration::from_secs(15), |s| {
        s.contains("OPSDECK-EXIT=")
    });
    assert!(after.contains("OPSDECK-EXIT=0"), "{after}");
    assert_eq!(
        tmux.run(&["display", "-p", "-t", "e2e", "#{alternate_on}"])
            .trim(),
        "0",
        "alternate screen left"
    );
    assert_eq!(
        tmux.run(&["display", "-p", "-t", "e2e", "#{cursor_flag}"])
            .trim(),
        "1",
        "cursor shown"
    );
    let tty = tmux.wait_for("stty output", Duration::from_secs(5), |s| {
        s.contains("icanon")
    });
    assert!(
        tty.contains(" icanon") && !tty.contains("-icanon"),
        "terminal left in raw mode:\n{tty}"
    );
    assert!(
        tty.contains(" echo") && !tty.contains("-echo "),
        "echo off after exit:\n{tty}"
    );
}
