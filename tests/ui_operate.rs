//! Acting from the console, through `update()`: the scale and rollback
//! forms, restart, the plan preview with y/n and typed-name confirmation, a
//! guard's refusal, the palette's named operations, the Operations view
//! (journal, fleet cell labels, abort) and the resume prompt at start.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ui_common;

use opsdeck::app::effect::OpCommand;
use opsdeck::app::fixtures::{self, ops};
use opsdeck::app::op_form::OpForm;
use opsdeck::app::op_preview::PlanOutcome;
use opsdeck::app::state::{AppState, Overlay, Question, View};
use opsdeck::app::{Effect, Msg, update};
use opsdeck::control::Operation;
use opsdeck::control::error::Refusal;
use ui_common::{press, render, type_text};

/// The fleet view with checkout in eu-west-1 selected (row 5 is the
/// eu-west-1 header, row 6 its first service).
fn on_checkout_eu() -> AppState {
    let mut app = fixtures::app(false);
    press(&mut app, "down down down down down down");
    app
}

fn ready(typed: bool) -> PlanOutcome {
    PlanOutcome::Ready {
        plan: ops::scale_plan(typed),
        dry_run: vec![(0, Ok(()))],
        refusal: None,
    }
}

fn planned(app: &mut AppState, id: u64, outcome: PlanOutcome) -> Vec<Effect> {
    update(
        app,
        Msg::Planned {
            id,
            outcome: Box::new(outcome),
        },
    )
}

fn start_of(effects: &[Effect]) -> Option<&OpCommand> {
    effects.iter().find_map(|e| match e {
        Effect::StartOperation(c) => Some(c),
        _ => None,
    })
}

#[test]
fn scale_form_prefills_plans_previews_and_starts_on_y() {
    let mut app = on_checkout_eu();
    assert!(press(&mut app, "S").is_empty());
    let Some(Overlay::OpForm(OpForm::Scale(f))) = &app.overlay else {
        panic!("no scale form: {:?}", app.overlay);
    };
    assert_eq!(f.target.service, "checkout");
    assert_eq!(f.target.region, "eu-west-1");
    assert_eq!(f.replicas, "3", "prefilled with the current count");
    assert!(f.hpa.as_deref().unwrap_or("").contains("HPA shop/checkout"));
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Scale checkout in eu-west-1"), "{screen}");
    assert!(
        screen.contains("bounds 1..50") || screen.contains("bounds "),
        "{screen}"
    );

    // Letters are not replicas; backspace and digits are.
    type_text(&mut app, "x");
    press(&mut app, "backspace");
    type_text(&mut app, "5");
    let effects = press(&mut app, "enter");
    assert_eq!(
        effects,
        vec![Effect::PlanOperation {
            id: 1,
            op: ops::scale_op(5)
        }]
    );
    assert!(matches!(app.overlay, Some(Overlay::Planning { id: 1, .. })));
    assert!(render(&app, 80, 24).contains("Planning"));

    assert!(planned(&mut app, 1, ready(false)).is_empty());
    let screen = render(&app, 80, 24);
    assert!(screen.contains("spec.minReplicas: 2 -> 5"), "{screen}");
    assert!(screen.contains("server dry run: accepted"), "{screen}");
    assert!(
        screen.contains("capacity 250 req/s vs 181.5 req/s now"),
        "{screen}"
    );
    assert!(screen.contains("cost +8.40 USD/day"), "{screen}");
    assert!(screen.contains("Proceed?"), "{screen}");

    let effects = press(&mut app, "y");
    assert_eq!(start_of(&effects), Some(&OpCommand::Run(ops::scale_op(5))));
    assert!(app.overlay.is_none());
}

#[test]
fn scale_form_arrows_and_bad_input() {
    let mut app = on_checkout_eu();
    press(&mut app, "S up up");
    let Some(Overlay::OpForm(OpForm::Scale(f))) = &app.overlay else {
        panic!("no form");
    };
    assert_eq!(f.replicas, "5");
    press(&mut app, "backspace");
    let effects = press(&mut app, "enter");
    assert!(effects.is_empty(), "nothing typed: no plan");
    assert!(render(&app, 80, 24).contains("type a whole number"));
    // Esc closes the form; nothing was asked of the executor.
    assert!(press(&mut app, "esc").is_empty());
    assert!(app.overlay.is_none());
}

#[test]
fn no_on_the_preview_changes_nothing() {
    let mut app = on_checkout_eu();
    press(&mut app, "S enter");
    planned(&mut app, 1, ready(false));
    assert!(press(&mut app, "n").is_empty());
    assert!(app.overlay.is_none());
    assert!(render(&app, 80, 24).contains("not confirmed: nothing was changed"));
}

