//! The lines of the deploy and failover forms: the image being typed, the
//! regions toggled on or off under a cursor, the safety rule.

use ratatui::text::{Line, Span};

use crate::app::op_form::{DeployForm, FailoverForm, Toggles};
use crate::sanitize::clean;
use crate::ui::style::Look;

fn toggles(t: &Toggles, look: &Look) -> Vec<Line<'static>> {
    t.items
        .iter()
        .enumerate()
        .map(|(i, (name, on))| {
            let mark = if i == t.cursor { ">" } else { " " };
            let check = match (on, look.ascii) {
                (true, true) => "[x]",
                (false, true) => "[ ]",
                (true, false) => "☑",
                (false, false) => "☐",
            };
            let style = if i == t.cursor {
                look.selected()
            } else if *on {
                look.text()
            } else {
                look.muted()
            };
            Line::styled(format!("{mark} {check} {}", clean(name)), style)
        })
        .collect()
}

pub fn deploy_lines(f: &DeployForm, look: &Look) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::styled(
            format!(
                "now: {}",
                f.current.as_deref().map(clean).unwrap_or("unknown".into())
            ),
            look.muted(),
        ),
        Line::from(vec![
            Span::styled("Image ", look.selected()),
            Span::raw(" "),
            Span::styled(clean(&f.image).into_owned(), look.text()),
            Span::styled(if look.ascii { "_" } else { "▏" }, look.accent()),
        ]),
        Line::raw(""),
        Line::styled(
            "regions (all on: the configured waves; space toggles, arrows move):",
            look.muted(),
        ),
    ];
    lines.extend(toggles(&f.regions, look));
    lines.push(Line::styled(
        "each wave: set image, wait for the rollout, SLO + canary gate; a failure rolls back every wave done",
        look.muted(),
    ));
    lines
}

pub fn failover_lines(f: &FailoverForm, look: &Look) -> Vec<Line<'static>> {
    let what = match f.services.first() {
        Some(s) => format!("service {}", clean(s)),
        None => "every service of the region".into(),
    };
    let mut lines = vec![Line::styled(
        format!("move {what} off {} onto (space toggles):", clean(&f.from)),
        look.muted(),
    )];
    lines.extend(toggles(&f.targets, look));
    lines.push(Line::styled(
        format!(
            "safety rule: never total weight 0, never fewer than {} serving region{}",
            f.min_serving,
            if f.min_serving == 1 { "" } else { "s" }
        ),
        look.warn(),
    ));
    lines
}
