//! The C math functions the binary calls (`sin`, `cos`, `log`, `pow`, and
//! `exp` in the debug build: `f64::sin` and friends lower to them),
//! defined here from the `libm` crate, so that the executable needs no
//! `libm.so.6`. The linker prefers an executable's own definitions, and
//! `--as-needed` (rustc's default) then drops the library. Loaded, glibc's
//! libm cost the console ~0.6 MB of resident memory at rest (the kernel
//! maps the pages around the few it uses) for a handful of functions; the
//! `libm` crate is the port of musl's that Rust's own `no_std` targets
//! use, accurate to within an ulp like glibc's.
//!
//! Part of the binary only (`src/main.rs`): the library and its tests link
//! the system libm as usual. If a dependency starts calling another libm
//! function, the binary simply needs `libm.so.6` again (`readelf -d`).

// Exporting unmangled symbols is what the unsafe_code lint guards; these
// are plain functions of floats with the C signatures.
#![allow(unsafe_code)]

/// `double sin(double)`.
#[unsafe(no_mangle)]
pub extern "C" fn sin(x: f64) -> f64 {
    libm::sin(x)
}

/// `double cos(double)`.
#[unsafe(no_mangle)]
pub extern "C" fn cos(x: f64) -> f64 {
    libm::cos(x)
}

/// `double log(double)`.
#[unsafe(no_mangle)]
pub extern "C" fn log(x: f64) -> f64 {
    libm::log(x)
}

/// `double pow(double, double)`.
#[unsafe(no_mangle)]
pub extern "C" fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

/// `double exp(double)`.
#[unsafe(no_mangle)]
pub extern "C" fn exp(x: f64) -> f64 {
    libm::exp(x)
}
