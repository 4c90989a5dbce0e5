//! The write-ahead journal: one JSONL file per operation under the data dir,
//! one record per line, fsynced before the step it announces runs. Records
//! hold names, values and messages — never a token, a password or a URL
//! with credentials (plans carry none; errors are credential-free).

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Actor;
use super::operation::Operation;
use super::plan::Plan;

/// How an operation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Succeeded,
    Failed,
    Aborted,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed => "failed",
            Outcome::Aborted => "aborted",
        }
    }
}

/// One journal record. `Started` carries the whole plan; records are
/// written once each, so the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "camelCase")]
pub enum Record {
    #[serde(rename_all = "camelCase")]
    Started {
        id: String,
        actor: Actor,
        pid: u32,
        reason: Option<String>,
        operation: Operation,
        plan: Plan,
    },
    #[serde(rename_all = "camelCase")]
    Resumed { actor: Actor, pid: u32 },
    #[serde(rename_all = "camelCase")]
    Lease {
        context: String,
        namespace: String,
        name: String,
        holder: String,
        taken_over_from: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    Intent { step: usize, description: String },
    #[serde(rename_all = "camelCase")]
    Done { step: usize, observed: Value },
    #[serde(rename_all = "camelCase")]
    AlreadyApplied { step: usize, observed: Value },
    #[serde(rename_all = "camelCase")]
    Failed { step: usize, error: String },
    #[serde(rename_all = "camelCase")]
    Gate {
        step: usize,
        passed: bool,
        values: Value,
    },
    /// A change undone by the automatic rollback of a failed operation.
    #[serde(rename_all = "camelCase")]
    RolledBack { step: usize, observed: Value },
    #[serde(rename_all = "camelCase")]
    RollbackFailed { step: usize, error: String },
    #[serde(rename_all = "camelCase")]
    Note { message: String },
    #[serde(rename_all = "camelCase")]
    Ended { outcome: Outcome, message: String },
}

/// A record with its time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub at: jiff::Timestamp,
    #[serde(flatten)]
    pub record: Record,
}

/// An open journal, appended to and fsynced record by record.
#[derive(Debug)]
pub struct Journal {
    pub id: String,
    pub path: PathBuf,
    file: File,
}

/// A fresh operation id: time, verb, and a short random suffix.
pub fn new_id(op: &Operation) -> String {
    let now = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ");
    let short: String = uuid::Uuid::new_v4()
        .simple()
        .to_string()
        .chars()
        .take(6)
        .collect();
    format!("{now}-{}-{short}", op.verb())
}

pub fn path(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!("{id}.jsonl"))
}

impl Journal {
    /// Creates the journal of a new operation (fails if it exists).
    pub fn create(dir: &Path, id: &str) -> Result<Journal, String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create journal directory {}: {e}", dir.display()))?;
        let path = path(dir, id);
        let file = OpenOptions::new()
            .append(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| format!("cannot create journal {}: {e}", path.display()))?;
        Ok(Journal {
            id: id.into(),
            path,
            file,
        })
    }

    /// Opens an existing journal to append to (resume).
    pub fn open(dir: &Path, id: &str) -> Result<Journal, String> {
        let path = path(dir, id);
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| format!("cannot open journal {}: {e}", path.display()))?;
        Ok(Journal {
            id: id.into(),
            path,
            file,
        })
    }

    /// Appends one record and waits until it is on disk.
    pub fn write(&mut self, record: Record) -> Result<(), String> {
        let entry = Entry {
            at: jiff::Timestamp::now(),
            record,
        };
        let mut line = serde_json::to_string(&entry).map_err(|e| e.to_string())?;
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .and_then(|_| self.file.sync_data())
            .map_err(|e| format!("cannot write journal {}: {e}", self.path.display()))
    }
}

/// Reads every record of a journal. A last line cut short by a crash is
/// skipped; any other unreadable line is an error naming the line.
pub fn read(path: &Path) -> Result<Vec<Entry>, String> {
    let file = File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let lines: Vec<String> = BufReader::new(file)
        .lines()
        .collect::<Result<_, _>>()
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut out = Vec::new();
    let last = lines.len().saturating_sub(1);
    for (n, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Entry>(line) {
            Ok(e) => out.push(e),
            Err(_) if n == last => {}
            Err(e) => return Err(format!("{}:{}: {e}", path.display(), n + 1)),
        }
    }
    Ok(out)
}

