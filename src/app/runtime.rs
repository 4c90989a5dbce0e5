//! The one `tokio::select!` loop: terminal events, source updates, effect
//! results, a clock tick and SIGTERM/SIGHUP go through `update()`; frames
//! are drawn only when something changed, at most `ui.max_fps` per second;
//! effects other than quitting and the clipboard go to the executor.

use std::io::Write;
use std::time::Duration;

use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};

use super::clipboard::osc52;
use super::effect::Effect;
use super::msg::Msg;
use super::pacer::Pacer;
use super::state::AppState;
use super::terminal;
use super::update::update;
use crate::config::{Loaded, Theme};
use crate::model::Timestamp;
use crate::model::state::Update;

/// Updates taken from the channel per batch (one snapshot rebuild each).
const BATCH: usize = 512;

/// Runs the console until the operator quits or SIGTERM/SIGHUP arrives.
///
/// - `identity`: shown in the header and used as `created_by` (e.g.
///   `"operator@sim-us-east-1"`).
/// - `updates`: source data; when every sender is gone the console keeps
///   running on what it has (the sources mark themselves stale).
/// - `effects_out`: every effect except `Quit` and `CopyToClipboard`
///   (which the runtime handles: OSC 52 goes to the terminal).
/// - `results_in`: effect results (`Msg::SilenceCreated`, `Msg::LogLines`,
///   `Msg::EffectFailed`, ...).
pub async fn run(
    loaded: Loaded,
    identity: String,
    mut updates: mpsc::Receiver<Update>,
    effects_out: mpsc::UnboundedSender<Effect>,
    mut results_in: mpsc::UnboundedReceiver<Msg>,
) -> color_eyre::Result<()> {
    let Loaded {
        config,
        theme,
        keymap,
        ..
    } = loaded;
    let max_fps = config.ui.max_fps.max(1);
    let mut app = AppState::new(config, keymap, identity, Timestamp::now());

    // Restores the terminal however `run` returns; until then a panic does.
    let _restore = terminal::enter()?;
    let mut term = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    term.clear()?;
    if let Ok(size) = term.size() {
        app.size = (size.width, size.height);
    }

    let mut sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut sighup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut pacer = Pacer::new(max_fps);
    let mut updates_open = true;
    let mut results_open = true;
    let exit_when_live = super::first_live::wanted();
    let mut live_after = None;

    loop {
        let next_frame = Instant::from_std(pacer.next_frame(std::time::Instant::now()));
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(k))) => Some(Msg::Key(k)),
                Some(Ok(Event::Resize(w, h))) => Some(Msg::Resize(w, h)),
                Some(Ok(_)) => None,
                // The terminal is gone: nothing more can be shown.
                Some(Err(_)) | None => Some(Msg::Terminate),
            },
            u = updates.recv(), if updates_open => match u {
                Some(first) => {
                    let mut batch = vec![first];
                    while batch.len() < BATCH {
                        match updates.try_recv() {
                            Ok(u) => batch.push(u),
                            Err(_) => break,
                        }
                    }
                    Some(Msg::Data(batch))
                }
                None => {
                    updates_open = false;
                    None
                }
            },
            r = results_in.recv(), if results_open => match r {
                Some(m) => Some(m),
                None => {
                    results_open = false;
                    None
                }
            },
            _ = tick.tick() => Some(Msg::Tick(Timestamp::now())),
            _ = sigterm.recv() => Some(Msg::Terminate),
            _ = sighup.recv() => Some(Msg::Terminate),
            _ = tokio::time::sleep_until(next_frame), if app.dirty => None,
        };
        if let Some(msg) = msg {
            let mut quit = false;
            for effect in update(&mut app, msg) {
                match effect {
                    Effect::Quit => quit = true,
                    Effect::CopyToClipboard(text) => {
                        let out = term.backend_mut();
                        let _ = out.write_all(osc52(&text).as_bytes());
                        let _ = Write::flush(out);
                    }
                    other => {
                        let what = other.describe();
                        if effects_out.send(other).is_err() {
                            // No executor: say so rather than pretend.
                            let _ = update(
                                &mut app,
                                Msg::EffectFailed {
                                    what,
                                    error: "no effect executor is running".into(),
                                },
                            );
                        }
                    }
                }
            }
            if quit {
                break;
            }
        }
        let now = std::time::Instant::now();
        if pacer.due(app.dirty, app.urgent, now) {
            draw(&mut term, &mut app, &theme)?;
            pacer.drew(now);
            if exit_when_live && super::first_live::reached(&app) {
                live_after = Some(super::first_live::since_process_start());
                break;
            }
        }
    }
    drop(term);
    drop(_restore);
    if let Some(ms) = live_after {
        match ms {
            Some(ms) => eprintln!("first live frame after {ms} ms"),
            None => eprintln!("first live frame (no /proc to time it)"),
        }
    }
    Ok(())
}

/// Draws one frame and clears the dirty flag.
pub fn draw<B: Backend>(
    term: &mut Terminal<B>,
    app: &mut AppState,
    theme: &Theme,
) -> color_eyre::Result<()> {
    term.draw(|f| crate::ui::draw(f, app, theme))
        .map_err(|e| color_eyre::eyre::eyre!("cannot draw: {e}"))?;
    app.dirty = false;
    app.urgent = false;
    Ok(())
}
