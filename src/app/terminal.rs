//! Entering and leaving the terminal's raw/alternate-screen mode, and the
//! panic and error hooks that always leave it usable.

use std::io::Write;

use crossterm::{cursor, event, execute, terminal};

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
}

/// Installs color-eyre's report hooks with a panic hook that restores the
/// terminal before the report prints. Backtraces only when `RUST_BACKTRACE`
/// asks for them (color-eyre's default).
pub fn install_hooks() -> color_eyre::Result<()> {
    let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default()
        .display_env_section(false)
        .into_hooks();
    eyre_hook.install()?;
    std::panic::set_hook(Box::new(move |info| {
        restore();
        eprintln!("{}", panic_hook.panic_report(info));
    }));
    Ok(())
}
