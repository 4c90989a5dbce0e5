//! Every view of the console from the fixture fleet, at 80×24 and 160×48,
//! with box drawing and with `--ascii`, as text snapshots.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ui_common;

use opsdeck::app::fixtures;
use opsdeck::app::msg::LogLine;
use opsdeck::app::state::{AppState, View};
use opsdeck::app::{Msg, update};
use ratatui::style::{Color, Modifier};
use ui_common::{buffer_text, press, render, render_buffer};

fn in_view(ascii: bool, view: &str) -> AppState {
    let mut app = fixtures::app(ascii);
    match view {
        "fleet" => {}
        "region" => {
            app.stack.push(View::Region("eu-west-1".into()));
            // Select a crash-looping pod.
            app.sel.region = 9;
        }
        "service" => {
            app.stack.push(View::Service("payments".into()));
            app.sel.service = 1;
        }
        "alerts" => app.stack.push(View::Alerts),
        "costs" => app.stack.push(View::Costs),
        "operations" => app.stack.push(View::Operations),
        "logs" => {
            // Fleet: eu-west-1 header is row 5, payments row 8.
            press(&mut app, "down down down down down down down down l");
            let id = app.logs.as_ref().map(|l| l.id).unwrap();
            let lines = (0..30)
                .map(|i| LogLine {
                    pod: format!("payments-pod-{}", i % 3),
                    text: format!(
                        "2026-11-18T09:29:{:02}Z level=error msg=\"upstream bank-gw timeout\" order={}",
                        i, 1000 + i
                    ),
                })
                .collect();
            update(&mut app, Msg::LogLines { id, lines });
        }
        other => panic!("no view {other}"),
    }
    // As update() does after every message.
    app.derive();
    app
}

macro_rules! snapshots {
    ($($name:ident: $view:literal, $ascii:literal, $w:literal, $h:literal;)+) => {$(
        #[test]
        fn $name() {
            let app = in_view($ascii, $view);
            insta::assert_snapshot!(render(&app, $w, $h));
        }
    )+};
}

snapshots! {
    fleet_80x24: "fleet", false, 80, 24;
    fleet_160x48: "fleet", false, 160, 48;
    fleet_80x24_ascii: "fleet", true, 80, 24;
    fleet_160x48_ascii: "fleet", true, 160, 48;
    region_80x24: "region", false, 80, 24;
    region_160x48: "region", false, 160, 48;
    region_80x24_ascii: "region", true, 80, 24;
    region_160x48_ascii: "region", true, 160, 48;
    service_80x24: "service", false, 80, 24;
    service_160x48: "service", false, 160, 48;
    service_80x24_ascii: "service", true, 80, 24;
    service_160x48_ascii: "service", true, 160, 48;
    logs_80x24: "logs", false, 80, 24;
    logs_160x48: "logs", false, 160, 48;
    logs_80x24_ascii: "logs", true, 80, 24;
    logs_160x48_ascii: "logs", true, 160, 48;
    alerts_80x24: "alerts", false, 80, 24;
    alerts_160x48: "alerts", false, 160, 48;
    alerts_80x24_ascii: "alerts", true, 80, 24;
    alerts_160x48_ascii: "alerts", true, 160, 48;
    costs_80x24: "costs", false, 80, 24;
    costs_160x48: "costs", false, 160, 48;
    costs_80x24_ascii: "costs", true, 80, 24;
    costs_160x48_ascii: "costs", true, 160, 48;
    operations_80x24: "operations", false, 80, 24;
    operations_160x48: "operations", false, 160, 48;
    operations_80x24_ascii: "operations", true, 80, 24;
    operations_160x48_ascii: "operations", true, 160, 48;
}

#[test]
fn help_palette_and_silence_popups_80x24() {
    let mut app = fixtures::app(false);
    press(&mut app, "?");
    insta::assert_snapshot!("help_popup", render(&app, 80, 24));
    press(&mut app, "esc :");
    ui_common::type_text(&mut app, "eu");
    insta::assert_snapshot!("palette_popup", render(&app, 80, 24));
    press(&mut app, "esc 2");
    press(&mut app, "s");
    insta::assert_snapshot!("silence_popup", render(&app, 80, 24));
}

/// Read-only in the mono theme: no colour anywhere, and the banner stands
/// out by reverse video and bold (text snapshots drop styles, so they are
/// checked cell by cell).
#[test]
fn read_only_header_and_mono_theme() {
    let app = fixtures::app_with(true, false, "default");
    let buf = render_buffer(&app, "mono", 80, 24);
    let text = buffer_text(&buf);
    let header = text.lines().next().unwrap_or_default();
    assert!(header.contains("operator@sim-us-east-1"), "{header}");
    let at = header
        .find("READ-ONLY")
        .unwrap_or_else(|| panic!("{header}"));
    let x0 = header[..at].chars().count() as u16;
    for x in x0..x0 + "READ-ONLY".len() as u16 {
        let m = buf[(x, 0)].modifier;
        assert!(
            m.contains(Modifier::REVERSED | Modifier::BOLD),
            "{x}: {m:?}"
        );
    }
    for cell in buf.content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset));
    }
    insta::assert_snapshot!("fleet_read_only_80x24", text);
}

/// The region snapshot selects a crash-looping pod: that row, and only it,
/// has the selection colours.
#[test]
fn region_view_selects_the_crash_looping_pod() {
    let app = in_view(false, "region");
    let theme = fixtures::theme("default");
    let buf = render_buffer(&app, "default", 80, 24);
    let text = buffer_text(&buf);
    let selected: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(y, _)| (0..80).all(|x| buf[(x, *y as u16)].bg == theme.selection))
        .collect();
    assert_eq!(selected.len(), 1, "{selected:?}");
    let (y, row) = selected[0];
    assert!(row.contains("CrashLoopBackOff"), "{row}");
    assert!(buf[(0, y as u16)].modifier.contains(Modifier::BOLD));
}

#[test]
fn every_view_survives_tiny_and_odd_sizes() {
    for view in [
        "fleet",
        "region",
        "service",
        "logs",
        "alerts",
        "costs",
        "operations",
    ] {
        for ascii in [false, true] {
            let mut app = in_view(ascii, view);
            for (w, h) in [
                (1, 1),
                (10, 3),
                (20, 5),
                (40, 10),
                (79, 23),
                (81, 25),
                (300, 100),
            ] {
                let _ = render(&app, w, h);
            }
            for overlay in ["?", ":", "2 s"] {
                press(&mut app, overlay);
                for (w, h) in [(1, 1), (20, 5), (40, 10)] {
                    let _ = render(&app, w, h);
                }
                press(&mut app, "esc");
            }
        }
    }
}
