use std::path::PathBuf;
use std::process::ExitCode;

// Math symbols for the linker, so the binary needs no libm.so.6.
mod libm_exports;

use clap::{CommandFactory, Parser, Subcommand};
use opsdeck::cli::costs::By;
use opsdeck::cli::ops::{self, OpArgs};
use opsdeck::cli::read::ReadArgs;
use opsdeck::cli::{alerts, config_cmd, costs, exit, ops_journal, status, workloads};
use opsdeck::config::Overrides;
use opsdeck::control::Operation;

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
    /// Write a starting config from your kubeconfig: one region per context,
    /// provider, cloud region and production recognised from EKS, GKE and
    /// AKS names. Never overwrites without --force.
    Init {
        /// The kubeconfig to read (default: $KUBECONFIG or ~/.kube/config).
        #[arg(long, value_name = "FILE")]
        kubeconfig: Option<std::path::PathBuf>,
        /// Write without asking.
        #[arg(short = 'y', long)]
        yes: bool,
        /// Replace an existing config file.
        #[arg(long)]
        force: bool,
    },
    /// Health of every region and service, in one pass.
    Status {
        /// Exit 3 when a service is degraded or down.
        #[arg(long)]
        check: bool,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Rollout state of every watched deployment.
    Workloads {
        #[arg(long, value_name = "REGION")]
        region: Option<String>,
        #[arg(long, value_name = "SERVICE")]
        service: Option<String>,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Firing alerts from every Alertmanager, merged, and their silences.
    Alerts {
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Cost by provider, region or service.
    Costs {
        #[arg(long, value_enum, default_value = "service")]
        by: By,
        #[arg(long, default_value_t = 7)]
        days: u32,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Scale a service in one or more regions (an HPA's bounds when one targets it).
    Scale {
        service: String,
        /// Regions, comma-separated.
        #[arg(long, value_name = "R[,R2...]", value_delimiter = ',', required = true)]
        region: Vec<String>,
        #[arg(long, value_name = "N")]
        replicas: u32,
        #[command(flatten)]
        op: OpArgs,
    },
    /// Roll a service back in one region (kubectl rollout undo semantics), then verify.
    Rollback {
        service: String,
        #[arg(long, value_name = "R")]
        region: String,
        /// Revision to go back to (default: the previous one).
        #[arg(long, value_name = "N")]
        to_revision: Option<u64>,
        #[command(flatten)]
        op: OpArgs,
    },
    /// Rolling restart of a service in one region.
    Restart {
        service: String,
        #[arg(long, value_name = "R")]
        region: String,
        #[command(flatten)]
        op: OpArgs,
    },
    /// Progressive deploy of an image, wave by wave, with SLO and canary gates; a failure rolls back.
    Deploy {
        service: String,
        #[arg(long, value_name = "IMAGE")]
        image: String,
        /// Container to change (default: the first).
        #[arg(long, value_name = "NAME")]
        container: Option<String>,
        /// Regions, comma-separated (default: every region).
        #[arg(long, value_name = "R1,R2,...", value_delimiter = ',')]
        regions: Vec<String>,
        /// How long each wave's canary gate samples (default: services.NAME.deploy.gate_window).
        #[arg(long, value_parser = ops::parse_duration)]
        gate_window: Option<std::time::Duration>,
        #[command(flatten)]
        op: OpArgs,
    },
    /// Move a service's (or a whole region's) traffic off a region: silence, scale targets, shift weights.
    Failover {
        /// The service (omit with --region to fail over every service of the region).
        service: Option<String>,
        /// The region to move traffic off.
        #[arg(long, visible_alias = "region", value_name = "R")]
        from: String,
        /// Target regions, comma-separated (default: every other serving region).
        #[arg(long, value_name = "R2,R3", value_delimiter = ',')]
        to: Vec<String>,
        /// Scale the source region down to its minimum once drained.
        #[arg(long)]
        scale_down: bool,
        /// Go on at the targets' maximum replicas when bounds prevent enough capacity.
        #[arg(long)]
        allow_shortfall: bool,
        #[command(flatten)]
        op: OpArgs,
    },
    /// Reverse the recorded failover off a region.
    Failback {
        /// The service (omit with --region for every service of the region's failover).
        service: Option<String>,
        /// The region to bring traffic back to.
        #[arg(long, visible_alias = "region", value_name = "R")]
        to: String,
        #[command(flatten)]
        op: OpArgs,
    },
    /// Create or expire Alertmanager silences (once per HA cluster).
    #[command(subcommand)]
    Silence(SilenceCommand),
    /// The journal of operations: list, show, resume, undo.
    #[command(subcommand)]
    Ops(OpsCommand),
    /// Run the simulated multi-region fleet in the foreground.
    Sim(opsdeck::sim::cmd::SimArgs),
    /// Run the console on the embedded simulated fleet.
    Demo(opsdeck::sim::cmd::DemoArgs),
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
enum SilenceCommand {
    /// Create a silence.
    Create {
        /// Label matcher (repeatable): NAME=VALUE, NAME!=VALUE, NAME=~RE, NAME!~RE.
        #[arg(long = "matcher", value_name = "NAME=VALUE", required = true)]
        matchers: Vec<String>,
        #[arg(long, default_value = "2h", value_parser = ops::parse_duration)]
        duration: std::time::Duration,
        #[arg(long, value_name = "TEXT")]
        comment: String,
        #[command(flatten)]
        op: OpArgs,
    },
    /// Expire a silence.
    Expire {
        id: String,
        #[command(flatten)]
        op: OpArgs,
    },
}

#[derive(Debug, Subcommand)]
enum OpsCommand {
    /// Every operation in the journal, newest first.
    List {
        #[arg(short, long, value_enum, default_value = "table")]
        output: opsdeck::cli::output::Format,
    },
    /// One operation's journal.
    Show {
        id: String,
        #[arg(short, long, value_enum, default_value = "table")]
        output: opsdeck::cli::output::Format,
    },
    /// Continue an unfinished operation (its process died) from its first step not done.
    Resume {
        id: String,
        #[command(flatten)]
        op: OpArgs,
    },
    /// Ask a running operation to pause before its next step (from any machine).
    Pause {
        id: String,
        #[command(flatten)]
        op: OpArgs,
    },
    /// Let a paused operation go on.
    Continue {
        id: String,
        #[command(flatten)]
        op: OpArgs,
    },
    /// Ask a running operation to stop (a deploy rolls back what it did).
    Abort {
        id: String,
        #[command(flatten)]
        op: OpArgs,
    },
    /// Apply the recorded inverses of an operation, in reverse order.
    Undo {
        id: String,
        #[command(flatten)]
        op: OpArgs,
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
    opsdeck::alloc_tuning::tune();
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
        Some(Command::Init {
            kubeconfig,
            yes,
            force,
        }) => {
            let (text, code) =
                opsdeck::cli::init::run(cli.config.as_deref(), kubeconfig.as_deref(), *yes, *force);
            print!("{text}");
            ExitCode::from(code)
        }
        Some(Command::Config(ConfigCommand::Path)) => {
            print!("{}", config_cmd::path(cli.config.as_deref()));
            ExitCode::SUCCESS
        }
        Some(Command::Status { check, read }) => {
            read_command(&cli, |c| status::run(c, read, *check))
        }
        Some(Command::Workloads {
            region,
            service,
            read,
        }) => read_command(&cli, |c| {
            workloads::run(c, read, region.as_deref(), service.as_deref())
        }),
        Some(Command::Alerts { read }) => read_command(&cli, |c| alerts::run(c, read)),
        Some(Command::Costs { by, days, read }) => {
            read_command(&cli, |c| costs::run(c, read, *by, *days))
        }
        Some(Command::Scale {
            service,
            region,
            replicas,
            op,
        }) => op_command(&cli, |c| {
            ops::run(
                c,
                op,
                Operation::Scale {
                    service: service.clone(),
                    regions: region.clone(),
                    replicas: *replicas,
                },
            )
        }),
        Some(Command::Rollback {
            service,
            region,
            to_revision,
            op,
        }) => op_command(&cli, |c| {
            ops::run(
                c,
                op,
                Operation::Rollback {
                    service: service.clone(),
                    region: region.clone(),
                    to_revision: *to_revision,
                },
            )
        }),
        Some(Command::Restart {
            service,
            region,
            op,
        }) => op_command(&cli, |c| {
            ops::run(
                c,
                op,
                Operation::Restart {
                    service: service.clone(),
                    region: region.clone(),
                },
            )
        }),
        Some(Command::Deploy {
            service,
            image,
            container,
            regions,
            gate_window,
            op,
        }) => op_command(&cli, |c| {
            let mut op = op.clone();
            op.gate_window = *gate_window;
            ops::run(
                c,
                &op,
                Operation::Deploy {
                    service: service.clone(),
                    image: image.clone(),
                    container: container.clone(),
                    regions: regions.clone(),
                },
            )
        }),
        Some(Command::Failover {
            service,
            from,
            to,
            scale_down,
            allow_shortfall,
            op,
        }) => op_command(&cli, |c| {
            ops::run(
                c,
                op,
                Operation::Failover {
                    services: service.iter().cloned().collect(),
                    from: from.clone(),
                    to: to.clone(),
                    scale_down: *scale_down,
                    allow_shortfall: *allow_shortfall,
                },
            )
        }),
        Some(Command::Failback { service, to, op }) => op_command(&cli, |c| {
            ops::run(
                c,
                op,
                Operation::Failback {
                    services: service.iter().cloned().collect(),
                    to: to.clone(),
                },
            )
        }),
        Some(Command::Ops(OpsCommand::Pause { id, op })) => {
            op_command(&cli, |c| ops_journal::request(c, op, id, "pause"))
        }
        Some(Command::Ops(OpsCommand::Continue { id, op })) => {
            op_command(&cli, |c| ops_journal::request(c, op, id, "continue"))
        }
        Some(Command::Ops(OpsCommand::Abort { id, op })) => {
            op_command(&cli, |c| ops_journal::request(c, op, id, "abort"))
        }
        Some(Command::Silence(SilenceCommand::Create {
            matchers,
            duration,
            comment,
            op,
        })) => op_command(&cli, |c| {
            ops::run(
                c,
                op,
                Operation::SilenceCreate {
                    matchers: matchers.clone(),
                    duration_seconds: duration.as_secs(),
                    comment: comment.clone(),
                },
            )
        }),
        Some(Command::Silence(SilenceCommand::Expire { id, op })) => op_command(&cli, |c| {
            ops::run(c, op, Operation::SilenceExpire { id: id.clone() })
        }),
        Some(Command::Ops(OpsCommand::List { output })) => print_code(ops_journal::list(*output)),
        Some(Command::Ops(OpsCommand::Show { id, output })) => {
            print_code(ops_journal::show(id, *output))
        }
        Some(Command::Ops(OpsCommand::Resume { id, op })) => {
            op_command(&cli, |c| ops_journal::resume(c, op, id))
        }
        Some(Command::Ops(OpsCommand::Undo { id, op })) => {
            op_command(&cli, |c| ops_journal::undo(c, op, id))
        }
        Some(Command::Sim(a)) => report(opsdeck::sim::cmd::run_sim(a.clone())),
        Some(Command::Demo(a)) => demo(&cli, a),
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

/// Prints an error report (color-eyre) and maps it to exit code 1.
fn report(result: color_eyre::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:?}");
            ExitCode::from(exit::FAILURE)
        }
    }
}

/// Loads the config, runs a read command, prints, and maps the exit code.
fn read_command(
    cli: &Cli,
    f: impl FnOnce(&opsdeck::config::Config) -> Result<(String, u8), String>,
) -> ExitCode {
    let loaded = match opsdeck::config::load(cli.config.as_deref(), cli.overrides()) {
        Ok(l) => l,
        Err(e) => return exit::config_errors(&e),
    };
    match f(&loaded.config) {
        Ok((text, code)) => {
            print!("{text}");
            ExitCode::from(code)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(exit::USAGE)
        }
    }
}

/// Loads the config, runs a mutating command, prints its result.
fn op_command(cli: &Cli, f: impl FnOnce(&opsdeck::config::Config) -> (String, u8)) -> ExitCode {
    let loaded = match opsdeck::config::load(cli.config.as_deref(), cli.overrides()) {
        Ok(l) => l,
        Err(e) => return exit::config_errors(&e),
    };
    print_code(f(&loaded.config))
}

fn print_code((text, code): (String, u8)) -> ExitCode {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    ExitCode::from(code)
}

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("error: cannot start the async runtime: {e}");
            ExitCode::from(exit::FAILURE)
        })
}

/// The interactive console on the configured fleet.
fn console(cli: &Cli) -> ExitCode {
    let loaded = match opsdeck::config::load(cli.config.as_deref(), cli.overrides()) {
        Ok(l) => l,
        Err(e) => return exit::config_errors(&e),
    };
    let runtime = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    report(runtime.block_on(opsdeck::app::launch::console(loaded)))
}

/// The console on the embedded simulated fleet: start the fleet, open the
/// console on the config it wrote, stop the fleet when the console ends.
fn demo(cli: &Cli, args: &opsdeck::sim::cmd::DemoArgs) -> ExitCode {
    let runtime = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    runtime.block_on(async {
        let (fleet, path) = match opsdeck::sim::cmd::start_demo(args).await {
            Ok(f) => f,
            Err(e) => return report(Err(e)),
        };
        let code = match opsdeck::config::load(Some(&path), cli.overrides()) {
            Ok(loaded) => report(opsdeck::app::launch::console(loaded).await),
            Err(e) => exit::config_errors(&e),
        };
        fleet.shutdown().await;
        code
    })
}
