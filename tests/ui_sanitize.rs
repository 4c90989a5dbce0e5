//! Strings from outside are drawn without their escape sequences.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ui_common;

use opsdeck::app::fixtures;
use opsdeck::app::state::{RegionTab, View};
use opsdeck::app::{Msg, update};
use opsdeck::model::EventRow;
use opsdeck::model::state::{KubeChange, KubeRow, Update};
use ui_common::render_buffer;

const HOSTILE: &str =
    "db\u{1b}[2J\u{1b}[31mdown\u{1b}]52;c;cm0gLXJmIC8=\u{7} \u{1b}P+q\u{1b}\\now\u{202e}lmth.exe";
const CLEAN: &str = "dbdown now";

fn screen_has_no_escape(buf: &ratatui::buffer::Buffer) -> String {
    let text = ui_common::buffer_text(buf);
    for c in text.chars() {
        assert!(
            !c.is_control() || c == '\n',
            "control character {c:?} on screen:\n{text}"
        );
        assert!(
            !('\u{202a}'..='\u{202e}').contains(&c),
            "bidi override on screen"
        );
    }
    text
}

#[test]
fn alert_annotation_and_event_message_are_sanitised() {
    let mut app = fixtures::app(false);
    let mut alerts = fixtures::alerts();
    alerts[0]
        .annotations
        .insert("summary".into(), HOSTILE.into());
    update(
        &mut app,
        Msg::Data(vec![
            Update::Alerts {
                alerts,
                silences: fixtures::silences(),
            },
            Update::Kube {
                region: "eu-west-1".into(),
                context: "sim-eu-west-1".into(),
                change: KubeChange::Upsert(KubeRow::Event(EventRow {
                    namespace: "shop".into(),
                    time: Some(fixtures::now()),
                    kind: "Warning".into(),
                    reason: "Evil\u{1b}[5m".into(),
                    object: "Pod/x".into(),
                    message: HOSTILE.into(),
                    count: 1,
                })),
            },
        ]),
    );
    app.stack.push(View::Alerts);
    app.derive();
    let text = screen_has_no_escape(&render_buffer(&app, "default", 160, 48));
    assert!(text.contains(CLEAN), "{text}");
    assert!(text.contains("lmth.exe"));

    app.stack.pop();
    app.stack.push(View::Region("eu-west-1".into()));
    app.sel.region_tab = RegionTab::Events;
    app.derive();
    let text = screen_has_no_escape(&render_buffer(&app, "default", 160, 48));
    assert!(text.contains(CLEAN), "{text}");
    assert!(text.contains("Evil"));
}
