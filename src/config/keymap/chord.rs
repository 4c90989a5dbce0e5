//! One key press as written in a keymap ("ctrl-c", "shift-tab", "G", "f5").

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

pub const CHORD_HELP: &str = "a key such as \"q\", \"G\", \"?\", \"enter\", \"esc\", \"tab\", \"space\", \
\"up\", \"pagedown\", \"f5\", optionally with ctrl-, alt- or shift-, e.g. \"ctrl-c\"";

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("space", KeyCode::Char(' ')),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
];

impl KeyChord {
    pub fn parse(raw: &str) -> Option<KeyChord> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = raw;
        loop {
            let lower = rest.to_ascii_lowercase();
            let (m, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            if rest.len() == len {
                break; // "ctrl-" alone is not a key; "-" handled below
            }
            mods |= m;
            rest = rest.get(len..)?;
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => KeyCode::Char(c),
            _ => {
                let lower = rest.to_ascii_lowercase();
                if let Some((_, code)) = NAMED.iter().find(|(n, _)| *n == lower) {
                    *code
                } else if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
                    if !(1..=24).contains(&n) {
                        return None;
                    }
                    KeyCode::F(n)
                } else {
                    return None;
                }
            }
        };
        Some(Self::normalise(code, mods))
    }

    /// Shift is part of the character for printable keys ("G", "?"), and
    /// shift-tab is BackTab, so terminals that report it either way match.
    fn normalise(code: KeyCode, mods: KeyModifiers) -> KeyChord {
        match code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::SHIFT) => {
                let upper = c.to_uppercase().next().unwrap_or(c);
                KeyChord {
                    code: KeyCode::Char(upper),
                    mods: mods - KeyModifiers::SHIFT,
                }
            }
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => KeyChord {
                code: KeyCode::Char(c.to_ascii_lowercase()),
                mods,
            },
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => KeyChord {
                code: KeyCode::BackTab,
                mods: mods - KeyModifiers::SHIFT,
            },
            KeyCode::BackTab => KeyChord {
                code,
                mods: mods - KeyModifiers::SHIFT,
            },
            _ => KeyChord { code, mods },
        }
    }

    /// The chord a terminal key event stands for.
    pub fn from_event(ev: &KeyEvent) -> KeyChord {
        Self::normalise(ev.code, ev.modifiers)
    }
}

impl fmt::Display for KeyChord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            code => match NAMED.iter().find(|(_, c)| *c == code) {
                Some((name, _)) => f.write_str(name),
                None => write!(f, "{code:?}"),
            },
        }
    }
}

impl serde::Serialize for KeyChord {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_round_trip() {
        for k in [
            "q",
            "G",
            "?",
            "ctrl-c",
            "enter",
            "shift-tab",
            "space",
            "f5",
            "alt-x",
            "pagedown",
            "-",
        ] {
            let chord = KeyChord::parse(k);
            assert_eq!(chord.map(|c| c.to_string()).as_deref(), Some(k), "{k}");
        }
        assert_eq!(KeyChord::parse("shift-g"), KeyChord::parse("G"));
        assert_eq!(KeyChord::parse("Ctrl-C"), KeyChord::parse("ctrl-c"));
        for bad in ["", "ctrl-", "hyper-x", "f99", "enterr"] {
            assert_eq!(KeyChord::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn terminal_events_match_written_chords() {
        let ev = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(Some(KeyChord::from_event(&ev)), KeyChord::parse("G"));
        let ev = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            Some(KeyChord::from_event(&ev)),
            KeyChord::parse("shift-tab")
        );
    }
}
