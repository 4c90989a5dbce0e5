//! Making text that came from outside (names, labels, annotations, event
//! messages, log lines, cost tags) safe to draw on a terminal: escape
//! sequences (CSI, OSC, DCS, APC, PM, SOS), C0/C1 control characters and
//! Unicode bidi overrides are removed; tabs become spaces.

use std::borrow::Cow;

fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn needs_work(s: &str) -> bool {
    s.chars().any(|c| c.is_control() || is_bidi(c))
}

/// The drawable form of `s`. Borrows when there is nothing to remove.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !needs_work(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.peek() {
                // CSI: parameters and intermediates up to a final byte @..~
                Some('[') => {
                    chars.next();
                    for n in chars.by_ref() {
                        if ('@'..='~').contains(&n) {
                            break;
                        }
                    }
                }
                // OSC, DCS, SOS, PM, APC: up to BEL or ST (ESC \)
                Some(']' | 'P' | 'X' | '^' | '_') => {
                    chars.next();
                    while let Some(n) = chars.next() {
                        if n == '\u{7}' || n == '\u{9c}' {
                            break;
                        }
                        if n == '\u{1b}' {
                            if chars.peek() == Some(&'\\') {
                                chars.next();
                            }
                            break;
                        }
                    }
                }
                // Two-character escapes (ESC c, ESC 7, ...)
                Some(_) => {
                    chars.next();
                }
                None => {}
            },
            // C1 CSI / OSC / DCS introducers: drop up to their end too.
            '\u{9b}' => {
                for n in chars.by_ref() {
                    if ('@'..='~').contains(&n) {
                        break;
                    }
                }
            }
            '\u{9d}' | '\u{90}' => {
                for n in chars.by_ref() {
                    if n == '\u{7}' || n == '\u{9c}' {
                        break;
                    }
                }
            }
            '\t' => out.push(' '),
            c if c.is_control() || is_bidi(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_escape_sequences_controls_and_bidi() {
        assert_eq!(clean("plain"), "plain");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
        assert_eq!(clean("a\u{1b}[31mred\u{1b}[0m b"), "ared b");
        assert_eq!(clean("x\u{1b}]0;pwned title\u{7}y"), "xy");
        assert_eq!(clean("x\u{1b}]52;c;ZXZpbA==\u{1b}\\y"), "xy");
        assert_eq!(clean("x\u{1b}P+q\u{1b}\\y"), "xy");
        assert_eq!(clean("evil\u{202E}txt.exe"), "eviltxt.exe");
        assert_eq!(clean("line\r\nnext\u{8}\u{7}"), "linenext");
        assert_eq!(clean("a\tb"), "a b");
        assert_eq!(clean("\u{9b}2Jclear"), "clear");
        assert_eq!(clean("héllo ✓"), "héllo ✓");
    }
}
