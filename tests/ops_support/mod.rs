//! Shared by the operation tests: an `opsdeck sim` process with an audit
//! log, the opsdeck binary with an isolated journal, kubectl, and readers
//! for the audit log and the journal.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

pub struct Sim {
    child: Option<Child>,
    pub dir: tempfile::TempDir,
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(c) = self.child.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Starts `opsdeck sim` at `speed` with an audit log; waits for its banner
/// (with a deadline: a silent child cannot hang the test).
pub fn sim(speed: &str) -> Sim {
    sim_with(speed, &[])
}

/// [`sim`] with more `opsdeck sim` flags (faults at start).
pub fn sim_with(speed: &str, extra: &[&str]) -> Sim {
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let mut child = Command::new(env!("CARGO_BIN_EXE_opsdeck"))
        .args(["sim", "--speed", speed, "--dir"])
        .arg(dir.path())
        .arg("--audit-log")
        .arg(&audit)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(l) = line else { break };
            let _ = tx.send(l);
        }
    });
    let sim = Sim {
        child: Some(child),
        dir,
    };
    loop {
        match rx.recv_timeout(Duration::from_secs(90)) {
            Ok(l) if l.contains("Ctrl-C") => break,
            Ok(_) => {}
            Err(e) => panic!("opsdeck sim printed no banner: {e}"),
        }
    }
    sim
}

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Sim {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn config(&self) -> PathBuf {
        self.path("opsdeck.toml")
    }

    pub fn audit(&self) -> PathBuf {
        self.path("audit.jsonl")
    }

    pub fn data(&self) -> PathBuf {
        self.path("data")
    }

    /// A command line for opsdeck with this fleet's config and journal dir.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_opsdeck"));
        c.arg("--config")
            .arg(self.config())
            .args(args)
            .env("OPSDECK_DATA_DIR", self.data())
            .env("OPSDECK_IDENTITY", "tester")
            .env_remove("OPSDECK_READ_ONLY")
            .stdin(Stdio::null());
        c
    }

    pub fn opsdeck(&self, args: &[&str]) -> Out {
        run(self.cmd(args))
    }

    /// kubectl against one region's cluster, as `user` (the kubeconfig's
    /// `operator`, `viewer` or `admin`).
    pub fn kubectl_as(&self, user: &str, region: &str, args: &[&str]) -> Out {
        let mut c = Command::new(kubectl());
        c.arg("--kubeconfig")
            .arg(self.path("kubeconfig"))
            .args([
                "--context",
                &format!("sim-{region}"),
                "--user",
                user,
                "-n",
                "shop",
            ])
            .arg("--cache-dir")
            .arg(self.path(&format!("kube-cache-{region}")))
            .args(args);
        run(c)
    }

    pub fn kubectl(&self, region: &str, args: &[&str]) -> String {
        let o = self.kubectl_as("operator", region, args);
        assert_eq!(o.code, 0, "kubectl {args:?}: {}", o.stderr);
        o.stdout
    }

    pub fn jsonpath(&self, region: &str, what: &str, path: &str) -> String {
        self.kubectl(region, &["get", what, "-o", &format!("jsonpath={path}")])
    }

    /// Every audit line, parsed.
    pub fn audit_lines(&self) -> Vec<Value> {
        std::fs::read_to_string(self.audit())
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Writes that really changed something (no dry run, no access review,
    /// not refused), after the first `from` lines.
    pub fn writes_since(&self, from: usize) -> Vec<Value> {
        self.audit_lines()
            .into_iter()
            .skip(from)
            .filter(|e| e["objectRef"]["resource"] != "selfsubjectaccessreviews")
            .filter(|e| !e["requestURI"].as_str().unwrap_or("").contains("dryRun"))
            .collect()
    }

    /// Tokens of the sim's kubeconfig (to prove they are printed nowhere).
    pub fn tokens(&self) -> Vec<String> {
        std::fs::read_to_string(self.path("kubeconfig"))
            .unwrap()
            .lines()
            .filter_map(|l| l.trim().strip_prefix("token: ").map(str::to_string))
            .collect()
    }

    /// Sets a telemetry fault (`latency-spike`, `bad-release`, ...) on
    /// `target` through the simulator's control endpoint, as the admin.
    pub fn fault(&self, kind: &str, target: &str) {
        self.fault_request("POST", kind, target);
    }

    /// Clears a telemetry fault set by [`Sim::fault`].
    pub fn clear_fault(&self, kind: &str, target: &str) {
        self.fault_request("DELETE", kind, target);
    }

    fn fault_request(&self, method: &str, kind: &str, target: &str) {
        let kc = std::fs::read_to_string(self.path("kubeconfig")).unwrap();
        let admin = self
            .tokens()
            .into_iter()
            .find(|t| t.starts_with("sim-admin-"))
            .unwrap();
        let server = kc
            .lines()
            .find_map(|l| l.trim().strip_prefix("server: "))
            .unwrap();
        let base = &server[..server.find("/clusters/").unwrap()];
        let o = run({
            let mut c = Command::new("curl");
            c.args([
                "-sfk",
                "-X",
                method,
                "-H",
                &format!("Authorization: Bearer {admin}"),
                &format!("{base}/control/telemetry/faults/{kind}/{target}"),
            ]);
            c
        });
        assert_eq!(o.code, 0, "fault {kind}/{target}: {}", o.stderr);
    }

    /// Every journal file's text.
    pub fn journals(&self) -> String {
        let dir = self.data().join("operations");
        let mut s = String::new();
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            s.push_str(&std::fs::read_to_string(e.path()).unwrap());
        }
        s
    }

    /// Rewrites the generated config with `f` into a new file.
    pub fn config_with(&self, name: &str, f: impl Fn(String) -> String) -> PathBuf {
        let text = std::fs::read_to_string(self.config()).unwrap();
        let p = self.path(name);
        std::fs::write(&p, f(text)).unwrap();
        p
    }
}

pub fn run(mut c: Command) -> Out {
    let o = c.output().unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// kubectl from PATH, or a clear failure saying how to get one.
pub fn kubectl() -> PathBuf {
    for dir in std::env::var("PATH").unwrap_or_default().split(':') {
        let p = Path::new(dir).join("kubectl");
        if p.exists() {
            return p;
        }
    }
    panic!(
        "kubectl is not on PATH: install kubectl 1.32 (https://kubernetes.io/docs/tasks/tools/) to run the operation tests"
    );
}

/// Matching audit lines: verb, resource, subresource, name, region.
pub fn matching<'a>(
    lines: &'a [Value],
    verb: &str,
    resource: &str,
    sub: Option<&str>,
    name: &str,
    region: &str,
) -> Vec<&'a Value> {
    lines
        .iter()
        .filter(|e| {
            e["verb"] == verb
                && e["objectRef"]["resource"] == resource
                && e["objectRef"]["subresource"].as_str() == sub
                && e["objectRef"]["name"] == name
                && e["annotations"]["opsdeck.sim/cluster"] == region
        })
        .collect()
}

pub fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// Polls `f` until it returns true or `secs` pass.
pub fn wait_until(secs: u64, what: &str, mut f: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !f() {
        assert!(
            start.elapsed() < Duration::from_secs(secs),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
