//! The read commands (`status`, `workloads`, `alerts`, `costs`): one pass
//! over the sources, then a table or a JSON document, then an exit code.

use std::time::Duration;

use crate::config::Config;
use crate::model::FleetSnapshot;
use crate::model::state::FleetState;
use crate::sources::needs::Needs;
use crate::sources::{gather, specs};

use super::exit;

/// Options every read command takes.
#[derive(Debug, Clone, clap::Args)]
pub struct ReadArgs {
    /// Output format.
    #[arg(short, long, value_enum, default_value = "table")]
    pub output: super::output::Format,
    /// Only the clusters of this kubeconfig context.
    #[arg(long, value_name = "CONTEXT")]
    pub context: Option<String>,
    /// Give up on sources that have not answered after this long.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub timeout: Duration,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    crate::config::checks::duration(s).map_err(|e| format!("{}; valid: {}", e.problem, e.valid))
}

/// Gathers once, on a runtime of its own.
pub fn gather(cfg: &Config, args: &ReadArgs, needs: &Needs) -> Result<FleetState, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    Ok(rt.block_on(gather::once(
        cfg,
        args.context.as_deref(),
        args.timeout,
        needs,
    )))
}

pub fn snapshot(cfg: &Config, state: &FleetState) -> FleetSnapshot {
    FleetSnapshot::build(
        &specs::regions(cfg),
        &specs::services(cfg),
        state,
        jiff::Timestamp::now(),
    )
}

/// 5 when a source could not be reached, else 0.
pub fn code_for_sources(state: &FleetState) -> u8 {
    if state.sources.iter().any(|s| s.stale) {
        exit::UNREACHABLE
    } else {
        exit::OK
    }
}

/// Checks `--region` and `--service` against the config, like a config key.
pub fn check_name(kind: &str, given: Option<&str>, known: &[&str]) -> Result<(), String> {
    let Some(given) = given else { return Ok(()) };
    if known.contains(&given) {
        return Ok(());
    }
    let hint = crate::config::error::nearest(given, known)
        .map(|n| format!("did you mean `{n}`? "))
        .unwrap_or_default();
    Err(format!(
        "unknown {kind} {given:?}; {hint}valid: {}",
        known.join(", ")
    ))
}
