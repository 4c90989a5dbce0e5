//! Follows the operations journal: polls the journal directory, re-reads
//! the files that grew (and the running ones, to see a process that died)
//! and sends them as one `Msg::Journals`. The first pass sends every
//! journal, so the console can offer to resume an unfinished operation.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use tokio::sync::mpsc::UnboundedSender;

use super::msg::Msg;
use crate::control::journal::{self, Entry, Summary};

/// What the follower remembers of one file.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    len: u64,
    modified: Option<SystemTime>,
    running: bool,
}

#[derive(Debug, Default)]
pub struct Follower {
    seen: HashMap<String, Seen>,
}

type Changed = Vec<(Summary, Vec<Entry>)>;

impl Follower {
    /// One pass over `dir`: the journals that changed since the last pass.
    pub fn scan(&mut self, dir: &Path) -> Result<Changed, String> {
        let rd = match std::fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(format!("cannot list {}: {e}", dir.display())),
        };
        let mut out = Vec::new();
        for entry in rd.flatten() {
            let path = entry.path();
            let Some(id) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".jsonl"))
                .map(str::to_string)
            else {
                continue;
            };
            let meta = entry.metadata().ok();
            let len = meta.as_ref().map(|m| m.len()).unwrap_or(0);
            let modified = meta.and_then(|m| m.modified().ok());
            let unchanged = self
                .seen
                .get(&id)
                .is_some_and(|s| s.len == len && s.modified == modified && !s.running);
            if unchanged {
                continue;
            }
            // A journal being written may be read half-way; the next pass
            // reads it again.
            let Ok(entries) = journal::read(&path) else {
                continue;
            };
            let summary = journal::summarize(&id, &entries);
            let seen = Seen {
                len,
                modified,
                running: summary.state == "running",
            };
            if self.seen.get(&id) == Some(&seen) {
                continue;
            }
            self.seen.insert(id, seen);
            out.push((summary, entries));
        }
        Ok(out)
    }
}

/// Polls `dir` every `every` until the console goes away.
pub async fn run(dir: Result<PathBuf, String>, every: Duration, out: UnboundedSender<Msg>) {
    let dir = match dir {
        Ok(d) => d,
        Err(e) => {
            let _ = out.send(Msg::Journals {
                changed: Vec::new(),
                error: Some(e),
            });
            return;
        }
    };
    let mut follower = Follower::default();
    let mut first = true;
    let mut last_error: Option<String> = None;
    loop {
        let d = dir.clone();
        let (f, result) = match tokio::task::spawn_blocking(move || {
            let r = follower.scan(&d);
            (follower, r)
        })
        .await
        {
            Ok(v) => v,
            Err(_) => return,
        };
        follower = f;
        let msg = match result {
            Ok(changed) if first || !changed.is_empty() || last_error.is_some() => {
                last_error = None;
                Some(Msg::Journals {
                    changed,
                    error: None,
                })
            }
            Ok(_) => None,
            Err(e) if last_error.as_ref() != Some(&e) => {
                last_error = Some(e.clone());
                Some(Msg::Journals {
                    changed: Vec::new(),
                    error: Some(e),
                })
            }
            Err(_) => None,
        };
        first = false;
        if let Some(m) = msg
            && out.send(m).is_err()
        {
            return;
        }
        tokio::time::sleep(every).await;
    }
}
