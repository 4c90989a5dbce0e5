//! The mutating commands (`scale`, `rollback`, `restart`, `silence`,
//! `ops resume|undo`): plan → guards → server-side dry run → confirmation →
//! execution with progress on stderr → the result on stdout, and an exit
//! code (0 done, 1 failed, 2 usage, 4 refused, 5 unreachable, 130 aborted).

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::exit;
use super::ops_render as render;
use super::output::{self, Format};
use crate::config::Config;
use crate::control::clients::{self, Ctx, Settings};
use crate::control::error::{ControlError, Refusal};
use crate::control::execute::{self, Finished, Progress};
use crate::control::journal::Outcome;
use crate::control::plan::Confirmation;
use crate::control::{Actor, Operation, Plan, guard, lease, plan};
use crate::sanitize::clean;

/// Options every mutating command takes.
#[derive(Debug, Clone, clap::Args)]
pub struct OpArgs {
    /// Output format of the result (progress always goes to stderr).
    #[arg(short, long, value_enum, default_value = "table")]
    pub output: Format,
    /// Only the clusters of this kubeconfig context.
    #[arg(long, value_name = "CONTEXT")]
    pub context: Option<String>,
    /// Do not ask for confirmation (needed without a terminal).
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Print the plan and run the server-side dry runs; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Why: goes into the journal, the Events and the change-cause.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Wait for rollouts and verification (default).
    #[arg(long, overrides_with = "no_wait")]
    pub wait: bool,
    /// Change and return: no rollout wait, no verification.
    #[arg(long)]
    pub no_wait: bool,
    /// How long a rollout may take before its gate fails.
    #[arg(long, default_value = "10m", value_parser = parse_duration)]
    pub timeout: Duration,
    /// How long each SLO verification samples (after a rollback, a restart,
    /// each failover shift).
    #[arg(long, default_value = "60s", value_parser = parse_duration, env = "OPSDECK_VERIFY_WINDOW")]
    pub verify_window: Duration,
    /// Set by `deploy --gate-window`.
    #[arg(skip)]
    pub gate_window: Option<Duration>,
}

pub fn parse_duration(s: &str) -> Result<Duration, String> {
    crate::config::checks::duration(s).map_err(|e| format!("{}; valid: {}", e.problem, e.valid))
}

impl OpArgs {
    fn settings(&self) -> Settings {
        Settings {
            rollout_timeout: self.timeout,
            verify_window: self.verify_window,
            wait: !self.no_wait,
            gate_window: self.gate_window,
            ..Settings::default()
        }
    }
}

