//! The fleet as a list, when there are more regions than matrix columns
//! (see `app::fleet_list`): a line per region under its group's line
//! (provider and cloud region, with how many of its regions hurt), the
//! services as columns, worst first; the title counts the whole fleet, so
//! what is off screen is still told. The window scrolls to keep the
//! selection in view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::fleet::Block;
use super::fleet_matrix::{cell, fit};
use crate::app::fleet_list::{group, hurts};
use crate::app::state::AppState;
use crate::model::{Health, RegionView};
use crate::sanitize::clean;
use crate::ui::format;
use crate::ui::style::Look;

/// Columns of a service's cell (`✔ 12/12m` and a gap).
const CELL_W: usize = 9;

/// One line of the list: a group's heading, or a region.
enum Item<'a> {
    Group {
        provider: &'a str,
        cloud_region: &'a str,
        members: Vec<&'a RegionView>,
    },
    Region(&'a Block),
}

/// Counts of regions by health, worst first, as "2 down · 1 degraded · 9 ok".
fn counts(regions: &[&RegionView]) -> String {
    let by = |h: Health| regions.iter().filter(|r| r.health == h).count();
    let stale = regions.iter().filter(|r| r.stale).count();
    let mut parts: Vec<String> = [Health::Down, Health::Degraded, Health::Unknown, Health::Ok]
        .into_iter()
        .filter_map(|h| {
            Some(by(h))
                .filter(|n| *n > 0)
                .map(|n| format!("{n} {}", h.label()))
        })
        .collect();
    if stale > 0 {
        parts.push(format!("{stale} stale"));
    }
    parts.join(" · ")
}

/// The lines: a group's heading wherever the group changes (a group with
/// regions that hurt and healthy ones heads both parts).
fn items<'a>(app: &'a AppState, blocks: &'a [Block]) -> Vec<Item<'a>> {
    let mut out: Vec<Item> = Vec::new();
    let mut last: Option<((&str, &str), bool)> = None;
    for b in blocks {
        let Some(r) = app.snapshot.regions.get(b.0) else {
            continue;
        };
        let key = (group(app, b.0), hurts(r));
        if last != Some(key) {
            last = Some(key);
            out.push(Item::Group {
                provider: key.0.0,
                cloud_region: key.0.1,
                members: Vec::new(),
            });
        }
        if let Some(Item::Group { members, .. }) = out
            .iter_mut()
            .rev()
            .find(|i| matches!(i, Item::Group { .. }))
        {
            members.push(r);
        }
        out.push(Item::Region(b));
    }
    out
}

/// The line of the selected region.
fn selected_line(app: &AppState, items: &[Item]) -> usize {
    items
        .iter()
        .position(|i| match i {
            Item::Region(b) => {
                let end = b.1 + b.2.len();
                (b.1..=end).contains(&app.sel.fleet)
            }
            Item::Group { .. } => false,
        })
        .unwrap_or(0)
}

/// Stale or without data, else (from metrics) pods failed or pending.
fn region_state(r: &RegionView) -> String {
    let pods = |phase: &str| r.workload_summary.as_ref().map_or(0, |s| s.phase(phase));
    match (r.data_age_seconds, r.health_age_seconds, r.stale) {
        (Some(a), _, true) => format!("STALE {}", format::age(a)),
        (_, None, _) => "no data".into(),
        _ if pods("Failed") > 0 => format!("{} failed", pods("Failed")),
        _ if pods("Pending") > 0 => format!("{} pend", pods("Pending")),
        _ => String::new(),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &AppState, blocks: &[Block], look: &Look) {
    let shown: Vec<&RegionView> = blocks
        .iter()
        .filter_map(|b| app.snapshot.regions.get(b.0))
        .collect();
    let services = app.service_specs.len();
    // As much of the title as fits: the counts first.
    let mut title = format!(" Fleet: {} regions · {} ", shown.len(), counts(&shown));
    for more in [
        format!(
            " {} {services} services",
            if look.ascii { "x" } else { "×" }
        ),
        " · worst first".to_string(),
    ] {
        if title.width() + more.width() + 2 <= usize::from(area.width) {
            title.insert_str(title.find(" · ").unwrap_or(title.len()), &more);
        }
    }
    let items = items(app, blocks);
    let at = selected_line(app, &items);
    let block = look
        .block()
        .title(Span::styled(title, look.title()))
        .title_bottom(
            Line::from(format!(
                " {}/{} {} ",
                blocks
                    .iter()
                    .position(|b| (b.1..=b.1 + b.2.len()).contains(&app.sel.fleet))
                    .map_or(0, |i| i + 1),
                blocks.len(),
                if look.ascii {
                    "up/down, / filter"
                } else {
                    "↑↓ regions · ←→ services · / filter"
                }
            ))
            .right_aligned()
            .style(look.muted()),
        );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let state_w = 9;
    let name_w = width.saturating_sub(services * CELL_W).clamp(8, 30);
    let show_state = name_w >= 22;
    let name_w = if show_state { name_w - state_w } else { name_w };

    let mut lines: Vec<Line> = Vec::new();
    let mut head = vec![Span::styled(fit("region", name_w), look.muted())];
    if show_state {
        head.push(Span::raw(" ".repeat(state_w)));
    }
    for spec in &app.service_specs {
        head.push(Span::styled(fit(&clean(&spec.name), CELL_W), look.muted()));
    }
    lines.push(Line::from(head));

    let rows = usize::from(inner.height).saturating_sub(1);
    let offset = (at + 1).saturating_sub(rows);
    for item in items.iter().skip(offset).take(rows) {
        lines.push(match item {
            Item::Group {
                provider,
                cloud_region,
                members,
            } => {
                let worst = members
                    .iter()
                    .map(|r| r.health)
                    .max_by_key(|h| h.severity());
                let worst = worst.unwrap_or(Health::Unknown);
                let total = (0..app.region_specs.len())
                    .filter(|ri| group(app, *ri) == (*provider, *cloud_region))
                    .count();
                let text = format!(
                    "{} {} {} · {} (of {total})",
                    look.mark(worst),
                    clean(provider),
                    clean(cloud_region),
                    counts(members)
                );
                Line::styled(fit(&text, width), look.health(worst))
            }
            Item::Region(b) => region_line(app, b, name_w, show_state.then_some(state_w), look),
        });
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn region_line<'a>(
    app: &AppState,
    b: &Block,
    name_w: usize,
    state_w: Option<usize>,
    look: &Look,
) -> Line<'a> {
    let Some(r) = app.snapshot.regions.get(b.0) else {
        return Line::default();
    };
    let name = format!("  {} {}", look.mark(r.health), clean(&r.name));
    let name = if r.production && name.width() + 5 <= name_w {
        format!("{name} PROD")
    } else {
        name
    };
    let name_style = if app.sel.fleet == b.1 {
        look.selected()
    } else if r.stale {
        look.stale()
    } else if r.production {
        look.production()
    } else {
        look.health(r.health)
    };
    let mut spans = vec![Span::styled(fit(&name, name_w), name_style)];
    if let Some(w) = state_w {
        spans.push(Span::styled(fit(&region_state(r), w), look.stale()));
    }
    for (si, c) in r.services.iter().enumerate() {
        let row = b.2.iter().find(|(_, s)| *s == si).map(|(row, _)| *row);
        if row.is_none() {
            spans.push(Span::raw(" ".repeat(CELL_W)));
            continue;
        }
        let (text, mut style) = cell(app, r, c, look);
        if row == Some(app.sel.fleet) {
            style = look.selected();
        }
        spans.push(Span::styled(fit(&text, CELL_W - 1), style));
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}
