//! The executor's side of operations: planning through the engine (plan,
//! read-only and RBAC guards, the lease check, the server-side dry run),
//! starting an operation as a detached `opsdeck` process, and asking one
//! to abort. Runs off the UI task; `update()` only sees the results.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use super::effect::OpCommand;
use super::op_preview::PlanOutcome;
use crate::control::clients::Ctx;
use crate::control::error::ControlError;
use crate::control::{Operation, Plan, guard, lease, plan};

/// How a console starts operation processes: the same binary on the same
/// configuration file, with the same read-only setting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Launcher {
    pub config_path: Option<PathBuf>,
    pub read_only: bool,
}

async fn guards(ctx: &Ctx, plan: &Plan) -> Result<(), ControlError> {
    guard::read_only(ctx, plan)?;
    guard::rbac(ctx, plan).await?;
    if let Some(service) = plan.operation.service() {
        for (context, ns) in plan.lease_scopes() {
            lease::check(ctx, &context, &ns, service, None).await?;
        }
    }
    Ok(())
}

/// Plans `op` as the CLI does before it asks: reads only.
pub async fn plan(ctx: &Ctx, op: &Operation) -> PlanOutcome {
    let plan = match plan::plan(ctx, op).await {
        Ok(p) => p,
        Err(ControlError::Refused(r)) => return PlanOutcome::Refused(r),
        Err(e) => return PlanOutcome::Failed(e.to_string()),
    };
    match guards(ctx, &plan).await {
        Ok(()) => {
            let dry_run = crate::control::execute::dry_run(ctx, &plan).await;
            PlanOutcome::Ready {
                plan,
                dry_run,
                refusal: None,
            }
        }
        Err(ControlError::Refused(r)) => PlanOutcome::Ready {
            plan,
            dry_run: Vec::new(),
            refusal: Some(r),
        },
        Err(e) => PlanOutcome::Failed(e.to_string()),
    }
}

/// Where operation processes write their output: beside the journal.
pub fn log_path(journal_dir: &Path, cmd: &OpCommand) -> PathBuf {
    let verb = match cmd {
        OpCommand::Run(op) => op.verb(),
        OpCommand::Resume(_) => "resume",
        OpCommand::Undo(_) => "undo",
        OpCommand::Pause(_) => "pause",
        OpCommand::Continue(_) => "continue",
    };
    let now = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ");
    let base = journal_dir.parent().unwrap_or(journal_dir);
    base.join("operation-logs")
        .join(format!("{now}-{verb}-{}.log", std::process::id()))
}

/// Starts `cmd` in its own process group (a hang-up of the console's
/// terminal does not reach it), stdin from /dev/null, stdout and stderr to
/// a log file. Returns its pid and the log; the child is reaped when it
/// ends while the console runs, and keeps running when the console ends.
pub fn spawn(
    launcher: &Launcher,
    journal_dir: &Path,
    cmd: &OpCommand,
) -> Result<(u32, PathBuf), String> {
    let args = cmd
        .args()
        .ok_or_else(|| format!("{}: not started from the console", cmd.describe()))?;
    let exe =
        std::env::current_exe().map_err(|e| format!("cannot find the opsdeck binary: {e}"))?;
    let log = log_path(journal_dir, cmd);
    if let Some(dir) = log.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let out =
        std::fs::File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = out
        .try_clone()
        .map_err(|e| format!("cannot open {}: {e}", log.display()))?;
    let mut c = tokio::process::Command::new(exe);
    if let Some(p) = &launcher.config_path {
        c.arg("--config").arg(p);
    }
    if launcher.read_only {
        c.arg("--read-only");
    }
    c.args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .process_group(0)
        .kill_on_drop(false);
    let mut child = c
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", cmd.describe()))?;
    let pid = child.id().unwrap_or(0);
    tokio::spawn(async move {
        let _ = child.wait().await;
    });
    Ok((pid, log))
}

/// Sends SIGINT to the operation's process, after checking that `pid` is
/// still an opsdeck process on this machine. The engine aborts between
/// steps and inside gates, releases its lease and journals `aborted`.
pub async fn abort(pid: u32) -> Result<(), String> {
    let host = crate::control::Actor::current().host;
    if !crate::control::journal::alive(pid, &host) {
        return Err(format!("process {pid} no longer runs opsdeck"));
    }
    let status = tokio::process::Command::new("kill")
        .arg("-INT")
        .arg(pid.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .map_err(|e| format!("cannot run kill: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("kill -INT {pid} failed ({status})"))
    }
}
