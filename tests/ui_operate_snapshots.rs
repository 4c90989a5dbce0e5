//! Snapshots of acting from the console at 80×24 (and the Operations view at
//! 160×48): the scale and rollback forms, the plan preview (y/n, typed name,
//! refused), the Operations view live and opened, the resume prompt and the
//! expire-silence question.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ui_common;

use opsdeck::app::fixtures::{self, ops};
use opsdeck::app::op_preview::PlanOutcome;
use opsdeck::app::state::AppState;
use opsdeck::app::{Msg, update};
use ui_common::{press, render};

fn on_checkout_eu() -> AppState {
    let mut app = fixtures::app(false);
    press(&mut app, "down down down down down down");
    app
}

fn preview(outcome: PlanOutcome) -> AppState {
    let mut app = on_checkout_eu();
    press(&mut app, "S up up enter");
    update(
        &mut app,
        Msg::Planned {
            id: 1,
            outcome: Box::new(outcome),
        },
    );
    app
}

fn with_journals() -> AppState {
    let mut app = fixtures::app(false);
    update(
        &mut app,
        Msg::Journals {
            changed: ops::journals(),
            error: None,
        },
    );
    app
}

#[test]
fn scale_form_80x24() {
    let mut app = on_checkout_eu();
    press(&mut app, "S");
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn rollback_form_80x24() {
    let mut app = on_checkout_eu();
    press(&mut app, "R");
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn preview_yes_no_80x24() {
    let app = preview(PlanOutcome::Ready {
        plan: ops::scale_plan(false),
        dry_run: vec![(0, Ok(()))],
        refusal: None,
    });
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn preview_typed_name_80x24() {
    let mut app = preview(PlanOutcome::Ready {
        plan: ops::scale_plan(true),
        dry_run: vec![(0, Ok(()))],
        refusal: None,
    });
    ui_common::type_text(&mut app, "check");
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn preview_refused_80x24() {
    let app = preview(PlanOutcome::Ready {
        plan: ops::scale_plan(false),
        dry_run: Vec::new(),
        refusal: Some(ops::rbac_refusal()),
    });
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn preview_dry_run_rejected_80x24() {
    let app = preview(PlanOutcome::Ready {
        plan: ops::scale_plan(false),
        dry_run: vec![(
            0,
            Err("HorizontalPodAutoscaler.autoscaling \"checkout\" is invalid: spec.minReplicas \u{1b}[31mred".into()),
        )],
        refusal: None,
    });
    let screen = render(&app, 80, 24);
    assert!(!screen.contains('\u{1b}'), "server text is sanitised");
    insta::assert_snapshot!(screen);
}

#[test]
fn resume_prompt_80x24() {
    let app = with_journals();
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn operations_live_80x24() {
    let mut app = with_journals();
    press(&mut app, "esc 4");
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn operations_live_160x48() {
    let mut app = with_journals();
    press(&mut app, "esc 4");
    insta::assert_snapshot!(render(&app, 160, 48));
}

#[test]
fn operations_opened_80x24() {
    let mut app = with_journals();
    press(&mut app, "esc 4 down down enter");
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn fleet_under_operation_80x24() {
    let mut app = with_journals();
    press(&mut app, "esc");
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn expire_silence_question_80x24() {
    let mut app = fixtures::app(false);
    press(&mut app, "2 right x");
    insta::assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn forms_and_preview_160x48() {
    let mut app = on_checkout_eu();
    press(&mut app, "S");
    insta::assert_snapshot!("scale_form_160x48", render(&app, 160, 48));
    press(&mut app, "esc R");
    insta::assert_snapshot!("rollback_form_160x48", render(&app, 160, 48));
    let app = preview(PlanOutcome::Ready {
        plan: ops::scale_plan(true),
        dry_run: vec![(0, Ok(()))],
        refusal: None,
    });
    insta::assert_snapshot!("preview_typed_name_160x48", render(&app, 160, 48));
}
