use clap::{Parser, Subcommand};

/// opsdeck: the on-call operations console for multi-region fleets.
#[derive(Debug, Parser)]
#[command(name = "opsdeck", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {}

fn main() -> color_eyre::Result<()> {
    color_eyre::install()?;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = Cli::parse();
    match cli.command {
        None => Ok(()),
        Some(c) => match c {},
    }
}
