//! Bytes written to the terminal per second in steady state: the fleet view
//! at 120×40 with data arriving at 1 Hz, drawn through a real
//! `CrosstermBackend` over a counting writer, as the runtime draws (only
//! when something changed).
//!
//! `cargo bench --bench ui_bytes` (add `--profile dev` on shared machines).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::Cell;
use std::io::{self, Write};
use std::rc::Rc;

use opsdeck::app::state::{AppState, View};
use opsdeck::app::{Msg, fixtures, update};
use opsdeck::model::state::Update;
use opsdeck::model::{SloValues, SourceKind, SourceStatus};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// Counts what goes to the "terminal"; the count is shared with the bench.
#[derive(Default, Clone)]
struct Counting {
    bytes: Rc<Cell<u64>>,
}

impl Write for Counting {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes.set(self.bytes.get() + buf.len() as u64);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

const SECONDS: i64 = 120;

/// What the sources send in one second: fresh SLO values and source stamps.
fn one_second(t: i64) -> Vec<Update> {
    let now = fixtures::now()
        .checked_add(jiff::SignedDuration::from_secs(t))
        .unwrap();
    let mut out = Vec::new();
    for (ri, (region, _, _)) in fixtures::REGIONS.iter().enumerate() {
        for (si, svc) in fixtures::SERVICES.iter().enumerate() {
            let wobble = 1.0 + 0.05 * ((t as f64 / 7.0) + (ri * 4 + si) as f64).sin();
            out.push(Update::Slo {
                region: region.to_string(),
                service: svc.to_string(),
                values: SloValues {
                    request_rate: Some(400.0 * wobble),
                    error_ratio: Some(0.0005 * wobble),
                    p95_seconds: Some(0.1 * wobble),
                    at: Some(now),
                },
            });
        }
        for (kind, name) in [
            (SourceKind::Kubernetes, format!("sim-{region}")),
            (SourceKind::Prometheus, format!("prometheus-{region}")),
        ] {
            let mut s = SourceStatus::new(kind, region, &name);
            s.succeeded(now);
            out.push(Update::Source(s));
        }
    }
    out
}

fn run(label: &str, app: &mut AppState, theme: &opsdeck::config::Theme) {
    let counter = Counting::default();
    let bytes = counter.bytes.clone();
    let mut term = Terminal::new(CrosstermBackend::new(counter)).unwrap();
    // The backend asks the real terminal for its size; fix it instead.
    term.resize(ratatui::layout::Rect::new(0, 0, 120, 40))
        .unwrap();
    term.draw(|f| opsdeck::ui::draw(f, app, theme)).unwrap();
    let first = bytes.get();
    let mut frames = 0;
    for t in 1..=SECONDS {
        let now = fixtures::now()
            .checked_add(jiff::SignedDuration::from_secs(t))
            .unwrap();
        update(app, Msg::Data(one_second(t)));
        update(app, Msg::Tick(now));
        if app.dirty {
            term.draw(|f| opsdeck::ui::draw(f, app, theme)).unwrap();
            app.dirty = false;
            frames += 1;
        }
    }
    let steady = bytes.get() - first;
    println!(
        "{label:<28} first frame {first:>6} B; steady state {:>6.0} B/s over {SECONDS} s ({frames} frames, {:.0} B/frame)",
        steady as f64 / SECONDS as f64,
        steady as f64 / frames.max(1) as f64
    );
}

fn main() {
    let theme = fixtures::theme("default");
    println!("120x40, data at 1 Hz");
    let mut app = fixtures::app(false);
    run("fleet view", &mut app, &theme);
    let mut app = fixtures::app(false);
    app.stack.push(View::Service("payments".into()));
    app.derive();
    run("service view", &mut app, &theme);
    let mut app = fixtures::app(true);
    run("fleet view --ascii", &mut app, &theme);
}
