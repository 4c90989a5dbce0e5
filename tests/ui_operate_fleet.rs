//! Deploy, failover and failback from the console, through `update()`: the
//! forms open on the selection with their prefills, toggles change what is
//! planned, the palette offers them by name, and a region failover from
//! launch to a running operation takes three keys plus the typed name.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ui_common;

use opsdeck::app::effect::OpCommand;
use opsdeck::app::fixtures::{self, ops};
use opsdeck::app::op_form::OpForm;
use opsdeck::app::op_preview::PlanOutcome;
use opsdeck::app::state::{AppState, Overlay};
use opsdeck::app::{Effect, Msg, update};
use opsdeck::control::Operation;
use ui_common::{press, render, type_text};

fn planned_as(app: &mut AppState, op: &Operation) {
    let mut plan = ops::scale_plan(true);
    plan.operation = op.clone();
    update(
        app,
        Msg::Planned {
            id: 1,
            outcome: Box::new(PlanOutcome::Ready {
                plan,
                dry_run: vec![(0, Ok(()))],
                refusal: None,
            }),
        },
    );
}

fn planned_op(effects: &[Effect]) -> Operation {
    match effects {
        [Effect::PlanOperation { op, .. }] => op.clone(),
        other => panic!("no plan asked: {other:?}"),
    }
}

/// The region of the fleet view's first row (a region header).
fn first_region(app: &AppState) -> String {
    app.snapshot.regions[0].name.clone()
}

#[test]
fn a_whole_region_fails_over_from_launch_in_three_keys_and_the_typed_name() {
    let mut app = fixtures::app(false);
    let region = first_region(&app);
    assert!(press(&mut app, "F").is_empty());
    let Some(Overlay::OpForm(OpForm::Failover(f))) = &app.overlay else {
        panic!("no failover form: {:?}", app.overlay);
    };
    assert_eq!(f.from, region, "the source is the selected region");
    assert!(f.services.is_empty(), "a region header: every service");
    assert_eq!(f.targets.items.len(), app.snapshot.regions.len() - 1);
    assert!(f.targets.items.iter().all(|(r, on)| *on && *r != region));
    let screen = render(&app, 80, 24);
    assert!(screen.contains(&format!("Fail over {region}")), "{screen}");
    assert!(
        screen.contains("safety rule: never total weight 0"),
        "{screen}"
    );

    let op = planned_op(&press(&mut app, "enter"));
    assert_eq!(
        op,
        Operation::Failover {
            services: Vec::new(),
            from: region.clone(),
            to: Vec::new(),
            scale_down: false,
            allow_shortfall: false,
        }
    );
    planned_as(&mut app, &op);
    // The fixture's plan asks for the service's name to be typed.
    type_text(&mut app, "checkout");
    let effects = press(&mut app, "enter");
    assert!(
        effects.contains(&Effect::StartOperation(OpCommand::Run(op))),
        "{effects:?}"
    );
}

#[test]
fn failover_targets_toggle_and_none_left_is_refused_in_the_form() {
    let mut app = fixtures::app(false);
    press(&mut app, "F space");
    let Some(Overlay::OpForm(OpForm::Failover(f))) = &app.overlay else {
        panic!("no failover form");
    };
    let rest: Vec<String> = f.targets.items[1..].iter().map(|t| t.0.clone()).collect();
    let op = planned_op(&press(&mut app, "enter"));
    let Operation::Failover { to, .. } = op else {
        panic!("{op:?}")
    };
    assert_eq!(to, rest, "the first target toggled off");

    let mut app = fixtures::app(false);
    press(&mut app, "F");
    let n = app.snapshot.regions.len() - 1;
    for _ in 0..n {
        press(&mut app, "space down");
    }
    assert!(press(&mut app, "enter").is_empty(), "nothing planned");
    assert!(render(&app, 80, 24).contains("toggle at least one region on"));
}

#[test]
fn failover_of_one_service_and_failback_of_a_region() {
    let mut app = fixtures::app(false);
    // Row 6: the first service of the second region.
    press(&mut app, "down down down down down down F");
    let Some(Overlay::OpForm(OpForm::Failover(f))) = &app.overlay else {
        panic!("no failover form");
    };
    assert_eq!(f.services.len(), 1, "the selected service only");
    assert_ne!(f.from, first_region(&app));

    let mut app = fixtures::app(false);
    let region = first_region(&app);
    assert_eq!(
        planned_op(&press(&mut app, "B")),
        Operation::Failback {
            services: Vec::new(),
            to: region
        }
    );
}

