//! Exit codes, documented in the README: scripts rely on them.

use std::process::ExitCode;

/// Success.
pub const OK: u8 = 0;
/// A generic failure (the console could not start, an I/O error).
pub const FAILURE: u8 = 1;
/// Usage or configuration error.
pub const USAGE: u8 = 2;
/// `status --check` found a degraded or down service.
pub const DEGRADED: u8 = 3;
/// A source was unreachable (the output says which, with its error).
pub const UNREACHABLE: u8 = 5;

/// Prints configuration errors and returns exit code 2.
pub fn config_errors(errors: &crate::config::ConfigErrors) -> ExitCode {
    eprintln!("{errors}");
    let n = errors.0.len();
    if n > 1 {
        eprintln!("{n} problems found; nothing was started.");
    }
    ExitCode::from(USAGE)
}

/// A guard refused the operation before anything changed.
pub const REFUSED: u8 = 4;
/// The operator interrupted (Ctrl-C): the operation was aborted.
pub const INTERRUPTED: u8 = 130;
