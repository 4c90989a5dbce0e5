//! `opsdeck ops list | show | resume | undo`: the journal of operations.

use serde::Serialize;

use super::exit;
use super::ops::{self, OpArgs};
use super::output::{self, Format};
use crate::config::Config;
use crate::control::journal::{self, Entry, Record, Summary};
use crate::control::{Operation, clients, execute};
use crate::sanitize::clean;

#[derive(Serialize)]
struct ListBody {
    operations: Vec<Summary>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ShowBody {
    operation: Summary,
    records: Vec<Entry>,
}

fn dir() -> Result<std::path::PathBuf, (String, u8)> {
    clients::journal_dir().map_err(|e| {
        eprintln!("error: {e}");
        (String::new(), exit::USAGE)
    })
}

pub fn list(format: Format) -> (String, u8) {
    let dir = match dir() {
        Ok(d) => d,
        Err(e) => return e,
    };
    let ops = match journal::list(&dir) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {}", clean(&e));
            return (String::new(), exit::FAILURE);
        }
    };
    let text = match format {
        Format::Json => output::json("OperationList", Vec::new(), ListBody { operations: ops }),
        Format::Table => {
            let mut t = output::table(&["ID", "STATE", "OPERATION", "BY", "STEPS", "LAST STEP"]);
            for o in &ops {
                t.add_row(vec![
                    o.id.clone(),
                    o.state.clone(),
                    clean(&o.summary).into_owned(),
                    o.actor.as_ref().map(|a| a.label()).unwrap_or_default(),
                    format!("{}/{}", o.steps_done, o.steps),
                    clean(o.last_step.as_deref().unwrap_or("-")).into_owned(),
                ]);
            }
            if ops.is_empty() {
                format!("no operations in {}\n", dir.display())
            } else {
                format!("{t}\n")
            }
        }
    };
    (text, exit::OK)
}

pub fn show(id: &str, format: Format) -> (String, u8) {
    let dir = match dir() {
        Ok(d) => d,
        Err(e) => return e,
    };
    let entries = match journal::load(&dir, id) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {}", clean(&e.to_string()));
            return (String::new(), e.exit_code());
        }
    };
    let summary = journal::summarize(id, &entries);
    let text = match format {
        Format::Json => output::json(
            "OperationJournal",
            Vec::new(),
            ShowBody {
                operation: summary,
                records: entries,
            },
        ),
        Format::Table => {
            let mut s = format!(
                "{} {} — {}\n",
                summary.id,
                summary.state,
                clean(&summary.summary)
            );
            for e in &entries {
                s.push_str(&format!(
                    "{}  {}\n",
                    e.at.strftime("%Y-%m-%d %H:%M:%S"),
                    clean(&line(&e.record))
                ));
            }
            s
        }
    };
    (text, exit::OK)
}

fn line(r: &Record) -> String {
    match r {
        Record::Started {
            actor,
            reason,
            plan,
            ..
        } => format!(
            "started by {}{}: {} ({} steps)",
            actor.label(),
            reason
                .as_ref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default(),
            plan.summary,
            plan.steps.len()
        ),
        Record::Resumed { actor, pid } => format!("resumed by {} (pid {pid})", actor.label()),
        Record::Lease {
            context,
            namespace,
            name,
            taken_over_from,
            ..
        } => format!(
            "lease {namespace}/{name} in {context}{}",
            taken_over_from
                .as_ref()
                .map(|p| format!(" taken over from {p}"))
                .unwrap_or_default()
        ),
        Record::Intent { step, description } => format!("step {}: {description}", step + 1),
        Record::Done { step, observed } => format!("step {}: done ({observed})", step + 1),
        Record::AlreadyApplied { step, observed } => {
            format!("step {}: already applied ({observed})", step + 1)
        }
        Record::Failed { step, error } => format!("step {}: FAILED: {error}", step + 1),
        Record::Gate {
            step,
            passed,
            values,
        } => format!(
            "step {}: gate {} {values}",
            step + 1,
            if *passed { "passed" } else { "failed" }
        ),
        Record::RolledBack { step, observed } => {
            format!("step {}: rolled back ({observed})", step + 1)
        }
        Record::RollbackFailed { step, error } => {
            format!("step {}: ROLLBACK FAILED: {error}", step + 1)
        }
        Record::Note { message } => format!("note: {message}"),
        Record::Ended { outcome, message } => format!("ended: {}: {message}", outcome.label()),
    }
}

pub fn resume(cfg: &Config, args: &OpArgs, id: &str) -> (String, u8) {
    let ctx = match ops::context(cfg, args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return (String::new(), exit::USAGE);
        }
    };
    if !args.yes && !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        eprintln!("refused: no terminal to confirm on: pass --yes to resume without a question");
        return (String::new(), exit::REFUSED);
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return (String::new(), exit::FAILURE);
        }
    };
    rt.block_on(async {
        let plan = journal::load(&ctx.journal_dir, id)
            .ok()
            .and_then(|e| journal::progress(&e).0.cloned());
        let Some(plan) = plan else {
            let e = journal::load(&ctx.journal_dir, id).err();
            eprintln!(
                "error: {}",
                e.as_ref()
                    .map(|e| e.to_string())
                    .unwrap_or_else(|| format!("journal of {id} has no plan"))
            );
            return (
                String::new(),
                e.map(|e| e.exit_code()).unwrap_or(exit::FAILURE),
            );
        };
        let outcome = ops::execute_with_progress(|tx, cancel| async move {
            execute::resume(&ctx, id, tx, cancel).await
        })
        .await;
        ops::finish(args, &plan, outcome)
    })
}

pub fn undo(cfg: &Config, args: &OpArgs, id: &str) -> (String, u8) {
    ops::run(cfg, args, Operation::Undo { of: id.into() })
}

/// `ops pause|continue|abort ID`: the request annotation on the
/// operation's leases, read by the running engine when it renews.
pub fn request(cfg: &Config, args: &OpArgs, id: &str, what: &str) -> (String, u8) {
    let ctx = match ops::context(cfg, args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return (String::new(), exit::USAGE);
        }
    };
    let entries = match journal::load(&ctx.journal_dir, id) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {}", clean(&e.to_string()));
            return (String::new(), e.exit_code());
        }
    };
    let Some(plan) = journal::progress(&entries).0.cloned() else {
        eprintln!("error: journal of {id} has no plan");
        return (String::new(), exit::FAILURE);
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return (String::new(), exit::FAILURE);
        }
    };
    let result = rt.block_on(async {
        let mut sent = 0;
        for service in plan.lease_services() {
            for (context, ns) in plan.lease_scopes() {
                crate::control::lease::request(&ctx, &context, &ns, &service, id, what).await?;
                sent += 1;
            }
        }
        Ok::<usize, crate::control::error::ControlError>(sent)
    });
    match result {
        Ok(0) => {
            eprintln!("error: operation {id} takes no lease: it cannot be asked to {what}");
            (String::new(), exit::USAGE)
        }
        Ok(n) => (
            format!(
                "asked operation {id} to {what} ({n} lease{})\n",
                if n == 1 { "" } else { "s" }
            ),
            exit::OK,
        ),
        Err(e) => {
            eprintln!("error: {}", clean(&e.to_string()));
            (String::new(), e.exit_code())
        }
    }
}
