//! Strings that came from outside (names, labels, annotations, event and log
//! messages, cost tags) may carry terminal escape sequences or bidi overrides
//! that would rewrite the screen or reorder what the operator reads. Every
//! such string passes through [`clean`] before it is drawn or copied.

use std::borrow::Cow;

/// Removes escape sequences (CSI, OSC, DCS, SOS, PM, APC, in their 7-bit and
/// 8-bit forms), every other control character and the bidi controls; tabs
/// and line breaks become spaces, so the result is one line.
pub fn clean(s: &str) -> Cow<'_, str> {
    if s.chars().all(|c| !needs_work(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']' | 'P' | 'X' | '^' | '_') => skip_string(&mut chars),
                // Other two-character sequences (ESC 7, ESC c, ...): drop both.
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\t' | '\n' | '\r' => out.push(' '),
            c if needs_work(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_work(c: char) -> bool {
    c.is_control() || is_bidi(c)
}

/// Bidi embeddings, overrides, isolates and marks.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// Parameters and intermediates, then one final byte (0x40..=0x7e).
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            return;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            // Not a valid CSI byte: the sequence is broken, stop here.
            return;
        }
    }
}

/// OSC/DCS/SOS/PM/APC bodies end with BEL, ST (ESC \) or the 8-bit ST.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            clean("checkout-7d9f"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn strips_every_kind_of_sequence() {
        let cases = [
            ("a\u{1b}[31mred\u{1b}[0m b", "ared b"),
            ("x\u{1b}[2J\u{1b}[Hy", "xy"),
            ("t\u{1b}]0;pwned\u{7}u", "tu"),
            ("t\u{1b}]52;c;ZXZpbA==\u{1b}\\u", "tu"),
            ("d\u{1b}P+q544e\u{1b}\\e", "de"),
            ("8\u{9b}31mbit", "8bit"),
            ("o\u{9d}0;x\u{9c}k", "ok"),
            ("bell\u{7} del\u{7f}", "bell del"),
            ("a\tb\nc\rd", "a b c d"),
            ("\u{202e}gnp.exe\u{202c}", "gnp.exe"),
            ("iso\u{2066}late\u{2069}", "isolate"),
            ("esc at end\u{1b}", "esc at end"),
            ("unterminated\u{1b}]0;title", "unterminated"),
            ("ünïcödé ✓", "ünïcödé ✓"),
        ];
        for (raw, want) in cases {
            assert_eq!(clean(raw), want, "{raw:?}");
        }
    }
}