#[test]
fn typed_confirmation_needs_the_name_or_its_short_form() {
    let mut app = on_checkout_eu();
    press(&mut app, "S enter");
    planned(&mut app, 1, ready(true));
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("Type checkout (or che) to proceed (it changes a production region)"),
        "{screen}"
    );
    // `y` is typed text here, not a yes.
    assert!(press(&mut app, "y").is_empty());
    press(&mut app, "backspace");
    // Too short to name it, then not its name.
    type_text(&mut app, "ch");
    assert!(press(&mut app, "enter").is_empty());
    assert!(render(&app, 80, 24).contains("type checkout (or che) exactly to go on"));
    type_text(&mut app, "x");
    assert!(press(&mut app, "enter").is_empty());
    press(&mut app, "backspace");
    type_text(&mut app, "e");
    let effects = press(&mut app, "enter");
    // The operation the plan was made for.
    assert_eq!(start_of(&effects), Some(&OpCommand::Run(ops::scale_op(5))));
}

#[test]
fn a_refused_plan_shows_the_rule_and_runs_nothing() {
    let mut app = on_checkout_eu();
    press(&mut app, "S enter");
    planned(
        &mut app,
        1,
        PlanOutcome::Ready {
            plan: ops::scale_plan(false),
            dry_run: Vec::new(),
            refusal: Some(ops::rbac_refusal()),
        },
    );
    let screen = render(&app, 160, 30);
    assert!(
        screen.contains(
            "refused by RBAC: missing permission `patch horizontalpodautoscalers.autoscaling in namespace shop`"
        ),
        "{screen}"
    );
    assert!(screen.contains("nothing runs"), "{screen}");
    assert!(!screen.contains("Proceed?"));
    assert!(
        press(&mut app, "y").is_empty(),
        "y does not run a refused plan"
    );
    assert!(app.overlay.is_none());

    // Bounds are refused by planning itself: the rule is named.
    press(&mut app, "S");
    type_text(&mut app, "00");
    press(&mut app, "enter");
    planned(
        &mut app,
        2,
        PlanOutcome::Refused(Refusal::Bounds {
            message: "300 replicas in eu-west-1 is above the maximum 50 (services.checkout.replicas = { min = 1, max = 50 })".into(),
        }),
    );
    let screen = render(&app, 120, 30);
    assert!(
        screen.contains("refused by bounds: 300 replicas"),
        "{screen}"
    );
    assert!(screen.contains("scale checkout to 300 replicas in eu-west-1"));
    assert!(press(&mut app, "enter").is_empty());
}

#[test]
fn a_plan_that_arrives_after_cancel_is_dropped() {
    let mut app = on_checkout_eu();
    press(&mut app, "S enter esc");
    assert!(app.overlay.is_none());
    planned(&mut app, 1, ready(false));
    assert!(app.overlay.is_none(), "the operator cancelled");
    // A stale answer does not replace the current wait.
    press(&mut app, "S enter");
    planned(&mut app, 1, ready(false));
    assert!(matches!(app.overlay, Some(Overlay::Planning { id: 2, .. })));
}

#[test]
fn rollback_picks_a_revision_from_the_replicaset_history() {
    let mut app = on_checkout_eu();
    press(&mut app, "R");
    let Some(Overlay::OpForm(OpForm::Rollback(f))) = &app.overlay else {
        panic!("no rollback form");
    };
    let revs: Vec<(u64, bool)> = f
        .revisions
        .iter()
        .map(|r| (r.revision, r.current))
        .collect();
    assert_eq!(revs, vec![(5, true), (4, false)]);
    assert_eq!(f.selected, 1, "prefilled with the previous revision");
    let screen = render(&app, 80, 24);
    assert!(screen.contains("rev 4"), "{screen}");
    assert!(screen.contains("checkout:1.4.0"), "{screen}");
    // The current revision cannot be picked.
    press(&mut app, "up");
    assert!(press(&mut app, "enter").is_empty());
    assert!(render(&app, 80, 24).contains("is the current one"));
    press(&mut app, "down");
    assert_eq!(
        press(&mut app, "enter"),
        vec![Effect::PlanOperation {
            id: 1,
            op: Operation::Rollback {
                service: "checkout".into(),
                region: "eu-west-1".into(),
                to_revision: Some(4),
            }
        }]
    );
}

