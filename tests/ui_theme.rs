//! Colour where it helps, never colour alone: production frames, stale
//! data, reverse video for the selection in mono, ansi16 only basic colours.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ui_common;

use opsdeck::app::fixtures;
use ratatui::style::{Color, Modifier};
use ui_common::{buffer_text, render_buffer};

#[test]
fn production_regions_are_framed_in_the_production_colour() {
    let app = fixtures::app(false);
    let theme = fixtures::theme("default");
    let buf = render_buffer(&app, "default", 80, 24);
    // 2x2 grid at 80x24: us-east-1 (prod) top-left, europe-west4 bottom-left.
    assert_eq!(buf[(0, 1)].symbol(), "┌");
    assert_eq!(buf[(0, 1)].fg, theme.production_frame);
    assert_eq!(
        buf[(40, 1)].fg,
        theme.production_frame,
        "eu-west-1 is production"
    );
    assert_eq!(buf[(0, 8)].symbol(), "┌");
    assert_ne!(
        buf[(0, 8)].fg,
        theme.production_frame,
        "europe-west4 is not"
    );
    // And in words, for mono.
    let text = buffer_text(&render_buffer(&app, "mono", 80, 24));
    assert!(text.contains("us-east-1 aws PROD"));
    assert!(!text.contains("europe-west4 gcp PROD"));
}

#[test]
fn mono_marks_state_with_text_and_reverse_video() {
    let mut app = fixtures::app(false);
    ui_common::press(&mut app, "down");
    let buf = render_buffer(&app, "mono", 80, 24);
    let text = buffer_text(&buf);
    // Health by shape and word, staleness by word and age.
    assert!(text.contains("▲ payments 1/4"));
    assert!(text.contains("degraded"));
    assert!(text.contains("STALE 6m"));
    // The selected row (checkout in us-east-1) is reversed.
    let row: String = (1..20).map(|x| buf[(x, 3)].symbol().to_string()).collect();
    assert!(row.contains("checkout"), "{row}");
    assert!(buf[(3, 3)].modifier.contains(Modifier::REVERSED));
    for y in 0..24 {
        for x in 0..80 {
            let c = &buf[(x, y)];
            assert!(
                c.fg == Color::Reset && c.bg == Color::Reset,
                "colour at {x},{y}"
            );
        }
    }
}

#[test]
fn ansi16_uses_only_the_basic_colours() {
    let app = fixtures::app(false);
    let buf = render_buffer(&app, "ansi16", 160, 48);
    for cell in buf.content() {
        for c in [cell.fg, cell.bg] {
            assert!(
                !matches!(c, Color::Rgb(..) | Color::Indexed(16..)),
                "{c:?} is not one of the 16 basic colours"
            );
        }
    }
}

#[test]
fn stale_region_values_are_drawn_stale() {
    let app = fixtures::app(false);
    let theme = fixtures::theme("default");
    let buf = render_buffer(&app, "default", 80, 24);
    let text = buffer_text(&buf);
    // eastus (Prometheus stale) is the bottom-right block; its error ratio cell.
    let line = text.lines().nth(10).unwrap();
    let col = line.rfind("0.04%").unwrap();
    let x = line[..col].chars().count() as u16;
    assert_eq!(buf[(x, 10)].fg, theme.stale, "{line}");
    assert!(buf[(x, 10)].modifier.contains(Modifier::ITALIC));
}