/// The engine's context for `cfg` (limited to `--context`).
pub fn context(cfg: &Config, args: &OpArgs) -> Result<Ctx, String> {
    let mut cfg = cfg.clone();
    if let Some(c) = &args.context {
        for r in &mut cfg.regions {
            r.clusters.retain(|k| &k.context == c);
        }
        if cfg.regions.iter().all(|r| r.clusters.is_empty()) {
            return Err(format!("--context {c:?}: no configured cluster uses it"));
        }
    }
    let dir = clients::journal_dir()?;
    Ok(Ctx::new(
        Arc::new(cfg),
        Actor::current(),
        dir,
        args.settings(),
    ))
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DryRun {
    step: usize,
    accepted: bool,
    error: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlanBody<'a> {
    plan: &'a Plan,
    dry_run: Vec<DryRun>,
    refusal: Option<&'a Refusal>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultBody<'a> {
    operation: &'a Operation,
    summary: &'a str,
    outcome: &'a str,
    message: String,
    id: Option<&'a str>,
    journal: Option<String>,
    steps: Vec<execute::StepResult>,
    refusal: Option<&'a Refusal>,
}

/// Prints `text` to stderr, sanitised line by line.
fn err(text: &str) {
    let mut e = std::io::stderr().lock();
    for line in text.lines() {
        let _ = writeln!(e, "{}", clean(line));
    }
}

/// Runs `op` from plan to result. Returns stdout text and the exit code.
pub fn run(cfg: &Config, args: &OpArgs, op: Operation) -> (String, u8) {
    let ctx = match context(cfg, args) {
        Ok(c) => c,
        Err(e) => return fail_usage(&e),
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return (String::new(), fail(&e, exit::FAILURE)),
    };
    rt.block_on(run_async(&ctx, args, op))
}

fn fail_usage(e: &str) -> (String, u8) {
    (String::new(), fail(e, exit::USAGE))
}

fn fail(e: &str, code: u8) -> u8 {
    err(&format!("error: {e}"));
    code
}

async fn guards(ctx: &Ctx, plan: &Plan) -> Result<(), ControlError> {
    guard::read_only(ctx, plan)?;
    guard::rbac(ctx, plan).await?;
    for service in plan.lease_services() {
        for (context, ns) in plan.lease_scopes() {
            lease::check(ctx, &context, &ns, &service, None).await?;
        }
    }
    Ok(())
}

async fn run_async(ctx: &Ctx, args: &OpArgs, op: Operation) -> (String, u8) {
    let plan = match plan::plan(ctx, &op).await {
        Ok(p) => p,
        Err(e) => return (String::new(), fail(&e.to_string(), e.exit_code())),
    };
    let refusal = match guards(ctx, &plan).await {
        Ok(()) => None,
        Err(ControlError::Refused(r)) => Some(r),
        Err(e) => return (String::new(), fail(&e.to_string(), e.exit_code())),
    };
    let dry = if refusal.is_none() {
        execute::dry_run(ctx, &plan).await
    } else {
        Vec::new()
    };
    let rejected = dry
        .iter()
        .find_map(|(i, r)| r.as_ref().err().map(|e| (*i, e.clone())));
    if args.dry_run {
        let body = PlanBody {
            plan: &plan,
            dry_run: dry
                .iter()
                .map(|(i, r)| DryRun {
                    step: *i,
                    accepted: r.is_ok(),
                    error: r.as_ref().err().map(|e| clean(e).into_owned()),
                })
                .collect(),
            refusal: refusal.as_ref(),
        };
        let text = match args.output {
            Format::Json => output::json("Plan", Vec::new(), body),
            Format::Table => render::plan(&plan, &dry, refusal.as_ref(), true),
        };
        let code = if refusal.is_some() {
            exit::REFUSED
        } else if rejected.is_some() {
            exit::FAILURE
        } else {
            exit::OK
        };
        return (text, code);
    }
    if args.output == Format::Table || refusal.is_some() || rejected.is_some() {
        err(&render::plan(&plan, &dry, refusal.as_ref(), false));
    }
    if let Some(r) = refusal {
        return (
            result_doc(args, &plan, "refused", &r.to_string(), None, Some(&r)),
            exit::REFUSED,
        );
    }
    if let Some((i, e)) = rejected {
        let msg = format!(
            "the server's dry run rejected step {}: {}; nothing was changed",
            i + 1,
            clean(&e)
        );
        err(&format!("error: {msg}"));
        return (
            result_doc(args, &plan, "rejected", &msg, None, None),
            exit::FAILURE,
        );
    }
    if plan.steps.is_empty() {
        return (
            result_doc(args, &plan, "succeeded", "nothing to change", None, None),
            exit::OK,
        );
    }
    if let Err(r) = confirm(&plan, args.yes) {
        err(&r.to_string());
        return (
            result_doc(args, &plan, "refused", &r.to_string(), None, Some(&r)),
            exit::REFUSED,
        );
    }
    let planned = &plan;
    let outcome = execute_with_progress(|tx, cancel| async move {
        execute::start(ctx, planned, args.reason.as_deref(), tx, cancel).await
    })
    .await;
    finish(args, &plan, outcome)
}

/// Runs the executor, printing progress to stderr; Ctrl-C asks it to abort.
pub async fn execute_with_progress<F, Fut>(f: F) -> Result<Finished, ControlError>
where
    F: FnOnce(tokio::sync::mpsc::UnboundedSender<Progress>, CancellationToken) -> Fut,
    Fut: std::future::Future<Output = Result<Finished, ControlError>>,
{
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let printer = tokio::spawn(async move {
        while let Some(p) = rx.recv().await {
            err(&render::progress(&p));
        }
    });
    let interrupt = cancel.clone();
    let watcher = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            err("interrupted: aborting after the current request (Ctrl-C again to leave at once)");
            interrupt.cancel();
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(i32::from(exit::INTERRUPTED));
            }
        }
    });
    let result = f(tx, cancel).await;
    watcher.abort();
    let _ = printer.await;
    result
}

pub fn finish(args: &OpArgs, plan: &Plan, outcome: Result<Finished, ControlError>) -> (String, u8) {
    match outcome {
        Ok(f) => {
            let code = match f.outcome {
                Outcome::Succeeded => exit::OK,
                Outcome::Failed => exit::FAILURE,
                Outcome::Aborted => exit::INTERRUPTED,
            };
            (
                result_doc(args, plan, f.outcome.label(), &f.message, Some(&f), None),
                code,
            )
        }
        Err(ControlError::Refused(r)) => {
            err(&r.to_string());
            (
                result_doc(args, plan, "refused", &r.to_string(), None, Some(&r)),
                exit::REFUSED,
            )
        }
        Err(e) => (String::new(), fail(&e.to_string(), e.exit_code())),
    }
}

fn result_doc(
    args: &OpArgs,
    plan: &Plan,
    outcome: &str,
    message: &str,
    f: Option<&Finished>,
    refusal: Option<&Refusal>,
) -> String {
    let body = ResultBody {
        operation: &plan.operation,
        summary: &plan.summary,
        outcome,
        message: clean(message).into_owned(),
        id: f.map(|f| f.id.as_str()),
        journal: f.map(|f| f.journal.display().to_string()),
        steps: f.map(|f| f.steps.clone()).unwrap_or_default(),
        refusal,
    };
    match args.output {
        Format::Json => output::json("OperationResult", Vec::new(), body),
        Format::Table => render::result(body.summary, outcome, &body.message, f),
    }
}

/// The policy's confirmation: `--yes`, else a question on the terminal; no
/// terminal and no `--yes` refuses.
fn confirm(plan: &Plan, yes: bool) -> Result<(), Refusal> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(Refusal::Confirmation {
            message: "no terminal to confirm on: pass --yes to run without a question".into(),
        });
    }
    let question = match &plan.confirmation {
        Confirmation::YesNo => "Proceed? [y/N] ".to_string(),
        Confirmation::TypedName { name, short, why } => format!(
            "Type {} to proceed ({why}): ",
            Confirmation::typed_prompt(name, short)
        ),
    };
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    let answer = line.trim();
    let ok = match &plan.confirmation {
        Confirmation::TypedName { .. } => plan.confirmation.accepts_typed(answer),
        Confirmation::YesNo => matches!(answer, "y" | "Y" | "yes"),
    };
    if ok {
        Ok(())
    } else {
        Err(Refusal::Confirmation {
            message: "not confirmed: nothing was changed".into(),
        })
    }
}
