//! Entering and leaving the terminal's raw/alternate-screen mode, and the
//! panic and error hooks that always leave it usable.
//!
//! The panic hook writes the restore sequences only while the console owns
//! the terminal (between [`enter`] and [`restore`]): a panic in a command
//! whose stdout is a pipe (JSON for `jq`) must not append escape sequences
//! to that output.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use color_eyre::eyre::WrapErr;
use crossterm::{cursor, event, execute, terminal};

/// Whether the console has put the terminal in raw mode / the alternate
/// screen and not yet put it back. The one process-wide flag: the panic hook
/// has no other way to know.
static CONSOLE_OWNS_TERMINAL: AtomicBool = AtomicBool::new(false);

/// Puts the terminal back on drop (however the console returns).
#[must_use = "the terminal is restored when this is dropped"]
pub struct Owned(());

impl Drop for Owned {
    fn drop(&mut self) {
        restore();
    }
}

/// Raw mode and the alternate screen for the console. Until the returned
/// guard is dropped (or [`restore`] is called) a panic restores the terminal.
pub fn enter() -> color_eyre::Result<Owned> {
    terminal::enable_raw_mode().wrap_err("cannot put the terminal in raw mode")?;
    CONSOLE_OWNS_TERMINAL.store(true, Ordering::SeqCst);
    let owned = Owned(());
    execute!(std::io::stdout(), terminal::EnterAlternateScreen)
        .wrap_err("cannot enter the alternate screen")?;
    Ok(owned)
}

/// Puts the terminal back: cooked mode, main screen, cursor shown, mouse off.
/// Safe to call more than once and when the terminal was never set up.
pub fn restore() {
    let _ = terminal::disable_raw_mode();
    let mut out = std::io::stdout();
    let _ = execute!(
        out,
        event::DisableMouseCapture,
        event::DisableBracketedPaste,
        terminal::LeaveAlternateScreen,
        cursor::Show
    );
    let _ = out.flush();
    CONSOLE_OWNS_TERMINAL.store(false, Ordering::SeqCst);
}

/// Whether a panic now should write the restore sequences: only while the
/// console owns the terminal.
pub fn restore_on_panic() -> bool {
    CONSOLE_OWNS_TERMINAL.load(Ordering::SeqCst)
}

/// Installs color-eyre's report hooks with a panic hook that restores the
/// terminal (when the console owns it) before the report prints. Backtraces
/// only when `RUST_BACKTRACE` asks for them (color-eyre's default); colours
/// only when stderr is a terminal.
pub fn install_hooks() -> color_eyre::Result<()> {
    let theme = if std::io::stderr().is_terminal() {
        color_eyre::config::Theme::dark()
    } else {
        color_eyre::config::Theme::new()
    };
    let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default()
        .display_env_section(false)
        .theme(theme)
        .into_hooks();
    eyre_hook.install()?;
    std::panic::set_hook(Box::new(move |info| {
        if restore_on_panic() {
            restore();
        }
        eprintln!("{}", panic_hook.panic_report(info));
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flag is process-wide; this is the only lib test that touches it
    /// (without a terminal, `enter` fails before setting it).
    #[test]
    fn panics_restore_only_while_the_console_owns_the_terminal() {
        assert!(!restore_on_panic(), "nothing owns the terminal at start");
        CONSOLE_OWNS_TERMINAL.store(true, Ordering::SeqCst);
        assert!(restore_on_panic());
        CONSOLE_OWNS_TERMINAL.store(false, Ordering::SeqCst);
        assert!(!restore_on_panic());
    }
}
