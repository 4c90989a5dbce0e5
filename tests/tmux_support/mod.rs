//! A tmux server of its own for console end-to-end tests: start a session
//! running a command, read the screen, send keys, wait for text.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// A fresh server named after this process and `tag`.
    pub fn new(tag: &str) -> Tmux {
        let found = Command::new("tmux")
            .arg("-V")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        assert!(
            found,
            "tmux is not installed: run `bash tests/run.sh` (it installs tmux) or `apt-get install tmux`"
        );
        Tmux {
            socket: format!("opsdeck-e2e-{tag}-{}", std::process::id()),
        }
    }

    pub fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Starts session `e2e` of `w`×`h` running `script` under sh.
    pub fn start(&self, w: u16, h: u16, script: &str) {
        self.run(&[
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            &w.to_string(),
            "-y",
            &h.to_string(),
            script,
        ]);
    }

    pub fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "e2e"])
    }

    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Types `text` literally.
    pub fn text(&self, text: &str) {
        self.run(&["send-keys", "-t", "e2e", "-l", text]);
    }

    pub fn wait_for(&self, what: &str, limit: Duration, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                // A capture can land mid-frame (ratatui writes only the
                // changed cells, and tmux may show half of them): read
                // again once the frame is out, and keep that one when it
                // still matches.
                std::thread::sleep(Duration::from_millis(200));
                let again = self.screen();
                return if ok(&again) { again } else { s };
            }
            assert!(
                start.elapsed() < limit,
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// Ends the server: every pane's terminal hangs up (SIGHUP).
    pub fn kill(&self) {
        self.run(&["kill-server"]);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}