/// What a journal says about its operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub id: String,
    pub started_at: Option<jiff::Timestamp>,
    pub actor: Option<Actor>,
    pub pid: Option<u32>,
    pub operation: Option<Operation>,
    pub summary: String,
    /// `running`, `unfinished`, or the outcome.
    pub state: String,
    pub outcome: Option<Outcome>,
    pub message: Option<String>,
    pub steps: usize,
    pub steps_done: usize,
    pub last_step: Option<String>,
}

/// The plan of a journal and the steps recorded done or already applied.
pub fn progress(entries: &[Entry]) -> (Option<&Plan>, std::collections::BTreeSet<usize>) {
    let plan = entries.iter().find_map(|e| match &e.record {
        Record::Started { plan, .. } => Some(plan),
        _ => None,
    });
    let done = entries
        .iter()
        .filter_map(|e| match &e.record {
            Record::Done { step, .. } | Record::AlreadyApplied { step, .. } => Some(*step),
            _ => None,
        })
        .collect();
    (plan, done)
}

/// Whether process `pid` still runs opsdeck on this machine.
pub fn alive(pid: u32, host: &str) -> bool {
    if host != Actor::current().host {
        // Another machine: only its lease can tell; assume it runs.
        return true;
    }
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|c| String::from_utf8_lossy(&c).contains("opsdeck"))
        .unwrap_or(false)
}

pub fn summarize(id: &str, entries: &[Entry]) -> Summary {
    let mut s = Summary {
        id: id.into(),
        started_at: None,
        actor: None,
        pid: None,
        operation: None,
        summary: String::new(),
        state: "unfinished".into(),
        outcome: None,
        message: None,
        steps: 0,
        steps_done: 0,
        last_step: None,
    };
    let (plan, done) = progress(entries);
    s.steps_done = done.len();
    if let Some(p) = plan {
        s.steps = p.steps.len();
        s.summary = p.summary.clone();
    }
    for e in entries {
        match &e.record {
            Record::Started {
                actor,
                pid,
                operation,
                ..
            } => {
                s.started_at = Some(e.at);
                s.actor = Some(actor.clone());
                s.pid = Some(*pid);
                s.operation = Some(operation.clone());
            }
            Record::Resumed { actor, pid } => {
                s.actor = Some(actor.clone());
                s.pid = Some(*pid);
            }
            Record::Intent { description, .. } => s.last_step = Some(description.clone()),
            Record::Ended { outcome, message } => {
                s.outcome = Some(*outcome);
                s.message = Some(message.clone());
            }
            _ => {}
        }
    }
    s.state = match (s.outcome, &s.actor, s.pid) {
        (Some(o), _, _) => o.label().into(),
        (None, Some(a), Some(pid)) if alive(pid, &a.host) => "running".into(),
        _ => "unfinished".into(),
    };
    s
}

/// Every journal in `dir`, newest first.
pub fn list(dir: &Path) -> Result<Vec<Summary>, String> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot list {}: {e}", dir.display())),
    };
    let mut out = Vec::new();
    for entry in rd.flatten() {
        let p = entry.path();
        let Some(id) = p
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".jsonl"))
        else {
            continue;
        };
        let entries = read(&p)?;
        out.push(summarize(id, &entries));
    }
    out.sort_by(|a, b| b.id.cmp(&a.id));
    Ok(out)
}

/// The records of operation `id`, or a usage error naming the nearest id.
pub fn load(dir: &Path, id: &str) -> Result<Vec<Entry>, super::error::ControlError> {
    let p = path(dir, id);
    if !p.exists() {
        let known: Vec<String> = list(dir)
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.id)
            .collect();
        let refs: Vec<&str> = known.iter().map(String::as_str).collect();
        let hint = crate::config::error::nearest(id, &refs)
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        return Err(super::error::ControlError::Usage(format!(
            "no operation {id:?} in {}{hint} (`opsdeck ops list` shows them)",
            dir.display()
        )));
    }
    read(&p).map_err(super::error::ControlError::Failed)
}
