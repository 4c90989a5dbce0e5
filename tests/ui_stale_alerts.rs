//! An empty alert list is "nothing fires" only when every Alertmanager
//! answered; an unreachable one is named instead.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ui_common;

use opsdeck::app::fixtures;
use opsdeck::app::{Msg, update};
use opsdeck::model::state::Update;
use opsdeck::model::{SourceKind, SourceStatus};

#[test]
fn unreachable_alertmanager_is_not_shown_as_quiet() {
    let mut app = fixtures::app(false);
    let mut down = SourceStatus::new(
        SourceKind::Alertmanager,
        "us-east-1",
        "http://am-0.example:9093/",
    );
    down.failed("unreachable: connection refused".into(), 1);
    update(
        &mut app,
        Msg::Data(vec![
            Update::Alerts {
                alerts: vec![],
                silences: vec![],
            },
            Update::Source(down),
        ]),
    );
    let text = ui_common::buffer_text(&ui_common::render_buffer(&app, "default", 160, 48));
    assert!(
        text.contains("unreachable: http://am-0.example:9093/"),
        "{text}"
    );
    assert!(!text.contains("nothing fires"), "{text}");
}