#[test]
fn restart_plans_at_once_and_region_headers_are_not_targets() {
    let mut app = on_checkout_eu();
    assert_eq!(
        press(&mut app, "X"),
        vec![Effect::PlanOperation {
            id: 1,
            op: Operation::Restart {
                service: "checkout".into(),
                region: "eu-west-1".into(),
            }
        }]
    );
    let mut app = fixtures::app(false);
    assert!(press(&mut app, "S").is_empty());
    assert!(app.overlay.is_none());
    assert!(render(&app, 100, 24).contains("scale: select a service"));
}

#[test]
fn read_only_refuses_before_any_form() {
    let mut app = fixtures::app_with(true, false, "default");
    press(&mut app, "down down down down down down");
    assert!(press(&mut app, "S").is_empty());
    assert!(app.overlay.is_none());
    assert!(render(&app, 100, 24).contains("read-only: scale is refused"));
}

#[test]
fn palette_offers_operations_by_name() {
    let mut app = fixtures::app(false);
    press(&mut app, ":");
    type_text(&mut app, "rollback payments eu-west-1");
    press(&mut app, "enter");
    let Some(Overlay::OpForm(OpForm::Rollback(f))) = &app.overlay else {
        panic!("no rollback form: {:?}", app.overlay);
    };
    assert_eq!(f.target.service, "payments");
    assert_eq!(f.target.region, "eu-west-1");
    press(&mut app, "esc :");
    type_text(&mut app, "restart search eastus");
    assert_eq!(
        press(&mut app, "enter"),
        vec![Effect::PlanOperation {
            id: 1,
            op: Operation::Restart {
                service: "search".into(),
                region: "eastus".into(),
            }
        }]
    );
}

fn with_journals(app: &mut AppState) {
    update(
        app,
        Msg::Journals {
            changed: ops::journals(),
            error: None,
        },
    );
}

#[test]
fn at_start_an_unfinished_operation_is_offered_for_resume_undo_or_leave() {
    let mut app = fixtures::app(false);
    with_journals(&mut app);
    let Some(Overlay::Ask(Question::Unfinished { id, .. })) = &app.overlay else {
        panic!("no prompt: {:?}", app.overlay);
    };
    assert_eq!(id, "20261118T090000Z-scale-d4e5f6");
    let screen = render(&app, 80, 24);
    assert!(screen.contains("An operation did not finish"), "{screen}");
    assert!(screen.contains("r resume"), "{screen}");
    // Keys that mean nothing here keep the question.
    assert!(press(&mut app, "S").is_empty());
    assert!(matches!(app.overlay, Some(Overlay::Ask(_))));
    let effects = press(&mut app, "r");
    assert_eq!(
        start_of(&effects),
        Some(&OpCommand::Resume("20261118T090000Z-scale-d4e5f6".into()))
    );

    let mut app = fixtures::app(false);
    with_journals(&mut app);
    let effects = press(&mut app, "u");
    assert_eq!(
        start_of(&effects),
        Some(&OpCommand::Undo("20261118T090000Z-scale-d4e5f6".into()))
    );

    let mut app = fixtures::app(false);
    with_journals(&mut app);
    assert!(press(&mut app, "esc").is_empty());
    assert!(app.overlay.is_none());
    assert!(
        render(&app, 100, 24).contains(
            "left unfinished; later: opsdeck ops resume|undo 20261118T090000Z-scale-d4e5f6"
        )
    );
    // Offered once: later journal updates do not ask again.
    with_journals(&mut app);
    assert!(app.overlay.is_none());
}

#[test]
fn operations_view_follows_the_journal_and_aborts_on_request() {
    let mut app = fixtures::app(false);
    with_journals(&mut app);
    press(&mut app, "esc");
    // The fleet cell of a service under an operation says so.
    let fleet = render(&app, 160, 48);
    assert!(fleet.contains("checkout scale 1/2"), "{fleet}");

    press(&mut app, "4");
    assert_eq!(*app.view(), View::Operations);
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("scale checkout to 5 replicas in eu-west-1"),
        "{screen}"
    );
    assert!(screen.contains("running"), "{screen}");
    assert!(screen.contains("Journal (3)"), "{screen}");

    // Abort the running one (row 0): asks, then SIGINT to its pid.
    assert!(press(&mut app, "a").is_empty());
    assert!(render(&app, 80, 24).contains("gets SIGINT"));
    assert_eq!(
        press(&mut app, "y"),
        vec![Effect::AbortOperation {
            id: "20261118T092800Z-scale-a1b2c3".into(),
            pid: 4242
        }]
    );
    // A finished one cannot be aborted.
    press(&mut app, "down down a");
    assert!(app.overlay.is_none());
    assert!(render(&app, 100, 24).contains("is succeeded, not running"));

    // Enter opens its steps; esc closes them, then leaves the view.
    press(&mut app, "enter");
    let screen = render(&app, 80, 24);
    assert!(screen.contains("result: rolled back payments"), "{screen}");
    assert!(
        screen.contains("errorRatio=0.0012 readyReplicas=4 updatedReplicas=4"),
        "the gate's numbers: {screen}"
    );
    press(&mut app, "esc");
    assert!(app.ops.open.is_none());
    assert_eq!(*app.view(), View::Operations);

    // The filter narrows the journal.
    press(&mut app, "/");
    type_text(&mut app, "rollback");
    press(&mut app, "enter");
    assert_eq!(app.ops.shown.len(), 1);
}

