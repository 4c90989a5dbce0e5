//! OSC 52: asks the terminal (and tmux, and the SSH client's terminal) to
//! put text on the system clipboard. Written by the runtime.

use base64::Engine;

/// The escape sequence that sets the clipboard to `text`.
pub fn osc52(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\u{1b}]52;c;{encoded}\u{7}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_as_base64() {
        assert_eq!(super::osc52("hi"), "\u{1b}]52;c;aGk=\u{7}");
    }
}
