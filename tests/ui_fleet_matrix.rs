//! The fleet view shows every region × service: 8 regions × 6 services at
//! 80×24 fall back to a matrix (services as rows, regions as columns) and
//! keep a line of firing alerts; wide terminals keep the cards.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ui_common;

use opsdeck::app::fixtures::{self, BIG_REGIONS, BIG_SERVICES};
use ui_common::{press, render};

#[test]
fn every_cell_of_8_regions_by_6_services_at_80x24() {
    let app = fixtures::big_app(false);
    let screen = render(&app, 80, 24);
    for s in BIG_SERVICES {
        let row = screen
            .lines()
            .find(|l| l.contains(&format!("│{s} ")))
            .unwrap_or_else(|| panic!("no row for {s}:\n{screen}"));
        // One ready count per region on the service's row.
        assert_eq!(row.matches('/').count(), BIG_REGIONS.len(), "{s}: {row}");
    }
    for r in BIG_REGIONS {
        assert!(screen.contains(r), "region {r} named:\n{screen}");
    }
    assert!(screen.contains("payments"), "{screen}");
    assert!(
        screen.contains("firing"),
        "the alert summary stays:\n{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn the_matrix_follows_the_selection_and_wide_screens_keep_cards() {
    let mut app = fixtures::big_app(true);
    // Row 0 is us-east-1's header, 1 its checkout; right goes to us-west-2.
    press(&mut app, "down right");
    insta::assert_snapshot!("matrix_selection_ascii_80x24", render(&app, 80, 24));
    let wide = render(&app, 200, 60);
    assert!(wide.contains("req/s"), "cards at 200x60:\n{wide}");
    for r in BIG_REGIONS {
        assert!(wide.contains(r), "region {r} at 200x60");
    }
}

#[test]
fn a_short_terminal_keeps_one_line_of_alerts() {
    let app = fixtures::big_app(false);
    let screen = render(&app, 80, 14);
    let line = screen.lines().nth(11).unwrap_or_default();
    assert!(
        line.contains("3 firing (1 critical, 1 warning, 1 info): PaymentsHighErrorRate eu-west-1"),
        "{screen}"
    );
    insta::assert_snapshot!("big_fleet_160x48", render(&app, 160, 48));
}
