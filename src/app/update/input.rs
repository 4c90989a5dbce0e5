//! Typed text for the palette, filter and form inputs: the only keys that do
//! not go through the keymap.

use crossterm::event::{KeyCode, KeyModifiers};

use crate::config::keymap::KeyChord;

/// Applies `chord` to `text` if it is typing (a printable character, or
/// backspace); returns whether it was.
pub fn edit(text: &mut String, chord: KeyChord) -> bool {
    let plain = !chord
        .mods
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match chord.code {
        KeyCode::Char(c) if plain && !c.is_control() => {
            text.push(c);
            true
        }
        KeyCode::Backspace if plain => {
            text.pop();
            true
        }
        _ => false,
    }
}
