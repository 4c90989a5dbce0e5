//! Shared helpers of the `ui_*` tests: render an AppState to text, send keys.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use opsdeck::app::{AppState, Effect, Msg, update};
use opsdeck::config::keymap::KeyChord;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

pub fn buffer_text(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn render_buffer(app: &AppState, theme: &str, w: u16, h: u16) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let theme = opsdeck::app::fixtures::theme(theme);
    term.draw(|f| opsdeck::ui::draw(f, app, &theme)).unwrap();
    term.backend().buffer().clone()
}

pub fn render(app: &AppState, w: u16, h: u16) -> String {
    buffer_text(&render_buffer(app, "default", w, h))
}

/// The key event a keymap chord such as "ctrl-c" or "G" stands for.
pub fn key(chord: &str) -> Msg {
    let c = KeyChord::parse(chord).unwrap_or_else(|| panic!("bad chord {chord}"));
    Msg::Key(KeyEvent::new(c.code, c.mods))
}

pub fn text_keys(s: &str) -> Vec<Msg> {
    s.chars()
        .map(|c| Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
        .collect()
}

/// Sends keys (chords separated by spaces) and collects the effects.
pub fn press(app: &mut AppState, chords: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in chords.split_whitespace() {
        effects.extend(update(app, key(c)));
    }
    effects
}

pub fn type_text(app: &mut AppState, s: &str) -> Vec<Effect> {
    text_keys(s)
        .into_iter()
        .flat_map(|m| update(app, m))
        .collect()
}