#[test]
fn help_lists_the_new_keys_with_their_descriptions() {
    let mut app = fixtures::app(false);
    press(&mut app, "4 ?");
    let screen = render(&app, 80, 60);
    assert!(
        screen.contains("Abort the selected running operation"),
        "{screen}"
    );
    let mut app = fixtures::app(false);
    press(&mut app, "?");
    let text = (0..6)
        .map(|_| {
            let s = render(&app, 80, 24);
            press(&mut app, "pagedown");
            s
        })
        .collect::<String>();
    assert!(
        text.contains("Rolling restart of the selected deployment"),
        "{text}"
    );
    assert!(text.contains("confirm keys"), "{text}");
}

#[test]
fn quitting_with_an_operation_running_asks_and_leaves_it_running() {
    let mut app = fixtures::app(false);
    with_journals(&mut app);
    press(&mut app, "esc");
    assert!(press(&mut app, "q").is_empty(), "asks first");
    let screen = render(&app, 80, 24);
    assert!(screen.contains("1 operation(s) running"), "{screen}");
    assert!(screen.contains("y quit, leave them running"), "{screen}");
    assert!(press(&mut app, "n").is_empty());
    assert!(app.overlay.is_none());
    press(&mut app, "q");
    assert_eq!(press(&mut app, "y"), vec![Effect::Quit]);
    // SIGTERM/SIGHUP never ask.
    let mut app = fixtures::app(false);
    with_journals(&mut app);
    assert_eq!(update(&mut app, Msg::Terminate), vec![Effect::Quit]);
}

#[test]
fn a_failed_planning_effect_closes_the_wait() {
    let mut app = on_checkout_eu();
    press(&mut app, "S enter");
    update(
        &mut app,
        Msg::EffectFailed {
            what: "plan: scale checkout".into(),
            error: "no effect executor is running".into(),
        },
    );
    assert!(app.overlay.is_none());
    assert!(render(&app, 100, 24).contains("no effect executor is running"));
}

#[test]
fn a_step_whose_process_died_shows_stopped_not_running() {
    let mut app = fixtures::app(false);
    with_journals(&mut app);
    press(&mut app, "esc 4 down enter");
    let screen = render(&app, 100, 24);
    assert!(screen.contains("state unfinished"), "{screen}");
    let step = screen
        .lines()
        .find(|l| l.contains("set hpa shop/search in us-east-1"))
        .unwrap_or_default();
    assert!(step.contains("stopped"), "{screen}");
}

#[test]
fn the_service_view_and_the_deployments_tab_are_targets_too() {
    // Service view of payments, eu-west-1 preselected (row 1).
    let mut app = fixtures::app(false);
    app.stack.push(View::Service("payments".into()));
    app.sel.service = 1;
    assert_eq!(
        press(&mut app, "X"),
        vec![Effect::PlanOperation {
            id: 1,
            op: Operation::Restart {
                service: "payments".into(),
                region: "eu-west-1".into(),
            }
        }]
    );
    // Deployments tab of europe-west4: the selected deployment's service.
    let mut app = fixtures::app(false);
    app.stack.push(View::Region("europe-west4".into()));
    press(&mut app, "right");
    let effects = press(&mut app, "X");
    let Some(Effect::PlanOperation {
        op: Operation::Restart { service, region },
        ..
    }) = effects.first()
    else {
        panic!("no restart planned: {effects:?}");
    };
    assert_eq!(region, "europe-west4");
    assert!(fixtures::SERVICES.contains(&service.as_str()));
    // Other tabs (pods) are not a service.
    press(&mut app, "left");
    assert!(press(&mut app, "X").is_empty());
}
