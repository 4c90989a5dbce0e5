use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use opsdeck::cli::{config_cmd, exit};
use opsdeck::config::Overrides;

/// opsdeck: the on-call operations console for multi-region fleets.
#[derive(Debug, Parser)]
#[command(name = "opsdeck", version, about)]
struct Cli {
    /// Configuration file (else $OPSDECK_CONFIG, else the platform config dir).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Colour theme: default, light, high-contrast, ansi16, mono, or a user theme.
    #[arg(long, global = true, value_name = "NAME")]
    theme: Option<String>,
    /// Keymap: default, vim, or a user keymap.
    #[arg(long, global = true, value_name = "NAME")]
    keymap: Option<String>,
    /// Refuse every mutating operation.
    #[arg(long, global = true)]
    read_only: bool,
    /// ASCII instead of box drawing, sparklines and marks.
    #[arg(long, global = true)]
    ascii: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check or locate the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Validate the configuration and print the resolved result (secrets redacted).
    Check {
        #[arg(short, long, value_enum, default_value = "toml")]
        output: config_cmd::Format,
    },
    /// Print where opsdeck looks for its files.
    Path,
}

impl Cli {
    fn overrides(&self) -> Overrides {
        Overrides {
            theme: self.theme.clone(),
            keymap: self.keymap.clone(),
            read_only: self.read_only.then_some(true),
            ascii: self.ascii.then_some(true),
        }
    }
}

fn main() -> ExitCode {
    if let Err(e) = opsdeck::app::terminal::install_hooks() {
        eprintln!("cannot install error hooks: {e}");
    }
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cli = Cli::parse();
    match &cli.command {
        None => console(&cli),
        Some(Command::Config(ConfigCommand::Check { output })) => {
            match config_cmd::check(cli.config.as_deref(), cli.overrides(), *output) {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => exit::config_errors(&e),
            }
        }
        Some(Command::Config(ConfigCommand::Path)) => {
            print!("{}", config_cmd::path(cli.config.as_deref()));
            ExitCode::SUCCESS
        }
        Some(Command::Completions { shell }) => {
            clap_complete::generate(
                *shell,
                &mut Cli::command(),
                "opsdeck",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
    }
}

/// The interactive console. Until it lands, validate the configuration so a
/// broken file is reported the same way, and say what exists today.
fn console(cli: &Cli) -> ExitCode {
    match opsdeck::config::load(cli.config.as_deref(), cli.overrides()) {
        Err(e) => exit::config_errors(&e),
        Ok(_) => {
            eprintln!(
                "opsdeck: the interactive console is not built yet; `opsdeck config check` validates your configuration."
            );
            ExitCode::from(exit::FAILURE)
        }
    }
}