#[test]
fn deploy_prefills_the_running_image_and_needs_a_new_one() {
    let mut app = fixtures::app(false);
    press(&mut app, "down down down down down down D");
    let Some(Overlay::OpForm(OpForm::Deploy(f))) = &app.overlay else {
        panic!("no deploy form: {:?}", app.overlay);
    };
    let current = f.current.clone().expect("the running image");
    assert_eq!(f.image, current, "prefilled");
    let service = f.service.clone();
    assert!(render(&app, 80, 24).contains(&format!("Deploy {service}")));
    // Unchanged: refused in the form.
    assert!(press(&mut app, "enter").is_empty());
    assert!(render(&app, 80, 24).contains("is what runs now"));
    // Replace the tag; `j`/`k` are text here, not navigation.
    let tag = current.rsplit(':').next().unwrap().len();
    for _ in 0..tag {
        press(&mut app, "backspace");
    }
    type_text(&mut app, "9.9.9-jk");
    let op = planned_op(&press(&mut app, "enter"));
    let want = format!("{}9.9.9-jk", &current[..current.len() - tag]);
    assert_eq!(
        op,
        Operation::Deploy {
            service,
            image: want,
            container: None,
            regions: Vec::new(),
        }
    );
}

#[test]
fn the_palette_offers_failover_failback_and_deploy_by_name() {
    let mut app = fixtures::app(false);
    let region = app.snapshot.regions[1].name.clone();
    press(&mut app, ":");
    type_text(&mut app, &format!("failover {region}"));
    press(&mut app, "enter");
    let Some(Overlay::OpForm(OpForm::Failover(f))) = &app.overlay else {
        panic!("no failover form: {:?}", app.overlay);
    };
    assert_eq!(f.from, region);
    press(&mut app, "esc :");
    type_text(&mut app, "deploy payments");
    press(&mut app, "enter");
    let Some(Overlay::OpForm(OpForm::Deploy(f))) = &app.overlay else {
        panic!("no deploy form: {:?}", app.overlay);
    };
    assert_eq!(f.service, "payments");
}

#[test]
fn read_only_refuses_failover_deploy_and_failback() {
    for k in ["F", "D", "B"] {
        let mut app = fixtures::app_with(true, false, "default");
        press(&mut app, "down down down down down down");
        assert!(press(&mut app, k).is_empty(), "{k}");
        assert!(app.overlay.is_none(), "{k}");
        assert!(render(&app, 100, 24).contains("read-only:"), "{k}");
    }
}

#[test]
fn the_failover_and_deploy_forms_at_80x24() {
    let mut app = fixtures::app(false);
    press(&mut app, "F down space");
    insta::assert_snapshot!("failover_form_80x24", render(&app, 80, 24));
    let mut app = fixtures::app(false);
    press(&mut app, "down down down down down down D down space");
    insta::assert_snapshot!("deploy_form_80x24", render(&app, 80, 24));
}

#[test]
fn the_detached_process_gets_the_commands_arguments() {
    let failover = OpCommand::Run(Operation::Failover {
        services: Vec::new(),
        from: "us-east-1".into(),
        to: vec!["eastus".into()],
        scale_down: false,
        allow_shortfall: false,
    });
    let args = failover.args().unwrap();
    assert_eq!(
        args[..5],
        ["failover", "--from", "us-east-1", "--to", "eastus"].map(String::from)
    );
    assert!(args.contains(&"--yes".to_string()));
    let deploy = OpCommand::Run(Operation::Deploy {
        service: "checkout".into(),
        image: "r/c:2".into(),
        container: None,
        regions: vec!["eastus".into(), "eu-west-1".into()],
    });
    assert_eq!(
        deploy.args().unwrap()[..6],
        [
            "deploy",
            "checkout",
            "--image",
            "r/c:2",
            "--regions",
            "eastus,eu-west-1"
        ]
        .map(String::from)
    );
    let back = OpCommand::Run(Operation::Failback {
        services: vec!["checkout".into()],
        to: "us-east-1".into(),
    });
    assert_eq!(
        back.args().unwrap()[..4],
        ["failback", "checkout", "--to", "us-east-1"].map(String::from)
    );
}

#[test]
fn the_operations_view_pauses_and_continues_the_running_operation() {
    let mut app = fixtures::app(false);
    update(
        &mut app,
        Msg::Journals {
            changed: ops::journals(),
            error: None,
        },
    );
    press(&mut app, "esc 4");
    let screen = render(&app, 100, 24);
    assert!(
        screen.contains("p pause") && screen.contains("c continue"),
        "{screen}"
    );
    let id = "20261118T092800Z-scale-a1b2c3".to_string();
    assert_eq!(
        press(&mut app, "p"),
        vec![Effect::StartOperation(OpCommand::Pause(id.clone()))]
    );
    assert_eq!(
        press(&mut app, "c"),
        vec![Effect::StartOperation(OpCommand::Continue(id.clone()))]
    );
    assert_eq!(
        OpCommand::Pause(id.clone()).args().unwrap()[..3],
        ["ops", "pause", id.as_str()].map(String::from)
    );
    // A finished one is not running: nothing is sent.
    assert!(press(&mut app, "down down p").is_empty());
    assert!(render(&app, 100, 24).contains("not running"));
}
