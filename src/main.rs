use clap::{Parser, Subcommand};

/// opsdeck: the on-call operations console for multi-region fleets.
#[derive(Debug, Parser)]
#[command(name = "opsdeck", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the simulated multi-region fleet in the foreground
    Sim(opsdeck::sim::cmd::SimArgs),
    /// Run the console on the embedded simulated fleet
    Demo(opsdeck::sim::cmd::DemoArgs),
}

fn main() -> color_eyre::Result<()> {
    color_eyre::install()?;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = Cli::parse();
    match cli.command {
        None => Ok(()),
        Some(c) => match c {
            Command::Sim(a) => opsdeck::sim::cmd::run_sim(a),
            Command::Demo(a) => opsdeck::sim::cmd::run_demo(a),
        },
    }
}
