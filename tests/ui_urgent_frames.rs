//! Which changes skip the frame pacer: a key the operator pressed and a
//! source whose condition changed (came live, started failing) are drawn at
//! once; a poll that only moved its timestamp or figures waits for the next
//! paced frame like any other data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ui_common;

use opsdeck::app::fixtures;
use opsdeck::app::{Msg, update};
use opsdeck::model::SourceKind;
use opsdeck::model::state::Update;

#[test]
fn keys_and_source_transitions_are_urgent_routine_polls_are_not() {
    let mut app = fixtures::app(false);
    let prom = app
        .fleet
        .sources
        .iter()
        .find(|s| s.kind == SourceKind::Prometheus && s.last_error.is_none())
        .cloned()
        .expect("the fixture has a healthy Prometheus source");
    app.urgent = false;

    // The same source answering again, a second later: routine.
    let mut again = prom.clone();
    again.succeeded(fixtures::now() + jiff::SignedDuration::from_secs(1));
    update(&mut app, Msg::Data(vec![Update::Source(again.clone())]));
    assert!(app.dirty, "the poll changed what is shown (its age)");
    assert!(!app.urgent, "a routine poll waits for the pacer");

    // The same source failing: the operator sees it at once.
    let mut failing = again.clone();
    failing.failed("connection refused".into(), 3);
    update(&mut app, Msg::Data(vec![Update::Source(failing.clone())]));
    assert!(app.urgent, "a source that starts failing is drawn at once");
    app.urgent = false;

    // Failing again with the same condition: routine again.
    update(&mut app, Msg::Data(vec![Update::Source(failing)]));
    assert!(!app.urgent, "a second failure changes no condition");

    // Recovering is a transition too.
    update(&mut app, Msg::Data(vec![Update::Source(again)]));
    assert!(app.urgent, "a source that recovers is drawn at once");
    app.urgent = false;

    // A key press.
    ui_common::press(&mut app, "j");
    assert!(app.urgent, "a key press is drawn at once");
}
