//! The console application: state, messages, update, and the terminal it runs in.

pub mod terminal;
